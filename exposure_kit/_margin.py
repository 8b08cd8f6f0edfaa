"""Margin arithmetic of USD(T)-margined accounts: liquidation prices and funding."""

from __future__ import annotations

import numpy as np

from ._errors import PositionError

__all__ = ["liquidation_price", "funding_payment"]


def _finite(name: str, value, positive: bool = False, non_negative: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PositionError(name, f"must be a number, got {value!r}") from None
    if not np.isfinite(number):
        raise PositionError(name, f"must be finite, got {value!r}")
    if positive and number <= 0:
        raise PositionError(name, f"must be positive, got {value!r}")
    if non_negative and number < 0:
        raise PositionError(name, f"must not be negative, got {value!r}")
    return number


def liquidation_price(side: str, quantity: float, entry_price: float, wallet_balance: float,
                      maintenance_margin_rate: float, maintenance_amount: float = 0.0,
                      other_maintenance: float = 0.0, other_unrealized_pnl: float = 0.0) -> float:
    """Price at which a USD(T)-margined position in one-way mode is liquidated.

    The account is liquidated when its margin balance falls to its maintenance margin:

    ``WB - other_mm + other_upnl + side q (P - EP) = q P mmr - cum``, solved for ``P``:

    ``P = (WB - other_mm + other_upnl + cum - side q EP) / (q mmr - side q)``

    This is the form Binance documents for USDⓈ-M contracts. With the two ``other`` terms at 0
    it is the isolated-margin price (``wallet_balance`` is then the position's isolated margin);
    in cross margin they carry the rest of the account.

    Parameters
    ----------
    side : {"long", "short"}
    quantity : float
        Position size in coin (positive).
    entry_price : float
    wallet_balance : float
        Cross wallet balance, or the isolated margin of the position.
    maintenance_margin_rate : float
        As a fraction, e.g. 0.004 for 0.4 %.
    maintenance_amount : float, default 0
        The bracket's maintenance amount (``cum``).
    other_maintenance : float, default 0
        Maintenance margin of every other position of the cross account.
    other_unrealized_pnl : float, default 0
        Unrealised PnL of every other position of the cross account.

    Returns
    -------
    float
        The liquidation price; 0.0 when no positive price liquidates the position (a long
        covered by its margin).

    Examples
    --------
    A 10x isolated long of 1 BTC at 10,000 with 1,000 of margin and a 0.5 % maintenance rate:

    >>> round(liquidation_price("long", 1, 10_000, 1_000, 0.005), 2)
    9045.23
    """
    if side not in ("long", "short"):
        raise PositionError("side", f"{side!r} is not one of long, short")
    q = _finite("quantity", quantity, positive=True)
    ep = _finite("entry_price", entry_price, positive=True)
    wb = _finite("wallet_balance", wallet_balance)
    mmr = _finite("maintenance_margin_rate", maintenance_margin_rate, non_negative=True)
    if mmr >= 1:
        raise PositionError("maintenance_margin_rate", f"must be below 1, got {mmr!r}")
    cum = _finite("maintenance_amount", maintenance_amount)
    other_mm = _finite("other_maintenance", other_maintenance, non_negative=True)
    other_pnl = _finite("other_unrealized_pnl", other_unrealized_pnl)
    s = 1.0 if side == "long" else -1.0
    price = (wb - other_mm + other_pnl + cum - s * q * ep) / (q * mmr - s * q)
    return max(price, 0.0)


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
