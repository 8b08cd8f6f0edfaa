"""The one way a file comes in: a guarded text reader and one CSV/JSON table reader.

Every file the package reads (positions, prices, snapshots, equity and funding rates, brackets)
goes through :func:`read_text`, which refuses a file larger than :data:`MAX_BYTES`, one with a
NUL byte (a binary file) and one that is not UTF-8, and then through :func:`json_data` (repeated
keys, non-finite numbers and nesting too deep refused) or :func:`csv_table` (the separator
detected or named, a header without blank or repeated names, every line as wide as the header,
the line each record starts on kept). Every refusal is a :class:`PositionError` naming the file,
the line (header = line 1) or record, and the field.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ._errors import PositionError

__all__ = ["MAX_BYTES", "table_rows", "read_text", "source_name", "looks_like_json", "json_data",
           "json_records", "csv_table", "comma_separated", "neutralised", "restored", "ABSENT", "Table",
           "read_table", "table_from_text"]

MAX_BYTES = 256 * 2**20
"""The largest file read (256 MiB, about 1.5 million positions)."""
_CHUNK = 2**20


# ----- text ---------------------------------------------------------------------------------------
def source_name(path_or_buffer: Any) -> str | None:
    """The file's name for an error message: a path's last part, an open file's ``name``."""
    if isinstance(path_or_buffer, (str, os.PathLike)):
        return Path(path_or_buffer).name
    name = getattr(path_or_buffer, "name", None)
    return name if isinstance(name, str) else None


def _read_limited(read: Any, source: str | None) -> str | bytes:
    """Everything ``read(n)`` gives, in chunks, refusing a NUL (a binary file, ``/dev/zero``) or
    more than :data:`MAX_BYTES` (a file without end) as soon as it is seen."""
    chunks: list = []
    size = 0
    while True:
        chunk = read(_CHUNK)
        if not isinstance(chunk, (str, bytes)):
            raise PositionError("file", f"read() gave {type(chunk).__name__}, not text",
                                source=source)
        if not chunk:
            break
        nul = chunk.find(b"\0" if isinstance(chunk, bytes) else "\0")
        if nul >= 0:
            raise PositionError("file", f"has a NUL character at offset {size + nul}: it is not "
                                "a text file", source=source)
        size += len(chunk)
        if size > MAX_BYTES:
            limit = f"{MAX_BYTES // 2**20} MiB" if MAX_BYTES >= 2**20 else f"{MAX_BYTES} bytes"
            raise PositionError("file", f"is larger than {limit}: not read", source=source)
        chunks.append(chunk)
    if not chunks:
        return ""
    return chunks[0][:0].join(chunks)


def _decoded(data: str | bytes, source: str | None) -> str:
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PositionError("file", f"is not UTF-8 text ({exc.reason} at byte {exc.start}, "
                            f"line {line})", source=source) from None


def read_text(path_or_buffer: Any) -> str:
    """The text of a path or an open file (text or binary), newlines as written, guarded.

    Examples
    --------
    >>> read_text(io.StringIO("\\ufeffdate,BTC\\n"))
    'date,BTC\\n'
    >>> read_text(io.BytesIO(b"date,BTC\\n\\x00\\x00"))
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: field 'file': has a NUL character at offset 9: it is not a text file
    """
    source = source_name(path_or_buffer)
    if isinstance(path_or_buffer, (str, os.PathLike)):
        where = os.fspath(path_or_buffer)
        try:
            with open(where, "rb") as handle:
                return _decoded(_read_limited(handle.read, source), source)
        except FileNotFoundError:
            raise PositionError("path", f"no such file: {where!r}") from None
        except OSError as exc:
            raise PositionError("path", f"cannot read {where!r}: {exc.strerror}") from None
    read = getattr(path_or_buffer, "read", None)
    if not callable(read):
        raise PositionError("path_or_buffer", f"expected a path or an open file, got "
                            f"{type(path_or_buffer).__name__}")
    return _decoded(_read_limited(read, source), source)


def looks_like_json(text: str) -> bool:
    """Whether text starts (after white space) as a JSON list or object does."""
    return text.lstrip()[:1] in ("[", "{")


# ----- JSON ---------------------------------------------------------------------------------------
class _RepeatedKey(Exception):
    pass


def _object_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        raise _RepeatedKey(next(k for k, _ in pairs if k in seen or seen.add(k)))
    return record


class _NotFinite(Exception):
    pass


def _not_a_json_number(text: str) -> float:
    raise _NotFinite(text)


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NotFinite(f"{text[:30]} (too large for a float)")
    return number


def json_data(text: str, source: str | None, what: str = "a list of records") -> Any:
    """The JSON value of ``text``, refusing an empty file, a key named twice in one object,
    ``NaN``/``Infinity`` and floats too large, and nesting too deep.

    Examples
    --------
    >>> json_data('{"BTC": 0.0001, "BTC": 0.0002}', "rates.json")
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: rates.json: field 'BTC': an object names 'BTC' twice
    """
    if not text.strip():
        raise PositionError("file", f"is empty: expected {what}", source=source)
    try:
        return json.loads(text, object_pairs_hook=_object_without_repeats,
                          parse_constant=_not_a_json_number, parse_float=_finite_float)
    except _NotFinite as exc:
        raise PositionError("file", f"has {exc} where JSON allows only finite numbers",
                            source=source) from None
    except json.JSONDecodeError as exc:
        raise PositionError("file", f"is not valid JSON: {exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}", source=source) from None
    except _RepeatedKey as exc:
        key = str(exc)
        raise PositionError(key, f"an object names {key!r} twice", source=source) from None
    except RecursionError:
        raise PositionError("file", "nests lists or objects too deeply to be a table",
                            source=source) from None


def json_records(data: Any, source: str | None, key: str | None, row_label: str = "record"
                 ) -> list[dict[str, Any]]:
    """The records of a JSON table: a list of objects, or ``{key: [...]}`` when ``key``."""
    if key is not None and isinstance(data, dict) and key in data:
        data = data[key]
    if not isinstance(data, list):
        wrapped = f", or {{\"{key}\": [...]}}" if key is not None else ""
        raise PositionError("file", f"expected a list of records{wrapped}", source=source)
    for number, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise PositionError(row_label, f"expected an object of fields, got {record!r:.60}",
                                row=number, row_label=row_label, source=source)
    return data


# ----- CSV ----------------------------------------------------------------------------------------
# Text cells that a spreadsheet would run as a formula are written with a leading apostrophe,
# as spreadsheets themselves do: "=1+2" is written "'=1+2". So that every text reads back as it
# was, text that already starts with apostrophes before such a character gets one more, and the
# reader takes exactly one away from any cell that starts with apostrophes before one of them.
FORMULA_START = "=+-@\t\r"
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")


def neutralised(text: str) -> str:
    """``text`` as written in a CSV cell: one apostrophe in front when a spreadsheet would
    otherwise run it as a formula (it starts with ``= + - @``, a tab or a carriage return,
    perhaps after apostrophes).

    Examples
    --------
    >>> neutralised("=SUM(A1:A9)"), neutralised("-hedge"), neutralised("BTC")
    ("'=SUM(A1:A9)", "'-hedge", 'BTC')
    >>> restored(neutralised("'=1")) == "'=1"
    True
    """
    return "'" + text if _ESCAPED.match(text) else text


def restored(text: str) -> str:
    """The text a neutralised CSV cell stands for: one leading apostrophe taken away when it
    comes before apostrophes and a formula character; any other text as it is."""
    if text[:1] == "'" and _ESCAPED.match(text, 1):
        return text[1:]
    return text


_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
_DECIMAL_COMMA = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+")


def comma_separated(text: str, source: str | None = None) -> str:
    """``text`` as comma-separated CSV: a file separated by semicolons or tabs (as European
    spreadsheets save it) is rewritten, and with semicolons a decimal comma (``61259,6``,
    ``1.234,5``) becomes a point; any other separator is refused, named.

    The separator is read from the header line: the one of comma, semicolon and tab it holds
    most of.

    Examples
    --------
    >>> comma_separated("underlying;kind;price\\nBTC;perp;61259,6\\n")
    'underlying,kind,price\\nBTC,perp,61259.6\\n'
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    sep = max(counts, key=counts.get)
    if counts[sep] == 0:
        other = [c for c in "|:^~" if c in header]
        if other:
            raise PositionError("file", f"the header is separated by {other[0]!r}, not by "
                                "commas: save the file as CSV with commas (or semicolons or "
                                f"tabs) (line 1 reads {header[:60]!r})", source=source)
        return text                       # one column: the header check names what is missing
    if sep == ",":
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=sep):
            if sep == ";":
                record = [_DECIMAL_COMMA.fullmatch(v.strip()) and
                          v.strip().replace(".", "").replace(",", ".") or v for v in record]
            writer.writerow(record)
    except csv.Error as exc:
        raise PositionError("file", f"cannot be read as {_SEPARATORS[sep]}-separated CSV: "
                            f"{exc}", source=source) from None
    return out.getvalue()


def _without_comments(text: str) -> str:
    """Lines starting with ``#`` blanked (kept, so that the lines after keep their numbers)."""
    if "#" not in text:
        return text
    return "\n".join("" if line.lstrip().startswith("#") else line
                     for line in text.split("\n"))


def csv_table(text: str, source: str | None, *, what: str = "a header line and one line a row",
              required: Sequence[str] = (), example: str | None = None,
              comments: bool = False) -> tuple[list[str], list[int], list[list[str]]]:
    """The header's names, the line each record starts on, and the fields column by column.

    The separator is detected (:func:`comma_separated`). A record's line is the line it starts
    on, so a quoted value over several lines does not shift the lines after it; blank lines
    (or lines of empty fields, or ``#`` comments when ``comments``) hold no record. Refused,
    naming the line: a header with a blank or repeated name or without a ``required`` column,
    a line with more or fewer fields than the header, a field the CSV module cannot read.

    Examples
    --------
    >>> csv_table("account,equity\\n\\n001,900000\\n", "a.csv")
    (['account', 'equity'], [3], [['001'], ['900000']])
    >>> csv_table("account,equity\\n001,900,000\\n", "a.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: line 2 of a.csv, field 'fields': the line has 3 fields where ...
    """
    if not text.strip():
        raise PositionError("file", f"is empty: expected {what}", source=source)
    text = comma_separated(_without_comments(text) if comments else text, source)
    header = _Header(required, example or ",".join(required), source, skip_blank=comments)
    if '"' not in text and "\r" not in text:   # one line, one record: the fast way
        return _plain_csv_columns(text, header, source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: list[int] = []
    records: list[list[str]] = []
    names: list[str] | None = None
    start = 1
    try:
        for record in reader:
            if names is None:
                if not "".join(record).strip() and comments:
                    start = reader.line_num + 1
                    continue
                names = header.names(record, start)
            elif "".join(record).strip():
                _check_width(len(record), len(names), start, source)
                lines.append(start)
                records.append(record)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PositionError("file", f"cannot be read as CSV: {exc}", row=reader.line_num,
                            row_label="line", source=source) from None
    if names is None:
        raise PositionError("file", f"is empty: expected {what}", source=source)
    columns = [list(c) for c in zip(*records)] if records else [[] for _ in names]
    return names, lines, columns


def _check_width(width: int, names: int, line: int, source: str | None) -> None:
    if width != names:
        raise PositionError("fields", f"the line has {width} fields where the header has "
                            f"{names}", row=line, row_label="line", source=source)


def _plain_csv_columns(text: str, header: "_Header", source: str | None
                       ) -> tuple[list[str], list[int], list[list[str]]]:
    """What :func:`csv_table` gives, for a file without quotes or carriage returns, where each
    line is one record: lines are counted by splitting and pandas' C parser splits fields."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    first = next((n for n, line in enumerate(lines) if line.strip()), 0) \
        if header.skip_blank else 0
    names = header.names(lines[first].split(","), first + 1)
    width = len(names) - 1
    kept = [n for n in range(first + 1, len(lines)) if lines[n].replace(",", "").strip()]
    wrong = next((n for n in kept if lines[n].count(",") != width), None)
    if wrong is not None:
        _check_width(lines[wrong].count(",") + 1, len(names), wrong + 1, source)
    longest = max((len(lines[n]) for n in kept), default=0)
    if longest > csv.field_size_limit():      # as the csv module refuses it in a quoted file
        line = next(n for n in kept if len(lines[n]) == longest)
        if max(map(len, lines[line].split(","))) > csv.field_size_limit():
            raise PositionError("file", "cannot be read as CSV: field larger than field limit "
                                f"({csv.field_size_limit()})", row=line + 1, row_label="line",
                                source=source)
    if not kept:
        return names, [], [[] for _ in names]
    body = "\n".join(lines[n] for n in kept)
    frame = pd.read_csv(io.StringIO(body), header=None, names=list(range(len(names))),
                        dtype=str, keep_default_na=False, na_filter=False, index_col=False,
                        skip_blank_lines=False, quoting=csv.QUOTE_NONE, engine="c")
    return names, [n + 1 for n in kept], [frame[k].tolist() for k in range(len(names))]


@dataclass
class _Header:
    required: Sequence[str]
    example: str
    source: str | None
    skip_blank: bool = False

    def names(self, record: list[str], line: int = 1) -> list[str]:
        """The header's names, stripped and restored; refused when one is blank or repeated or
        a required one is missing."""
        names = [restored(h.strip()) for h in record]
        where = {"row": line, "row_label": "line", "source": self.source}
        if not any(names):
            raise PositionError("file", f"line {line} is blank: expected the header, e.g. "
                                f"{self.example}", source=self.source)
        seen: set[str] = set()
        for column, name in enumerate(names, start=1):
            if not name:
                raise PositionError(f"column {column}", "the header has no name for this "
                                    "column", **where)
            if name in seen:
                raise PositionError(name, "the header names this column more than once", **where)
            seen.add(name)
        missing = [field for field in self.required if field not in seen]
        if missing:
            raise PositionError(missing[0], "the column is missing from the header: the first "
                                f"line must name the columns, e.g. {self.example} "
                                f"(line {line} reads {','.join(record)[:60]!r})", **where)
        return names


# ----- one table, whatever the format -------------------------------------------------------------
class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()
"""The cell of a JSON record that lacks a column other records have."""


def _empty(cell: Any) -> bool:
    return cell is ABSENT or cell is None or (isinstance(cell, str) and cell == "")


@dataclass
class Table:
    """A file's rows: column names, the line (CSV) or record (JSON) of each row, cells by column.

    CSV cells are text as written (an empty field is ``""``); JSON cells keep their type, and
    a record without a column has :data:`ABSENT` there.
    """

    names: list[str]
    labels: list[int]
    columns: list[list[Any]]
    row_label: str
    source: str | None

    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame of objects indexed by line or record; an empty CSV field,
        a JSON ``null`` and an absent field are ``None``."""
        index = pd.Index(self.labels, name=self.row_label, dtype="int64")
        data = {}
        for name, column in zip(self.names, self.columns):
            cells = pd.Series(column, index=index, dtype=object)
            empty = cells == "" if self.row_label == "line" else cells.map(_empty).astype(bool)
            data[name] = cells.mask(empty, None) if empty.any() else cells
        return pd.DataFrame(data, columns=self.names, index=index)

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """Each row's label and its fields (those that are there)."""
        return [(label, {n: c[i] for n, c in zip(self.names, self.columns) if c[i] is not ABSENT})
                for i, label in enumerate(self.labels)]


def table_from_text(text: str, source: str | None, what: str, *, key: str | None = None,
                    pairs: bool = False, comments: bool = False,
                    json_label: str = "record") -> Table:
    """A :class:`Table` from a file's text: JSON when it starts with ``[`` or ``{``, else CSV.

    Parameters
    ----------
    text, source
        The file's text and name.
    what : str
        What the file should hold, for the message when it holds nothing.
    key : str, optional
        JSON may wrap its list of records as ``{key: [...]}``.
    pairs : bool
        JSON may also be one object of ``{"name": value}`` pairs (columns ``key`` and ``value``).
    comments : bool
        CSV lines starting with ``#`` are comments.
    json_label : str
        The word for a JSON row in messages (``record``, ``item``).

    Examples
    --------
    >>> table = table_from_text("account,equity\\n001,900000\\n", "a.csv", "the equity")
    >>> table.rows()
    [(2, {'account': '001', 'equity': '900000'})]
    >>> table_from_text('{"001": 900000}', "a.json", "the equity", pairs=True).rows()
    [(1, {'key': '001', 'value': 900000})]
    """
    if looks_like_json(text):
        data = json_data(text, source, what)
        if pairs and isinstance(data, dict):
            data = [{"key": k, "value": v} for k, v in data.items()]
        records = json_records(data, source, key, json_label)
        names = list(dict.fromkeys(k for r in records for k in r))
        columns = [[r.get(n, ABSENT) for r in records] for n in names]
        return Table(names, list(range(1, 1 + len(records))), columns, json_label, source)
    names, lines, columns = csv_table(text, source, what=what, comments=comments)
    return Table(names, lines, columns, "line", source)


def read_table(path_or_buffer: Any, what: str, **options: Any) -> Table:
    """A :class:`Table` from a path or an open file, through :func:`read_text` (see
    :func:`table_from_text` for the options).

    Examples
    --------
    >>> read_table(io.StringIO("underlying,rate\\nBTC,lots\\n"), "rates").rows()
    [(2, {'underlying': 'BTC', 'rate': 'lots'})]
    """
    return table_from_text(read_text(path_or_buffer), source_name(path_or_buffer), what,
                           **options)


def table_rows(path_or_buffer: Any, what: str) -> tuple[list[dict[str, Any]], str, str]:
    """Rows of a small CSV or JSON table (JSON may be one object of pairs), each with the line or
    item it came from as ``__line__``, the file's name and the word for a row (``line`` or
    ``item``): how the equity, funding-rate and limits files are read.

    Examples
    --------
    >>> import io
    >>> table_rows(io.StringIO("account,equity\\n001,900000\\n"), "equity per account")
    ([{'__line__': 2, 'account': '001', 'equity': '900000'}], 'equity per account', 'line')
    """
    source = source_name(path_or_buffer) or what
    table = table_from_text(read_text(path_or_buffer), source, f"the {what}", pairs=True,
                            json_label="item")
    if not table.labels:
        empty = "holds nothing" if table.row_label == "item" else "has a header but no rows"
        raise PositionError("file", f"{empty}: expected the {what}", source=source)
    return [{"__line__": label, **row} for label, row in table.rows()], source, table.row_label
