"""Refusals of bad input, and the one family of checked numbers.

Every refusal is an :class:`InputError` (a ``ValueError``), so a caller catches "bad input" in
one ``except``; :class:`PositionError` is the one that names the row and the field.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, Hashable

__all__ = ["InputError", "PositionError", "checked_number", "checked_integer",
           "checked_fraction", "number_from_text"]


class InputError(ValueError):
    """Input that cannot be used as given: a file, a value or an argument.

    Every refusal of bad input in ``exposure_kit`` is one, so one ``except`` catches them all;
    it is a ``ValueError``, so code written for that keeps working.

    Examples
    --------
    >>> import exposure_kit as ek
    >>> try:
    ...     ek.checked_number("equity", True)
    ... except ek.InputError as error:
    ...     print(error)
    field 'equity': must be a number, got True
    """


class PositionError(InputError):
    """A position, or an argument, that cannot be used as given.

    Attributes
    ----------
    row : hashable or None
        The row of the book (its index label, or the line of a file) that is wrong, if any.
    field : str
        The column or argument that is wrong.
    value : object
        The offending value, when there is one.
    problem : str
        What is wrong, without the row and field.

    Examples
    --------
    >>> str(PositionError("side", "'buy' is not one of long, short", row=3, row_label="line",
    ...                   source="desk.csv"))
    "line 3 of desk.csv, field 'side': 'buy' is not one of long, short"
    """

    def __init__(self, field: str, problem: str, row: Hashable | None = None,
                 name: str | None = None, value: Any = None, *, row_label: str = "row",
                 source: str | None = None) -> None:
        self.row = row
        self.field = field
        self.value = value
        self.problem = problem
        self.name = name
        where = ""
        if row is not None:
            where = f"{row_label} {row}" + (f" of {source}" if source else "")
            if name is not None and str(name) != str(row):
                where += f" ({name!r})"
            where += ", "
        elif source:
            where = f"{source}: "
        super().__init__(f"{where}field {field!r}: {problem}")

    def relabelled(self, row_label: str, source: str | None = None,
                   fields: dict[str, str] | None = None) -> "PositionError":
        """The same error told in a loader's terms: ``line 5 of desk.csv`` rather than ``row 5``,
        and (optionally) the field under the name the input used."""
        field = (fields or {}).get(self.field, self.field)
        return PositionError(field, self.problem, row=self.row, name=self.name, value=self.value,
                             row_label=row_label, source=source)


def checked_number(field: str, value: Any, *, positive: bool = False,
                   non_negative: bool = False, row: Hashable | None = None,
                   row_label: str = "row", source: str | None = None) -> float:
    """``value`` as a float, or a :class:`PositionError` naming ``field`` (and the row, when
    given) when it is not a finite number, or not positive / not negative as asked.

    Text and booleans are refused: ``True`` is not 1 here (a shock of ``True`` is not +100 %).

    Parameters
    ----------
    field : str
        The argument or column, named in the error.
    value : object
        A real number (int, float, NumPy scalar).
    positive, non_negative : bool, default False
        Also refuse zero and negatives, or negatives only.
    row, row_label, source : optional
        Where the value came from, for the error: ``line 4 of rates.csv``.

    Returns
    -------
    float

    Examples
    --------
    >>> checked_number("equity", 50_000, positive=True)
    50000.0
    >>> checked_number("shock", True)
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: field 'shock': must be a number, got True
    >>> checked_number("rate", float("nan"), row=3, row_label="line", source="rates.csv")
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: line 3 of rates.csv, field 'rate': must be finite, got nan
    """
    return _checked(field, value, value, positive, non_negative,
                    {"row": row, "row_label": row_label, "source": source, "value": value})


def _checked(field: str, value: Any, shown: Any, positive: bool, non_negative: bool,
             where: dict[str, Any]) -> float:
    """:func:`checked_number`'s checks, the value told as ``shown`` (a file's text as written)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise PositionError(field, f"must be a number, got {shown!r}", **where)
    try:
        number = float(value)
    except OverflowError:                     # an int too large for a float
        raise PositionError(field, f"must be finite, got {shown!r:.40}", **where) from None
    if not math.isfinite(number):
        raise PositionError(field, f"must be finite, got {shown!r}", **where)
    if positive and number <= 0:
        raise PositionError(field, f"must be positive, got {shown!r}", **where)
    if non_negative and number < 0:
        raise PositionError(field, f"must not be negative, got {shown!r}", **where)
    return number


def checked_integer(field: str, value: Any, *, minimum: int | None = None) -> int:
    """``value`` as an int (a whole-number int or NumPy integer; never a bool or a float), at
    least ``minimum`` when given, or a :class:`PositionError` naming ``field``.

    Examples
    --------
    >>> checked_integer("window", 30, minimum=4)
    30
    >>> checked_integer("window", 30.0)
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: field 'window': must be a whole number, got 30.0
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise PositionError(field, f"must be a whole number, got {value!r}", value=value)
    if minimum is not None and value < minimum:
        raise PositionError(field, f"must be at least {minimum}, got {value!r}", value=value)
    return int(value)


def checked_fraction(field: str, value: Any, *, below_one: bool = True) -> float:
    """``value`` as a float in [0, 1) (or [0, 1] with ``below_one=False``), or a
    :class:`PositionError` naming ``field``: a rate or a share, never a percentage.

    Examples
    --------
    >>> checked_fraction("rate", 0.005)
    0.005
    >>> checked_fraction("rate", 5)
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: field 'rate': must be a fraction in [0, 1), got 5
    """
    number = checked_number(field, value, non_negative=True)
    if number > 1 or (below_one and number == 1):
        span = "[0, 1)" if below_one else "[0, 1]"
        raise PositionError(field, f"must be a fraction in {span}, got {value!r}", value=value)
    return number


def number_from_text(field: str, raw: Any, *, positive: bool = False,
                     non_negative: bool = False, row: Hashable | None = None,
                     row_label: str = "row", source: str | None = None) -> float:
    """A number read from a file's cell: text such as ``" 61259.6 "`` is parsed, a number
    (from JSON) is taken as it is; then checked as :func:`checked_number` checks it.

    Examples
    --------
    >>> number_from_text("floor", " 250000 ", non_negative=True)
    250000.0
    >>> number_from_text("floor", "-5", non_negative=True, row=4, row_label="line",
    ...                  source="tiers.csv")
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: line 4 of tiers.csv, field 'floor': must not be negative, got '-5'
    """
    value = raw
    if isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            value = raw
    return _checked(field, value, raw, positive, non_negative,
                    {"row": row, "row_label": row_label, "source": source, "value": raw})
