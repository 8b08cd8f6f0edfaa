"""What a price history says about risk and hedging: returns, volatility, correlation, beta and the
minimum-variance hedge, over one window or rolling, each with its standard error.

Every estimate comes from a finite sample, so it is reported with the window it used (first and
last date, number of returns) and a standard error, the usual large-sample one:

- volatility: ``vol / sqrt(2 (n - 1))`` (returns close to normal);
- correlation: ``(1 - r^2) / sqrt(n - 3)`` (Fisher's z, mapped back);
- beta: the least-squares slope's ``sqrt(residual variance / sum of (x - mean x)^2)``, with the
  residual variance over ``n - 2``;
- hedge effectiveness (R squared): ``2 |r| (1 - r^2) / sqrt(n - 3)``.

Roughly, the true value lies within two standard errors of the estimate 95 times in 100, if the
relation did not change over the window (it often does: the rolling estimates show by how much).

Beta of an asset to a reference and the minimum-variance ratio for hedging the asset with the
reference are the same number, ``cov / var``: per dollar of the asset, sell that many dollars of
the reference. Both come from :func:`exposure_kit.min_variance_hedge_ratio`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._errors import PositionError, checked_integer, checked_number
from ._hedging import hedge_effectiveness, min_variance_hedge_ratio
from ._periods import OBSERVATIONS_PER_YEAR, day_text
from ._prices import sample_prices  # noqa: F401 (doctests)

__all__ = ["price_returns", "hedge_estimates", "rolling_hedge_estimates", "Estimate",
           "HedgeEstimates", "RETURN_METHODS"]

RETURN_METHODS = ("log", "simple", "change")


# ----- returns --------------------------------------------------------------------------------
def _check_prices(prices: Any) -> pd.DataFrame:
    if not isinstance(prices, pd.DataFrame) or prices.empty:
        raise PositionError("prices", "must be a non-empty DataFrame of closes, one column per "
                            "asset (see read_prices)")
    values = prices.to_numpy(dtype=float)
    bad = np.isfinite(values) & (values <= 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise PositionError(str(prices.columns[j]), f"must be a positive price, got "
                            f"{values[i, j]!r}", row=day_text(prices.index[i]), row_label="date")
    return prices


def price_returns(prices: pd.DataFrame, method: str = "log") -> pd.DataFrame:
    """Period returns from closes: one row per date after the first.

    Parameters
    ----------
    prices : DataFrame
        Closes by date, as :func:`read_prices` gives.
    method : {"log", "simple", "change"}, default "log"
        ``log(P1 / P0)``, ``P1 / P0 - 1``, or the price change ``P1 - P0`` (what Hull's hedge
        ratio examples use).

    Returns
    -------
    pandas.DataFrame
        Indexed by the date each period ends. A gap (a NaN close) gives NaN returns next to it:
        nothing is filled.

    Examples
    --------
    >>> prices = pd.DataFrame({"BTC": [100.0, 110.0, 99.0]})
    >>> price_returns(prices, "simple")["BTC"].round(4).tolist()
    [0.1, -0.1]
    >>> price_returns(prices, "change")["BTC"].tolist()
    [10.0, -11.0]
    """
    prices = _check_prices(prices).astype(float)
    if method == "log":
        out = np.log(prices).diff()
    elif method == "simple":
        out = prices / prices.shift(1) - 1.0
    elif method == "change":
        out = prices.diff()
    else:
        raise PositionError("method", f"{method!r} is not one of {', '.join(RETURN_METHODS)}")
    out = out.iloc[1:]
    out.attrs = dict(prices.attrs)
    return out


# ----- one window -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    """A number estimated from data, and its standard error.

    Examples
    --------
    >>> print(Estimate(1.0722, 0.0412))
    1.072 ± 0.041
    """

    value: float
    standard_error: float

    def __str__(self) -> str:
        return f"{self.value:.4g} ± {self.standard_error:.2g}"


@dataclass(frozen=True)
class HedgeEstimates:
    """Risk and hedge estimates of ``asset`` against ``reference`` over one window.

    Attributes
    ----------
    asset, reference : str
    start, end : pandas.Timestamp
        The first and last date of the window's prices.
    observations : int
        Number of returns used.
    method : str
        The kind of returns (see :func:`price_returns`).
    periods_per_year : float or None
        Used to annualise the volatilities (None: per period).
    volatility, reference_volatility, correlation, beta, effectiveness : Estimate
        ``beta`` is the minimum-variance hedge ratio (also :attr:`hedge_ratio`); ``effectiveness``
        is the share of variance the hedge removes (R squared).
    """

    asset: str
    reference: str
    start: pd.Timestamp
    end: pd.Timestamp
    observations: int
    method: str
    periods_per_year: float | None
    volatility: Estimate
    reference_volatility: Estimate
    correlation: Estimate
    beta: Estimate
    effectiveness: Estimate

    @property
    def hedge_ratio(self) -> Estimate:
        """The minimum-variance hedge ratio: the same number as :attr:`beta`."""
        return self.beta

    def to_frame(self) -> pd.DataFrame:
        """One row per estimate: ``estimate`` and ``standard_error``.

        Examples
        --------
        >>> est = hedge_estimates(sample_prices(), "ETH", window=90)
        >>> est.to_frame().index.tolist()[:3]
        ['ETH volatility', 'BTC volatility', 'correlation']
        """
        rows = {f"{self.asset} volatility": self.volatility,
                f"{self.reference} volatility": self.reference_volatility,
                "correlation": self.correlation,
                f"beta to {self.reference} = min-variance hedge ratio": self.beta,
                "hedge effectiveness (R squared)": self.effectiveness}
        return pd.DataFrame({"estimate": [e.value for e in rows.values()],
                             "standard_error": [e.standard_error for e in rows.values()]},
                            index=pd.Index(list(rows), name="estimate"))

    def __str__(self) -> str:
        per = "annualised" if self.periods_per_year else "per period"
        head = (f"{self.asset} against {self.reference}: {self.observations} {self.method} "
                f"returns from {day_text(self.start)} to {day_text(self.end)} (volatility {per})")
        table = self.to_frame().map(lambda v: f"{v:.4f}")
        table.index.name = None
        table.columns = ["estimate", "standard error"]
        return head + "\n" + table.to_string()


def _pair(prices: pd.DataFrame, asset: str, reference: str, method: str) -> pd.DataFrame:
    columns = {str(c).strip().upper(): c for c in prices.columns}
    pair = []
    for role, name in (("asset", asset), ("reference", reference)):
        key = str(name).strip().upper()
        if key not in columns:
            raise PositionError(role, f"the prices have no column for {key} (they hold "
                                f"{', '.join(columns)})")
        pair.append(columns[key])
    if pair[0] == pair[1]:
        raise PositionError("reference", f"is the asset itself ({asset})")
    returns = price_returns(prices[pair], method)
    returns.columns = ["asset", "reference"]
    return returns


def _refuse_gaps(returns: pd.DataFrame, names: tuple[str, str]) -> None:
    gap = returns.isna().any(axis=1)
    if gap.any():
        column = int(np.flatnonzero(returns[gap].iloc[0].isna().to_numpy())[0])
        raise PositionError("prices", f"{names[column]} has a gap next to "
                            f"{day_text(returns.index[gap][0])}: choose a window without it, or "
                            "fill the data at its source", row=None)


def _stats(a: np.ndarray, x: np.ndarray, per_year: float | None) -> dict[str, Estimate]:
    """The five estimates for returns ``a`` (asset) and ``x`` (reference)."""
    n = a.size
    if n < 4:
        raise PositionError("window", f"needs at least 4 returns for a standard error, got {n}")
    with np.errstate(all="ignore"):     # an overflow is refused below, by name
        beta = min_variance_hedge_ratio(a, x)
        r_squared = hedge_effectiveness(a, x)
        r = float(np.corrcoef(a, x)[0, 1])
        residual = (a - a.mean()) - beta * (x - x.mean())
        beta_se = np.sqrt(residual @ residual / (n - 2) / ((x - x.mean()) @ (x - x.mean())))
        scale = np.sqrt(per_year) if per_year else 1.0
        vol_a, vol_x = np.std(a, ddof=1) * scale, np.std(x, ddof=1) * scale
    shrink = np.sqrt(2 * (n - 1))
    corr_se = (1 - r**2) / np.sqrt(n - 3)
    _refuse_overflow({"volatility": vol_a, "reference_volatility": vol_x, "beta": beta,
                      "beta_se": beta_se, "correlation": r})
    return {"volatility": Estimate(float(vol_a), float(vol_a / shrink)),
            "reference_volatility": Estimate(float(vol_x), float(vol_x / shrink)),
            "correlation": Estimate(r, float(corr_se)),
            "beta": Estimate(beta, float(beta_se)),
            "effectiveness": Estimate(r_squared, float(2 * abs(r) * corr_se))}


_ROLLING_CHUNK = 8_192      # windows per step: 8,192 x window floats at a time, not n x window


def _rolling_stats(a: np.ndarray, x: np.ndarray, size: int, per_year: float | None,
                   ends: pd.Index, names: tuple[str, str]) -> dict[str, np.ndarray]:
    """What :func:`_stats` gives for every window of ``size`` returns, as columns, computed a
    block of windows at a time (each window centred on its own means, as ``np.cov`` does)."""
    windows_a = np.lib.stride_tricks.sliding_window_view(a, size)
    windows_x = np.lib.stride_tricks.sliding_window_view(x, size)
    count, n = len(windows_a), size
    keys = ("volatility", "reference_volatility", "correlation", "beta", "effectiveness")
    out = {f"{k}{se}": np.empty(count) for k in keys for se in ("", "_se")}
    scale = np.sqrt(per_year) if per_year else 1.0
    shrink = np.sqrt(2 * (n - 1))
    with np.errstate(all="ignore"):
        for start in range(0, count, _ROLLING_CHUNK):
            block = slice(start, min(start + _ROLLING_CHUNK, count))
            da = windows_a[block] - windows_a[block].mean(axis=1, keepdims=True)
            dx = windows_x[block] - windows_x[block].mean(axis=1, keepdims=True)
            saa = np.einsum("ij,ij->i", da, da)
            sxx = np.einsum("ij,ij->i", dx, dx)
            sax = np.einsum("ij,ij->i", da, dx)
            _refuse_flat(saa, sxx, ends[block], names)
            beta = sax / sxx
            residual = da - beta[:, None] * dx
            r = sax / np.sqrt(saa * sxx)
            corr_se = (1 - r**2) / np.sqrt(n - 3)
            vol_a, vol_x = np.sqrt(saa / (n - 1)) * scale, np.sqrt(sxx / (n - 1)) * scale
            columns = {"volatility": (vol_a, vol_a / shrink),
                       "reference_volatility": (vol_x, vol_x / shrink),
                       "correlation": (r, corr_se),
                       "beta": (beta, np.sqrt(np.einsum("ij,ij->i", residual, residual)
                                              / (n - 2) / sxx)),
                       "effectiveness": (r**2, 2 * np.abs(r) * corr_se)}
            for key, (value, se) in columns.items():
                out[key][block], out[f"{key}_se"][block] = value, se
    _refuse_overflow({k: v for k, v in out.items()}, ends)
    return out


def _refuse_flat(saa: np.ndarray, sxx: np.ndarray, ends: pd.Index,
                 names: tuple[str, str]) -> None:
    for sums, name in ((sxx, names[1]), (saa, names[0])):
        flat = sums == 0
        if flat.any():
            raise PositionError("prices", f"{name} does not move in the window ending "
                                f"{day_text(ends[int(np.argmax(flat))])}, so there is no "
                                f"{'hedge' if name == names[1] else 'risk'} to estimate")


def _refuse_overflow(values: dict[str, Any], ends: pd.Index | None = None) -> None:
    """Estimates that overflowed (price changes near 1e308 squared) are refused, not shown as
    an infinite volatility and a beta of 0."""
    for key, value in values.items():
        finite = np.isfinite(np.asarray(value, dtype=float))
        if not finite.all():
            where = f" (window ending {day_text(ends[int(np.argmin(finite))])})" \
                if ends is not None and np.ndim(value) else ""
            raise PositionError("prices", f"the {key.replace('_', ' ')} overflows to infinity"
                                f"{where}: the price changes are too large to square; use "
                                "method='log' or smaller units")


def _per_year(prices: pd.DataFrame, periods_per_year: float | None) -> float | None:
    if periods_per_year is not None:
        return checked_number("periods_per_year", periods_per_year, positive=True)
    return OBSERVATIONS_PER_YEAR.get(prices.attrs.get("frequency"))


def _check_window(window: Any, available: int) -> int:
    if window is None:
        return available
    checked_integer("window", window, minimum=4)
    if window > available:
        raise PositionError("window", f"asks for {window} returns; the prices give {available}")
    return int(window)


def hedge_estimates(prices: pd.DataFrame, asset: str, reference: str = "BTC", *,
                    window: int | None = None, end: Any = None, method: str = "log",
                    periods_per_year: float | None = None) -> HedgeEstimates:
    """Volatility, correlation, beta (= minimum-variance hedge ratio) and hedge effectiveness of
    ``asset`` against ``reference``, with standard errors.

    Parameters
    ----------
    prices : DataFrame
        Closes by date (:func:`read_prices`, :func:`sample_prices`).
    asset : str
        The exposure to hedge.
    reference : str, default "BTC"
        What beta is measured against, and what hedges.
    window : int, optional
        Number of returns to use, ending at ``end``; all of them by default.
    end : date-like, optional
        Last date of the window (the latest by default).
    method : {"log", "simple", "change"}, default "log"
        See :func:`price_returns`.
    periods_per_year : float, optional
        To annualise volatility; by default from the prices' calendar (365 for daily crypto
        closes, 252 weekdays, 52 weeks, 12 months), per period if it is unknown.

    Returns
    -------
    HedgeEstimates

    Examples
    --------
    >>> est = hedge_estimates(sample_prices(), "ETH", "BTC", window=365)
    >>> est.observations, str(est.end.date())
    (365, '2024-12-31')
    >>> 0.5 < est.beta.value < 1.5 and est.beta.standard_error < 0.1
    True
    """
    returns = _pair(_check_prices(prices), asset, reference, method)
    if end is not None:
        returns = returns.loc[:pd.Timestamp(end)]
    size = _check_window(window, len(returns))
    chosen = returns.iloc[len(returns) - size:]
    names = (str(asset).upper(), str(reference).upper())
    _refuse_gaps(chosen, names)
    per_year = _per_year(prices, periods_per_year)
    stats = _stats(chosen["asset"].to_numpy(), chosen["reference"].to_numpy(), per_year)
    start = prices.index[prices.index.get_loc(chosen.index[0]) - 1]
    return HedgeEstimates(asset=names[0], reference=names[1], start=start, end=chosen.index[-1],
                          observations=size, method=method, periods_per_year=per_year, **stats)


def rolling_hedge_estimates(prices: pd.DataFrame, asset: str, reference: str = "BTC", *,
                            window: int = 90, method: str = "log",
                            periods_per_year: float | None = None) -> pd.DataFrame:
    """The estimates of :func:`hedge_estimates` over a window rolled one date at a time.

    Parameters
    ----------
    prices, asset, reference, method, periods_per_year
        As in :func:`hedge_estimates`.
    window : int, default 90
        Number of returns in each window.

    Returns
    -------
    pandas.DataFrame
        Indexed by each window's last date; columns ``volatility``, ``reference_volatility``,
        ``correlation``, ``beta``, ``effectiveness`` and each one's ``..._se``. ``attrs`` holds
        ``window``, ``asset``, ``reference`` and ``method``. A window touching a gap is refused
        by name rather than skipped.

    Examples
    --------
    >>> rolling = rolling_hedge_estimates(sample_prices(), "ETH", window=90)
    >>> len(rolling), rolling.attrs["window"]
    (1371, 90)
    >>> bool(rolling["beta"].max() - rolling["beta"].min() > 4 * rolling["beta_se"].median())
    True
    """
    returns = _pair(_check_prices(prices), asset, reference, method)
    size = _check_window(window, len(returns))
    names = (str(asset).upper(), str(reference).upper())
    _refuse_gaps(returns, names)
    per_year = _per_year(prices, periods_per_year)
    a, x = returns["asset"].to_numpy(dtype=float), returns["reference"].to_numpy(dtype=float)
    if size < 4:
        raise PositionError("window", f"needs at least 4 returns for a standard error, got "
                            f"{size}")
    ends = returns.index[size - 1:]
    out = pd.DataFrame(_rolling_stats(a, x, size, per_year, ends, names), index=ends)
    out.attrs = {"window": size, "asset": names[0], "reference": names[1], "method": method,
                 "periods_per_year": per_year}
    return out

