"""Exposure over time from snapshots: a positions file with a date column, one snapshot per date,
turned into long, short, net, gross, net/gross and leverage per date (and per group)."""

from __future__ import annotations

import os
from numbers import Real
from typing import IO, Any, Mapping

import numpy as np
import pandas as pd

from ._book import Book
from ._errors import PositionError, checked_number
from ._io import positions_with_rows
from ._kernel import sides_by
from ._periods import day_text as _day, parsed_dates as _parse_dates

__all__ = ["exposure_history"]


def _snapshot_book(snapshots: Any) -> tuple[Book, pd.Index, str, str | None]:
    """The snapshots as one book, with the line (or row) each position came from, so that an
    error in a date names the line of the file."""
    if isinstance(snapshots, Book):
        return snapshots, pd.RangeIndex(len(snapshots)), "row", None
    if isinstance(snapshots, pd.DataFrame):
        return Book.from_frame(snapshots), snapshots.index, "row", None
    book, lines, where, source = positions_with_rows(snapshots)    # read and parsed once
    if not len(book):
        raise PositionError("file", "holds no positions", source=source)
    return book, lines, where, source


def _equity_by_date(equity: Any, book: Book, dates: pd.Series, days: pd.DatetimeIndex,
                    where: str, source: str | None) -> np.ndarray | None:
    if equity is None:
        return None
    if isinstance(equity, str):
        if equity not in book.rows.frame.columns:
            raise PositionError(equity, "no such column for the equity")
        values = pd.to_numeric(book.rows.frame[equity], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values <= 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise PositionError(equity, f"must be a positive amount, got "
                                f"{book.rows.frame[equity].iat[i]!r}", row=dates.index[i],
                                row_label=where, source=source)
        table = pd.Series(values, index=dates.to_numpy())
        spread = table.groupby(level=0).nunique()
        if (spread > 1).any():
            day = spread.index[spread > 1][0]
            raise PositionError(equity, f"differs between positions of {_day(day)}: one equity "
                                "per snapshot", source=source)
        return table.groupby(level=0).first().reindex(days).to_numpy()
    if isinstance(equity, (Real, bool)):
        return np.full(len(days), checked_number("equity", equity, positive=True))
    if isinstance(equity, (Mapping, pd.Series)):
        table = pd.Series(dict(equity) if isinstance(equity, Mapping) else equity)
        table.index = pd.to_datetime(table.index)
        lacking = days.difference(table.index)
        if len(lacking):
            raise PositionError("equity", f"has no value for {_day(lacking[0])}")
        values = table.reindex(days).to_numpy(dtype=float)
        if not np.all(np.isfinite(values)) or np.any(values <= 0):
            raise PositionError("equity", "every value must be a positive amount")
        return values
    raise PositionError("equity", f"must be an amount, a column name or a mapping by date, got "
                        f"{type(equity).__name__}")


def exposure_history(snapshots: str | os.PathLike | IO | pd.DataFrame | Book,
                     by: str | None = None, *, date_column: str = "date",
                     equity: Any = None, **options: Any) -> pd.DataFrame:
    """Long, short, net, gross, net/gross and leverage per snapshot date (and per group).

    Parameters
    ----------
    snapshots : path, file-like, DataFrame or Book
        Positions as :func:`read_positions` reads them, plus a date column: every position held
        on a date is one line with that date. Each line is checked as a position is.
    by : str, optional
        A column to split each date by (``underlying``, ``venue``, ``account``, ...).
    date_column : str, default "date"
    equity : float, str or mapping, optional
        The account equity, for leverage: one amount for every date, the name of a column that
        holds each snapshot's equity (the same on all its lines), or a mapping from date to
        amount.
    **options
        How exposure is measured, as in :meth:`Book.exposures`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``date`` (and ``by``), oldest first: ``positions``, ``long``, ``short``,
        ``net``, ``gross``, ``net_to_gross`` (0 when gross is 0) and, with ``equity``,
        ``gross_leverage`` and ``net_leverage`` (a group's exposure over the whole account's
        equity). Every position counts on its date: none is dropped.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "date": ["2024-06-01", "2024-06-01", "2024-06-02", "2024-06-02"],
    ...     "underlying": ["BTC", "ETH", "BTC", "ETH"], "kind": "perp",
    ...     "side": ["long", "short", "long", "short"],
    ...     "notional": [150_000, 100_000, 120_000, 110_000], "venue": ["A", "B", "A", "A"]})
    >>> history = exposure_history(frame, equity=50_000)
    >>> history[["net", "gross", "gross_leverage"]].round(2).to_dict("list")
    {'net': [50000.0, 10000.0], 'gross': [250000.0, 230000.0], 'gross_leverage': [5.0, 4.6]}
    >>> exposure_history(frame, by="venue")["net"].tolist()
    [150000.0, -100000.0, 10000.0]
    """
    book, lines, where, source = _snapshot_book(snapshots)
    frame = book.rows.frame
    if date_column not in frame.columns:
        raise PositionError(date_column, f"no such column: snapshots need a date on every line "
                            f"(the columns are {', '.join(frame.columns)})", source=source)
    if by is not None and by not in frame.columns:
        raise PositionError(by, f"no such column to group by (the columns are "
                            f"{', '.join(frame.columns)})", source=source)
    dates = _parse_dates(pd.Series(frame[date_column].to_numpy(), index=lines), date_column,
                         where, source)
    signed = book.exposures(**options).to_numpy()
    date_codes, days = pd.factorize(dates.to_numpy(), sort=True)
    days = pd.DatetimeIndex(days, name="date")
    if by is None:
        codes, size, keys = date_codes, len(days), None
        index: pd.Index = days
        day_of_row = np.arange(size)
    else:
        # only the (date, group) pairs that occur: rows, never dates x groups
        key_codes, keys = pd.factorize(frame[by], sort=True, use_na_sentinel=False)
        pairs = date_codes.astype(np.int64) * len(keys) + key_codes
        codes, present_pairs = pd.factorize(pairs, sort=True)
        size = len(present_pairs)
        day_of_row, key_of_row = np.divmod(present_pairs, len(keys))
        index = pd.MultiIndex.from_arrays([days[day_of_row], pd.Index(keys, name=by)[key_of_row]])
    count = np.bincount(codes, minlength=size)
    long, short = sides_by(codes, size, signed)
    present = count > 0
    out = pd.DataFrame({"positions": count[present], "long": long[present],
                        "short": short[present]}, index=index[present])
    out["net"] = out["long"] - out["short"]
    out["gross"] = out["long"] + out["short"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["net_to_gross"] = np.where(out["gross"] > 0, out["net"] / out["gross"], 0.0)
    per_day = _equity_by_date(equity, book, dates, days, where, source)
    if per_day is not None:
        row_equity = per_day[day_of_row][present]
        out["gross_leverage"] = out["gross"] / row_equity
        out["net_leverage"] = out["net"] / row_equity
    return out
