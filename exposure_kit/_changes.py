"""What changed since yesterday: two books of the same desk set side by side.

:func:`changes_since` compares today's book with yesterday's: net and gross per underlying, venue
and account; the positions opened, closed and resized (matched by ``name``); and, from the two
books' prices, the P&L of yesterday's positions over the day, explained:

- **delta**: each position's delta exposure yesterday times its underlying's move, the move
  read from the underlying's spot, perp or collateral prices (the instrument's own when the
  underlying has none of those);
- **basis**: what a position made beyond that because its own price moved differently from its
  underlying's (a future's basis, a perp's premium);
- **funding**: one day of funding on yesterday's perps at the rates given;
- **remainder**: the rest, named: options' gamma and vega and inverse contracts' convexity
  (the price of an option repriced by Black-76, not at its delta).

A position closed today is valued at its underlying's move (its own price is gone).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ._book import Book
from ._errors import PositionError
from ._expiries import UNDATED_KINDS
from ._funding import funding_table

__all__ = ["changes_since", "pnl_explain"]

_GROUPS = ("underlying", "venue", "account")


def _names(book: Book, which: str) -> pd.Index:
    names = pd.Index(book.rows.frame["name"].astype(str))
    twice = names[names.duplicated()]
    if len(twice):
        raise PositionError("name", f"{twice[0]!r} appears twice in {which}'s book: comparing "
                            "two days matches positions by name, so each name must be unique")
    return names


def _sizes(book: Book) -> pd.Series:
    """Each position's signed size: quantity when given, else USD notional, by side."""
    quantity = book.rows.numbers("quantity")
    size = np.where(np.isnan(quantity), book.rows.numbers("notional"), quantity)
    return pd.Series(book.rows.sign * size, index=_names(book, "the"))


def _grouped(today: Book, yesterday: Book) -> dict[str, pd.DataFrame]:
    out = {}
    for column in _GROUPS:
        if column not in today.rows.frame.columns and column not in yesterday.rows.frame.columns:
            continue
        sides = []
        for book in (today, yesterday):
            if column in book.rows.frame.columns and len(book):
                t = book.by(column)[["net", "gross"]]
                t.index = t.index.map(lambda k: "(none)" if pd.isna(k) else str(k))
            else:
                t = pd.DataFrame(columns=["net", "gross"], dtype=float)
            sides.append(t)
        table = sides[0].add_suffix("_today").join(sides[1].add_suffix("_yesterday"),
                                                   how="outer")
        table = table.astype(float).fillna(0.0)
        table["net_change"] = table["net_today"] - table["net_yesterday"]
        table["gross_change"] = table["gross_today"] - table["gross_yesterday"]
        out[column] = table.sort_values("gross_change", key=np.abs, ascending=False,
                                        kind="stable")
    return out


def changes_since(today: Book, yesterday: Book, as_of: date | None = None,
                  funding: Mapping[str, float] | None = None) -> dict[str, Any]:
    """What changed between ``yesterday``'s book and ``today``'s.

    Parameters
    ----------
    today, yesterday : Book
        The two days' positions, each with unique ``name`` values (positions are matched by
        name); with ``price`` columns for the P&L explain.
    as_of : date, optional
        Today's date (only stated).
    funding : dict, optional
        Funding rate per 8 hours per underlying, for one day of funding in the explain.

    Returns
    -------
    dict
        ``groups`` (column -> net and gross today, yesterday and the change), ``opened``,
        ``closed``, ``resized`` (DataFrames of positions), ``net_change``, ``gross_change`` and
        ``explain`` (the dict of :func:`pnl_explain`, or None when either book lacks prices).

    Examples
    --------
    >>> y = Book.from_records([{"name": "p", "underlying": "BTC", "kind": "perp",
    ...                         "side": "long", "quantity": 1, "price": 60_000}])
    >>> t = Book.from_records([{"name": "p", "underlying": "BTC", "kind": "perp",
    ...                         "side": "long", "quantity": 2, "price": 63_000}])
    >>> c = changes_since(t, y)
    >>> c["net_change"], c["resized"]["name"].tolist(), round(c["explain"]["total"], 6)
    (66000.0, ['p'], 3000.0)
    """
    if not isinstance(yesterday, Book):
        raise PositionError("since", f"must be a Book, got {type(yesterday).__name__}")
    now, before = _sizes(today), _sizes(yesterday)
    opened = now.index.difference(before.index, sort=False)
    closed = before.index.difference(now.index, sort=False)
    both = now.index.intersection(before.index, sort=False)
    moved = both[~np.isclose(now[both].to_numpy(), before[both].to_numpy(), rtol=1e-12,
                             atol=0.0)]
    exposure_now = today.exposures().set_axis(now.index)
    exposure_before = yesterday.exposures().set_axis(before.index)
    resized = pd.DataFrame({"name": moved, "size_yesterday": before[moved].to_numpy(),
                            "size_today": now[moved].to_numpy(),
                            "exposure_change": (exposure_now[moved] -
                                                exposure_before[moved]).to_numpy()})
    return {"as_of": as_of, "groups": _grouped(today, yesterday),
            "opened": pd.DataFrame({"name": opened,
                                    "exposure": exposure_now[opened].to_numpy()}),
            "closed": pd.DataFrame({"name": closed,
                                    "exposure": exposure_before[closed].to_numpy()}),
            "resized": resized,
            "net_change": float(exposure_now.sum() - exposure_before.sum()),
            "gross_change": float(exposure_now.abs().sum() - exposure_before.abs().sum()),
            "explain": pnl_explain(today, yesterday, funding)}


def _price_by(book: Book, names: pd.Index) -> pd.Series:
    return pd.Series(book.rows.numbers("price"), index=names)


def _underlying_moves(yesterday: Book, f: np.ndarray) -> pd.Series:
    """Each underlying's price move: the median of its spot, perp and collateral rows' moves
    (every matched row's when it has none of those)."""
    frame = yesterday.rows.frame
    under = frame["underlying"].to_numpy()
    plain = yesterday.rows.is_kind(*UNDATED_KINDS) & ~yesterday.rows.cash
    moves = {}
    for u in pd.unique(under):
        rows = (under == u) & ~np.isnan(f)
        pick = rows & plain if (rows & plain).any() else rows
        if pick.any():
            moves[u] = float(np.median(f[pick]))
    return pd.Series(moves, dtype=float)


def pnl_explain(today: Book, yesterday: Book,
                funding: Mapping[str, float] | None = None) -> dict[str, Any] | None:
    """The P&L of yesterday's positions over the day, split into delta, basis, funding and the
    remainder (see the module's text). None when a book has no prices.

    Returns
    -------
    dict or None
        ``total``, ``delta``, ``basis``, ``funding``, ``remainder`` (USD), ``by_underlying``
        (a DataFrame of the same per underlying), ``moves`` (each underlying's move) and
        ``unpriced`` (positions whose P&L could not be valued: no price for them or their
        underlying today).
    """

    if "price" not in yesterday.rows.frame.columns or "price" not in today.rows.frame.columns:
        return None
    before = _names(yesterday, "yesterday")
    price_today = _price_by(today, _names(today, "today"))
    f = (price_today.reindex(before).to_numpy() / yesterday.rows.numbers("price"))
    f = np.where(yesterday.rows.cash, 1.0, f)
    under = yesterday.rows.frame["underlying"].to_numpy()
    moves = _underlying_moves(yesterday, f)
    big = moves.reindex(under).to_numpy()
    f = np.where(np.isnan(f), big, f)                       # closed today: the underlying's move
    unpriced = np.isnan(f)
    ok = ~unpriced
    full = np.where(ok, f, 1.0)
    base = np.where(ok, big, 1.0)
    base = np.where(np.isnan(base), full, base)
    total = yesterday.rows.pnl_at(full)
    at_underlying = yesterday.rows.pnl_at(base)
    delta = yesterday.exposures().to_numpy() * (base - 1.0)
    basis = total - at_underlying
    paid = np.zeros(len(yesterday))
    if funding:
        table = funding_table(yesterday, funding)
        index = pd.Series(np.arange(len(yesterday)), index=before)
        paid[index[table.index.astype(str)].to_numpy()] = table["per_day"].to_numpy()
    frame = pd.DataFrame({"underlying": under, "delta": delta, "basis": basis,
                          "funding": paid, "total": total + paid})
    frame["remainder"] = frame["total"] - frame["delta"] - frame["basis"] - frame["funding"]
    frame = frame[ok]
    by = frame.groupby("underlying")[["total", "delta", "basis", "funding", "remainder"]].sum()
    sums = by.sum()
    return {"total": float(sums["total"]), "delta": float(sums["delta"]),
            "basis": float(sums["basis"]), "funding": float(sums["funding"]),
            "remainder": float(sums["remainder"]), "by_underlying": by,
            "moves": moves - 1.0, "unpriced": list(before[unpriced]),
            "funding_given": bool(funding)}
