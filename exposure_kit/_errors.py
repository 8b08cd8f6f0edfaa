"""The error raised for bad input: a ``ValueError`` that names the row and the field."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Hashable

__all__ = ["PositionError", "checked_number"]


class PositionError(ValueError):
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
                   non_negative: bool = False) -> float:
    """``value`` as a float, or a :class:`PositionError` naming ``field`` when it is not a finite
    number (text and booleans included), or not positive / not negative as asked."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise PositionError(field, f"must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise PositionError(field, f"must be finite, got {value!r}")
    if positive and number <= 0:
        raise PositionError(field, f"must be positive, got {value!r}")
    if non_negative and number < 0:
        raise PositionError(field, f"must not be negative, got {value!r}")
    return number
