"""Price history in: a desk's or a vendor's daily closes read and checked, and the shipped
synthetic history.

A price history is a DataFrame indexed by ``date`` (a DatetimeIndex, increasing, no repeats) with
one column per asset (upper case, as a book's underlyings are) of closes in USD. Its ``attrs``
record where it came from (``source``), the calendar its dates follow (``frequency``: ``"D"``
calendar days, ``"B"`` weekdays, ``"W"`` weeks, ``"M"`` months, or ``None`` when irregular) and
any ``gaps`` (dates or closes missing). A gap is never filled: by default it stops the load; with
``gaps="report"`` it is kept (a missing close stays NaN) and listed.
"""

from __future__ import annotations

import os
import warnings
from typing import IO, Any

import numpy as np
import pandas as pd

from ._errors import PositionError
from ._paths import price_paths
from ._periods import OBSERVATIONS_PER_YEAR, day_text, parsed_dates
from ._readers import read_text, source_name, table_from_text

__all__ = ["read_prices", "sample_prices", "PERIODS_PER_YEAR"]

DATE_NAMES = ("date", "time", "timestamp", "datetime", "day")
ASSET_NAMES = ("asset", "symbol", "ticker", "underlying")
CLOSE_NAMES = ("close", "price", "close_usd")
#: Rows a year for each calendar a price file can follow (:data:`OBSERVATIONS_PER_YEAR`).
PERIODS_PER_YEAR = OBSERVATIONS_PER_YEAR
_day = day_text          # the name _replay imports
_GAP_HINT = ("prices are never filled in: add the missing data, or pass gaps='report' to keep "
             "the gap (listed in prices.attrs['gaps'])")


# ----- reading the text into a frame of strings, one row per line ---------------------------
def _records_frame(text: str, source: str | None) -> tuple[pd.DataFrame, str]:
    """The file as text cells, indexed by the line (CSV) or record (JSON) each came from."""
    table = table_from_text(text, source, "a header line and one line per date", key="prices")
    if not table.labels:
        raise PositionError("file", "has a header but no prices" if table.row_label == "line"
                            else "expected a list of records, or {\"prices\": [...]}",
                            source=source)
    frame = table.frame()
    if table.row_label == "record":      # JSON keeps types: read every cell as its text
        frame = frame.map(lambda v: None if v is None else str(v))
    return frame, table.row_label


def _pick(columns, names, what: str, source: str | None, required: bool = True) -> str | None:
    found = [c for c in columns if str(c).strip().lower() in names]
    if not found and required:
        raise PositionError(what, f"no {what} column: name one of {', '.join(names)}",
                            source=source)
    return found[0] if found else None


# ----- dates --------------------------------------------------------------------------------
def _check_order(dates: pd.Series, field: str, where: str, source: str | None) -> None:
    """Strictly increasing in the file's own order: a repeat or a step back is named."""
    values = dates.to_numpy()
    lines = dates.index.to_numpy()
    seen: dict[Any, Any] = {}
    for line, day in zip(lines, values):
        if day in seen:
            raise PositionError(field, f"{day_text(day)} appears twice (also on {where} "
                                f"{seen[day]}): one close per date", row=line,
                                row_label=where, source=source)
        seen[day] = line
    back = np.flatnonzero(values[1:] < values[:-1])
    if back.size:
        i = int(back[0]) + 1
        raise PositionError(field, f"{day_text(values[i])} comes after {day_text(values[i - 1])} "
                            f"({where} {lines[i - 1]}): the dates must increase; sort the file "
                            "oldest first", row=lines[i], row_label=where, source=source)


# ----- prices -------------------------------------------------------------------------------
def _close_values(column: pd.Series, field: str, where: str, source: str | None,
                  gaps: str) -> np.ndarray:
    """Floats for one column: text, zero, negatives and non-finite refused by line."""
    out = np.full(len(column), np.nan)
    for i, (line, raw) in enumerate(column.items()):
        if raw is None or (isinstance(raw, float) and np.isnan(raw)) or str(raw).strip() == "":
            if gaps == "raise":
                raise PositionError(field, f"is empty: no close on this date; {_GAP_HINT}",
                                    row=line, row_label=where, source=source)
            continue
        text = str(raw).strip().replace(",", "") if isinstance(raw, str) else raw
        try:
            value = float(text)
        except (TypeError, ValueError):
            raise PositionError(field, f"{raw!r} is not a number", row=line, row_label=where,
                                source=source) from None
        if not np.isfinite(value):
            raise PositionError(field, f"must be a finite price, got {raw!r}", row=line,
                                row_label=where, source=source)
        if value <= 0:
            raise PositionError(field, f"must be a positive price, got {raw!r}", row=line,
                                row_label=where, source=source)
        out[i] = value
    return out


def _asset_name(name: Any, source: str | None) -> str:
    key = str(name).strip().upper()
    if not key:
        raise PositionError("asset", "an asset has no name", source=source)
    return key


def _wide(frame: pd.DataFrame, where: str, source: str | None, gaps: str) -> pd.DataFrame:
    date_col = _pick(frame.columns, DATE_NAMES, "date", source, required=False) or frame.columns[0]
    dates = parsed_dates(frame[date_col], str(date_col), where, source)
    _check_order(dates, str(date_col), where, source)
    assets = [c for c in frame.columns if c != date_col]
    if not assets:
        raise PositionError("file", "has dates but no price column", source=source)
    data: dict[str, np.ndarray] = {}
    for column in assets:
        key = _asset_name(column, source)
        if key in data:
            raise PositionError(str(column), f"names the asset {key} a second time",
                                row=1 if where == "line" else None, row_label=where,
                                source=source)
        data[key] = _close_values(frame[column], str(column), where, source, gaps)
    return pd.DataFrame(data, index=pd.DatetimeIndex(dates.to_numpy(), name="date"))


def _long(frame: pd.DataFrame, asset_col: str, close_col: str, where: str,
          source: str | None, gaps: str) -> pd.DataFrame:
    date_col = _pick(frame.columns, DATE_NAMES, "date", source)
    extra = [c for c in frame.columns if c not in (date_col, asset_col, close_col)]
    if extra:
        raise PositionError(extra[0], f"a long file has only {date_col}, {asset_col} and "
                            f"{close_col}: this column would be dropped", source=source)
    dates = parsed_dates(frame[date_col], str(date_col), where, source)
    assets = frame[asset_col].map(lambda v: "" if v is None or pd.isna(v) else str(v).strip())
    blank = assets == ""
    if blank.any():
        raise PositionError(asset_col, "is empty: every line names its asset",
                            row=blank.idxmax(), row_label=where, source=source)
    assets = assets.str.upper()
    closes = _close_values(frame[close_col], str(close_col), where, source, gaps)
    table = pd.DataFrame({"date": dates, "asset": assets, "close": closes})
    for asset, rows in table.groupby("asset", sort=False):
        _check_order(rows["date"], str(date_col), where, source)
    wide = table.pivot(index="date", columns="asset", values="close")
    wide = wide[list(pd.unique(assets))]
    wide.columns.name = None
    missing = table.groupby("asset")["date"].count() < len(wide)
    if missing.any() and gaps == "raise":
        asset = missing.idxmax()
        lacking = wide.index[wide[asset].isna()]
        raise PositionError(str(close_col), f"{asset} has no close on {day_text(lacking[0])}"
                            f"{_and_more(len(lacking))} where other assets have one; {_GAP_HINT}",
                            source=source)
    return wide


def _and_more(count: int) -> str:
    return f" (and {count - 1} more dates)" if count > 1 else ""


# ----- calendar ------------------------------------------------------------------------------
def _calendar(dates: pd.DatetimeIndex) -> str | None:
    """The calendar the dates follow: D, B, W, M, or None when they follow none of these."""
    if len(dates) < 3:
        return None
    steps = np.diff(dates.to_numpy()).astype("timedelta64[h]").astype(float) / 24
    usual = float(np.median(steps))
    if usual == 1:
        weekdays = dates.day_of_week < 5
        return "B" if weekdays.all() and (dates.day_of_week == 0).any() and (steps == 3).any() \
            else "D"
    if usual == 7:
        return "W"
    if 28 <= usual <= 31:
        return "M"
    return None


def _expected(dates: pd.DatetimeIndex, frequency: str) -> pd.DatetimeIndex:
    if frequency == "M":
        months = dates.to_period("M")
        full = pd.period_range(months[0], months[-1], freq="M")
        return full.difference(months).to_timestamp()
    step = {"D": "D", "B": "B", "W": "7D"}[frequency]
    return pd.date_range(dates[0], dates[-1], freq=step).difference(dates)


MAX_GAPS = 100_000
"""The most dates a price history may miss from its calendar (274 years of days) before it is
refused at once, without listing them."""


def _refuse_vast_span(dates: pd.DatetimeIndex, frequency: str | None, source: str | None) -> None:
    """Refuse, before any gap is built, dates so far apart that millions of them are missing."""
    if frequency is None or len(dates) < 2:
        return
    days = (dates[-1] - dates[0]) / pd.Timedelta(days=1)
    periods = {"D": days, "B": days * 5 / 7, "W": days / 7, "M": days / 30.44}[frequency]
    if periods - len(dates) > MAX_GAPS:
        raise PositionError("date", f"the dates run from {day_text(dates[0])} to {day_text(dates[-1])}: "
                            f"about {periods - len(dates):,.0f} dates of a "
                            f"{_CALENDARS[frequency]} series are missing (more than "
                            f"{MAX_GAPS:,}); check the dates", source=source)


def _calendar_gaps(prices: pd.DataFrame, frequency: str | None) -> list[dict[str, str]]:
    gaps: list[dict[str, str]] = []
    if frequency is not None:
        gaps += [{"asset": "all", "date": day_text(d)} for d in _expected(prices.index, frequency)]
    for asset in prices.columns:
        gaps += [{"asset": asset, "date": day_text(d)} for d in prices.index[prices[asset].isna()]]
    return gaps


def _check_frequency(frequency: str | None) -> None:
    allowed = (*PERIODS_PER_YEAR, "infer", None)
    if frequency not in allowed:
        raise PositionError("frequency", f"{frequency!r} is not one of D, B, W, M, 'infer' or "
                            "None")


def read_prices(path_or_buffer: str | os.PathLike | IO, *, gaps: str = "raise",
                frequency: str | None = "infer") -> pd.DataFrame:
    """Read daily (or weekly, monthly) closes from a CSV or JSON file, checked.

    Two layouts are read, in CSV or JSON (a list of records, or ``{"prices": [...]}``):

    - wide: a date column (``date``, ``time``, ``timestamp``, ``datetime`` or ``day``, else the
      first column) and one column of closes per asset;
    - long, as exchanges and data vendors export it: ``date``, ``asset`` (or ``symbol``,
      ``ticker``, ``underlying``) and ``close`` (or ``price``), one line per date and asset.

    Dates are ISO 8601 (``2024-01-31``, with or without a time; a time zone is converted to UTC)
    or epoch seconds or milliseconds. They must increase down the file with no date twice. Prices
    must be positive finite numbers. A close or a date missing from the calendar the dates
    follow is a gap: gaps are never filled.

    Parameters
    ----------
    path_or_buffer : str, path or file-like
    gaps : {"raise", "report"}, default "raise"
        ``"raise"`` stops at the first gap and names it; ``"report"`` keeps going, leaves a
        missing close as NaN (estimates refuse it by name), warns, and lists every gap in
        ``prices.attrs["gaps"]``.
    frequency : {"infer", "D", "B", "W", "M", None}, default "infer"
        The calendar the dates should follow, to find missing dates: calendar days (crypto),
        weekdays, weeks or months; ``None`` checks no calendar.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``date``, one float column per asset (names upper case); ``attrs`` holds
        ``source``, ``frequency`` and ``gaps``.

    Raises
    ------
    PositionError
        A ``ValueError`` naming the file, the line (header = line 1) or JSON record, and the
        field: a date that does not parse, is repeated or goes back; a price that is text, zero,
        negative or not finite; a gap, unless ``gaps="report"``.

    Examples
    --------
    >>> import io
    >>> prices = read_prices(io.StringIO(
    ...     "date,BTC,ETH\\n2024-01-01,42000,2300\\n2024-01-02,44000,2400\\n"
    ...     "2024-01-03,43000,2350\\n"))
    >>> prices["BTC"].tolist(), prices.attrs["frequency"]
    ([42000.0, 44000.0, 43000.0], 'D')
    >>> long = read_prices(io.StringIO(
    ...     "date,asset,close\\n2024-01-01,BTC,42000\\n2024-01-01,ETH,2300\\n"
    ...     "2024-01-02,BTC,44000\\n2024-01-02,ETH,2400\\n"))
    >>> long.loc["2024-01-02"].tolist()
    [44000.0, 2400.0]
    >>> read_prices(io.StringIO("date,BTC\\n2024-01-01,42000\\n2024-01-02,-5\\n"))
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: line 3, field 'BTC': must be a positive price, got '-5'
    """
    if gaps not in ("raise", "report"):
        raise PositionError("gaps", f"{gaps!r} is not one of 'raise', 'report'")
    _check_frequency(frequency)
    source = source_name(path_or_buffer)
    frame, where = _records_frame(read_text(path_or_buffer), source)
    asset_col = _pick(frame.columns, ASSET_NAMES, "asset", source, required=False)
    close_col = _pick(frame.columns, CLOSE_NAMES, "close", source, required=False)
    if asset_col is not None and close_col is not None:
        prices = _long(frame, asset_col, close_col, where, source, gaps)
    else:
        prices = _wide(frame, where, source, gaps)
    calendar = _calendar(prices.index) if frequency == "infer" else frequency
    _refuse_vast_span(prices.index, calendar, source)
    found = _calendar_gaps(prices, calendar)
    missing_dates = [g["date"] for g in found if g["asset"] == "all"]
    if missing_dates and gaps == "raise":
        raise PositionError("date", f"no prices for {missing_dates[0]}"
                            f"{_and_more(len(missing_dates))} in a {_CALENDARS[calendar]} series; "
                            f"{_GAP_HINT}", source=source)
    if found:
        warnings.warn(f"{source or 'prices'}: {len(found)} gaps kept, not filled: "
                      f"first {found[0]['asset']} on {found[0]['date']}", stacklevel=2)
    prices.attrs = {"source": source, "frequency": calendar, "gaps": found}
    return prices


_CALENDARS = {"D": "daily", "B": "weekday", "W": "weekly", "M": "monthly"}


# ----- the shipped synthetic history ----------------------------------------------------------
SAMPLE = {"start": "2021-01-01", "days": 1461, "prices": {"BTC": 29_000.0, "ETH": 730.0},
          "vols": {"BTC": 0.65, "ETH": 0.85}, "correlation": 0.80,
          "growth": {"BTC": 0.30, "ETH": 0.35},
          "crash": {"start": "2022-05-01", "days": 45, "moves": {"BTC": -0.45, "ETH": -0.55},
                    "vol_multiplier": 1.6, "correlation": 0.93}}


def sample_prices(seed: int = 2021) -> pd.DataFrame:
    """A made-up but realistic daily history of BTC and ETH closes, rebuilt from a seed.

    No real BTC and ETH prices ship with the package (none could be licensed for it), so the
    lessons and tests use this synthetic history. It is made at call time from the seed, so the
    same seed always gives the same prices. Its recipe:

    - 1,461 calendar days from 2021-01-01 to 2024-12-31, one close per day;
    - BTC starts at $29,000 and ETH at $730; outside the crash their log prices drift up by 0.30
      (BTC) and 0.35 (ETH) a year;
    - annualised volatility 65 % for BTC and 85 % for ETH, correlation of daily log returns 0.80
      (so ETH's beta to BTC is about 0.80 x 0.85 / 0.65 = 1.05);
    - a crash episode of 45 days from 2022-05-01: BTC falls 45 % and ETH 55 % on top of the noise,
      volatility is 1.6 times higher and the correlation rises to 0.93.

    Parameters
    ----------
    seed : int, default 2021

    Returns
    -------
    pandas.DataFrame
        As :func:`read_prices` returns: indexed by ``date``, columns ``BTC`` and ``ETH``.

    Examples
    --------
    >>> prices = sample_prices()
    >>> prices.shape, str(prices.index[0].date()), str(prices.index[-1].date())
    ((1461, 2), '2021-01-01', '2024-12-31')
    >>> prices.iloc[0].tolist()
    [29000.0, 730.0]
    >>> sample_prices().equals(prices)
    True
    """
    s = SAMPLE
    crash = s["crash"]
    dates = pd.date_range(s["start"], periods=s["days"], freq="D", name="date")
    drift = {k: g + 0.5 * s["vols"][k] ** 2 for k, g in s["growth"].items()}   # log growth g
    calm = price_paths(s["prices"], s["vols"], s["correlation"], steps=s["days"] - 1, dt=1 / 365,
                       drift=drift, seed=seed)
    stormy = price_paths(s["prices"], {k: v * crash["vol_multiplier"] for k, v in s["vols"].items()},
                         crash["correlation"], steps=crash["days"], seed=seed + 1)
    log_steps = np.log(calm).diff().iloc[1:].to_numpy().copy()
    first = int(dates.get_loc(pd.Timestamp(crash["start"])))      # step into the crash's 1st day
    window = slice(first - 1, first - 1 + crash["days"])
    log_steps[window] = np.log(stormy).diff().iloc[1:].to_numpy()
    log_steps[window] += np.log1p(np.array(list(crash["moves"].values()))) / crash["days"]
    start = np.array(list(s["prices"].values()))
    levels = start * np.exp(np.vstack([np.zeros(2), np.cumsum(log_steps, axis=0)]))
    prices = pd.DataFrame(np.round(levels, 2), index=dates, columns=list(s["prices"]))
    prices.attrs = {"source": f"sample_prices(seed={seed})", "frequency": "D", "gaps": []}
    return prices
