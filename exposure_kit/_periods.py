"""The calendar every module counts in: days in a year, funding periods, observation frequencies,
and the one parser of the dates a file gives.

Crypto trades every day, so a year is 365 days (not 252 trading days) unless a price file says its
rows are business days. Perpetual funding is paid every 8 hours: three periods a day.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ._errors import InputError, PositionError

__all__ = ["DAYS_PER_YEAR", "HOURS_PER_FUNDING_PERIOD", "FUNDING_PERIODS_PER_DAY",
           "FUNDING_PERIODS_PER_YEAR", "OBSERVATIONS_PER_YEAR", "parsed_dates", "day_text",
           "EXPIRY_FORMATS", "expiry_date"]

DAYS_PER_YEAR = 365
HOURS_PER_FUNDING_PERIOD = 8
FUNDING_PERIODS_PER_DAY = 24 // HOURS_PER_FUNDING_PERIOD
FUNDING_PERIODS_PER_YEAR = FUNDING_PERIODS_PER_DAY * DAYS_PER_YEAR
#: Rows a year for each frequency a price file can have: daily, business-daily, weekly, monthly.
OBSERVATIONS_PER_YEAR = {"D": DAYS_PER_YEAR, "B": 252, "W": 52, "M": 12}


# ----- dates read from files ----------------------------------------------------------------
_DATE_WORDS = ("now", "today", "tomorrow", "yesterday")


def parsed_dates(values: pd.Series, field: str, where: str, source: str | None) -> pd.Series:
    """Timestamps for a column of dates read from a file, each distinct text parsed once
    (snapshots repeat them): ISO 8601 (a time zone converted to UTC, then dropped) or epoch
    seconds or milliseconds, one unit for the column.

    Parameters
    ----------
    values : pandas.Series
        The dates as written, indexed by the line (or record) each came from.
    field, where, source : str
        The column, the word for a row (``line``) and the file, for the error.

    Returns
    -------
    pandas.Series
        ``datetime64`` values with ``values``' index.

    Raises
    ------
    PositionError
        Naming the line and the field: an empty date, a word (``today``), text that is not a
        date, epoch seconds mixed with milliseconds.

    Examples
    --------
    >>> dates = pd.Series(["2024-01-31", "1706745600"], index=[2, 3])
    >>> parsed_dates(dates[:1], "date", "line", "p.csv").dt.strftime("%Y-%m-%d").tolist()
    ['2024-01-31']
    >>> parsed_dates(pd.Series(["2024-01-31", "today"], index=[2, 3]), "date", "line", "p.csv")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: line 3 of p.csv, field 'date': 'today' is not a date ...
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    text = pd.Series([str(v).strip() for v in uniques], dtype=object)
    blank = np.append((text == "").to_numpy(), True)[codes]       # code -1: a missing value
    if blank.any():
        raise PositionError(field, "is empty: every line needs a date",
                            row=values.index[int(np.argmax(blank))], row_label=where,
                            source=source)
    epoch = text.str.fullmatch(r"\d{10}|\d{13}").to_numpy() if len(text) and \
        re.fullmatch(r"\d{10}|\d{13}", text.iloc[0]) else np.zeros(len(text), bool)
    wordy = text.str.lower().isin(_DATE_WORDS).to_numpy()     # pandas reads them as dates
    if wordy.any():
        first = int(np.argmax(wordy[codes]))
        raise PositionError(field, f"{text[codes[first]]!r} is not a date (write it as "
                            "2024-01-31)", row=values.index[first], row_label=where,
                            source=source)
    if len(text) and epoch.all():                      # epoch s or ms, one unit for the file
        lengths = text.str.len().to_numpy()[codes]
        if (lengths != lengths[0]).any():
            other = int(np.argmax(lengths != lengths[0]))
            raise PositionError(field, f"{text[codes[other]]!r} is epoch "
                                f"{'milliseconds' if lengths[other] == 13 else 'seconds'} where "
                                f"{where} {values.index[0]} has epoch "
                                f"{'milliseconds' if lengths[0] == 13 else 'seconds'}: write "
                                "every date in one unit", row=values.index[other],
                                row_label=where, source=source)
        unit = "ms" if len(text.iloc[0]) == 13 else "s"
        parsed = pd.to_datetime(text.astype("int64"), unit=unit)
    else:
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
        bad = parsed.isna().to_numpy()
        if bad.any():
            first = int(np.argmax(bad[codes]))
            raise PositionError(field, f"{text[codes[first]]!r} is not a date (write it as "
                                "2024-01-31)", row=values.index[first], row_label=where,
                                source=source)
        parsed = parsed.dt.tz_localize(None)
    return pd.Series(parsed.to_numpy()[codes], index=values.index)



def day_text(value: Any) -> str:
    """A timestamp as a date (``2024-01-31``), or with its time when it has one."""
    stamp = pd.Timestamp(value)
    return str(stamp.date()) if stamp == stamp.normalize() else str(stamp)


#: How an expiry may be written: 241227, 20241227, 2024-12-27, 27DEC24, 27DEC2024.
EXPIRY_FORMATS = ("%y%m%d", "%Y%m%d", "%Y-%m-%d", "%d%b%y", "%d%b%Y")


def expiry_date(value: Any, formats: Sequence[str] = EXPIRY_FORMATS) -> date | None:
    """The date an expiry stands for, ``None`` when there is none (missing or empty), or an
    :class:`InputError` for text that is not a date in one of ``formats``.

    Parameters
    ----------
    value : str, int or None
        As a file or an exchange symbol gives it (a whole number such as ``241227.0`` too).
    formats : sequence of str, default :data:`EXPIRY_FORMATS`
        ``strptime`` formats, tried in order.

    Returns
    -------
    datetime.date or None

    Examples
    --------
    >>> expiry_date("28jun24"), expiry_date(241227), expiry_date("")
    (datetime.date(2024, 6, 28), datetime.date(2024, 12, 27), None)
    >>> expiry_date("241399", formats=("%y%m%d",))
    Traceback (most recent call last):
    ...
    exposure_kit._errors.InputError: '241399' is not a date (YYMMDD)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
            and float(value).is_integer():
        value = str(int(value))
    text = str(value).strip()
    if not text:
        return None
    for pattern in formats:
        try:
            return datetime.strptime(text.upper() if "b" in pattern else text, pattern).date()
        except ValueError:
            continue
    named = "YYMMDD, YYYY-MM-DD or 28JUN24" if tuple(formats) == EXPIRY_FORMATS else \
        ", ".join(_FORMAT_NAMES.get(f, f) for f in formats)
    raise InputError(f"{text!r} is not a date ({named})")


_FORMAT_NAMES = {"%y%m%d": "YYMMDD", "%Y%m%d": "YYYYMMDD", "%Y-%m-%d": "YYYY-MM-DD"}
