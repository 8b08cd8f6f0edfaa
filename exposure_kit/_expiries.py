"""Expiries: when each position expires, the delta ladder by expiry bucket, the live book.

A future or option expires on the date of its ``expiry`` column (``240628``, ``2024-06-28`` or
``28JUN24``); an option's ``years`` (to expiry) wins over it when counting days. Spot, perps and
collateral never expire.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from ._book import Book
from ._errors import InputError, PositionError
from ._kernel import Rows
from ._periods import DAYS_PER_YEAR, expiry_date

__all__ = ["delta_ladder", "expiry_buckets", "EXPIRY_BUCKETS", "dated_book"]

#: The delta ladder's columns, nearest first: (label, last day to expiry it holds).
EXPIRY_BUCKETS = (("perps and spot", None), ("this week", 7), ("this month", 31),
                  ("next quarter", 92), ("later", math.inf))
_EXPIRED, _NO_EXPIRY = "expired", "expiry not given"
#: Kinds that never expire.
UNDATED_KINDS = ("spot", "perp", "collateral")


def as_of_date(as_of: date | str | None) -> date:
    if as_of is None:
        return date.today()
    if isinstance(as_of, datetime):
        return as_of.date()
    if isinstance(as_of, date):
        return as_of
    try:
        return date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise PositionError("as_of", f"{as_of!r} is not a date (YYYY-MM-DD)") from None


def _days_to_expiry(rows: Rows, as_of: date) -> np.ndarray:
    """Days from ``as_of`` to each position's expiry; NaN for positions that never expire or
    whose expiry is not given. An option's ``years`` wins over an ``expiry`` column."""
    frame = rows.frame
    years = rows.numbers("years")
    days = np.where(np.isnan(years), np.nan, years * DAYS_PER_YEAR)
    if "expiry" in frame.columns:
        dated = ~rows.is_kind(*UNDATED_KINDS) & np.isnan(days)
        expiry = frame["expiry"].to_numpy(dtype=object)
        codes, values = pd.factorize(expiry[dated], use_na_sentinel=True)
        found = np.full(len(values) + 1, np.nan)        # the last slot: no expiry given
        for k, value in enumerate(values):               # each distinct expiry read once
            try:
                when = expiry_date(value)
            except InputError as exc:
                i = int(np.flatnonzero(dated)[np.flatnonzero(codes == k)[0]])
                raise PositionError("expiry", str(exc), row=i,
                                    name=frame["name"].iat[i]) from None
            found[k] = np.nan if when is None else (when - as_of).days
        days[dated] = found[codes]
    return days


def expiry_buckets(book: Book, as_of: date | str | None = None) -> pd.Series:
    """The delta ladder's column of each position: when it expires, counted from ``as_of``.

    Spot, perps and collateral never expire (``"perps and spot"``); dated futures and options
    fall in ``"this week"`` (up to 7 days), ``"this month"`` (8 to 31), ``"next quarter"`` (32 to
    92) or ``"later"``. The days come from an option's ``years``, else from an ``expiry`` column
    (``240628``, ``2024-06-28`` or ``28JUN24``). A future whose expiry is before ``as_of`` is
    ``"expired"`` and one with no expiry given is ``"expiry not given"``: both are shown, never
    dropped.

    Parameters
    ----------
    book : Book
    as_of : date or "YYYY-MM-DD", optional
        The report's date; today when not given.

    Returns
    -------
    pandas.Series
        The bucket of each position, indexed by position name.

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"name": "perp", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 1},
    ...     {"name": "jun", "underlying": "BTC", "kind": "future", "side": "short", "notional": 1,
    ...      "expiry": "240628"},
    ...     {"name": "dec", "underlying": "BTC", "kind": "future", "side": "short", "notional": 1,
    ...      "expiry": "241227"}])
    >>> expiry_buckets(book, as_of="2024-06-11").tolist()
    ['perps and spot', 'this month', 'later']
    """
    day = as_of_date(as_of)
    days = _days_to_expiry(book.rows, day)
    undated = book.rows.is_kind(*UNDATED_KINDS)
    labels = []
    for d, plain in zip(days, undated):
        if plain:
            labels.append(EXPIRY_BUCKETS[0][0])
        elif np.isnan(d):
            labels.append(_NO_EXPIRY)
        elif d < 0:
            labels.append(_EXPIRED)
        else:
            labels.append(next(label for label, last in EXPIRY_BUCKETS[1:] if d <= last))
    return pd.Series(labels, index=pd.Index(book.rows.frame["name"], name="name"), name="bucket")


def delta_ladder(book: Book, as_of: date | str | None = None, **options: Any) -> pd.DataFrame:
    """Net exposure per underlying (rows) per expiry bucket (columns), options at delta.

    The buckets are those of :func:`expiry_buckets`; a column appears only when some position
    falls in it, and a ``total`` column closes each row.

    Parameters
    ----------
    book : Book
    as_of : date or "YYYY-MM-DD", optional
    **options
        As in :meth:`Book.exposures`; ``measure`` is ``"delta"`` unless given.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    A perp long hedged by a quarterly future: flat in total, but not bucket by bucket.

    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 100_000},
    ...     {"underlying": "BTC", "kind": "future", "side": "short", "notional": 100_000,
    ...      "expiry": "2024-09-27"}])
    >>> delta_ladder(book, as_of="2024-06-11").loc["BTC"].tolist()
    [100000.0, -100000.0, 0.0]
    """
    options.setdefault("measure", "delta")
    buckets = expiry_buckets(book, as_of)
    signed = book.exposures(**options).to_numpy()
    frame = pd.DataFrame({"underlying": book.rows.column("underlying"),
                          "bucket": buckets.to_numpy(), "net": signed})
    table = frame.pivot_table(index="underlying", columns="bucket", values="net",
                              aggfunc="sum", fill_value=0.0)
    order = [label for label, _ in EXPIRY_BUCKETS] + [_EXPIRED, _NO_EXPIRY]
    table = table[[c for c in order if c in table.columns]]
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table.astype(float)




def dated_book(book: Book, as_of: date | str | None = None) -> tuple[Book, np.ndarray]:
    """The live positions at ``as_of`` and the mask of those past their expiry.

    A future or option whose expiry is before ``as_of`` has settled: it is no live exposure and
    the risk page counts it out (and lists it first among the findings) rather than refusing
    the whole book, since a desk's export often still carries yesterday's expiries. An option
    with an ``expiry`` takes its time to expiry from it (days to expiry / 365, at least one day),
    over a ``years`` column, which is only right on the day it was written.

    Parameters
    ----------
    book : Book
    as_of : date or "YYYY-MM-DD", optional

    Returns
    -------
    (live, expired) : Book and boolean array (one per position of ``book``)

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"name": "jun", "underlying": "BTC", "kind": "future", "side": "long",
    ...      "notional": 1_000, "expiry": "2024-06-28"},
    ...     {"name": "perp", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 500}])
    >>> live, expired = dated_book(book, as_of="2024-07-01")
    >>> live.net_exposure(), expired.tolist()
    (500.0, [True, False])
    """
    day = as_of_date(as_of)
    days = _days_from_expiry(book, day)
    expired = days < 0
    rows = book.rows.subset(~expired)
    dated = rows.option & ~np.isnan(days[~expired])
    if dated.any():
        years = np.maximum(days[~expired], 1.0) / DAYS_PER_YEAR
        rows = rows.with_numbers("years", np.where(dated, years, rows.numbers("years")))
    return Book.from_rows(rows), expired


def _days_from_expiry(book: Book, day: date) -> np.ndarray:
    """Days from ``day`` to each position's ``expiry`` (NaN without one): the column read alone,
    an option's ``years`` not used."""
    if "expiry" not in book.rows.frame.columns:
        return np.full(len(book), np.nan)
    return _days_to_expiry(book.rows.without("years"), day)
