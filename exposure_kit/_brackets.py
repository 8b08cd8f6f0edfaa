"""Maintenance margin brackets: the tiered rates exchanges publish, and venue conventions.

A bracket table has one row per tier: ``underlying``, ``floor`` (the notional where the tier
starts), ``rate`` (its maintenance margin rate) and ``maintenance_amount`` (``cum``, the amount
that keeps the requirement continuous from one tier to the next), with ``unit`` saying whether
floor and amount are in ``"usd"`` (USD(T)-margined contracts) or ``"coin"`` (coin-margined ones,
whose notional is counted in coin). Within a tier the requirement is ``rate x notional - cum``;
because each ``cum`` is built as ``floor x (rate - previous rate) + previous cum``, the
requirement is the largest of ``rate_k x notional - cum_k`` over the tiers, which is how it is
computed here.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from ._errors import PositionError, number_from_text
from ._readers import read_table

__all__ = ["read_brackets", "maintenance_amounts", "bracket_maintenance", "VENUES"]

#: ``"binance"`` charges maintenance on the notional at the price examined (so a liquidation
#: price solves with the rate of the tier at that price); ``"bybit"`` on the position value at
#: the entry price.
VENUES = ("binance", "bybit")
_COLUMNS = ("underlying", "floor", "rate")
_UNITS = ("usd", "coin")


def maintenance_amounts(floors, rates) -> np.ndarray:
    """Each tier's maintenance amount from the floors and rates of one underlying's tiers.

    ``cum_n = floor_n x (rate_n - rate_(n-1)) + cum_(n-1)``, with ``cum_1 = 0``: Binance's
    "Maintenance Amount formula" for its brackets.

    Examples
    --------
    Binance's COIN-M BTCUSD example, 300 BTC in the 12.5 % tier, has 11.605 BTC:

    >>> floors = [0, 5, 10, 20, 50, 100, 200]
    >>> rates = [0.004, 0.005, 0.01, 0.025, 0.05, 0.10, 0.125]
    >>> round(float(maintenance_amounts(floors, rates)[-1]), 6)
    11.605
    """
    floor = np.asarray(floors, dtype=float)
    rate = np.asarray(rates, dtype=float)
    steps = floor * np.diff(rate, prepend=rate[:1])
    return np.cumsum(steps)


def read_brackets(source: Any = None) -> pd.DataFrame:
    """A bracket table, checked and sorted: from a DataFrame, a CSV or JSON file, or the sample.

    With no ``source`` this is the small example table shipped in ``exposure_kit/data``
    (``brackets_example.csv``). Real brackets differ by venue and symbol and change often:
    read them from the venue (Binance's ``leverageBracket`` endpoint, Bybit's risk limit
    table) before trusting a liquidation price. A missing ``maintenance_amount`` is built
    with :func:`maintenance_amounts`; a missing ``unit`` is ``"usd"``.

    Parameters
    ----------
    source : DataFrame, str, path or file-like, optional
        A file is read as every file is (size, NUL bytes, encoding, separator and repeated
        keys guarded): CSV with a header line (lines starting with ``#`` are comments), or JSON,
        a list of objects or ``{"brackets": [...]}``.

    Returns
    -------
    pandas.DataFrame
        Columns ``underlying``, ``unit``, ``floor``, ``rate``, ``maintenance_amount``.

    Raises
    ------
    PositionError
        An :class:`InputError` naming the line (or row) and the field: a floor that is text,
        true, negative or not finite, a rate outside [0, 1), an unknown unit, a missing column.

    Examples
    --------
    >>> table = read_brackets()
    >>> table.loc[table["underlying"] == "BTC", "unit"].unique().tolist()
    ['coin']
    """
    frame, row_label, name = _bracket_rows(source)
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise PositionError(missing[0], "is missing from the bracket table (needs underlying, "
                            "floor, rate; maintenance_amount and unit are optional)", source=name)
    frame["underlying"] = [_underlying(value, row, row_label, name)
                           for row, value in frame["underlying"].items()]
    frame["unit"] = frame["unit"].astype(str).str.strip().str.lower() if "unit" in frame \
        else "usd"
    numbers = {"floor": {"non_negative": True}, "rate": {"non_negative": True},
               "maintenance_amount": {}}
    for field, checks in numbers.items():
        if field in frame.columns:
            frame[field] = [number_from_text(field, value, row=row, row_label=row_label,
                                             source=name, **checks)
                            for row, value in frame[field].items()]
    for row, (rate, unit) in zip(frame.index, zip(frame["rate"], frame["unit"])):
        where = {"row": row, "row_label": row_label, "source": name}
        if rate >= 1:
            raise PositionError("rate", f"must be a rate in [0, 1), got {rate!r}", **where)
        if unit not in _UNITS:
            raise PositionError("unit", f"{unit!r} is not one of usd, coin", **where)
    frame = frame.sort_values(["underlying", "floor"], kind="stable").reset_index(drop=True)
    if "maintenance_amount" not in frame.columns:
        frame["maintenance_amount"] = np.concatenate([
            maintenance_amounts(g["floor"], g["rate"]) for _, g in frame.groupby(
                "underlying", sort=False)]) if len(frame) else []
    return frame[["underlying", "unit", "floor", "rate", "maintenance_amount"]]


def _bracket_rows(source: Any) -> tuple[pd.DataFrame, str, str | None]:
    """The table's rows, the word for a row (``line`` of a file) and the file's name."""
    if isinstance(source, pd.DataFrame):
        return source.copy(), "row", None
    if source is None:
        source = str(resources.files("exposure_kit") / "data" / "brackets_example.csv")
    table = read_table(source, "a header line (underlying,floor,rate) and one line a tier",
                       comments=True, key="brackets")
    return table.frame(), table.row_label, table.source


def _underlying(value: Any, row: Any, row_label: str, source: str | None) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    if not text.strip():
        raise PositionError("underlying", "is empty", row=row, row_label=row_label,
                            source=source)
    return text.strip().upper()


def bracket_maintenance(table: pd.DataFrame, underlying: str, notional) -> np.ndarray:
    """Maintenance margin for ``notional`` (in the table's unit) of ``underlying``:
    ``max_k(rate_k x notional - cum_k)``, never below 0.

    Examples
    --------
    >>> table = read_brackets()
    >>> round(float(bracket_maintenance(table, "BTC", 10_000_000 / 45_000)), 4)   # 222 BTC
    16.1728
    """
    tiers = table[table["underlying"] == underlying]
    n = np.asarray(notional, dtype=float)
    if tiers.empty:
        raise PositionError("brackets", f"the bracket table has no tiers for {underlying}")
    each = n[..., None] * tiers["rate"].to_numpy() - tiers["maintenance_amount"].to_numpy()
    return np.maximum(each.max(axis=-1), 0.0)
