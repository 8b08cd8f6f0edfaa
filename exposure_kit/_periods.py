"""The calendar every module counts in: days in a year, funding periods, observation frequencies,
and the one parser of the dates a file gives.

Crypto trades every day, so a year is 365 days (not 252 trading days) unless a price file says its
rows are business days. Perpetual funding is paid every 8 hours: three periods a day.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ._errors import PositionError

__all__ = ["DAYS_PER_YEAR", "HOURS_PER_FUNDING_PERIOD", "FUNDING_PERIODS_PER_DAY",
           "FUNDING_PERIODS_PER_YEAR", "OBSERVATIONS_PER_YEAR", "parsed_dates", "day_text"]

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
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: line 3 of p.csv, field 'date': 'today' is not a date (write it as 2024-01-31)
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
