"""Books in and out of files: CSV and JSON, exchange positions in ccxt's unified structure, and
the sample books shipped with the package.

Errors say where the problem is in the reader's terms: ``line 7 of desk.csv`` (the header is line
1), ``position 3`` of a JSON list or of a ccxt list.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import warnings
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import IO, Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._book import Book
from ._errors import PositionError
from ._schema import NUMERIC_FIELDS, STRING_FIELDS

__all__ = ["read_positions", "write_positions", "from_ccxt_positions", "sample_path",
           "sample_book", "SAMPLES"]

FORMATS = ("csv", "json")
SAMPLES = ("guide_example_1", "guide_example_2", "desk_book", "desk_snapshots")
_DAYS_PER_YEAR = 365.0
# Deribit, OKX and Binance settle dated contracts at 08:00 UTC on the expiry date.
_EXPIRY_HOUR = 8


# ----- where a book comes from ------------------------------------------------------------------
def _source_name(path_or_buffer: Any) -> str | None:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        return Path(path_or_buffer).name
    return getattr(path_or_buffer, "name", None) if isinstance(
        getattr(path_or_buffer, "name", None), str) else None


def _format_of(path_or_buffer: Any, format: str | None, text: str | None = None) -> str:
    if format is not None:
        if format not in FORMATS:
            raise PositionError("format", f"{format!r} is not one of {', '.join(FORMATS)}")
        return format
    if isinstance(path_or_buffer, (str, os.PathLike)):
        suffix = Path(path_or_buffer).suffix.lower().lstrip(".")
        if suffix in FORMATS:
            return suffix
        if text is None:
            raise PositionError("format", f"cannot tell the format of {Path(path_or_buffer).name!r}"
                                " from its suffix: name it .csv or .json, or pass format=")
    if text is not None and text.lstrip()[:1] in ("[", "{"):
        return "json"
    return "csv"


def _read_text(path_or_buffer: Any) -> str:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        try:
            return Path(path_or_buffer).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise PositionError("path", f"no such file: {os.fspath(path_or_buffer)!r}") from None
        except OSError as exc:
            raise PositionError("path", f"cannot read {os.fspath(path_or_buffer)!r}: "
                                f"{exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise PositionError("path", f"{Path(path_or_buffer).name} is not UTF-8 text "
                                f"({exc.reason} at byte {exc.start})") from None
    text = path_or_buffer.read()
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    return text


def _book_from(frame: pd.DataFrame, row_label: str, source: str | None,
               fields: Mapping[str, str] | None = None) -> Book:
    """``Book.from_frame`` with its errors told as ``line N of FILE`` (or ``position N``)."""
    try:
        return Book.from_frame(frame)
    except PositionError as error:
        raise error.relabelled(row_label, source, dict(fields or {})) from None


# ----- CSV --------------------------------------------------------------------------------------
def _csv_header(text: str, source: str | None) -> list[str]:
    if not text.strip():
        raise PositionError("file", "is empty: expected a header line and one line per position",
                            source=source)
    header = next(csv.reader(io.StringIO(text)))
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for column, name in enumerate(names, start=1):
        if not name:
            raise PositionError(f"column {column}", "the header has no name for this column",
                                row=1, row_label="line", source=source)
        if name in seen:
            raise PositionError(name, "the header names this column more than once",
                                row=1, row_label="line", source=source)
        seen.add(name)
    return names


def _read_csv(text: str, source: str | None) -> Book:
    names = _csv_header(text, source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                na_values=[""], skip_blank_lines=False, skipinitialspace=True,
                                index_col=False)
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise _too_many_fields(text, len(names), str(exc), source) from None
    frame.columns = names
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="line")
    frame = frame[frame.notna().any(axis=1)]          # blank lines hold no position
    for field in NUMERIC_FIELDS:
        if field in frame.columns:
            frame[field] = _numbers_or_text(frame[field])
    for field in frame.columns.difference([*NUMERIC_FIELDS, *STRING_FIELDS, "inverse"]):
        frame[field] = _written_numbers(frame[field])
    return _book_from(frame, "line", source)


def _too_many_fields(text: str, width: int, detail: str, source: str | None) -> PositionError:
    """A line with more fields than the header (pandas names it, or warns for the first one)."""
    found = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", detail)
    if found:
        line, count = int(found.group(1)), int(found.group(2))
    else:
        rows = csv.reader(io.StringIO(text))
        line, count = next(((n, len(r)) for n, r in enumerate(rows, start=1) if len(r) > width),
                           (None, 0))
    if line is None:
        return PositionError("file", f"cannot be read as CSV: {detail.strip()}", source=source)
    return PositionError("fields", f"the line has {count} fields where the header has {width}",
                         row=line, row_label="line", source=source)


def _numbers_or_text(column: pd.Series) -> pd.Series:
    """Numbers where the text is a number (exactly as written), the text itself elsewhere, so the
    schema can name the line of the first one that is not."""
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().sum() == column.notna().sum():
        return numbers.astype(float)
    return column.astype(object).where(numbers.isna(), numbers)


def _is_written_float(text: str) -> bool:
    """True for text exactly as pandas writes a float (``0.005``, ``100.0``, ``1e-05``). Whole
    numbers written without a point (``10``, ``007``) are left as text: account codes keep their
    leading zeros."""
    if not any(mark in text for mark in ".eE"):
        return False
    try:
        return repr(float(text)) == text
    except ValueError:
        return False


def _written_numbers(column: pd.Series) -> pd.Series:
    """An extra column (mmr, leverage, a ccxt book's exchange_notional...) as floats when every
    value is written as one, so a book with float extra columns reads back equal; text otherwise.
    JSON keeps every type as it is, whole numbers included."""
    values = column.dropna()
    if values.empty or not values.map(_is_written_float).all():
        return column
    return pd.to_numeric(column).astype(float)


# ----- JSON -------------------------------------------------------------------------------------
def _read_json(text: str, source: str | None) -> Book:
    if not text.strip():
        raise PositionError("file", "is empty: expected a list of positions", source=source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PositionError("file", f"is not valid JSON: {exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}", source=source) from None
    if isinstance(data, dict) and "positions" in data:
        data = data["positions"]
    if not isinstance(data, list):
        raise PositionError("file", "expected a list of positions, or {\"positions\": [...]}",
                            source=source)
    for number, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise PositionError("position", f"expected an object of fields, got {record!r}",
                                row=number, row_label="position", source=source)
    frame = pd.DataFrame.from_records(data) if data else pd.DataFrame(
        columns=["name", "underlying", "kind", "side", "notional"])
    frame.index = pd.RangeIndex(1, 1 + len(frame), name="position")
    return _book_from(frame, "position", source)


# ----- public -----------------------------------------------------------------------------------
def read_positions(path_or_buffer: str | os.PathLike | IO, format: str | None = None) -> Book:
    """Read a book from a CSV or JSON file (or an open file or text buffer).

    CSV: one line per position under a header. The columns are those of :class:`Position`
    (``name, underlying, kind, side`` and ``notional``, or ``quantity, price, contract_size,
    inverse``; ``entry_price``; option fields ``strike, years, volatility, option_type`` or
    ``delta``) plus any others, such as ``venue`` and ``account``, which are kept as text (an
    account ``001`` stays ``001``), or as numbers when every value is a decimal number such as
    ``0.005``. JSON: a list of objects with the same fields, or ``{"positions": [...]}``; it keeps
    every type as written.

    Parameters
    ----------
    path_or_buffer : str, path or file-like
    format : {"csv", "json"}, optional
        Taken from the suffix of a path; a buffer is sniffed (``[`` or ``{`` first means JSON).

    Returns
    -------
    Book

    Raises
    ------
    PositionError
        Naming the line of the file (header = line 1) or the position of a JSON list, and the
        field: a missing column, an unknown side or kind, text in a number column, an empty file,
        a column named twice in the header, ...

    Examples
    --------
    >>> import io
    >>> book = read_positions(io.StringIO(
    ...     "name,underlying,kind,side,notional,account\\n"
    ...     "BTC-PERP,BTC,perp,long,150000,001\\n"
    ...     "ETH-FUT,ETH,future,short,100000,002\\n"))
    >>> book.net_exposure(), book.to_frame()["account"].tolist()
    (50000.0, ['001', '002'])
    >>> read_positions(io.StringIO("underlying,kind,side,notional\\nBTC,perp,buy,5\\n"))
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: line 2 ('BTC perp 0'), field 'side': 'buy' is not one of long, short
    """
    source = _source_name(path_or_buffer)
    text = _read_text(path_or_buffer)
    kind = _format_of(path_or_buffer, format, text)
    return _read_json(text, source) if kind == "json" else _read_csv(text, source)


def write_positions(book: Book, path_or_buffer: str | os.PathLike | IO,
                    format: str | None = None) -> None:
    """Write a book as CSV or JSON (by the path's suffix, else ``format``, else CSV).

    Every column is written, and :func:`read_positions` reads the file back as an equal book
    (in CSV, an extra column of whole numbers such as ``leverage=10`` comes back as text: use
    JSON, which keeps types, or floats).

    Examples
    --------
    >>> import io
    >>> book = sample_book("guide_example_1")
    >>> buffer = io.StringIO()
    >>> write_positions(book, buffer, format="json")
    >>> _ = buffer.seek(0)
    >>> read_positions(buffer) == book
    True
    """
    if not isinstance(book, Book):
        raise PositionError("book", f"must be a Book, got {type(book).__name__}")
    kind = _format_of(path_or_buffer, format)
    frame = book.to_frame()
    if kind == "csv":
        text = frame.to_csv(index=False, lineterminator="\n")
    else:
        records = [{k: _json_value(v) for k, v in r.items() if not _missing(v)}
                   for r in frame.to_dict("records")]
        text = json.dumps({"positions": records}, indent=1) + "\n"
    if isinstance(path_or_buffer, (str, os.PathLike)):
        Path(path_or_buffer).write_text(text, encoding="utf-8")
    else:
        path_or_buffer.write(text)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _json_value(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def sample_path(name: str) -> Path:
    """The path of a sample book shipped with the package.

    ``"guide_example_1"``: the guide's $150,000 BTC perp long against $100,000 of ETH futures
    short. ``"guide_example_2"``: its three-position book ($30,000 net long).
    ``"desk_book"``: a desk-like book of 200 positions across venues and accounts: linear and
    inverse perps and futures, spot, coin collateral and a few options. ``"desk_snapshots"``: a
    month of daily snapshots of a smaller desk (a ``date`` and an ``equity`` column), for
    :func:`exposure_history`.

    Examples
    --------
    >>> sample_path("desk_book").name
    'desk_book.csv'
    """
    stem = Path(name).stem
    if stem not in SAMPLES:
        raise PositionError("name", f"{name!r} is not a sample; choose from {', '.join(SAMPLES)}")
    return Path(str(resources.files("exposure_kit") / "data" / f"{stem}.csv"))


def sample_book(name: str) -> Book:
    """A sample book shipped with the package (see :func:`sample_path` for the names).

    Examples
    --------
    >>> sample_book("guide_example_2").net_exposure()
    30000.0
    """
    return read_positions(sample_path(name))


# ----- ccxt -------------------------------------------------------------------------------------
_CCXT_FIELDS = {"quantity": "contracts", "contract_size": "contractSize", "price": "markPrice",
                "entry_price": "entryPrice", "name": "symbol"}
_SYMBOL = re.compile(r"^(?P<base>[^/:\s]+)/(?P<quote>[^/:\s]+)(?::(?P<settle>[^-\s]+)"
                     r"(?:-(?P<expiry>\d{6})(?:-(?P<strike>[0-9.]+)-(?P<right>[CP]))?)?)?$")


def _ccxt_symbol(symbol: Any, number: int) -> dict[str, Any]:
    match = _SYMBOL.match(symbol.strip()) if isinstance(symbol, str) else None
    if match is None or match["settle"] is None:
        raise PositionError("symbol", f"{symbol!r} is not a ccxt derivatives symbol such as "
                            "'BTC/USDT:USDT' or 'BTC/USD:BTC-241227'", row=number,
                            row_label="position", value=symbol)
    parts = match.groupdict()
    base, settle = parts["base"].upper(), parts["settle"].upper()
    if parts["strike"]:
        kind = "option"
    elif parts["expiry"]:
        kind = "future"
    else:
        kind = "perp"
    return {"underlying": base, "kind": kind, "settle": settle, "expiry": parts["expiry"],
            "strike": float(parts["strike"]) if parts["strike"] else None,
            "option_type": {"C": "call", "P": "put", None: None}[parts["right"]]}


def _ccxt_inverse(position: Mapping[str, Any], parsed: Mapping[str, Any]) -> bool:
    """Inverse when the market says so, else when it settles in its base coin. Options are
    counted in coin units of the underlying whatever their settlement, so never inverse here."""
    if parsed["kind"] == "option":
        return False
    if isinstance(position.get("inverse"), bool):
        return position["inverse"]
    if isinstance(position.get("linear"), bool):
        return not position["linear"]
    return parsed["settle"] == parsed["underlying"]


def _years_to(expiry: str, as_of: datetime) -> float:
    when = datetime.strptime(expiry, "%y%m%d").replace(hour=_EXPIRY_HOUR, tzinfo=timezone.utc)
    return (when - as_of).total_seconds() / 86_400 / _DAYS_PER_YEAR


def _ccxt_underlying_price(position: Mapping[str, Any], underlying: str, number: int,
                           prices: Mapping[str, float] | None) -> tuple[float, str]:
    """An option's ``markPrice`` is the option's own price, so the underlying's price comes from
    the exchange's raw ``info`` when it has the forward (Deribit's ``underlying_price``), else
    from ``prices``, else from the raw index (``index_price``). Returns the price and its source."""
    info = position.get("info") if isinstance(position.get("info"), Mapping) else {}
    candidates = [(info.get("underlying_price"), "forward"),
                  ((prices or {}).get(underlying), "given"), (info.get("index_price"), "index")]
    price = None
    for price, source in candidates:
        try:
            if price is not None and float(price) > 0:
                return float(price), source
        except (TypeError, ValueError):
            continue
    raise PositionError("underlying_prices", f"has no positive price for {underlying}: an "
                        f"option's markPrice is the option's own price, so give the underlying's, "
                        f"e.g. underlying_prices={{'{underlying}': 60000}}", row=number,
                        row_label="position", name=position.get("symbol"), value=price)


def _ccxt_size(position: Mapping[str, Any], inverse: bool) -> tuple[Any, Any, Any]:
    """Side, contracts and contract size; from Deribit's raw ``info.size`` when ccxt leaves
    ``contracts`` empty: USD of face for its inverse futures and perps (contract size 1 USD),
    coin for its options and linear contracts (contract size 1 coin); negative when short."""
    side, contracts, size = position.get("side"), position.get("contracts"), \
        position.get("contractSize")
    info = position.get("info") if isinstance(position.get("info"), Mapping) else {}
    if contracts is not None or info.get("size") is None:
        return side, contracts, size
    try:
        raw = float(info["size"])
    except (TypeError, ValueError):
        return side, info["size"], size
    if side is None:
        direction = {"buy": "long", "sell": "short"}.get(str(info.get("direction")).lower())
        side = direction or ("short" if raw < 0 else "long")
    return side, abs(raw), 1.0


def _ccxt_premium(mark: Any, settle: str, underlying: str, price: float) -> float | None:
    """An option's mark in USD per unit of underlying: Deribit quotes coin-settled options in
    coin, so the mark is times the underlying's price there."""
    try:
        mark = float(mark)
    except (TypeError, ValueError):
        return None
    return mark * price if settle == underlying else mark


def _ccxt_record(position: Any, number: int, venue: str | None, as_of: datetime | None,
                 volatility: Mapping[str, float] | float | None,
                 underlying_prices: Mapping[str, float] | None) -> dict[str, Any]:
    if not isinstance(position, Mapping):
        raise PositionError("position", f"expected a dict in ccxt's position structure, got "
                            f"{type(position).__name__}", row=number, row_label="position")
    parsed = _ccxt_symbol(position.get("symbol"), number)
    symbol = position["symbol"].strip()
    inverse = _ccxt_inverse(position, parsed)
    side, contracts, contract_size = _ccxt_size(position, inverse)
    given = {"side": side, "contracts": contracts, "contractSize": contract_size}
    missing = [k for k in ("side", "contracts", "contractSize") if given[k] is None]
    if missing:
        raise PositionError(missing[0], "is missing: exposure is derived from side, contracts "
                            "and contractSize (or Deribit's info.size)", row=number,
                            row_label="position", name=symbol)
    record = {
        "name": symbol, "underlying": parsed["underlying"], "kind": parsed["kind"],
        "side": side, "quantity": contracts,
        "contract_size": contract_size, "price": position.get("markPrice"),
        "inverse": inverse, "entry_price": position.get("entryPrice"),
        "settle": parsed["settle"], "symbol": symbol,
        "exchange_notional": position.get("notional"),
    }
    if venue is not None:
        record["venue"] = venue
    if parsed["expiry"]:
        record["expiry"] = parsed["expiry"]
    if parsed["kind"] == "option":
        price, source = _ccxt_underlying_price(position, parsed["underlying"], number,
                                               underlying_prices)
        record.update(strike=parsed["strike"], option_type=parsed["option_type"],
                      mark_price=position.get("markPrice"), price=price, price_source=source,
                      premium=_ccxt_premium(position.get("markPrice"), parsed["settle"],
                                            parsed["underlying"], price))
        if as_of is not None:
            record["years"] = _years_to(parsed["expiry"], as_of)
        vol = volatility.get(parsed["underlying"]) if isinstance(volatility, Mapping) else volatility
        if vol is not None:
            record["volatility"] = vol
    return record


def from_ccxt_positions(positions: Iterable[Mapping[str, Any]], *, venue: str | None = None,
                        as_of: datetime | None = None,
                        volatility: Mapping[str, float] | float | None = None,
                        underlying_prices: Mapping[str, float] | None = None) -> Book:
    """A book from positions in ccxt's unified structure (what ``exchange.fetch_positions()``
    returns).

    Exposure is derived again from ``contracts``, ``contractSize``, ``side`` and the market type,
    not taken from the exchange's ``notional``, which exchanges fill in inconsistently (some in
    coin for inverse contracts, some at entry price, some signed). That field is kept as
    ``exchange_notional`` for comparison, with ``symbol`` and the ``settle`` currency.

    The market comes from the unified symbol: ``BTC/USDT:USDT`` is a linear perpetual,
    ``BTC/USD:BTC`` an inverse one (settled in its base coin; ``contractSize`` is then USD per
    contract), ``BTC/USDT:USDT-241227`` a future with that expiry (kept as ``expiry``), and
    ``BTC/USD:BTC-241227-60000-C`` an option (strike and call/put from the symbol; its contracts
    count in coin whatever the settlement). ``linear``/``inverse`` keys, when present, win.
    An option's ``markPrice`` is the option's own price (kept as ``mark_price``, in the settle
    currency, and as ``premium`` in USD per unit); its exposure needs the underlying's price:
    the forward from the raw ``info`` when there (Deribit's ``underlying_price``), else
    ``underlying_prices``, else the raw ``index_price`` (``price_source`` says which). An option
    settled in its underlying's coin counts at the premium-adjusted delta.
    Deribit's positions come through ccxt without ``contracts``: their raw ``info.size`` is
    used, in USD of face for inverse futures and perps and in coin for options.

    Parameters
    ----------
    positions : iterable of dict
        ``symbol``, ``side`` ("long"/"short"), ``contracts``, ``contractSize``, ``markPrice``
        and ``entryPrice`` are used.
    venue : str, optional
        Written in a ``venue`` column (ccxt positions do not name their exchange).
    as_of : datetime, optional
        Timezone-aware time to measure options' years to expiry from (expiry at 08:00 UTC).
    volatility : float or dict, optional
        Volatility for options, one number or one per underlying. Options need ``as_of`` and
        this, or the book refuses them (naming the position).
    underlying_prices : dict, optional
        Price of each underlying (``{"BTC": 60_000}``), for options.

    Returns
    -------
    Book

    Examples
    --------
    >>> book = from_ccxt_positions([
    ...     {"symbol": "BTC/USDT:USDT", "side": "long", "contracts": 1500, "contractSize": 0.001,
    ...      "markPrice": 60_000.0, "entryPrice": 58_000.0, "notional": 90_000.0},
    ...     {"symbol": "BTC/USD:BTC", "side": "short", "contracts": 900, "contractSize": 100,
    ...      "markPrice": 60_000.0, "entryPrice": 62_000.0, "notional": 1.5}])
    >>> book.exposures().tolist()
    [90000.0, -90000.0]
    """
    if isinstance(positions, Mapping) or isinstance(positions, (str, bytes)):
        raise PositionError("positions", "expected a list of ccxt position dicts")
    if as_of is not None and as_of.tzinfo is None:
        raise PositionError("as_of", "give a timezone-aware datetime, e.g. with tzinfo=timezone.utc")
    records = [_ccxt_record(p, n, venue, as_of, volatility, underlying_prices)
               for n, p in enumerate(positions, start=1)]
    if not records:
        return Book()
    frame = pd.DataFrame.from_records(records)
    frame.index = pd.RangeIndex(1, 1 + len(frame), name="position")
    return _book_from(frame, "position", None, _CCXT_FIELDS)
