"""The desk's risk page: one self-contained HTML report of a book.

:func:`report` reads a book the way the lessons teach: the headline (long, short, net, gross,
leverage), exposure by every grouping the book has, a delta ladder by expiry, each account's
margin and the move that would liquidate it, funding, a stress grid and the findings. The page is
one HTML file with its charts embedded: it opens offline, makes no request and prints on A4.
:func:`report_data` gives the same content as tables, for tests and for other front ends.
"""

from __future__ import annotations

import math
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ._book import Book, check_equity
from ._diagnostics import diagnose
from ._errors import PositionError, checked_number, number_from_text
from ._margin import MarginAccount, funding_payment
from ._readers import read_text, source_name, table_from_text
from ._scenarios import _rows_book, pnl_at, stress_test

__all__ = ["report", "report_data", "ReportPage", "delta_ladder", "expiry_buckets",
           "funding_table", "account_risk", "stress_grid", "read_account_equity",
           "read_funding_rates", "sample_equity", "EXPIRY_BUCKETS", "dated_book",
           "checked_funding", "MAX_FUNDING_RATE"]

#: The delta ladder's columns, nearest first: (label, last day to expiry it holds).
EXPIRY_BUCKETS = (("perps and spot", None), ("this week", 7), ("this month", 31),
                  ("next quarter", 92), ("later", math.inf))
_EXPIRED, _NO_EXPIRY = "expired", "expiry not given"
_UNDATED = ("spot", "perp", "collateral")
_GROUPINGS = ("underlying", "venue", "account", "kind", "expiry")
_PERIODS_PER_DAY = 3          # funding every 8 hours


# ----- reading the report's side inputs --------------------------------------------------------
def _rows_of(path_or_buffer: Any, what: str) -> tuple[list[dict[str, Any]], str, str]:
    """Rows of a small CSV or JSON table (JSON may be one object of pairs), each with the line or
    item it came from as ``__line__``, the file's name and the word for a row."""
    source = source_name(path_or_buffer) or what
    table = table_from_text(read_text(path_or_buffer), source, f"the {what}", pairs=True,
                            json_label="item")
    if not table.labels:
        empty = "holds nothing" if table.row_label == "item" else "has a header but no rows"
        raise PositionError("file", f"{empty}: expected the {what}", source=source)
    return [{"__line__": label, **row} for label, row in table.rows()], source, table.row_label


def _pick(row: Mapping[str, Any], names: Sequence[str], number: int, label: str,
          source: str) -> Any:
    for name in names:
        if name in row:
            return row[name]
    raise PositionError(names[0], "is missing", row=number, row_label=label, source=source)


def _table(path_or_buffer: Any, what: str, key_names: Sequence[str],
           value_names: Sequence[str], *, positive: bool) -> dict[str, float]:
    rows, source, label = _rows_of(path_or_buffer, what)
    out: dict[str, float] = {}
    for index, row in enumerate(rows, start=1):
        number = row.pop("__line__", index)
        key = str(_pick(row, (*key_names, "key"), number, label, source)).strip()
        if not key:
            raise PositionError(key_names[0], "is empty", row=number, row_label=label,
                                source=source)
        raw = _pick(row, (*value_names, "value"), number, label, source)
        try:
            value = number_from_text(value_names[0], raw, positive=positive)
        except PositionError:
            raw = raw if len(repr(raw)) < 40 else f"{repr(raw)[:30]}..."
            raise PositionError(value_names[0], f"{raw!r} is not a "
                                f"{'positive ' if positive else ''}number", row=number,
                                row_label=label, source=source) from None
        if key in out:
            raise PositionError(key_names[0], f"{key!r} is given twice", row=number,
                                row_label=label, source=source)
        out[key] = value
    return out


def read_account_equity(path_or_buffer: Any) -> dict[str, float]:
    """Equity per account from a CSV (``account,equity``) or JSON file.

    Equity is the account's margin balance in USD: its cash, its coin collateral at today's
    price and the unrealised P&L of its positions.

    Parameters
    ----------
    path_or_buffer : str, path or file-like
        CSV with columns ``account`` and ``equity``; or JSON, a list of such objects or one
        object ``{"001": 900000, ...}``.

    Returns
    -------
    dict
        Equity per account name (account names are text: ``001`` stays ``001``).

    Examples
    --------
    >>> import io
    >>> read_account_equity(io.StringIO("account,equity\\n001,900000\\n017,400000\\n"))
    {'001': 900000.0, '017': 400000.0}
    """
    return _table(path_or_buffer, "equity per account", ("account",), ("equity",),
                  positive=True)


def read_funding_rates(path_or_buffer: Any) -> dict[str, float]:
    """Funding rate per 8-hour period per underlying, from CSV (``underlying,rate``) or JSON.

    Examples
    --------
    >>> import io
    >>> read_funding_rates(io.StringIO('{"BTC": 0.0001, "ETH": -0.00005}'))
    {'BTC': 0.0001, 'ETH': -5e-05}
    """
    rates = _table(path_or_buffer, "funding rate per underlying", ("underlying", "asset"),
                   ("rate",), positive=False)
    return {k.upper(): v for k, v in rates.items()}


def sample_equity(name: str = "desk_book") -> dict[str, float]:
    """Equity per account for a sample book: made up, like the book, to practise the report.

    Examples
    --------
    >>> sample_equity("desk_book")
    {'001': 900000.0, '002': 400000.0, '017': 400000.0}
    """
    if name != "desk_book":
        raise PositionError("name", f"{name!r} has no sample equity; only 'desk_book' has")
    from importlib import resources
    return read_account_equity(str(resources.files("exposure_kit") / "data" / "desk_accounts.csv"))


# ----- the tables ------------------------------------------------------------------------------
def _expiry_date(value: Any) -> date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        value = str(int(value))
    text = str(value).strip()
    if not text:
        return None
    for pattern in ("%y%m%d", "%Y%m%d", "%Y-%m-%d", "%d%b%y", "%d%b%Y"):
        try:
            return datetime.strptime(text.upper() if "b" in pattern else text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (YYMMDD, YYYY-MM-DD or 28JUN24)")


def _as_of(as_of: date | str | None) -> date:
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


def _days_to_expiry(book: Book, as_of: date) -> np.ndarray:
    """Days from ``as_of`` to each position's expiry; NaN for positions that never expire or
    whose expiry is not given. An option's ``years`` wins over an ``expiry`` column."""
    frame = book._frame
    years = book._numbers("years")
    days = np.where(np.isnan(years), np.nan, years * 365.0)
    if "expiry" in frame.columns:
        dated = ~frame["kind"].isin(_UNDATED).to_numpy() & np.isnan(days)
        expiry = frame["expiry"].to_numpy(dtype=object)
        codes, values = pd.factorize(expiry[dated], use_na_sentinel=True)
        found = np.full(len(values) + 1, np.nan)        # the last slot: no expiry given
        for k, value in enumerate(values):               # each distinct expiry read once
            try:
                when = _expiry_date(value)
            except ValueError as exc:
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
    day = _as_of(as_of)
    days = _days_to_expiry(book, day)
    undated = book._frame["kind"].isin(_UNDATED).to_numpy()
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
    return pd.Series(labels, index=pd.Index(book._frame["name"], name="name"), name="bucket")


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
    frame = pd.DataFrame({"underlying": book._frame["underlying"].to_numpy(),
                          "bucket": buckets.to_numpy(), "net": signed})
    table = frame.pivot_table(index="underlying", columns="bucket", values="net",
                              aggfunc="sum", fill_value=0.0)
    order = [label for label, _ in EXPIRY_BUCKETS] + [_EXPIRED, _NO_EXPIRY]
    table = table[[c for c in order if c in table.columns]]
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table.astype(float)


def funding_table(book: Book, rates: Mapping[str, float]) -> pd.DataFrame:
    """What each perpetual pays or receives in funding at the given rates.

    Parameters
    ----------
    book : Book
    rates : dict
        Funding rate per 8-hour period per underlying (``{"BTC": 0.0001}`` is 0.01 %); a
        positive rate makes longs pay shorts. Perps of an underlying without a rate are left out
        of the table and named in its ``missing`` attribute (``table.attrs["missing"]``).

    Returns
    -------
    pandas.DataFrame
        One row per perp: ``underlying``, ``venue`` (when the book has it), ``notional``
        (signed USD), ``rate``, ``per_8h`` and ``per_day`` (received; negative: paid).

    Examples
    --------
    A $10,000 BTC long pays $1 every 8 hours at 0.01 %, $3 a day:

    >>> book = Book.from_records([{"name": "p", "underlying": "BTC", "kind": "perp",
    ...                            "side": "long", "notional": 10_000}])
    >>> funding_table(book, {"BTC": 0.0001})[["per_8h", "per_day"]].iloc[0].tolist()
    [-1.0, -3.0]
    """
    rates = {str(k).strip().upper(): checked_number(f"rate of {k}", v) for k, v in rates.items()}
    frame = book._frame
    perp = (frame["kind"] == "perp").to_numpy()
    under = frame["underlying"].to_numpy()
    signed = book.exposures(measure="notional").to_numpy()
    priced = perp & np.isin(under, list(rates))
    rate = np.array([rates.get(u, np.nan) for u in under[priced]], dtype=float)
    table = pd.DataFrame({"underlying": under[priced]},
                         index=pd.Index(frame["name"].to_numpy()[priced], name="name"))
    if "venue" in frame.columns:
        table["venue"] = frame["venue"].to_numpy()[priced]
    table["notional"] = signed[priced]
    table["rate"] = rate
    table["per_8h"] = funding_payment(signed[priced], rate) if priced.any() else []
    table["per_day"] = table["per_8h"] * _PERIODS_PER_DAY
    table.attrs["missing"] = sorted(set(under[perp & ~priced]))
    return table


def _wallet_for(book: Book, equity: float, rule: Mapping[str, Any]) -> float:
    """The USD wallet that gives the account ``equity``: equity less coin held and open P&L."""
    return equity - MarginAccount(book, 0.0, **rule).equity()


def _leading_zero_hint(lacking: Sequence[str], extra: Sequence[str]) -> str:
    """Name the equity file's accounts that differ from the book's only by leading zeros."""
    pairs = [(a, e) for a in lacking for e in extra if a.lstrip("0") == e.lstrip("0")]
    if not pairs:
        return ""
    said = ", ".join(f"{e!r} for {a!r}" for a, e in pairs)
    return (f"; the equity gives {said}: the leading zeros were probably lost in a "
            "spreadsheet (keep the account column as text)")


def account_risk(book: Book, equity: Mapping[str, float], *, warn_distance: float = 0.20,
                 column: str = "account", maintenance_margin_rate: float = 0.005,
                 venue: str = "binance", brackets: Any = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each account's margin (cross margin) and, per underlying, the move that liquidates it.

    Parameters
    ----------
    book : Book
        A book with an ``account`` column.
    equity : dict
        Equity (margin balance, USD) per account. Every account of the book must have one and
        every account given must be in the book: a mismatch is named, never ignored.
    warn_distance : float, default 0.20
        A liquidating move smaller than this (20 %) is flagged.
    maintenance_margin_rate, venue, brackets
        The margin rule, as in :class:`MarginAccount`: a flat rate (default 0.5 %) for the
        positions without an ``mmr`` value or a bracket tier, the venue whose rule charges it
        (``"binance"``: at the price examined; ``"bybit"``: at the entry price), and a bracket
        table (a path, a DataFrame or ``"example"``).

    Returns
    -------
    (accounts, moves) : tuple of DataFrame
        ``accounts``: ``equity``, ``maintenance``, ``margin_ratio``, ``positions`` per account.
        ``moves``: one row per account and underlying: ``net`` (delta), ``liquidating_move``
        (signed fraction, NaN when no move of that asset alone liquidates) and ``warning``.

    Examples
    --------
    $60k of equity under a 2 BTC long at 60,000 (maintenance 0.5 %) is liquidated by a
    49.75 % fall: equity 60k + 120k m meets maintenance 600 (1 + m) at m = -59,400 / 119,400.

    >>> book = Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
    ...                            "quantity": 2, "price": 60_000, "account": "A"}])
    >>> accounts, moves = account_risk(book, {"A": 60_000})
    >>> round(float(moves.loc[("A", "BTC"), "liquidating_move"]), 6)
    -0.497487
    """
    warn = checked_number("warn_distance", warn_distance, positive=True)
    rule = {"maintenance_margin_rate": maintenance_margin_rate, "venue": venue,
            "brackets": brackets}
    if column not in book._frame.columns:
        raise PositionError(column, "the book has no such column: per-account margin needs "
                            "one account per position")
    names = book._frame[column].map(lambda v: "" if pd.isna(v) else str(v)).to_numpy()
    given = {str(k): check_equity(v) for k, v in equity.items()}
    lacking = sorted(set(names) - set(given))
    extra = sorted(set(given) - set(names))
    if lacking:
        raise PositionError("equity", f"no equity given for account(s) "
                            f"{', '.join(repr(a) for a in lacking)} of the book"
                            f"{_leading_zero_hint(lacking, extra)}")
    if extra:
        raise PositionError("equity", f"account(s) {', '.join(repr(a) for a in extra)} have an "
                            "equity but no position in the book")
    rows, moves = [], []
    for name in sorted(given):
        sub = _rows_book(book, names == name)
        account = MarginAccount(sub, _wallet_for(sub, given[name], rule), **rule)
        rows.append({"account": name, "equity": account.equity(),
                     "maintenance": account.maintenance_margin(),
                     "margin_ratio": account.margin_ratio(), "positions": len(sub)})
        net = sub.by("underlying", measure="delta")["net"]
        buffers = account._values(account._factors) - account._maintenance(account._factors)
        for underlying in sub.underlyings:
            move = _liquidating_move(account, sub, buffers, underlying)
            moves.append({"account": name, "underlying": underlying,
                          "net": float(net[underlying]), "liquidating_move": move,
                          "warning": bool(np.isfinite(move) and abs(move) < warn)})
    accounts = pd.DataFrame(rows).set_index("account")
    return accounts, pd.DataFrame(moves).set_index(["account", "underlying"])


def _liquidating_move(account: MarginAccount, book: Book, buffers: np.ndarray,
                      underlying: str) -> float:
    """``account.liquidating_move(underlying)``, searched on the rows of ``underlying`` alone:
    in cross margin the other rows only add a constant (their value less their maintenance) to
    the wallet, and a search over fewer rows is faster. ``buffers`` is each row's value less its
    maintenance now. NaN when no move of that asset alone liquidates the account."""
    rows = (book._frame["underlying"] == underlying).to_numpy()
    wallet = account.wallet_balance + account._cash + float(buffers[~rows].sum())
    move = MarginAccount(_rows_book(book, rows), wallet).liquidating_move(underlying)
    return np.nan if move is None else float(move)


def _with_volatility(book: Book, shift: float) -> Book:
    """The same positions with every option's volatility moved by ``shift`` (at least 1 %)."""
    moved = _rows_book(book, np.ones(len(book), dtype=bool))
    option = (moved._frame["kind"] == "option").to_numpy()
    moved._frame["volatility"] = np.where(
        option, np.maximum(book._numbers("volatility") + shift, 0.01), book._numbers("volatility"))
    return moved


def stress_grid(book: Book, underlyings: Sequence[str] | None = None,
                moves: Sequence[float] = (-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3),
                vol_shift: float = 0.10) -> pd.DataFrame:
    """P&L when one underlying moves (rows) and, for books with options, the volatility of that
    underlying's options moves down, stays or moves up (columns).

    Parameters
    ----------
    book : Book
    underlyings : list of str, optional
        The assets to move, one at a time; the (up to) five with the largest gross exposure when
        not given.
    moves : sequence of float
        Relative price moves.
    vol_shift : float, default 0.10
        Absolute change of volatility for the ``vol down`` and ``vol up`` columns (0.10 is ten
        volatility points; a volatility never falls below 1 %). Only the options on the row's
        asset move: a row of an asset without options is the same in every column.

    Returns
    -------
    pandas.DataFrame
        Indexed by (underlying, move); one column ``P&L`` for a book without Black-76 options,
        else ``vol down``, ``vol same``, ``vol up``.

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 150_000},
    ...     {"underlying": "ETH", "kind": "future", "side": "short", "notional": 100_000}])
    >>> grid = stress_grid(book, moves=[-0.2, 0.2])
    >>> round(float(grid.loc[("BTC", -0.2), "P&L"]), 2), round(float(grid.loc[("ETH", 0.2), "P&L"]), 2)
    (-30000.0, -20000.0)
    """
    shift = checked_number("vol_shift", vol_shift, non_negative=True)
    steps = np.array([checked_number("moves", m) for m in moves], dtype=float)
    if np.any(steps <= -1):
        raise PositionError("moves", "a price cannot fall by 100 % or more")
    if underlyings is None:
        gross = book.by("underlying")["gross"].sort_values(ascending=False, kind="stable")
        underlyings = [str(u) for u in gross.index[:5]]
    under = book._frame["underlying"].to_numpy()
    option = (book._frame["kind"] == "option").to_numpy() & ~np.isnan(book._numbers("volatility"))
    columns = {"P&L": 0.0} if not option.any() else {"vol down": -shift, "vol same": 0.0,
                                                      "vol up": shift}
    index, blocks = [], []
    for name in underlyings:
        key = str(name).strip().upper()
        factors = np.where(under == key, 1.0 + steps[:, None], 1.0)
        index += [(key, float(m)) for m in steps]
        own = option & (under == key)            # the volatility of this row's asset only
        blocks.append([_pnl_with_vol(book, factors, own, v) for v in columns.values()])
    values = np.concatenate([np.column_stack(b) for b in blocks]) if blocks else \
        np.empty((0, len(columns)))
    return pd.DataFrame(values, columns=list(columns),
                        index=pd.MultiIndex.from_tuples(index, names=["underlying", "move"]))


def _pnl_with_vol(book: Book, factors: np.ndarray, option: np.ndarray, shift: float) -> np.ndarray:
    """Total P&L at ``factors`` with every option's volatility ``shift`` away from today's: the
    option rows are repriced at the new volatility, the rest do not depend on it."""
    pnl = pnl_at(book, factors).sum(axis=-1)
    if shift == 0.0:
        return pnl
    from ._scenarios import _black76_at, _model_rows
    model = _model_rows(book) & option
    if not model.any():
        return pnl
    options = _rows_book(book, model)
    moved = _with_volatility(options, shift)
    ones = np.ones(len(options))
    units = options._sign * options._usd / options._numbers("price")
    rows = np.ones(len(options), dtype=bool)
    now = _black76_at(options, rows, ones, "price")
    later = _black76_at(moved, rows, factors[..., model], "price")
    return pnl - pnl_at(options, factors[..., model]).sum(axis=-1) + (units * (later - now)).sum(-1)


# ----- the page --------------------------------------------------------------------------------
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
    day = _as_of(as_of)
    days = _days_from_expiry(book, day)
    expired = days < 0
    live = _rows_book(book, ~expired)
    option = (live._frame["kind"] == "option").to_numpy()
    dated = option & ~np.isnan(days[~expired])
    if dated.any():
        years = live._numbers("years")
        live._frame["years"] = np.where(dated, np.maximum(days[~expired], 1.0) / 365.0, years)
    return live, expired


def _days_from_expiry(book: Book, day: date) -> np.ndarray:
    """Days from ``day`` to each position's ``expiry`` (NaN without one): the column read alone,
    an option's ``years`` not used."""
    if "expiry" not in book._frame.columns:
        return np.full(len(book), np.nan)
    plain = _rows_book(book, np.ones(len(book), dtype=bool))
    plain._frame = plain._frame.drop(columns=["years"], errors="ignore")
    return _days_to_expiry(plain, day)


def _book_as_of(book: Book, as_of: date | str | None) -> tuple[date, str]:
    """The report's date and where it came from: given, the book's ``as_of`` column, or today."""
    if as_of is not None:
        return _as_of(as_of), "given"
    if "as_of" in book._frame.columns:
        dates = pd.unique(book._frame["as_of"].dropna().astype(str).str.strip())
        if len(dates) == 1:
            return _as_of(dates[0]), "the positions' as_of column"
        if len(dates) > 1:
            raise PositionError("as_of", f"the positions carry {len(dates)} different dates "
                                f"({', '.join(sorted(dates)[:3])}, ...): give as_of")
    return date.today(), "today (no date given)"


def report_data(book: Book, *, equity: float | Mapping[str, float] | None = None,
                by: Sequence[str] = (), measure: str = "delta",
                betas: Mapping[str, float] | None = None,
                funding: Mapping[str, float] | None = None, warn_distance: float = 0.20,
                as_of: date | str | None = None, vol_shift: float = 0.10,
                maintenance_margin_rate: float = 0.005, venue: str = "binance",
                brackets: Any = None, limits: Any = None, since: Book | None = None,
                force_funding: bool = False) -> dict[str, Any]:
    """The content of :func:`report` as plain data: every table the page shows.

    Parameters are those of :func:`report`.

    Returns
    -------
    dict
        ``summary`` (:class:`ExposureSummary`), ``groupings`` (column -> :meth:`Book.by` table),
        ``ladder``, ``accounts`` and ``account_moves`` (or None without per-account equity),
        ``funding`` (or None without rates), ``stress_grid``, ``stresses``, ``findings`` (severity
        first), ``positions_table``, ``expired`` (the positions past expiry, counted out),
        ``cash`` (stablecoins held), ``limits`` and ``changes`` (or None), ``assumptions`` and the
        options used.

    Examples
    --------
    >>> from exposure_kit import sample_book
    >>> data = report_data(sample_book("guide_example_1"), equity=50_000, as_of="2024-06-11")
    >>> data["summary"].net, sorted(data["groupings"])
    (50000.0, ['kind', 'underlying'])
    """
    from ._diagnostics import ranked_findings
    from ._report_extras import (assumptions, changes_since, check_limits, expired_finding,
                                 limit_findings, move_findings, positions_table, stress_names)

    if not isinstance(book, Book):
        raise PositionError("book", f"must be a Book, got {type(book).__name__}")
    if funding is not None:
        funding = checked_funding(funding, force=force_funding)
    per_account = dict(equity) if isinstance(equity, Mapping) else None
    total = (sum(check_equity(v) for v in per_account.values()) if per_account
             else check_equity(equity))
    day, day_source = _book_as_of(book, as_of)
    rule = {"maintenance_margin_rate": maintenance_margin_rate, "venue": venue,
            "brackets": brackets}
    everything, (book, expired) = book, dated_book(book, day)
    options: dict[str, Any] = {"measure": measure}
    if betas:
        options["betas"] = dict(betas)
    columns = [c for c in (*_GROUPINGS, *by) if c in book._frame.columns or c in by]
    groupings = {c: book.by(c, **options) for c in dict.fromkeys(columns)}
    accounts = moves = None
    if per_account is not None:
        accounts, moves = account_risk(book, per_account, warn_distance=warn_distance, **rule)
    stresses = stress_test(book, equity=total, **options)
    stresses.index = stress_names(book, stresses.index)
    limits_table = None if limits is None else check_limits(
        book, limits, equity=total, per_account=per_account, moves=moves, options=options)
    findings = [*expired_finding(everything, expired, day),
                *move_findings(moves, accounts, warn_distance),
                *limit_findings(limits_table),
                *diagnose(book, total, betas=betas)]
    return {"summary": book.summary(total, **options), "groupings": groupings,
            "ladder": delta_ladder(book, day), "accounts": accounts, "account_moves": moves,
            "funding": None if funding is None else funding_table(book, funding),
            "stress_grid": stress_grid(book, vol_shift=vol_shift),
            "stresses": stresses, "findings": ranked_findings(findings),
            "positions": len(book), "positions_table": positions_table(book, day, options),
            "expired": everything.to_frame()[expired], "cash": float(book.cash().sum()),
            "limits": limits_table,
            "changes": None if since is None else changes_since(book, since, day, funding),
            "assumptions": assumptions(book, rule, day, day_source, measure, per_account),
            "as_of": day, "measure": measure, "warn_distance": warn_distance,
            "equity": total, "vol_shift": vol_shift}


#: A funding rate above this per 8 hours (1 %) is refused unless forced: it is 1,095 % a year,
#: far more often a rate typed in percent (``1`` for 1 %) than a real one.
MAX_FUNDING_RATE = 0.01


def checked_funding(rates: Mapping[str, float], *, force: bool = False) -> dict[str, float]:
    """Funding rates per 8 hours, refused above :data:`MAX_FUNDING_RATE` unless ``force``.

    Examples
    --------
    >>> checked_funding({"btc": 0.0001})
    {'BTC': 0.0001}
    >>> checked_funding({"BTC": 1})
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: field 'funding': the rate of BTC is 1 per 8 hours (100.00 %): above 1 % per 8 hours it is more likely a percent typed as a fraction (0.01 % is 0.0001); give force_funding=True (--force-funding) if it is real
    """
    out = {}
    for key, value in rates.items():
        name = str(key).strip().upper()
        rate = checked_number(f"rate of {name}", value)
        if abs(rate) > MAX_FUNDING_RATE and not force:
            raise PositionError("funding", f"the rate of {name} is {rate:g} per 8 hours "
                                f"({rate * 100:.2f} %): above 1 % per 8 hours it is more likely "
                                "a percent typed as a fraction (0.01 % is 0.0001); give "
                                "force_funding=True (--force-funding) if it is real")
        out[name] = rate
    return out


class ReportPage(str):
    """The report's HTML page: a string (write it to a file as it is) that a notebook shows.

    ``breaches`` is the number of limits breached (0 without limits).

    Examples
    --------
    >>> page = ReportPage("<!DOCTYPE html><html><body><p>hi</p></body></html>")
    >>> page.startswith("<!DOCTYPE html>"), "<p>hi</p>" in page._repr_html_()
    (True, True)
    """

    breaches: int = 0

    def __repr__(self) -> str:
        return f"<ReportPage: {len(self):,} characters of HTML; .save(path) writes the file>"

    def _repr_html_(self) -> str:
        start, end = self.find("<body"), self.rfind("</body>")
        style = self[self.find("<style"):self.find("</style>") + len("</style>")]
        body = self[self.find(">", start) + 1:end] if start >= 0 and end >= 0 else str(self)
        return style + body

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path."""
        from ._io import write_file_atomically   # write beside, fsync, rename

        return write_file_atomically(path, str(self))


def report(book: Book, *, equity: float | Mapping[str, float] | None = None,
           by: Sequence[str] = (), measure: str = "delta",
           betas: Mapping[str, float] | None = None, funding: Mapping[str, float] | None = None,
           warn_distance: float = 0.20, as_of: date | str | None = None,
           vol_shift: float = 0.10, title: str | None = None,
           maintenance_margin_rate: float = 0.005, venue: str = "binance",
           brackets: Any = None, limits: Any = None, since: Book | None = None,
           force_funding: bool = False) -> ReportPage:
    """The desk's risk page for ``book``: one self-contained HTML page.

    Sections: what needs attention first (limit breaches and the findings, severity first); a
    "how this was computed" box; the headline in numbers and in words; exposure by underlying, venue, account, kind
    and expiry (those the book has, plus ``by``); the delta ladder by expiry; per account (when
    ``equity`` is given per account) equity, maintenance, margin ratio and the move of each asset
    that liquidates, flagged below ``warn_distance``; funding per perp (when ``funding`` rates
    are given); a stress grid (one asset moving at a time, options with volatility down, same
    and up) with the worst cell marked, and the named stresses; the findings, worst first.
    Charts are embedded PNGs: the page makes no request and prints on A4.

    Parameters
    ----------
    book : Book
    equity : float or dict, optional
        The book's equity in USD, or equity per account (``{"001": 900_000, ...}``; the book
        needs an ``account`` column), which gives the per-account section.
    by : sequence of str
        More columns to group by.
    measure : {"delta", "notional", "beta"}, default "delta"
        How the headline and the groupings count exposure (the ladder is always at delta).
    betas : dict, optional
    funding : dict, optional
        Funding rate per 8 hours per underlying, ``{"BTC": 0.0001}``; a rate above 1 % per
        8 hours is refused unless ``force_funding=True``.
    warn_distance : float, default 0.20
        A liquidating move smaller than this is a finding.
    as_of : date or "YYYY-MM-DD", optional
        The date expiries are counted from: positions past expiry are counted out (and listed
        first), options' time to expiry comes from their ``expiry``. When not given, the book's
        own ``as_of`` column (one date), else today; the page says which.
    vol_shift : float, default 0.10
    title : str, optional
    maintenance_margin_rate, venue, brackets
        The margin rule of the accounts section, as in :class:`MarginAccount` (flat 0.5 %,
        Binance's rule, no bracket table by default); stated on the page.
    limits : path, file-like or DataFrame, optional
        Risk limits (see :func:`read_limits`): breaches and figures above 80 % of a limit are
        listed at the top of the page.
    since : Book, optional
        Yesterday's book: the page adds what changed (net and gross per underlying, venue and
        account; positions opened, closed and resized) and, from the two books' prices, the
        P&L of yesterday's positions explained by delta, basis and funding.
    force_funding : bool, default False

    Returns
    -------
    ReportPage
        A ``str`` holding the whole page; shown as the report in a notebook.

    Examples
    --------
    >>> from exposure_kit import sample_book
    >>> page = report(sample_book("guide_example_1"), equity=50_000, as_of="2024-06-11")
    >>> page.startswith("<!DOCTYPE html>"), "http" in page.replace("http-equiv", "")
    (True, False)
    """
    data = report_data(book, equity=equity, by=by, measure=measure, betas=betas,
                       funding=funding, warn_distance=warn_distance, as_of=as_of,
                       vol_shift=vol_shift, maintenance_margin_rate=maintenance_margin_rate,
                       venue=venue, brackets=brackets, limits=limits, since=since,
                       force_funding=force_funding)
    from ._report_page import render
    page = ReportPage(render(data, title or "Net exposure report"))
    limits = data["limits"]
    page.breaches = 0 if limits is None else int((limits["status"] == "breach").sum())
    return page
