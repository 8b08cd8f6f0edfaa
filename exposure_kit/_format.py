"""Money and direction as a learner reads them: ``$150,000``, ``$150k``, ``$30,000 net long``."""

from __future__ import annotations

import math

__all__ = ["usd", "usd_short", "describe_net", "percent"]


def usd(value: float, cents: bool = False) -> str:
    """Format a USD amount with thousands separators; negatives as ``-$1,000``.

    Examples
    --------
    >>> usd(150_000), usd(-2_500.5, cents=True)
    ('$150,000', '-$2,500.50')
    """
    if not math.isfinite(value):
        return "n/a"
    text = f"{abs(value):,.2f}" if cents else f"{abs(value):,.0f}"
    sign = "-" if value < 0 and text.strip("0.,") else ""
    return f"{sign}${text}"


def usd_short(value: float) -> str:
    """Format a USD amount compactly for axis ticks: ``$150k``, ``-$1.5M``, ``$800``.

    Examples
    --------
    >>> usd_short(150_000), usd_short(-1_500_000), usd_short(800)
    ('$150k', '-$1.5M', '$800')
    """
    if not math.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{sign}${size / limit:,.3g}{suffix}"
    return f"{sign}${size:,.0f}"


def describe_net(net: float, tolerance: float = 0.5) -> str:
    """Say a net exposure in words: ``$30,000 net long``, ``$5,000 net short`` or ``flat``.

    Parameters
    ----------
    net : float
        Signed net exposure in USD.
    tolerance : float, default 0.5
        Amounts smaller than this (half a dollar) read as flat.

    Examples
    --------
    >>> describe_net(30_000), describe_net(-5_000), describe_net(0.0)
    ('$30,000 net long', '$5,000 net short', 'flat ($0 net)')
    """
    if abs(net) < tolerance:
        return "flat ($0 net)"
    return f"{usd(abs(net))} net {'long' if net > 0 else 'short'}"


def percent(value: float, digits: int = 1) -> str:
    """Format a fraction as a percentage: ``0.2`` as ``20.0%``.

    Examples
    --------
    >>> percent(0.2)
    '20.0%'
    """
    if not math.isfinite(value):
        return "n/a"
    return f"{value * 100:.{digits}f}%"
