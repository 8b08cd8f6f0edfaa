"""exposure_kit: net exposure in crypto derivatives, for learners and desks.

The public names live in private modules, one job each, and are gathered here. Every name loads
on first use (PEP 562), so ``import exposure_kit`` is cheap and a process that needs one module
(the classroom server needs only ``_errors``) does not load numpy, pandas and matplotlib.
``tests/engine/test_public_api.py`` checks that the table below lists each module's ``__all__``.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = ("plots", "widgets", "exercises")

# Each private module and the public names it owns (``VENUES`` is owned by ``_margin``, which
# takes it from ``_brackets``).
_PUBLIC_NAMES = {
    "_book": (
        "Book", "DEFAULT_MEASURE", "ExposureSummary", "MEASURES", "Position", "STABLECOINS",
        "check_equity"
    ),
    "_brackets": ("bracket_maintenance", "maintenance_amounts", "read_brackets"),
    "_changes": ("changes_since", "pnl_explain"),
    "_diagnostics": (
        "FINDING_CODES", "Finding", "SEVERITIES", "diagnose", "findings_frame", "ranked_findings"
    ),
    "_errors": (
        "InputError", "PositionError", "checked_fraction", "checked_integer", "checked_number",
        "number_from_text"
    ),
    "_estimates": (
        "Estimate", "HedgeEstimates", "RETURN_METHODS", "hedge_estimates", "price_returns",
        "rolling_hedge_estimates"
    ),
    "_expiries": ("EXPIRY_BUCKETS", "dated_book", "delta_ladder", "expiry_buckets"),
    "_format": ("book_table", "describe_net", "percent", "usd", "usd_short"),
    "_funding": (
        "MAX_FUNDING_RATE", "annualised_funding", "checked_funding", "funding_payment",
        "funding_rate", "funding_table"
    ),
    "_hedging": (
        "HEDGE_STATUSES", "hedge_contracts", "hedge_effectiveness", "hedge_notional", "hedge_ratio",
        "hedge_status", "min_variance_hedge_ratio", "optimal_hedge_ratio", "residual_risk_usd",
        "residual_volatility", "with_hedge"
    ),
    "_instruments": ("black76_delta", "black76_gamma", "black76_price", "black76_theta", "norm_cdf"),
    "_io": (
        "SAMPLES", "from_ccxt_positions", "read_positions", "sample_book", "sample_path",
        "write_positions"
    ),
    "_limits": ("LIMIT_METRICS", "LIMIT_SCOPES", "NEAR_LIMIT", "check_limits", "read_limits"),
    "_margin": (
        "MARGIN_MODES", "MarginAccount", "VENUES", "account_risk", "coin_margined_liquidation_price",
        "initial_margin", "liquidation_price", "margin_pools", "wallet_name"
    ),
    "_paths": ("RebalanceResult", "exposure_path", "price_paths", "rebalance_path"),
    "_prices": ("PERIODS_PER_YEAR", "read_prices", "sample_prices"),
    "_replay": ("HOLD_MODES", "ReplayResult", "replay_book"),
    "_report": (
        "ReportPage", "read_account_equity", "read_funding_rates", "report", "report_data",
        "sample_equity"
    ),
    "_scenarios": (
        "ScenarioGrid", "ScenarioResult", "scenario_grid", "shock_exposures", "shock_pnl",
        "stress_grid", "stress_scenarios", "stress_test"
    ),
    "_snapshots": ("exposure_history",),
}

_HOME = {name: module for module, names in _PUBLIC_NAMES.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))
