"""Hedge ratios and hedge quality from price changes."""

from __future__ import annotations

import numpy as np

from ._errors import PositionError

__all__ = ["min_variance_hedge_ratio", "hedge_effectiveness"]


def _paired_changes(spot_changes, hedge_changes) -> tuple[np.ndarray, np.ndarray]:
    spot = np.asarray(spot_changes, dtype=float).ravel()
    hedge = np.asarray(hedge_changes, dtype=float).ravel()
    if spot.size != hedge.size:
        raise PositionError("hedge_changes", f"has {hedge.size} values, spot_changes {spot.size}")
    if spot.size < 2:
        raise PositionError("spot_changes", "needs at least two observations")
    for name, values in (("spot_changes", spot), ("hedge_changes", hedge)):
        bad = ~np.isfinite(values)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise PositionError(name, f"must be finite, got {values[i]!r}", row=i)
    if np.var(hedge) == 0:
        raise PositionError("hedge_changes", "do not vary, so they cannot hedge anything")
    return spot, hedge


def min_variance_hedge_ratio(spot_changes, hedge_changes) -> float:
    """The hedge size per unit of exposure that minimises the variance of the hedged position.

    ``h* = cov(dS, dH) / var(dH) = rho x sigma_S / sigma_H``.

    Parameters
    ----------
    spot_changes : array-like
        Changes (or returns) of the position being hedged.
    hedge_changes : array-like
        Changes (or returns) of the hedging instrument over the same periods.

    Returns
    -------
    float

    Examples
    --------
    >>> min_variance_hedge_ratio([1.0, -2.0, 3.0], [0.5, -1.0, 1.5])
    2.0
    """
    spot, hedge = _paired_changes(spot_changes, hedge_changes)
    return float(np.cov(spot, hedge)[0, 1] / np.var(hedge, ddof=1))


def hedge_effectiveness(spot_changes, hedge_changes) -> float:
    """Share of the variance of the position removed by the minimum-variance hedge (R squared).

    Parameters
    ----------
    spot_changes, hedge_changes : array-like
        As in :func:`min_variance_hedge_ratio`.

    Returns
    -------
    float
        ``rho ** 2``, between 0 and 1.

    Examples
    --------
    >>> hedge_effectiveness([1.0, -2.0, 3.0], [0.5, -1.0, 1.5])
    1.0
    """
    spot, hedge = _paired_changes(spot_changes, hedge_changes)
    if np.var(spot) == 0:
        raise PositionError("spot_changes", "do not vary, so there is no risk to hedge")
    return float(np.corrcoef(spot, hedge)[0, 1] ** 2)
