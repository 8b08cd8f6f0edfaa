"""The columns a position may have, and checks that turn raw input into a clean positions frame.

Every check is vectorised over the whole frame; the first offending row is reported by its index
label, so a loader that indexes by file line gets errors naming the line.
"""

from __future__ import annotations

from typing import Hashable

import numpy as np
import pandas as pd

from ._errors import PositionError

__all__ = ["SIDES", "KINDS", "OPTION_TYPES", "NUMERIC_FIELDS", "STRING_FIELDS", "clean_positions"]

SIDES = ("long", "short")
KINDS = ("spot", "perp", "future", "option", "collateral")
OPTION_TYPES = ("call", "put")
REQUIRED = ("underlying", "kind", "side")
STRING_FIELDS = ("name", "underlying", "kind", "side", "option_type")
NUMERIC_FIELDS = ("notional", "quantity", "price", "contract_size", "entry_price", "strike",
                  "years", "volatility", "rate", "delta", "premium", "beta")
# field -> (lowest allowed, whether the lowest itself is allowed)
KNOWN_FIELDS = frozenset((*STRING_FIELDS, *NUMERIC_FIELDS, "inverse"))
_BOUNDS = {
    "notional": (0.0, True), "quantity": (0.0, True), "premium": (0.0, True),
    "price": (0.0, False), "contract_size": (0.0, False), "entry_price": (0.0, False),
    "strike": (0.0, False), "years": (0.0, False), "volatility": (0.0, False),
}
_TRUE = {"true", "1", "yes", "y", "t", "1.0"}
_FALSE = {"false", "0", "no", "n", "f", "0.0", ""}
_REL_TOL, _ABS_TOL = 1e-6, 0.005


def _fail(frame: pd.DataFrame, mask: np.ndarray, field: str, problem, values=None) -> None:
    """Raise for the first row where ``mask`` is true; ``problem`` may be a function of the value."""
    if not mask.any():
        return
    i = int(np.flatnonzero(mask)[0])
    row: Hashable = frame.index[i]
    if values is not None:
        value = values[i]
    else:
        value = frame[field].iloc[i] if field in frame.columns else None
    if isinstance(value, np.generic):
        value = value.item()
    name = frame["name"].iloc[i] if "name" in frame.columns else None
    text = problem(value) if callable(problem) else problem
    raise PositionError(field, text, row=row, name=name, value=value)


def _column(frame: pd.DataFrame, field: str) -> np.ndarray:
    if field in frame.columns:
        return frame[field].to_numpy(dtype=float)
    return np.full(len(frame), np.nan)


def _clean_labels(frame: pd.DataFrame, field: str, allowed: tuple[str, ...] | None,
                  case: str) -> None:
    """Strip and case-fold a text column through its distinct values (fast on big books)."""
    series = frame[field]
    missing = series.isna().to_numpy()
    if field != "option_type":
        _fail(frame, missing, field, "is missing")
    codes, uniques = pd.factorize(series)
    cleaned = []
    for value in uniques:
        if not isinstance(value, str):
            bad = codes == len(cleaned)
            _fail(frame, bad, field, lambda v: f"must be text, got {v!r}")
        text = value.strip()
        cleaned.append(text.upper() if case == "upper" else text.lower() if case == "lower" else text)
    if allowed is not None:
        for k, text in enumerate(cleaned):
            if text not in allowed:
                _fail(frame, codes == k, field,
                      lambda v: f"{v!r} is not one of {', '.join(allowed)}")
    if field != "option_type":
        _fail(frame, np.array([c == "" for c in cleaned], dtype=bool)[codes], field, "is empty")
    values = np.array(cleaned + [np.nan], dtype=object)[codes]
    frame[field] = values


_CONTAINERS = (list, tuple, dict, set, frozenset, np.ndarray, pd.Series, pd.DataFrame, bytes)


def _refuse_non_scalars(frame: pd.DataFrame, field: str) -> None:
    """A value must be one value (text, a number, true/false, or missing): a list, a dict or a
    complex number cannot be compared, grouped or written back."""
    column = frame[field]
    if pd.api.types.is_complex_dtype(column.dtype):
        _fail(frame, np.ones(len(column), dtype=bool), field,
              lambda v: f"must be a real number, got {v!r}")
    if column.dtype != object:
        return
    values = column.to_numpy()
    kinds = {type(v) for v in values}
    bad = [k for k in kinds if issubclass(k, _CONTAINERS) or issubclass(k, (complex, np.complexfloating))]
    if bad:
        mask = np.array([isinstance(v, tuple(bad)) for v in values], dtype=bool)
        _fail(frame, mask, field,
              lambda v: f"must be one value (text, a number or true/false), got {v!r:.60}")


def _clean_numeric(frame: pd.DataFrame, field: str) -> None:
    raw = frame[field]
    if pd.api.types.is_bool_dtype(raw.dtype):
        _fail(frame, np.ones(len(raw), dtype=bool), field,
              lambda v: f"must be a number, got {v!r}")
    if raw.dtype == object:   # true next to numbers is not 1; an integer too big is not inf
        values = raw.to_numpy()
        flags = np.array([isinstance(v, (bool, np.bool_)) for v in values], dtype=bool)
        _fail(frame, flags, field, lambda v: f"must be a number, got {v!r}")
        huge = np.array([isinstance(v, int) and not -2**1023 < v < 2**1023 for v in values],
                        dtype=bool)
        _fail(frame, huge, field, lambda v: "is too large to be a number here "
              f"({len(str(abs(v)))} digits)")
    if pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.to_numpy(dtype=float)
    else:
        numbers = pd.to_numeric(raw, errors="coerce")
        text = numbers.isna().to_numpy() & raw.notna().to_numpy()
        if text.any():  # blank text counts as missing, anything else is an error
            blank = raw[text].map(lambda v: isinstance(v, str) and not v.strip())
            text[np.flatnonzero(text)[blank.to_numpy(dtype=bool)]] = False
        _fail(frame, text, field, lambda v: f"must be a number, got {v!r}")
        values = numbers.to_numpy(dtype=float)
    frame[field] = values
    _fail(frame, np.isinf(values), field, lambda v: f"must be finite, got {v!r}")
    if field in _BOUNDS:
        low, inclusive = _BOUNDS[field]
        bad = (values < low) if inclusive else (values <= low)
        word = "negative" if inclusive else "zero or negative"
        hint = " (give the size as a positive number and use side='short')" if inclusive else ""
        _fail(frame, bad, field, lambda v: f"must not be {word}, got {v!r}{hint}")
    if field == "delta":
        _fail(frame, np.abs(values) > 1, field, lambda v: f"must lie in [-1, 1], got {v!r}")


def _clean_inverse(frame: pd.DataFrame) -> np.ndarray:
    if "inverse" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    raw = frame["inverse"]
    if raw.dtype == bool:
        return raw.to_numpy()
    codes, uniques = pd.factorize(raw, use_na_sentinel=False)
    flags = []
    for k, value in enumerate(uniques):
        if isinstance(value, (bool, np.bool_)):
            flags.append(bool(value))
        elif isinstance(value, (int, float, np.integer, np.floating)) and value in (0, 1):
            flags.append(bool(value))
        elif isinstance(value, float) and np.isnan(value):
            flags.append(False)
        elif isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            flags.append(value.strip().lower() in _TRUE)
        else:
            _fail(frame, codes == k, "inverse", lambda v: f"must be true or false, got {v!r}")
    result = np.array(flags, dtype=bool)[codes]
    frame["inverse"] = result
    return result


def _check_sizes(frame: pd.DataFrame, inverse: np.ndarray) -> None:
    notional, quantity = _column(frame, "notional"), _column(frame, "quantity")
    price, size = _column(frame, "price"), _column(frame, "contract_size")
    has_notional, has_quantity = ~np.isnan(notional), ~np.isnan(quantity)
    _fail(frame, ~has_notional & ~has_quantity, "notional",
          "is missing: give a USD notional, or a quantity with its price", notional)
    _fail(frame, has_quantity & ~inverse & np.isnan(price), "price",
          "is missing: a position given by quantity needs its price", price)
    _fail(frame, has_quantity & inverse & np.isnan(size), "contract_size",
          "is missing: an inverse contract needs its USD face value per contract", size)
    implied = _quantity_notional(quantity, price, size, inverse)
    both = has_notional & has_quantity
    gap = np.abs(notional - implied)
    disagree = both & (gap > np.maximum(_ABS_TOL, _REL_TOL * np.abs(implied)))
    _fail(frame, disagree, "notional",
          lambda v: f"{v!r} disagrees with the notional its quantity, contract size and price give")


def _quantity_notional(quantity, price, size, inverse) -> np.ndarray:
    size = np.where(np.isnan(size), 1.0, size)
    return np.where(inverse, quantity * size, quantity * size * price)


def _check_kinds(frame: pd.DataFrame, inverse: np.ndarray) -> None:
    kind = frame["kind"].to_numpy()
    side = frame["side"].to_numpy()
    _fail(frame, (kind == "collateral") & (side == "short"), "side",
          "collateral is coin held, so it can only be long")
    spotlike = (kind == "spot") | (kind == "collateral")
    _fail(frame, spotlike & inverse, "inverse", "spot and collateral cannot be inverse contracts")
    option = kind == "option"
    _fail(frame, option & inverse, "inverse",
          "an option covers quantity x contract_size coins of its underlying, so it is never "
          "inverse here, even when it settles in coin: leave inverse false")
    if not option.any():
        return
    if "option_type" not in frame.columns:
        frame["option_type"] = np.nan
    _fail(frame, option & frame["option_type"].isna().to_numpy(), "option_type",
          "is missing: an option must be a 'call' or a 'put'")
    needs_model = option & np.isnan(_column(frame, "delta"))
    for field, problem in (("price", "is missing: an option needs its underlying's price"),
                           ("strike", "is missing: give the strike, or the option's delta"),
                           ("years", "is missing: the option has no time to expiry"),
                           ("volatility", "is missing: the option has no volatility")):
        column = _column(frame, field)
        need = option if field == "price" else needs_model
        _fail(frame, need & np.isnan(column), field, problem, column)


def clean_positions(raw: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Validate raw positions and return the clean frame (index kept) and the inverse flags.

    Raises
    ------
    PositionError
        For the first bad value found, naming its row and field.
    """
    if not isinstance(raw, pd.DataFrame):
        raise PositionError("positions", f"expected a pandas DataFrame, got {type(raw).__name__}")
    names = pd.Index([str(c) for c in raw.columns])
    duplicated = names[names.duplicated()]
    if len(duplicated):   # 0 and "0" are one column once written out
        raise PositionError(str(duplicated[0]), "the column appears more than once")
    frame = raw.copy()
    frame.columns = names
    for field in frame.columns:
        _refuse_non_scalars(frame, field)
        if field not in KNOWN_FIELDS and len(frame) and frame[field].isna().all():
            frame[field] = np.nan     # one way to hold a column of missing values, whatever came in
    for field in REQUIRED:
        if field not in frame.columns:
            if len(frame) == 0:
                frame[field] = pd.Series([], dtype=object)
            else:
                raise PositionError(field, "the column is missing")
    if "name" not in frame.columns:
        frame.insert(0, "name", [f"{u} {k} {i}" for u, k, i in
                                 zip(frame["underlying"], frame["kind"], range(len(frame)))])
    if len(frame) == 0:
        return frame.astype(object), np.zeros(0, dtype=bool)
    _clean_labels(frame, "name", None, "keep")
    _clean_labels(frame, "underlying", None, "upper")
    _clean_labels(frame, "kind", KINDS, "lower")
    _clean_labels(frame, "side", SIDES, "lower")
    if "option_type" in frame.columns:
        _clean_labels(frame, "option_type", OPTION_TYPES, "lower")
    for field in NUMERIC_FIELDS:
        if field in frame.columns:
            _clean_numeric(frame, field)
    inverse = _clean_inverse(frame)
    _check_sizes(frame, inverse)
    _check_kinds(frame, inverse)
    return frame, inverse
