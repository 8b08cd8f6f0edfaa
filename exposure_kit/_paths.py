"""Prices over time and what they do to a book: seeded price paths, exposure drift, rebalancing.

A path is a DataFrame, one row per step and one column per underlying (or per position name, for
an instrument with a price of its own). The book's prices are taken to be those of the path's
first row: each later row moves every position by ``path[t] / path[0]``. Exposures along the path
come from the same engine as everywhere else (the kernel's ``Rows.exposures_at``): linear
positions grow with their price, inverse ones keep their USD face under ``inverse="face"`` (an
account that sweeps its coin P&L to USD) and grow with the price under ``inverse="coin_pnl"`` (an
account that keeps it), options get a new delta at every step (time to expiry held fixed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ._book import Book
from ._errors import PositionError, checked_number
from ._kernel import sides_per_step, sides_table
from ._periods import DAYS_PER_YEAR

__all__ = ["price_paths", "exposure_path", "rebalance_path", "RebalanceResult"]


# ----- simulated prices ------------------------------------------------------------------------
def _per_asset(values, keys: list[str], field: str, *, low: float | None = None) -> np.ndarray:
    if isinstance(values, Mapping):
        table = {str(k).strip().upper(): v for k, v in values.items()}
        missing = [k for k in keys if k not in table]
        if missing:
            raise PositionError(field, f"has no value for {', '.join(missing)}")
        extra = [k for k in table if k not in keys]
        if extra:
            raise PositionError(field, f"has values for {', '.join(extra)}, which have no start "
                                "price")
        raw = [table[k] for k in keys]
    else:
        raw = [values] * len(keys)
    out = np.empty(len(keys))
    for i, (key, value) in enumerate(zip(keys, raw)):
        try:
            value = checked_number(field, value)
        except PositionError:
            raise PositionError(field, f"{key}: must be a finite number, got {value!r}") from None
        if low is not None and value < low:
            raise PositionError(field, f"{key}: must not be below {low:g}, got {value!r}")
        out[i] = float(value)
    return out


def _correlation_matrix(correlation, keys: list[str]) -> np.ndarray:
    k = len(keys)
    if isinstance(correlation, pd.DataFrame):
        labels = {str(c).strip().upper(): c for c in correlation.columns}
        rows = {str(c).strip().upper(): c for c in correlation.index}
        if any(key not in labels or key not in rows for key in keys):
            raise PositionError("correlation", f"needs rows and columns for {', '.join(keys)}")
        matrix = correlation.loc[[rows[x] for x in keys], [labels[x] for x in keys]]
        matrix = matrix.to_numpy(dtype=float)
    elif np.ndim(correlation) == 0:
        matrix = np.full((k, k), float(correlation))
        np.fill_diagonal(matrix, 1.0)
    else:
        matrix = np.asarray(correlation, dtype=float)
    if matrix.shape != (k, k):
        raise PositionError("correlation", f"must be {k} x {k}, got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)) or np.any(np.abs(matrix) > 1):
        raise PositionError("correlation", "every correlation must lie in [-1, 1]")
    if not np.allclose(matrix, matrix.T) or not np.allclose(np.diag(matrix), 1.0):
        raise PositionError("correlation", "must be symmetric with ones on the diagonal")
    return matrix


def _factor_loadings(matrix: np.ndarray) -> np.ndarray:
    """A matrix ``L`` with ``L @ L.T == matrix``: Cholesky, or eigenvectors when singular."""
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(matrix)
        if values.min() < -1e-10:
            raise PositionError("correlation", "is not a valid correlation matrix (not positive "
                                "semi-definite): some of the correlations contradict each "
                                "other") from None
        return vectors * np.sqrt(np.clip(values, 0.0, None))


def price_paths(start_prices: Mapping[str, float], vols: Mapping[str, float] | float,
                correlation=0.0, steps: int = 250, dt: float = 1 / DAYS_PER_YEAR,
                drift: Mapping[str, float] | float = 0.0, seed: int = 0) -> pd.DataFrame:
    """Seeded, correlated price paths (geometric Brownian motion), made locally.

    ``log S[t+1] - log S[t] = (drift - vol^2 / 2) dt + vol sqrt(dt) z``, with the ``z`` of the
    assets correlated as asked. The same seed gives the same paths.

    Parameters
    ----------
    start_prices : dict
        Price at step 0 per underlying, e.g. ``{"BTC": 60_000, "ETH": 3_000}``.
    vols : dict or float
        Annualised volatility per underlying (0.6 for 60 %), or one for all.
    correlation : float, 2-D array or DataFrame, default 0
        One correlation for every pair, or a full matrix (array in the order of
        ``start_prices``, or a DataFrame labelled by underlying).
    steps : int, default 250
    dt : float, default 1/365
        Length of a step in years (a day).
    drift : dict or float, default 0
        Annualised drift.
    seed : int, default 0

    Returns
    -------
    pandas.DataFrame
        Index ``step`` 0 to ``steps``, one column per underlying; row 0 is ``start_prices``.

    Examples
    --------
    >>> paths = price_paths({"BTC": 60_000, "ETH": 3_000}, {"BTC": 0.6, "ETH": 0.8},
    ...                     correlation=0.8, steps=5, seed=1)
    >>> paths.shape, paths.iloc[0].tolist()
    ((6, 2), [60000.0, 3000.0])
    """
    if not isinstance(start_prices, Mapping) or not start_prices:
        raise PositionError("start_prices", "needs at least one underlying and its price")
    keys = [str(k).strip().upper() for k in start_prices]
    start = _per_asset(start_prices, keys, "start_prices")
    if np.any(start <= 0):
        raise PositionError("start_prices", "prices must be positive")
    vol = _per_asset(vols, keys, "vols", low=0.0)
    mu = _per_asset(drift, keys, "drift")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise PositionError("steps", f"must be a whole number >= 1, got {steps!r}")
    dt = checked_number("dt", dt, positive=True)
    loadings = _factor_loadings(_correlation_matrix(correlation, keys))
    shocks = np.random.default_rng(seed).standard_normal((steps, len(keys))) @ loadings.T
    log_steps = (mu - 0.5 * vol**2) * dt + vol * np.sqrt(dt) * shocks
    log_path = np.vstack([np.zeros(len(keys)), np.cumsum(log_steps, axis=0)])
    return pd.DataFrame(start * np.exp(log_path), columns=keys,
                        index=pd.RangeIndex(steps + 1, name="step"))


# ----- exposure along a path ------------------------------------------------------------------
def _check_paths(paths) -> pd.DataFrame:
    if not isinstance(paths, pd.DataFrame):
        raise PositionError("paths", f"must be a DataFrame (one column per underlying), got "
                            f"{type(paths).__name__}")
    if paths.empty:
        raise PositionError("paths", "is empty: it needs at least one step and one column")
    values = paths.to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise PositionError("paths", f"prices must be positive finite numbers; column "
                            f"{paths.columns[j]!r} has {values[i, j]!r}", row=paths.index[i])
    return paths


def _path_columns(book: Book, paths: pd.DataFrame) -> np.ndarray:
    """The column of ``paths`` each position follows: its own name if there is one, else its
    underlying."""
    labels = [str(c) for c in paths.columns]
    by_name = {c: i for i, c in enumerate(labels)}
    by_under = {c.strip().upper(): i for i, c in enumerate(labels)}
    names = book.rows.frame["name"].astype(str).to_numpy()
    unders = book.rows.column("underlying")
    cols = np.array([by_name.get(n, by_under.get(u, -1)) for n, u in zip(names, unders)], int)
    if (cols < 0).any():
        i = int(np.flatnonzero(cols < 0)[0])
        raise PositionError("paths", f"has no column for {unders[i]} (nor for the position's "
                            "name)", row=i, name=names[i])
    return cols


def _exposures_at(book: Book, factors: np.ndarray, options: Mapping[str, Any]) -> np.ndarray:
    return book.rows.exposures_at(factors, **book.rows.options_of(options))


def _path_factors(book: Book, paths: pd.DataFrame) -> np.ndarray:
    paths = _check_paths(paths)
    ratios = paths.to_numpy(dtype=float) / paths.iloc[0].to_numpy(dtype=float)
    return ratios[:, _path_columns(book, paths)]


def _sides_frame(signed: np.ndarray, index: pd.Index) -> pd.DataFrame:
    return sides_table(*sides_per_step(signed), index)


def exposure_path(book: Book, paths: pd.DataFrame, **options: Any) -> pd.DataFrame:
    """Long, short, net and gross exposure at every step of a path, the book held unchanged.

    Parameters
    ----------
    book : Book
    paths : DataFrame
        Prices per step: a column per underlying, or per position name for an instrument that
        has a price of its own (a future against its spot). Row 0 is taken to be the book's
        current prices; every position moves by ``path[t] / path[0]``.
    **options
        As in :meth:`Book.exposures`: ``measure``, ``betas``, ``inverse`` ("face" or "coin_pnl"),
        ``reference``. ``denomination="coin"`` needs a single underlying.

    Returns
    -------
    pandas.DataFrame
        Columns ``long``, ``short``, ``net``, ``gross``; the index of ``paths``.

    Examples
    --------
    One BTC held, hedged with an inverse short of $60,000 face, as BTC falls from 60,000 to
    48,000: in the face reading (the coin P&L sold for dollars) the hedge stays $60,000 and the
    book turns $12,000 net short; an account that keeps the coin P&L stays flat.

    >>> book = Book.from_records([
    ...     {"name": "spot", "underlying": "BTC", "kind": "spot", "side": "long",
    ...      "quantity": 1, "price": 60_000},
    ...     {"name": "inverse", "underlying": "BTC", "kind": "perp", "side": "short",
    ...      "quantity": 600, "contract_size": 100, "inverse": True, "price": 60_000,
    ...      "entry_price": 60_000}])
    >>> paths = pd.DataFrame({"BTC": [60_000.0, 54_000.0, 48_000.0]})
    >>> exposure_path(book, paths)["net"].round(2).tolist()
    [0.0, -6000.0, -12000.0]
    >>> exposure_path(book, paths, inverse="coin_pnl")["net"].round(2).tolist()
    [0.0, 0.0, 0.0]
    """
    if options.get("denomination") == "coin" and len(book.underlyings) > 1:
        raise PositionError("denomination", "coin sums need a single underlying")
    signed = _exposures_at(book, _path_factors(book, paths), options) if len(book) else \
        np.zeros((len(paths), 0))
    return _sides_frame(signed, paths.index)


# ----- rebalancing --------------------------------------------------------------------------
@dataclass(frozen=True)
class RebalanceResult:
    """A book rebalanced along a path.

    Attributes
    ----------
    exposure : DataFrame
        Long, short, net, gross per step, hedge included (after any trade at that step).
    trades : DataFrame
        One row per trade: ``step`` (the path's index label), ``underlying``, ``notional``
        (signed USD at that step's price; negative sells).
    count : int
        Number of trades.
    hedge : Series
        Exposure of the accumulated hedge position at each step.
    held : DataFrame
        The same book held unchanged, for comparison.
    """

    exposure: pd.DataFrame
    trades: pd.DataFrame
    count: int
    hedge: pd.Series
    held: pd.DataFrame


def _check_rule(every, threshold) -> None:
    if every is None and threshold is None:
        raise PositionError("every", "give a rule: every=N steps, threshold=USD, or both")
    if every is not None and (isinstance(every, bool) or not isinstance(every, (int, np.integer))
                              or every < 1):
        raise PositionError("every", f"must be a whole number of steps >= 1, got {every!r}")
    if threshold is not None:
        checked_number("threshold", threshold, non_negative=True)


def _hedge_unit(book: Book, hedge: str, options: dict) -> float:
    """Exposure per USD of hedge notional in the chosen measure."""
    if options["measure"] != "beta":
        return 1.0
    table = {str(k).upper(): v for k, v in (options["betas"] or {}).items()}
    table.setdefault(options["reference"].upper(), 1.0)
    if hedge not in table:
        raise PositionError("betas", f"no beta for the hedge underlying {hedge}")
    return float(table[hedge])


def rebalance_path(book: Book, paths: pd.DataFrame, target: float = 0.0, *,
                   every: int | None = None, threshold: float | None = None,
                   hedge_underlying: str | None = None, kind: str = "perp",
                   underlying: str | None = None, **options: Any) -> RebalanceResult:
    """Exposure along a path when a hedge is traded back to a target net by a rule.

    The hedge is one linear position (a ``kind`` perp by default) in ``hedge_underlying``; at each
    rebalance step it is resized so that the net exposure is exactly ``target`` again.

    Parameters
    ----------
    book : Book
    paths : DataFrame
        As in :func:`exposure_path`; it needs a column for the hedge underlying.
    target : float, default 0
        The net exposure to return to, in USD of the chosen measure.
    every : int, optional
        Rebalance at steps 0, ``every``, ``2 x every``, ... (by position along the path).
    threshold : float, optional
        Rebalance only when ``|net - target|`` exceeds this. With ``every``, it is checked at
        those steps only; alone, at every step.
    hedge_underlying : str, optional
        What the hedge trades; by default ``underlying``, else the book's largest gross exposure.
    kind : str, default "perp"
        Kind of the hedge (for the trades' description; the hedge is linear).
    underlying : str, optional
        Keep only this underlying's net at the target (the hedge must be on it); ``None`` keeps
        the whole book's net there.
    **options
        How exposure is measured, as in :meth:`Book.exposures` (``measure``, ``betas``,
        ``inverse``, ``reference``).

    Returns
    -------
    RebalanceResult

    Examples
    --------
    $100k of BTC hedged at step 0, then rebalanced every 2 steps as BTC climbs 10 % a step:

    >>> book = Book.from_records([{"underlying": "BTC", "kind": "spot", "side": "long",
    ...                            "notional": 100_000}])
    >>> paths = pd.DataFrame({"BTC": [100.0, 110.0, 121.0, 133.1]})
    >>> result = rebalance_path(book, paths, every=2)
    >>> result.count, result.exposure["net"].round(2).tolist()
    (1, [0.0, 0.0, 0.0, 0.0])
    """
    _check_rule(every, threshold)
    target = checked_number("target", target)
    o = book.rows.options_of(options)
    if o["denomination"] != "usd":
        raise PositionError("denomination", "rebalancing works in USD")
    factors = _path_factors(book, paths)
    signed = _exposures_at(book, factors, options)
    scope = np.ones(len(book), dtype=bool)
    if underlying is not None:
        underlying = str(underlying).strip().upper()
        scope = (book.rows.frame["underlying"] == underlying).to_numpy()
    hedge = _hedge_name(book, hedge_underlying, underlying)
    column = _path_columns_for(paths, hedge)
    ratio = paths.iloc[:, column].to_numpy(dtype=float) / float(paths.iloc[0, column])
    unit = _hedge_unit(book, hedge, o)
    base_net = signed[:, scope].sum(axis=1)
    quantity = np.zeros(len(paths))   # hedge notional at step-0 prices, traded at each step
    held_quantity = 0.0
    candidates = range(0, len(paths), every) if every is not None else range(len(paths))
    scale = max(1.0, float(np.abs(signed[0]).sum()))
    for t in candidates:
        gap = base_net[t] + held_quantity * ratio[t] * unit - target
        if (threshold is not None and abs(gap) <= threshold) or abs(gap) <= 1e-12 * scale:
            continue
        trade = -gap / (ratio[t] * unit)
        quantity[t] = trade
        held_quantity += trade
    traded = np.flatnonzero(quantity)
    hedge_exposure = np.cumsum(quantity) * ratio * unit
    exposure = _sides_frame(np.column_stack([signed, hedge_exposure]), paths.index)
    trades = pd.DataFrame({"step": paths.index[traded], "underlying": hedge, "kind": kind,
                           "notional": quantity[traded] * ratio[traded]})
    return RebalanceResult(exposure=exposure, trades=trades, count=len(traded),
                           hedge=pd.Series(hedge_exposure, index=paths.index, name="hedge"),
                           held=_sides_frame(signed, paths.index))


def _hedge_name(book: Book, hedge_underlying: str | None, underlying: str | None) -> str:
    if hedge_underlying is not None:
        hedge = str(hedge_underlying).strip().upper()
        if underlying is not None and hedge != underlying:
            raise PositionError("hedge_underlying", f"a {hedge} hedge does not change the net of "
                                f"{underlying}; hedge {underlying} itself or drop underlying=")
        return hedge
    if underlying is not None:
        return underlying
    if len(book) == 0:
        raise PositionError("book", "is empty: there is nothing to rebalance")
    return str(book.by("underlying")["gross"].idxmax())


def _path_columns_for(paths: pd.DataFrame, underlying: str) -> int:
    labels = [str(c).strip().upper() for c in paths.columns]
    if underlying not in labels:
        raise PositionError("paths", f"has no column for the hedge underlying {underlying}")
    return labels.index(underlying)
