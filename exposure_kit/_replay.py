"""A book replayed over a price history: its exposure, P&L and hedge ratio date by date, held as
it is or rebalanced by the rules simulated paths use (:func:`exposure_kit.rebalance_path`).

The prices are closes by date (:func:`exposure_kit.read_prices`). Exposure along them comes from
the path engine (:func:`exposure_kit.exposure_path`), so linear rows grow with their price, inverse
rows keep their USD face under ``inverse="face"`` and grow with the price under
``inverse="coin_pnl"``, and options get a new Black-76 delta every day (time to expiry held
fixed, as on simulated paths).

P&L is earned day by day on what was held at the previous close: a linear or inverse row makes
its USD exposure (notional measure, before the day's trade) times the day's return, which is exact
for linear contracts and for inverse ones in either convention (coin P&L sold for dollars at
each close under ``"face"``, kept under ``"coin_pnl"``); an option row makes the change in its Black-76
value. A rebalancing trade costs ``cost`` times its notional (fees and slippage). Funding is left
out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._book import Book
from ._errors import PositionError, checked_number
from ._paths import _hedge_name, _hedge_unit, _path_factors, exposure_path, rebalance_path
from ._prices import _day

__all__ = ["replay_book", "ReplayResult", "HOLD_MODES"]

HOLD_MODES = ("notional", "quantity")


@dataclass(frozen=True)
class ReplayResult:
    """A book replayed over a price history.

    Attributes
    ----------
    exposure : DataFrame
        Per date, after any trade that day: ``long``, ``short``, ``net``, ``gross``,
        ``hedge_ratio`` (short over long), ``hedge`` (exposure of the traded hedge), ``pnl``
        (the day's P&L, costs taken off), ``cost`` and ``cumulative_pnl``.
    held : DataFrame
        The same for the book held unchanged (no trades, no costs).
    trades : DataFrame
        One row per trade a rule made: ``date``, ``underlying``, ``kind``, ``notional`` (signed
        USD at that day's close; negative sells) and ``cost``.
    count : int
        Number of trades.
    total_cost : float
        What the trades cost in all.
    """

    exposure: pd.DataFrame
    held: pd.DataFrame
    trades: pd.DataFrame
    count: int
    total_cost: float


def _history(prices: Any, start: Any, end: Any) -> pd.DataFrame:
    if not isinstance(prices, pd.DataFrame) or prices.empty:
        raise PositionError("prices", "must be a non-empty DataFrame of closes by date "
                            "(see read_prices)")
    dates = prices.index
    if not isinstance(dates, pd.DatetimeIndex):
        raise PositionError("prices", "must be indexed by date (see read_prices)")
    back = np.flatnonzero(np.diff(dates.asi8) <= 0) if len(dates) > 1 else []
    if len(back):
        i = int(back[0]) + 1
        told = "appears twice" if dates[i] == dates[i - 1] else \
            f"comes after {_day(dates[i - 1])}"
        raise PositionError("prices", f"{_day(dates[i])} {told}: the dates must increase with no "
                            "date twice (sort them, drop repeats)", row=i, row_label="row")
    chosen = prices.loc[slice(_bound("start", start, dates), _bound("end", end, dates))]
    if len(chosen) < 2:
        raise PositionError("prices", f"need at least two dates to replay; {len(chosen)} lie "
                            "between start and end")
    return chosen


def _bound(name: str, value: Any, dates: pd.DatetimeIndex) -> pd.Timestamp | None:
    """``start``/``end`` as a timestamp comparable with the prices' dates (a time zone is
    converted to UTC when the dates have none, as read_prices does)."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise PositionError(name, f"{value!r} is not a date (write it as 2024-01-31)") from None
    if stamp is pd.NaT:
        raise PositionError(name, f"{value!r} is not a date (write it as 2024-01-31)")
    if stamp.tz is not None and dates.tz is None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    elif stamp.tz is None and dates.tz is not None:
        stamp = stamp.tz_localize(dates.tz)
    return stamp


def _refuse_overflow(frame: pd.DataFrame) -> None:
    values = frame.select_dtypes("number").to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise PositionError("cost", "the replay's totals overflow to infinity: check the cost "
                            "(a fraction per USD traded, 0.001 is 0.1 %) and the sizes")


def _needed_columns(book: Book, prices: pd.DataFrame, hedge: str | None) -> list:
    """The price columns the book follows (by position name, else underlying), checked."""
    labels = {str(c): c for c in prices.columns}
    upper = {str(c).strip().upper(): c for c in prices.columns}
    frame = book.rows.frame
    wanted, lacking = [], []
    for name, underlying in zip(frame["name"].astype(str), frame["underlying"]):
        column = labels.get(name, upper.get(underlying))
        if column is None:
            lacking.append(underlying)
        elif column not in wanted:
            wanted.append(column)
    if hedge is not None:
        if hedge not in upper:
            lacking.append(hedge)
        elif upper[hedge] not in wanted:
            wanted.append(upper[hedge])
    if lacking:
        names = ", ".join(dict.fromkeys(lacking))
        raise PositionError("prices", f"have no column for {names}, which the book needs "
                            f"(the prices hold {', '.join(map(str, prices.columns))})")
    values = prices[wanted]
    gap = values.isna().to_numpy()
    if gap.any():
        i, j = np.argwhere(gap)[0]
        raise PositionError(str(wanted[j]), "has no close on this date (a gap): replay a "
                            "stretch without gaps", row=_day(prices.index[i]), row_label="date")
    return wanted


def _at_history_prices(book: Book, first: pd.Series) -> Book:
    """The book's quantities revalued at the first date's closes (``hold="quantity"``)."""
    rows = book.rows
    prices = rows.need("price", np.ones(len(rows), dtype=bool), "hold='quantity' needs each "
                       "position's price to carry its quantity over")
    upper = {str(c).strip().upper(): c for c in first.index}
    labels = {str(c): c for c in first.index}
    columns = [labels.get(n, upper.get(u)) for n, u in
               zip(rows.frame["name"].astype(str), rows.frame["underlying"])]
    return book.revalue(first[columns].to_numpy(dtype=float) / prices)


def _daily_pnl(book: Book, factors: np.ndarray, inverse: str) -> np.ndarray:
    """P&L per date (row 0 is 0) of the book held: yesterday's exposure times today's return for
    linear and inverse rows, the change in Black-76 value for options."""
    rows = book.rows
    exposure = rows.exposures_at(factors, inverse=inverse)       # USD, delta measure
    daily = np.zeros(len(factors))
    if not len(book):
        return daily
    growth = factors[1:] / factors[:-1] - 1.0
    by_row = exposure[:-1] * growth
    model = rows.model_rows
    if model.any():                     # only the option rows: Black-76 is the costly part
        value = rows.subset(model).pnl_at(factors[:, model], inverse)
        by_row[:, model] = np.diff(value, axis=0)
    given_delta = rows.option & ~model  # options given as a delta: delta x exposure x return
    by_row[:, given_delta] *= rows.option_delta[given_delta]
    daily[1:] = by_row.sum(axis=1)
    return daily


def _with_pnl(sides: pd.DataFrame, daily: np.ndarray, cost: np.ndarray) -> pd.DataFrame:
    out = sides.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["hedge_ratio"] = np.where(out["long"] > 0, out["short"] / out["long"], np.nan)
    out["cost"] = cost
    out["pnl"] = daily - cost
    out["cumulative_pnl"] = np.cumsum(out["pnl"].to_numpy())
    return out


def replay_book(book: Book, prices: pd.DataFrame, target: float = 0.0, *,
                every: int | None = None, threshold: float | None = None,
                hedge_underlying: str | None = None, underlying: str | None = None,
                kind: str = "perp", cost: float = 0.0, start: Any = None, end: Any = None,
                hold: str = "notional", **options: Any) -> ReplayResult:
    """Exposure, P&L and hedge ratio of a book over a price history, with or without a
    rebalancing rule.

    With no rule the book is held as it is. With ``every`` and/or ``threshold`` a linear hedge
    is traded back to the target net exactly as :func:`exposure_kit.rebalance_path` does on a
    simulated path, and each trade is listed with its date and cost.

    Parameters
    ----------
    book : Book
    prices : DataFrame
        Closes by date: a column per underlying the book holds (or per position name, for an
        instrument with a price of its own), plus the hedge's.
    target : float, default 0
        The net exposure (USD, in the chosen measure) a rebalance restores.
    every : int, optional
        Rebalance every ``every`` dates, counting from the first.
    threshold : float, optional
        Rebalance only when ``|net - target|`` exceeds this many USD.
    hedge_underlying, underlying, kind
        As in :func:`exposure_kit.rebalance_path`.
    cost : float, default 0
        Cost of a trade per USD traded (0.0005 for 5 basis points of fees and slippage).
    start, end : date-like, optional
        Replay only these dates (inclusive).
    hold : {"notional", "quantity"}, default "notional"
        ``"notional"``: the book enters at its own USD sizes on the first date, as on a simulated
        path. ``"quantity"``: it keeps its quantities, so every position is revalued from its own
        price to the first date's close (needs each position's ``price``).
    **options
        How exposure is measured, as in :meth:`Book.exposures` (``measure``, ``betas``,
        ``inverse``, ``reference``); P&L is always in USD.

    Returns
    -------
    ReplayResult

    Examples
    --------
    $10,000 of BTC held against an inverse short of $10,000 face, over four days of +-10 %:
    the inverse hedge keeps its face, so the net drifts; a $1,500 threshold trades twice.

    >>> book = Book.from_records([
    ...     {"name": "spot", "underlying": "BTC", "kind": "spot", "side": "long",
    ...      "notional": 10_000},
    ...     {"name": "inverse", "underlying": "BTC", "kind": "perp", "side": "short",
    ...      "quantity": 100, "contract_size": 100, "inverse": True, "price": 100}])
    >>> prices = pd.DataFrame({"BTC": [100, 110, 121, 108.9, 98.01]},
    ...                       index=pd.date_range("2024-01-01", periods=5, name="date"))
    >>> held = replay_book(book, prices)
    >>> held.exposure["net"].round(2).tolist()
    [0.0, 1000.0, 2100.0, 890.0, -199.0]
    >>> result = replay_book(book, prices, threshold=1_500, cost=0.001)
    >>> result.trades["notional"].round(2).tolist(), round(result.total_cost, 2)
    ([-2100.0, 1900.0], 4.0)
    >>> result.exposure["cumulative_pnl"].round(2).tolist()
    [0.0, 0.0, 97.9, 97.9, 196.0]
    """
    if hold not in HOLD_MODES:
        raise PositionError("hold", f"{hold!r} is not one of {', '.join(HOLD_MODES)}")
    cost = checked_number("cost", cost, non_negative=True)
    o = book.rows.options_of({"inverse": "face", **options})
    history = _history(prices, start, end)
    rule = every is not None or threshold is not None
    hedge = _hedge_name(book, hedge_underlying, None if underlying is None else
                        str(underlying).strip().upper()) if rule else None
    paths = history[_needed_columns(book, history, hedge)]
    if hold == "quantity":
        book = _at_history_prices(book, paths.iloc[0])
    factors = _path_factors(book, paths) if len(book) else np.ones((len(paths), 0))
    daily = _daily_pnl(book, factors, o["inverse"])
    none = np.zeros(len(paths))
    held = _with_pnl(exposure_path(book, paths, **options), daily, none)
    if not rule:
        trades = pd.DataFrame({"date": pd.DatetimeIndex([]), "underlying": [], "kind": [],
                               "notional": [], "cost": []})
        _refuse_overflow(held)
        return ReplayResult(held.assign(hedge=0.0)[_COLUMNS], held, trades, 0, 0.0)
    result = rebalance_path(book, paths, target, every=every, threshold=threshold,
                            hedge_underlying=hedge, kind=kind, underlying=underlying, **options)
    hedge_usd = result.hedge.to_numpy() / _hedge_unit(book, hedge, o)
    ratio = paths[_column(paths, hedge)].to_numpy(dtype=float)
    daily = daily.copy()
    daily[1:] += hedge_usd[:-1] * (ratio[1:] / ratio[:-1] - 1.0)
    trades = result.trades.rename(columns={"step": "date"})
    trades["cost"] = trades["notional"].abs() * float(cost)
    paid = pd.Series(trades["cost"].to_numpy(), index=trades["date"]).groupby(level=0).sum()
    cost_by_date = paid.reindex(paths.index, fill_value=0.0).to_numpy()
    exposure = _with_pnl(result.exposure, daily, cost_by_date).assign(hedge=result.hedge.to_numpy())
    _refuse_overflow(exposure)
    return ReplayResult(exposure[_COLUMNS], held, trades.reset_index(drop=True), result.count,
                        float(trades["cost"].sum()))


_COLUMNS = ["long", "short", "net", "gross", "hedge_ratio", "hedge", "pnl", "cost",
            "cumulative_pnl"]


def _column(paths: pd.DataFrame, underlying: str):
    return {str(c).strip().upper(): c for c in paths.columns}[underlying]
