"""Perpetual funding: payments, rates (Binance's rule), rates per year, the funding table.

Funding is paid every :data:`~exposure_kit._periods.HOURS_PER_FUNDING_PERIOD` hours
(:data:`~exposure_kit._periods.FUNDING_PERIODS_PER_DAY` periods a day); a positive rate makes
longs pay shorts.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import pandas as pd

from ._book import Book
from ._errors import PositionError, checked_number
from ._periods import DAYS_PER_YEAR, FUNDING_PERIODS_PER_DAY

__all__ = ["funding_payment", "funding_rate", "annualised_funding", "funding_table",
           "checked_funding", "MAX_FUNDING_RATE"]


def funding_payment(signed_notional, rate):
    """Funding the position's holder receives for one funding period (negative: pays).

    When the rate is positive, longs pay shorts: ``received = -signed_notional x rate``.

    Parameters
    ----------
    signed_notional : float or array
        Position notional in USD at the mark price, positive long, negative short.
    rate : float or array
        Funding rate for the period, as a fraction (0.0001 for 0.01 %).

    Returns
    -------
    float or ndarray

    Examples
    --------
    A $10,000 long at a 0.01 % rate pays $1:

    >>> funding_payment(10_000, 0.0001)
    -1.0
    """
    notional = np.asarray(signed_notional, dtype=float)
    r = np.asarray(rate, dtype=float)
    if not np.all(np.isfinite(notional)):
        raise PositionError("signed_notional", f"must be finite, got {signed_notional!r}")
    if not np.all(np.isfinite(r)):
        raise PositionError("rate", f"must be finite, got {rate!r}")
    received = -notional * r
    return float(received) if received.ndim == 0 else received


def funding_rate(premium_index: float, interest_rate: float = 0.0001,
                 clamp: float = 0.0005) -> float:
    """A perpetual's funding rate for one period from its premium index, Binance's rule.

    ``rate = premium + clamp(interest - premium, -clamp, +clamp)``: the premium index measures
    how far the perp trades above (positive) or below the spot index; the interest part is
    0.01 % per 8-hour period on Binance's USD(T)-margined perps. So a perp trading close to
    the index pays the interest rate, 0.01 %, and a perp trading far above it pays its premium.

    Parameters
    ----------
    premium_index : float
        The period's premium index, as a fraction of the index price.
    interest_rate : float, default 0.0001
        Interest component per period.
    clamp : float, default 0.0005
        Bound on ``interest - premium`` (0.05 %).

    Returns
    -------
    float

    Examples
    --------
    >>> round(funding_rate(0.0003), 6)   # within the clamp: the interest rate
    0.0001
    >>> round(funding_rate(0.002), 6)   # a large premium: 0.002 - 0.0005
    0.0015
    """
    premium = checked_number("premium_index", premium_index)
    interest = checked_number("interest_rate", interest_rate)
    bound = checked_number("clamp", clamp, non_negative=True)
    gap = interest - premium
    return interest if abs(gap) <= bound else premium + math.copysign(bound, gap)


def annualised_funding(rate: float, interval_hours: float = 8) -> float:
    """A funding rate per period as a simple yearly rate: ``rate x periods per year``.

    Venues differ in their period (8 hours on most Binance, Bybit and OKX perps; 4 or 1 hour on
    some contracts, and some venues shorten it while a rate sits at its cap), so compare rates
    per year.

    Parameters
    ----------
    rate : float
        Funding rate per period, as a fraction.
    interval_hours : float, default 8
        Hours between funding payments.

    Returns
    -------
    float

    Examples
    --------
    0.01 % every 8 hours is 3 x 365 = 1,095 payments a year, 10.95 %:

    >>> round(annualised_funding(0.0001), 4)
    0.1095
    """
    value = checked_number("rate", rate)
    hours = checked_number("interval_hours", interval_hours, positive=True)
    return value * DAYS_PER_YEAR * 24 / hours


def funding_table(book: Book, rates: Mapping[str, float]) -> pd.DataFrame:
    """What each perpetual pays or receives in funding at the given rates.

    Parameters
    ----------
    book : Book
    rates : dict
        Funding rate per 8-hour period per underlying (``{"BTC": 0.0001}`` is 0.01 %); a
        positive rate makes longs pay shorts. Perps of an underlying without a rate are left out
        of the table and named in its ``missing`` attribute (``table.attrs["missing"]``).

    Returns
    -------
    pandas.DataFrame
        One row per perp: ``underlying``, ``venue`` (when the book has it), ``notional``
        (signed USD), ``rate``, ``per_8h`` and ``per_day`` (received; negative: paid).

    Examples
    --------
    A $10,000 BTC long pays $1 every 8 hours at 0.01 %, $3 a day:

    >>> book = Book.from_records([{"name": "p", "underlying": "BTC", "kind": "perp",
    ...                            "side": "long", "notional": 10_000}])
    >>> funding_table(book, {"BTC": 0.0001})[["per_8h", "per_day"]].iloc[0].tolist()
    [-1.0, -3.0]
    """
    rates = {str(k).strip().upper(): checked_number(f"rate of {k}", v) for k, v in rates.items()}
    frame = book.rows.frame
    perp = book.rows.is_kind("perp")
    under = frame["underlying"].to_numpy()
    signed = book.exposures(measure="notional").to_numpy()
    priced = perp & np.isin(under, list(rates))
    rate = np.array([rates.get(u, np.nan) for u in under[priced]], dtype=float)
    table = pd.DataFrame({"underlying": under[priced]},
                         index=pd.Index(frame["name"].to_numpy()[priced], name="name"))
    if "venue" in frame.columns:
        table["venue"] = frame["venue"].to_numpy()[priced]
    table["notional"] = signed[priced]
    table["rate"] = rate
    table["per_8h"] = funding_payment(signed[priced], rate) if priced.any() else []
    table["per_day"] = table["per_8h"] * FUNDING_PERIODS_PER_DAY
    table.attrs["missing"] = sorted(set(under[perp & ~priced]))
    return table


#: A funding rate above this per 8 hours (1 %) is refused unless forced: it is 1,095 % a year,
#: far more often a rate typed in percent (``1`` for 1 %) than a real one.
MAX_FUNDING_RATE = 0.01


def checked_funding(rates: Mapping[str, float], *, force: bool = False) -> dict[str, float]:
    """Funding rates per 8 hours, refused above :data:`MAX_FUNDING_RATE` unless ``force``.

    Examples
    --------
    >>> checked_funding({"btc": 0.0001})
    {'BTC': 0.0001}
    >>> checked_funding({"BTC": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exposure_kit._errors.PositionError: field 'funding': the rate of BTC is 1 per 8 hours ...
    """
    out = {}
    for key, value in rates.items():
        name = str(key).strip().upper()
        rate = checked_number(f"rate of {name}", value)
        if abs(rate) > MAX_FUNDING_RATE and not force:
            raise PositionError("funding", f"the rate of {name} is {rate:g} per 8 hours "
                                f"({rate * 100:.2f} %): above 1 % per 8 hours it is more likely "
                                "a percent typed as a fraction (0.01 % is 0.0001); give "
                                "force_funding=True (--force-funding) if it is real")
        out[name] = rate
    return out
