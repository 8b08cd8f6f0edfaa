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
    """

    def __init__(self, field: str, problem: str, row: Hashable | None = None,
                 name: str | None = None, value: Any = None) -> None:
        self.row = row
        self.field = field
        self.value = value
        where = ""
        if row is not None:
            where = f"row {row}"
            if name is not None and str(name) != str(row):
                where += f" ({name!r})"
            where += ", "
        super().__init__(f"{where}field {field!r}: {problem}")


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
