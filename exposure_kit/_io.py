"""Books in and out of files: CSV and JSON, exchange positions in ccxt's unified structure, and
the sample books shipped with the package.

Errors say where the problem is in the reader's terms: ``line 7 of desk.csv`` (the header is line
1), ``position 3`` of a JSON list or of a ccxt list.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import IO, Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._book import Book
from ._errors import PositionError
from ._periods import DAYS_PER_YEAR, expiry_date
from ._readers import (  # noqa: F401 (documented here)
    FORMULA_START,
    MAX_BYTES,
    csv_table,
    json_data,
    looks_like_json,
    neutralised,
    read_text,
    restored,
    source_name,
)
from ._schema import NUMERIC_FIELDS, REQUIRED, STRING_FIELDS

__all__ = ["read_positions", "write_positions", "from_ccxt_positions", "sample_path",
           "sample_book", "SAMPLES"]

FORMATS = ("csv", "json")
_EXAMPLE_HEADER = "name,underlying,kind,side,notional"
SAMPLES = ("guide_example_1", "guide_example_2", "desk_book", "desk_snapshots")
# Deribit, OKX and Binance settle dated contracts at 08:00 UTC on the expiry date.
_EXPIRY_HOUR = 8
_CCXT_EXPIRY = ("%y%m%d",)      # a unified symbol's expiry: BTC/USD:BTC-241227


# ----- where a book comes from ------------------------------------------------------------------
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
    if text is not None and looks_like_json(text):
        return "json"
    return "csv"


def _book_from(frame: pd.DataFrame, row_label: str, source: str | None,
               fields: Mapping[str, str] | None = None) -> Book:
    """``Book.from_frame`` with its errors told as ``line N of FILE`` (or ``position N``)."""
    try:
        return Book.from_frame(frame)
    except PositionError as error:
        raise error.relabelled(row_label, source, dict(fields or {})) from None


# ----- CSV --------------------------------------------------------------------------------------
def _csv_frame(text: str, source: str | None) -> pd.DataFrame:
    """The positions of a CSV text as a raw frame, indexed by the line each starts on."""
    names, lines, columns = csv_table(text, source, what="a header line and one line per "
                                      "position", required=REQUIRED, example=_EXAMPLE_HEADER)
    index = pd.Index(lines, name="line", dtype="int64")
    if not lines:
        return pd.DataFrame(columns=names, index=index)
    return pd.DataFrame({name: _column(name, values, index)
                         for name, values in zip(names, columns)}, columns=names, index=index)


def _column(name: str, values: list[str], index: pd.Index) -> pd.Series:
    """One column's fields: numbers in a number column, text elsewhere (an extra column of
    written floats as floats), neutralised formulas restored, an empty field missing."""
    if name in NUMERIC_FIELDS:
        return _numbers_or_text(pd.Series(_cells(values), index=index))
    if name not in STRING_FIELDS and name != "inverse":
        numbers = _written_numbers(values, index)
        if numbers is not None:
            return numbers
    if "\n'" in "\n" + "\n".join(values):   # only then can a cell start with an apostrophe
        values = tuple(restored(v) for v in values)
    return pd.Series(_cells(values), index=index).infer_objects()


def _cells(values: list[str]) -> np.ndarray:
    """A column's fields as an object array, an empty field as a missing value (None)."""
    cells = np.array(values, dtype=object)
    cells[cells == ""] = None
    return cells


def _numbers_or_text(column: pd.Series) -> pd.Series:
    """Numbers where the text is a number (exactly as written), the text itself elsewhere, so the
    schema can name the line of the first one that is not."""
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().sum() == column.notna().sum():
        return numbers.astype(float)
    return column.astype(object).where(numbers.isna(), numbers)


def _written_numbers(values: list[str], index: pd.Index) -> pd.Series | None:
    """An extra column (mmr, leverage, a ccxt book's exchange_notional...) as floats when every
    value is written exactly as Python writes a float (``0.005``, ``100.0``, ``1e-05``; whole
    numbers such as ``10`` or ``007`` stay text: account codes keep their leading zeros), so a book
with float extra columns reads back equal; text otherwise
    (``None``). A column with no value at all reads as missing numbers."""
    texts = [v for v in values if v != ""]
    if not texts:
        return pd.Series(np.nan, index=index, dtype=float)
    numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
    written = (not numbers.isna().any()
               and all(any(mark in t for mark in ".eEn") for t in texts)
               and [repr(x) for x in numbers.astype(float).tolist()] == texts)
    if not written:
        return None
    return pd.to_numeric(pd.Series(_cells(values), index=index)).astype(float)


def _csv_cell(value: Any) -> str:
    """A value as a CSV cell: floats as Python writes them, text neutralised, and quoted when it
    holds a comma, a quote, a line break or spaces at either end."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return _csv_text_cell(str(value))


_NEEDS_QUOTES = re.compile(r'[,"\r\n]|^\s|\s$')


def _csv_text_cell(text: str) -> str:
    if text[:1] in FORMULA_START or text[:1] == "'":
        text = neutralised(text)
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_column(column: pd.Series) -> list[str]:
    """A column's cells, the common types the quick way."""
    values = column.tolist()
    if column.dtype == np.float64:
        return ["" if x != x else repr(x) for x in values]
    if column.dtype == np.bool_:
        return ["True" if x else "False" for x in values]
    return [_csv_text_cell(v) if type(v) is str else _csv_cell(v) for v in values]


def _csv_text(frame: pd.DataFrame, target: str | None) -> str:
    for column in frame.columns:
        if not isinstance(column, str) or not column or column != column.strip():
            raise PositionError(str(column), "a CSV header needs a name, without spaces at either "
                                "end: rename the column, or write JSON", source=target)
    cells = [_csv_column(frame[column]) for column in frame.columns]
    header = ",".join(_csv_cell(str(c)) for c in frame.columns)
    return "\n".join([header, *(",".join(row) for row in zip(*cells))]) + "\n"


# ----- JSON -------------------------------------------------------------------------------------
def _json_columns(data: Mapping[str, Any], source: str | None) -> list[str] | None:
    unknown = sorted(set(data) - {"positions", "columns"})
    if unknown:
        raise PositionError(unknown[0], "is not a key this file may have: expected "
                            "{\"positions\": [...]} and optionally \"columns\"", source=source)
    columns = data.get("columns")
    if columns is None:
        return None
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns) \
            or len(set(columns)) != len(columns):
        raise PositionError("columns", "must be a list of distinct column names", source=source)
    return columns


def _json_frame(text: str, source: str | None) -> pd.DataFrame:
    """The positions of a JSON text as a raw frame, indexed by position (from 1)."""
    data = json_data(text, source, "a list of positions")
    columns = None
    if isinstance(data, dict) and "positions" in data:
        columns = _json_columns(data, source)
        data = data["positions"]
    if not isinstance(data, list):
        raise PositionError("file", "expected a list of positions, or {\"positions\": [...]}",
                            source=source)
    for number, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise PositionError("position", f"expected an object of fields, got {record!r:.60}",
                                row=number, row_label="position", source=source)
        absent = next((field for field in REQUIRED if field not in record), None)
        if absent is not None:
            raise PositionError(absent, "is missing", row=number, row_label="position",
                                source=source)
        stray = next((k for k in record if columns is not None and k not in columns), None)
        if stray is not None:
            raise PositionError(stray, "is not one of the file's \"columns\"", row=number,
                                row_label="position", source=source)
    names = columns if columns is not None else list(dict.fromkeys(k for r in data for k in r))
    if data:
        frame = pd.DataFrame.from_records(data, columns=names)
    else:
        frame = pd.DataFrame(columns=names or ["name", "underlying", "kind", "side", "notional"])
        missing = [field for field in REQUIRED if field not in frame.columns]
        if missing:
            raise PositionError(missing[0], "is not one of the file's \"columns\"", source=source)
    frame.index = pd.RangeIndex(1, 1 + len(frame), name="position")
    return frame


def _read_text_as(text: str, source: str | None, kind: str) -> Book:
    """The book a CSV or JSON text holds, errors naming the line or position."""
    if kind == "json":
        return _book_from(_json_frame(text, source), "position", source)
    return _book_from(_csv_frame(text, source), "line", source)


def positions_with_rows(path_or_buffer: Any, format: str | None = None
                        ) -> tuple[Book, pd.Index, str, str | None]:
    """:func:`read_positions`, read and parsed once, with the line (CSV) or position (JSON)
    each position came from, the word for it and the file's name."""
    source = source_name(path_or_buffer)
    text = read_text(path_or_buffer)
    kind = _format_of(path_or_buffer, format, text)
    frame = _json_frame(text, source) if kind == "json" else _csv_frame(text, source)
    label = "position" if kind == "json" else "line"
    return _book_from(frame, label, source), frame.index, label, source


# ----- public -----------------------------------------------------------------------------------
def read_positions(path_or_buffer: str | os.PathLike | IO, format: str | None = None) -> Book:
    """Read a book from a CSV or JSON file (or an open file or text buffer).

    CSV: a header line naming the columns (it must name ``underlying``, ``kind`` and ``side``),
    then one line per position with as many fields as the header. The columns are those of
    :class:`Position` (``name, underlying, kind, side`` and ``notional``, or ``quantity, price,
    contract_size, inverse``; ``entry_price``; option fields ``strike, years, volatility,
    option_type`` or ``delta``) plus any others, such as ``venue`` and ``account``, which are kept
    as text exactly as written (an account ``001`` stays ``001``, spaces included), or as numbers
    when every value is a decimal number such as ``0.005``. An empty field is a missing value;
    blank lines hold no position. A cell written with a leading apostrophe before a formula
    character (``'=...``, ``'-...``, see :func:`write_positions`) reads without that apostrophe.
    JSON: a list of objects with the same fields, or ``{"positions": [...]}`` (with an optional
    ``"columns"`` list); it keeps every type as written.

    Parameters
    ----------
    path_or_buffer : str, path or file-like
        At most :data:`MAX_BYTES`; a file with a NUL character is refused as not text.
    format : {"csv", "json"}, optional
        Taken from the suffix of a path; a buffer is sniffed (``[`` or ``{`` first means JSON).

    Returns
    -------
    Book

    Raises
    ------
    PositionError
        A ``ValueError`` naming the file, the line of the file where the position starts
        (header = line 1) or the position of a JSON list, and the field: a missing column, a
        line with too few or too many fields, an unknown side or kind, text or ``true`` in a
        number column, a list where a value belongs, an empty file, ...

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
    >>> read_positions(io.StringIO("BTC,perp,long,100\\n"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: line 1, field 'underlying': the column is missing from the header: ...
    """
    return positions_with_rows(path_or_buffer, format)[0]


def write_positions(book: Book, path_or_buffer: str | os.PathLike | IO,
                    format: str | None = None) -> None:
    """Write a book as CSV or JSON (by the path's suffix, else ``format``, else CSV), so that
    :func:`read_positions` reads it back as an equal book, or refuse.

    Every column is written. Before anything is written the text is read back and compared with
    the book; a value that would come back different is refused with a ``PositionError`` naming
    the row and the column. In CSV that happens to what plain text cannot tell apart: a column of
    whole numbers (``leverage=10`` comes back as the text ``'10'``), text that reads as a
    decimal number (``'1.5'``), empty text (it reads as missing), a column name with spaces at
    either end. JSON keeps types, so write JSON for those (it refuses only infinities and values
    that are not text, numbers or true/false).

    CSV cells of text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return) are written with a leading apostrophe, as
    spreadsheets do (``'=1+2``), and the apostrophe is taken away again on reading; numbers are
    written as numbers. Text with commas, quotes, line breaks or spaces at either end is quoted.

    Examples
    --------
    >>> import io
    >>> book = sample_book("guide_example_1")
    >>> buffer = io.StringIO()
    >>> write_positions(book, buffer, format="json")
    >>> _ = buffer.seek(0)
    >>> read_positions(buffer) == book
    True
    >>> formula = Book.from_records([{"name": "=1+2", "underlying": "BTC", "kind": "spot",
    ...                               "side": "long", "notional": 5.0}])
    >>> buffer = io.StringIO()
    >>> write_positions(formula, buffer, format="csv")
    >>> buffer.getvalue().splitlines()[1]
    "'=1+2,BTC,spot,long,5.0"
    >>> read_positions(io.StringIO(buffer.getvalue())).to_frame()["name"].tolist()
    ['=1+2']
    """
    if not isinstance(book, Book):
        raise PositionError("book", f"must be a Book, got {type(book).__name__}")
    kind = _format_of(path_or_buffer, format)
    target = source_name(path_or_buffer)
    frame = book.to_frame()
    text = _csv_text(frame, target) if kind == "csv" else _json_text(frame, target)
    _check_reads_back(book, text, kind, target)
    if isinstance(path_or_buffer, (str, os.PathLike)):
        write_file_atomically(path_or_buffer, text)
    else:
        path_or_buffer.write(text)


def write_file_atomically(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` so that the file is either the old one or the whole new one.

    The data goes to a temporary file beside ``path``, is flushed to disk (``fsync``), then
    renamed over ``path``; a failure (a full disk, a missing folder) leaves ``path`` as it was
    and no temporary file behind. Text is written as UTF-8, newlines as given. An existing file
    keeps its permissions; a new one gets the usual ones (``0o666`` less the umask).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    data : str or bytes
        Its whole new content.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    PositionError
        ``field 'path'``, naming the path and the system's reason, when it cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> target = write_file_atomically(Path(folder) / "page.html", "<p>hi</p>")
    >>> target.read_text(), sorted(p.name for p in Path(folder).iterdir())
    ('<p>hi</p>', ['page.html'])
    """
    import tempfile

    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    temporary = None
    try:
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        handle, temporary = tempfile.mkstemp(dir=target.parent or ".",
                                             prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise PositionError("path", f"cannot write {os.fspath(path)!r}: "
                            f"{exc.strerror or exc}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return target


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, (float, np.floating)) and math.isnan(value))


def _json_value(value: Any, column: str, row: int, target: str | None) -> Any:
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and not math.isfinite(value):
        raise PositionError(column, f"{value!r} cannot be written as JSON, which has no infinity",
                            row=row, source=target, value=value)
    if not isinstance(value, (str, bool, int, float)):
        raise PositionError(column, f"a {type(value).__name__} ({value!r:.40}) cannot be written "
                            "as JSON: convert it to text or a number", row=row, source=target,
                            value=value)
    return value


def _json_text(frame: pd.DataFrame, target: str | None) -> str:
    columns = [str(c) for c in frame.columns]
    records = [{c: _json_value(v, c, row, target) for c, v in zip(columns, values)
                if not _missing(v)}
               for row, values in enumerate(frame.itertuples(index=False, name=None))]
    return json.dumps({"columns": columns, "positions": records}, indent=1,
                      ensure_ascii=False) + "\n"


def _check_reads_back(book: Book, text: str, kind: str, target: str | None) -> None:
    """Refuse to write ``text`` unless it reads back as ``book``, naming the first value that
    would change."""
    advice = ("write JSON, which keeps types, or change the column" if kind == "csv" else
              "change the column's values to text or numbers")
    try:
        back = _read_text_as(text, target, kind)
    except PositionError as error:
        raise PositionError(error.field, f"would not read back from {kind.upper()} "
                            f"({error.problem}): {advice}", source=target) from None
    if back == book:
        return
    a, b = book.to_frame(), back.to_frame()
    for column in a.columns:
        if column not in b.columns:
            raise PositionError(column, f"the column would not read back from {kind.upper()}: "
                                f"{advice}", source=target)
        for row, (was, now) in enumerate(zip(a[column].tolist(), b[column].tolist())):
            if not _same_value(was, now):
                now_text = "a missing value" if _missing(now) else repr(now)
                raise PositionError(column, f"{was!r} would read back from {kind.upper()} as "
                                    f"{now_text}: {advice}", row=row, name=a["name"].iat[row],
                                    value=was, source=target)
        if a[column].dtype != b[column].dtype:
            raise PositionError(column, f"the column's type ({a[column].dtype}) would read back "
                                f"from {kind.upper()} as {b[column].dtype}: {advice}",
                                source=target)
    raise PositionError("book", f"would not read back equal from {kind.upper()}", source=target)


def _same_value(a: Any, b: Any) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    return type(a) is type(b) and a == b or (
        isinstance(a, (float, np.floating)) and isinstance(b, (float, np.floating)) and a == b)


def sample_path(name: str) -> Path:
    """The path of a sample book shipped with the package.

    ``"guide_example_1"``: the guide's $150,000 BTC perp long against $100,000 of ETH futures
    short. ``"guide_example_2"``: its three-position book ($30,000 net long).
    ``"desk_book"``: a desk-like book of 217 positions across venues and accounts: linear and
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
    try:   # a real date and a real number, or the symbol is not one
        _ = expiry_date(parts["expiry"], _CCXT_EXPIRY)
        _ = parts["strike"] and float(parts["strike"])
    except ValueError:
        raise PositionError("symbol", f"{symbol!r} has no valid expiry date (YYMMDD) or strike",
                            row=number, row_label="position", value=symbol) from None
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
    day = expiry_date(expiry, _CCXT_EXPIRY)
    when = datetime(day.year, day.month, day.day, _EXPIRY_HOUR, tzinfo=timezone.utc)
    return (when - as_of).total_seconds() / 86_400 / DAYS_PER_YEAR


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
        given = _signed_number(price)
        if given is not None and given > 0:
            return given, source
    raise PositionError("underlying_prices", f"has no positive price for {underlying}: an "
                        f"option's markPrice is the option's own price, so give the underlying's, "
                        f"e.g. underlying_prices={{'{underlying}': 60000}}", row=number,
                        row_label="position", name=position.get("symbol"), value=price)


def _deribit_raw(info: Mapping[str, Any]) -> bool:
    """Deribit's own position fields: ``instrument_name``, ``size`` and ``direction``."""
    return all(k in info for k in ("instrument_name", "size", "direction"))


def _signed_number(value: Any) -> float | None:
    """An exchange's number (often written as text), or None when it is not a finite one (a
    boolean is not a number here)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _ccxt_size(position: Mapping[str, Any], inverse: bool) -> tuple[Any, Any, Any]:
    """Side, contracts (never negative) and contract size.

    Deribit is read from its raw ``info.size`` whatever ccxt puts in ``contracts`` (since
    ccxt's 2025 change ``contracts`` holds the raw size, in USD for inverse futures and perps,
    while ``contractSize`` is still the market's $10): USD of face for inverse futures and
    perps (contract size 1 USD), coin for options and linear contracts (contract size 1
    coin). A negative size is a short of that size; the side, when given, must agree."""
    side, contracts, size = position.get("side"), position.get("contracts"), \
        position.get("contractSize")
    info = position.get("info") if isinstance(position.get("info"), Mapping) else {}
    if (_deribit_raw(info) and _signed_number(info["size"]) is not None) or (
            contracts is None and info.get("size") is not None):
        contracts, size = info["size"], 1.0
        if side is None:
            side = {"buy": "long", "sell": "short"}.get(str(info.get("direction")).lower())
    signed = _signed_number(contracts)
    if signed is not None and signed < 0:
        if side not in (None, "", "short"):
            raise PositionError("contracts", f"contracts {contracts!r} is negative but side is "
                                f"{side!r}")
        side, contracts = "short", -signed
    elif signed is not None and side in (None, "") and signed > 0:
        raw = _signed_number(info.get("size"))
        side = "short" if raw is not None and raw < 0 else None
        contracts = signed
    return side, contracts, size


def _ccxt_premium(mark: Any, settle: str, underlying: str, price: float) -> float | None:
    """An option's mark in USD per unit of underlying: Deribit quotes coin-settled options in
    coin, so the mark is times the underlying's price there."""
    mark = _signed_number(mark)
    if mark is None:
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
    try:
        side, contracts, contract_size = _ccxt_size(position, inverse)
    except PositionError as exc:
        raise PositionError("contracts", exc.problem, row=number, row_label="position",
                            name=symbol) from None
    flat = _signed_number(contracts) == 0.0
    if flat:
        side = side or "long"          # no direction: a flat position is kept at zero size
    given = {"side": side, "contracts": contracts, "contractSize": contract_size}
    missing = [k for k in ("side", "contracts", "contractSize") if given[k] is None]
    if missing:
        raise PositionError(missing[0], "is missing: exposure is derived from side, contracts "
                            "and contractSize (or Deribit's info.size)", row=number,
                            row_label="position", name=symbol)
    price = position.get("markPrice")
    if price is None and parsed["kind"] != "option":
        price = (underlying_prices or {}).get(parsed["underlying"])
        if price is None and not inverse and not flat:
            raise PositionError("markPrice", f"is missing for {symbol}: give the price of "
                                f"{parsed['underlying']} as underlying_prices={{"
                                f"'{parsed['underlying']}': ...}}, or on_error='report' to "
                                "load the other positions", row=number, row_label="position",
                                name=symbol)
    record = {
        "name": symbol, "underlying": parsed["underlying"], "kind": parsed["kind"],
        "side": side, "quantity": contracts,
        "contract_size": contract_size, "price": price,
        "inverse": inverse, "entry_price": position.get("entryPrice") or None,
        "settle": parsed["settle"], "symbol": symbol,
        "exchange_notional": position.get("notional"),
    }
    if flat and price is None and not inverse:
        record.update(quantity=None, notional=0.0)
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
        info = position.get("info") if isinstance(position.get("info"), Mapping) else {}
        venue_delta = _signed_number(info.get("delta")) if _deribit_raw(info) else None
        if venue_delta is not None:
            record["venue_delta"] = venue_delta      # Deribit's own: N(d1) x size, in coin
        if as_of is not None:
            record["years"] = _years_to(parsed["expiry"], as_of)
        vol = volatility.get(parsed["underlying"]) if isinstance(volatility, Mapping) else volatility
        if vol is not None:
            record["volatility"] = vol
    return record


def from_ccxt_positions(positions: Iterable[Mapping[str, Any]], *, venue: str | None = None,
                        as_of: datetime | None = None,
                        volatility: Mapping[str, float] | float | None = None,
                        underlying_prices: Mapping[str, float] | None = None,
                        on_error: str = "raise") -> Book:
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
    settled in its underlying's coin counts at the plain Black-76 delta in USD, and at the
    premium-adjusted delta only in coin (``denomination="coin"``).
    Deribit's positions are read from their raw ``info.size`` whatever ccxt puts in
    ``contracts`` (ccxt 4.5 puts Deribit's raw size, in USD, there beside the market's $10
    ``contractSize``, which multiplied would be ten times too large): USD of face for inverse
    futures and perps, coin for options. A negative size (Deribit's, Hyperliquid's ``szi``) is
    a short of that size. A flat position (``contracts`` 0, side empty, as Bybit and OKX list
    them) is kept at zero size with ``flat`` true, so it is listed, not refused. A position
    without ``markPrice`` takes its underlying's price from ``underlying_prices``, or is
    refused, named.

    Delta convention: a coin-settled option is worth its Black-76 USD price, so its USD
    exposure uses the plain delta, as Deribit's own ``delta`` field (kept as ``venue_delta``,
    N(d1) times the size in coin) does. Counted in coin, it is premium-adjusted
    (``delta - premium / price``), Deribit's "Net Transaction Delta" of its "Delta Total".

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
        Price of each underlying (``{"BTC": 60_000}``), for options and for positions without
        a ``markPrice``.
    on_error : {"raise", "report"}, default "raise"
        ``"report"`` loads every position that can be read and lists the others, with the
        reason, in the returned book's ``refused`` attribute (a DataFrame: ``position``,
        ``symbol``, ``problem``); ``"raise"`` stops at the first.

    Returns
    -------
    Book
        With ``refused`` (empty unless ``on_error="report"`` left some out) and ``flat``
        (the names of the flat positions) attributes.

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
    if isinstance(positions, (Mapping, str, bytes)) or not isinstance(positions, Iterable):
        raise PositionError("positions", f"expected a list of ccxt position dicts, got "
                            f"{type(positions).__name__}")
    if as_of is not None and not isinstance(as_of, datetime):
        raise PositionError("as_of", f"expected a datetime, got {type(as_of).__name__}")
    if underlying_prices is not None and not isinstance(underlying_prices, Mapping):
        raise PositionError("underlying_prices", "expected a dict of price per underlying, "
                            f"such as {{'BTC': 60000}}, got {type(underlying_prices).__name__}")
    if as_of is not None and as_of.tzinfo is None:
        raise PositionError("as_of", "give a timezone-aware datetime, e.g. with tzinfo=timezone.utc")
    if on_error not in ("raise", "report"):
        raise PositionError("on_error", f"{on_error!r} is not one of raise, report")
    records, numbers, refused, flat = [], [], [], []
    for n, p in enumerate(positions, start=1):
        try:
            records.append(_ccxt_record(p, n, venue, as_of, volatility, underlying_prices))
            numbers.append(n)
            if records[-1]["quantity"] in (0, 0.0, "0") or records[-1].get("notional") == 0.0:
                flat.append(records[-1]["name"])
        except PositionError as exc:
            if on_error == "raise":
                raise
            symbol = p.get("symbol") if isinstance(p, Mapping) else None
            refused.append({"position": n, "symbol": symbol, "problem": str(exc)})
    book = Book()
    if records:
        frame = pd.DataFrame.from_records(records)
        frame.index = pd.Index(numbers, name="position")
        book = _book_from(frame, "position", None, _CCXT_FIELDS)
    book.refused = pd.DataFrame(refused, columns=["position", "symbol", "problem"])
    book.flat = flat
    return book
