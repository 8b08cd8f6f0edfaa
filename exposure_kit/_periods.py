"""The calendar every module counts in: days in a year, funding periods, observation frequencies.

Crypto trades every day, so a year is 365 days (not 252 trading days) unless a price file says its
rows are business days. Perpetual funding is paid every 8 hours: three periods a day.
"""

from __future__ import annotations

__all__ = ["DAYS_PER_YEAR", "HOURS_PER_FUNDING_PERIOD", "FUNDING_PERIODS_PER_DAY",
           "FUNDING_PERIODS_PER_YEAR", "OBSERVATIONS_PER_YEAR"]

DAYS_PER_YEAR = 365
HOURS_PER_FUNDING_PERIOD = 8
FUNDING_PERIODS_PER_DAY = 24 // HOURS_PER_FUNDING_PERIOD
FUNDING_PERIODS_PER_YEAR = FUNDING_PERIODS_PER_DAY * DAYS_PER_YEAR
#: Rows a year for each frequency a price file can have: daily, business-daily, weekly, monthly.
OBSERVATIONS_PER_YEAR = {"D": DAYS_PER_YEAR, "B": 252, "W": 52, "M": 12}
