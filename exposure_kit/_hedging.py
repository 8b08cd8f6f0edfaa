"""Hedges: how much to add to reach a target net, hedge ratios, and hedge quality."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ._book import DEFAULT_MEASURE, Book
from ._errors import PositionError, checked_number

__all__ = ["min_variance_hedge_ratio", "hedge_effectiveness", "hedge_notional", "hedge_contracts",
           "hedge_ratio", "hedge_status", "with_hedge", "residual_volatility",
           "residual_risk_usd", "optimal_hedge_ratio", "HEDGE_STATUSES"]

HEDGE_STATUSES = ("under-hedged", "neutral", "over-hedged")


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
    >>> round(min_variance_hedge_ratio([1.0, -2.0, 3.0], [0.5, -1.0, 1.5]), 6)
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


# ----- sizing a hedge on a book ------------------------------------------------------------------
def _underlying(book: Book, underlying: str) -> str:
    key = str(underlying).strip().upper()
    if key not in book.underlyings:
        raise PositionError("underlying", f"{underlying!r} is not in this book "
                            f"(it holds {', '.join(book.underlyings) or 'nothing'})")
    return key


def _net(book: Book, underlying: str | None, **options: Any) -> float:
    if underlying is None:
        return book.net_exposure(**options)
    return float(book.by("underlying", **options).loc[_underlying(book, underlying), "net"])


def _price_of(book: Book, underlying: str) -> float | None:
    frame = book.rows.frame
    if "price" not in frame.columns:
        return None
    prices = frame.loc[frame["underlying"] == underlying, "price"].dropna()
    return float(prices.iloc[0]) if len(prices) else None


def hedge_notional(book: Book, underlying: str | None = None, target: float = 0.0, *,
                   measure: str = DEFAULT_MEASURE, betas: Mapping[str, float] | None = None,
                   hedge_beta: float = 1.0, reference: str = "BTC",
                   inverse: str | None = None) -> float:
    """Signed USD notional of the hedge to add so that the net exposure equals ``target``.

    Negative means sell (a short hedge). With ``measure="beta"`` the hedge is a cross-hedge in an
    instrument whose beta to ``reference`` is ``hedge_beta``:
    ``hedge = -(beta-adjusted net - target) / hedge_beta``. With the other measures the hedge is in
    the same asset and ``hedge = -(net - target)``.

    Parameters
    ----------
    book : Book
    underlying : str, optional
        Hedge only this underlying's net; ``None`` hedges the whole book's net.
    target : float, default 0
        The net exposure wanted after the hedge, in USD of the chosen measure.
    measure : {"delta", "notional", "beta"}, default "delta"
        As in :meth:`Book.exposures`: options count at delta unless asked otherwise.
    betas : dict, optional
        Betas per underlying, for ``measure="beta"``.
    hedge_beta : float, default 1
        Beta of the hedging instrument (``measure="beta"`` only).
    reference : str, default "BTC"
    inverse : {"face", "coin_pnl"}, optional
        How inverse contracts count (see :meth:`Book.exposures`); by default the book's reading.

    Returns
    -------
    float

    Examples
    --------
    $100k of BTC spot: sell $100k of perps to be flat, $80k to keep $20k long.

    >>> book = Book.from_records([{"underlying": "BTC", "kind": "spot", "side": "long",
    ...                            "notional": 100_000}])
    >>> hedge_notional(book), hedge_notional(book, "BTC", target=20_000)
    (-100000.0, -80000.0)

    Cross-hedge $100k of ETH (beta 1.2 to BTC) with BTC:

    >>> eth = Book.from_records([{"underlying": "ETH", "kind": "spot", "side": "long",
    ...                           "notional": 100_000}])
    >>> hedge_notional(eth, measure="beta", betas={"ETH": 1.2})
    -120000.0
    """
    target = checked_number("target", target)
    hedge_beta = checked_number("hedge_beta", hedge_beta)
    if measure == "beta":
        if hedge_beta == 0:
            raise PositionError("hedge_beta", "is 0: an instrument with no beta cannot hedge")
    elif hedge_beta != 1.0:
        raise PositionError("hedge_beta", "is only used with measure='beta'")
    net = _net(book, underlying, measure=measure, betas=betas, reference=reference,
               inverse=inverse)
    return -(net - target) / hedge_beta


def hedge_contracts(book: Book, contract_size: float, price: float | None = None,
                    underlying: str | None = None, target: float = 0.0, *,
                    inverse: bool = False, hedge_underlying: str | None = None,
                    **kw: Any) -> float:
    """The hedge of :func:`hedge_notional` as a signed number of contracts.

    Linear contracts: ``notional / (contract_size x price)`` (``contract_size`` in coin of the
    hedging contract's asset, ``price`` that asset's price). Inverse contracts:
    ``notional / contract_size`` (``contract_size`` is the USD face).

    Parameters
    ----------
    book : Book
    contract_size : float
    price : float, optional
        Price of the hedging contract's asset (linear only). By default the book's price of
        ``hedge_underlying``; refused when the book does not price it.
    underlying, target, **kw
        As in :func:`hedge_notional`.
    inverse : bool, default False
    hedge_underlying : str, optional
        The asset of the hedging contract. By default ``reference`` for a cross hedge
        (``measure="beta"``), else ``underlying`` (or the book's only underlying).

    Returns
    -------
    float
        Not rounded: round to whole contracts as the venue requires.

    Examples
    --------
    Hedge 2 BTC at $60,000 with inverse $100 contracts (1,200 to sell) or 0.001 BTC linear ones:

    >>> book = Book.from_records([{"underlying": "BTC", "kind": "spot", "side": "long",
    ...                            "quantity": 2, "price": 60_000}])
    >>> hedge_contracts(book, 100, inverse=True), hedge_contracts(book, 0.001, underlying="BTC")
    (-1200.0, -2000.0)

    A cross hedge is priced in the hedging contract's asset: 40 ETH at $3,000 (beta 1.2) need
    $144,000 of BTC, which at $60,000 is 2,400 contracts of 0.001 BTC:

    >>> eth = Book.from_records([{"underlying": "ETH", "kind": "spot", "side": "long",
    ...                           "quantity": 40, "price": 3_000}])
    >>> hedge_contracts(eth, 0.001, 60_000, measure="beta", betas={"ETH": 1.2})
    -2400.0
    """
    size = checked_number("contract_size", contract_size, positive=True)
    notional = hedge_notional(book, underlying, target, **kw)
    if inverse:
        return notional / size
    if price is None:
        asset = _hedge_asset(book, underlying, hedge_underlying, kw)
        price = _price_of(book, asset)
        if price is None:
            raise PositionError("price", f"is missing: the book has no price for {asset}, the "
                                "hedging contract's asset; give price=")
    return notional / (size * checked_number("price", price, positive=True))


def _hedge_asset(book: Book, underlying, hedge_underlying, kw) -> str:
    if hedge_underlying is not None:
        return str(hedge_underlying).strip().upper()
    if kw.get("measure") == "beta":
        return str(kw.get("reference", "BTC")).strip().upper()
    if underlying is None and len(book.underlyings) != 1:
        raise PositionError("price", "is missing: give the hedging contract's price")
    return _underlying(book, underlying if underlying is not None else book.underlyings[0])


def hedge_ratio(book: Book, underlying: str, **options: Any) -> float:
    """Size of the short side over size of the long side on one underlying.

    1 is a full hedge, below 1 under-hedged, above 1 over-hedged. Coin collateral counts on the
    long side. Options as in :meth:`Book.exposures`.

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "spot", "side": "long", "notional": 100_000},
    ...     {"underlying": "BTC", "kind": "perp", "side": "short", "notional": 80_000}])
    >>> hedge_ratio(book, "BTC")
    0.8
    """
    key = _underlying(book, underlying)
    row = book.by("underlying", **options).loc[key]
    if row["long"] <= 0:
        raise PositionError("underlying", f"{key} has no long exposure, so there is nothing "
                            "to hedge")
    return float(row["short"] / row["long"])


def hedge_status(ratio: float, tolerance: float = 0.02) -> str:
    """Name a hedge ratio: ``"under-hedged"``, ``"neutral"`` (within ``tolerance`` of 1) or
    ``"over-hedged"``.

    Examples
    --------
    >>> hedge_status(0.8), hedge_status(1.01), hedge_status(1.2)
    ('under-hedged', 'neutral', 'over-hedged')
    """
    ratio = checked_number("ratio", ratio, non_negative=True)
    tolerance = checked_number("tolerance", tolerance, non_negative=True)
    if abs(ratio - 1.0) <= tolerance:
        return "neutral"
    return "under-hedged" if ratio < 1.0 else "over-hedged"


def with_hedge(book: Book, underlying: str, ratio: float, *, kind: str = "perp",
               name: str | None = None, price: float | None = None) -> Book:
    """The book plus a short sized ``ratio`` times the long exposure of ``underlying``.

    The hedge is a linear position of ``kind`` (perp by default). A ratio of 0 adds a position of
    zero size, so the book keeps the same rows as a slider moves; a negative ratio adds a long.

    Parameters
    ----------
    book : Book
    underlying : str
    ratio : float
        Hedge ratio, e.g. 0 to 1.5.
    kind : str, default "perp"
    name : str, optional
        Defaults to ``"<underlying> hedge"``.
    price : float, optional
        Price to record on the hedge; by default the book's price of the underlying, if any.

    Returns
    -------
    Book

    Examples
    --------
    >>> book = Book.from_records([{"underlying": "BTC", "kind": "spot", "side": "long",
    ...                            "notional": 100_000}])
    >>> with_hedge(book, "BTC", 0.8).net_exposure()
    20000.0
    """
    key = _underlying(book, underlying)
    ratio = checked_number("ratio", ratio)
    long = float(book.by("underlying").loc[key, "long"])
    record: dict[str, Any] = {"name": name or f"{key} hedge", "underlying": key, "kind": kind,
                              "side": "short" if ratio >= 0 else "long",
                              "notional": abs(ratio) * long}
    price = _price_of(book, key) if price is None else checked_number("price", price, positive=True)
    if price is not None:
        record["price"] = price
    return book + Book.from_records([record])


# ----- hedge quality from volatilities -----------------------------------------------------------
def _vol_inputs(exposure_vol, hedge_vol, correlation):
    s_e = np.asarray(exposure_vol, dtype=float)
    s_h = np.asarray(hedge_vol, dtype=float)
    rho = np.asarray(correlation, dtype=float)
    for name, value in (("exposure_vol", s_e), ("hedge_vol", s_h)):
        if not np.all(np.isfinite(value)) or np.any(value < 0):
            raise PositionError(name, f"must be a finite volatility >= 0, got {value!r}")
    if not np.all(np.isfinite(rho)) or np.any(np.abs(rho) > 1):
        raise PositionError("correlation", f"must lie in [-1, 1], got {correlation!r}")
    return s_e, s_h, rho


def _scalar(value):
    return float(value) if np.ndim(value) == 0 else value


def residual_volatility(exposure_vol, hedge_vol, correlation, hedge_ratio=1.0):
    """Volatility left per unit of exposure after hedging it with ``hedge_ratio`` units of a
    hedge that is imperfectly correlated with it.

    ``sqrt(sE^2 + h^2 sH^2 - 2 h rho sE sH)``: the standard deviation of the return of one dollar of
    exposure less ``h`` dollars of hedge. Multiply by the exposure for dollars
    (:func:`residual_risk_usd`). Works element-wise on arrays.

    Parameters
    ----------
    exposure_vol, hedge_vol : float or array
        Volatilities (as fractions, over the same horizon) of the exposure and of the hedge.
    correlation : float or array
        Correlation of their returns, in [-1, 1].
    hedge_ratio : float or array, default 1

    Returns
    -------
    float or ndarray

    Examples
    --------
    BTC at 60 % vol hedged one for one with ETH at 80 %, correlation 0.8:
    ``sqrt(0.36 + 0.64 - 2 x 0.8 x 0.6 x 0.8) = sqrt(0.232)``.

    >>> round(residual_volatility(0.6, 0.8, 0.8), 4)
    0.4817
    """
    s_e, s_h, rho = _vol_inputs(exposure_vol, hedge_vol, correlation)
    h = np.asarray(hedge_ratio, dtype=float)
    if not np.all(np.isfinite(h)):
        raise PositionError("hedge_ratio", f"must be finite, got {hedge_ratio!r}")
    variance = s_e**2 + h**2 * s_h**2 - 2 * h * rho * s_e * s_h
    return _scalar(np.sqrt(np.maximum(variance, 0.0)))


def residual_risk_usd(notional, exposure_vol, hedge_vol, correlation, hedge_ratio=1.0):
    """Dollar volatility left on ``notional`` of exposure after the hedge:
    ``|notional| x residual_volatility(...)``.

    Examples
    --------
    >>> round(residual_risk_usd(100_000, 0.6, 0.8, 0.8))
    48166
    """
    size = np.abs(np.asarray(notional, dtype=float))
    if not np.all(np.isfinite(size)):
        raise PositionError("notional", f"must be finite, got {notional!r}")
    return _scalar(size * residual_volatility(exposure_vol, hedge_vol, correlation, hedge_ratio))


def optimal_hedge_ratio(exposure_vol, hedge_vol, correlation):
    """The hedge ratio that minimises :func:`residual_volatility`: ``rho x sE / sH``.

    Examples
    --------
    >>> round(optimal_hedge_ratio(0.6, 0.8, 0.8), 2)
    0.6
    """
    s_e, s_h, rho = _vol_inputs(exposure_vol, hedge_vol, correlation)
    if np.any(s_h == 0):
        raise PositionError("hedge_vol", "is 0: a hedge that never moves hedges nothing")
    return _scalar(rho * s_e / s_h)
