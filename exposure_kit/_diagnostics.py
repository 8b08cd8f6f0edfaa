"""False neutrality: the ways a book can look hedged on its net number and not be.

:func:`diagnose` runs every check and returns the findings in the order a head of risk reads
them: severity first, then the size of the exposure each is about (:func:`ranked_findings`, which
the risk page also applies to its own findings merged in).
Exposure is counted at delta (options in the direction they move). Each check has its threshold
as a keyword argument. A book with nothing to report returns an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from ._book import Book, check_equity
from ._errors import PositionError, checked_number
from ._format import describe_net, percent, usd

__all__ = ["Finding", "diagnose", "findings_frame", "ranked_findings", "SEVERITIES", "FINDING_CODES"]

SEVERITIES = ("high", "medium", "low")
FINDING_CODES = ("directional", "concentration", "low-net-high-gross", "cross-asset-offset", "basis-offset",
                 "collateral-unhedged", "beta-gap", "option-delta-gap", "venue-concentration",
                 "stablecoin", "expired", "liquidation-distance", "limit-breach", "limit-near")


@dataclass(frozen=True)
class Finding:
    """One thing :func:`diagnose` noticed.

    Attributes
    ----------
    severity : {"high", "medium", "low"}
    code : str
        One of :data:`FINDING_CODES`.
    message : str
        What it means, in plain words, with the book's numbers.
    positions : tuple of str
        Names of the positions involved.
    usd_at_risk : float
        The USD exposure the finding is about (a 10 % move against it costs about a tenth of
        that), not an estimate of a loss; each finding's message says which exposure it is.
        Within a severity, :func:`diagnose` ranks findings by it.
    """

    severity: str
    code: str
    message: str
    positions: tuple[str, ...] = ()
    usd_at_risk: float = 0.0

    def __str__(self) -> str:
        return f"[{self.severity}] {self.code}: {self.message}"


def _names(book: Book, rows: np.ndarray) -> tuple[str, ...]:
    return tuple(str(n) for n in book.rows.frame["name"].to_numpy()[rows])


# ----- the checks ------------------------------------------------------------------------------
def _low_net_high_gross(book, signed, equity, neutral_share, gross_leverage):
    if equity is None:
        return []
    net, gross = signed.sum(), np.abs(signed).sum()
    if gross == 0 or abs(net) > neutral_share * gross or gross < gross_leverage * equity:
        return []
    return [Finding("high", "low-net-high-gross",
                    f"The book looks nearly flat ({describe_net(net)}), but its gross exposure is "
                    f"{usd(gross)}, {gross / equity:.1f} times the equity of {usd(equity)}. "
                    "Margin, funding and any leg that stops tracking its hedge act on the gross, "
                    "not on the net.", _names(book, signed != 0), float(gross))]


def _cross_asset_offset(book, signed, under, cross_share):
    nets = pd.Series(signed).groupby(under).sum()
    longs, shorts = nets[nets > 0], nets[nets < 0]
    offset = min(longs.sum(), -shorts.sum())
    gross = np.abs(signed).sum()
    if offset <= 0 or offset < cross_share * gross:
        return []
    involved = np.isin(under, list(longs.index) + list(shorts.index))
    return [Finding("medium", "cross-asset-offset",
                    f"{usd(offset)} of net long exposure in {', '.join(longs.index)} is set "
                    f"against net short exposure in {', '.join(shorts.index)}. Different assets "
                    "can move apart, so this part of the net figure is a bet on their "
                    "relationship, not a hedge.", _names(book, involved), float(offset))]


def _instrument_keys(book: Book) -> np.ndarray:
    """What makes two positions the same instrument: kind, expiry, and linear or inverse."""
    keys = book.rows.frame["kind"].astype(str)
    if "expiry" in book.rows.frame.columns:
        keys = (keys + " " + book.rows.frame["expiry"].astype(str).where(
            book.rows.frame["expiry"].notna(), "")).str.strip()   # a perp has no expiry: "perp"
    keys = keys.where(~book.rows.inverse, "inverse " + keys)
    return keys.to_numpy()


def _basis_offset(book, signed, under, basis_share):
    """Longs of an asset set against shorts of it in other instruments. Identical instruments
    net first (a long and a short of the same future are no hedge of anything else)."""
    gross = np.abs(signed).sum()
    keys = _instrument_keys(book)
    findings = []
    for u in pd.unique(under):
        rows = under == u
        per_key = pd.Series(signed[rows]).groupby(keys[rows]).sum()
        long_keys, short_keys = per_key[per_key > 0], per_key[per_key < 0]
        offset = min(long_keys.sum(), -short_keys.sum())
        if offset <= 0 or offset < basis_share * gross:
            continue
        involved = rows & np.isin(keys, list(long_keys.index) + list(short_keys.index))
        findings.append(Finding(
            "medium", "basis-offset",
            f"{usd(offset)} of {u} longs ({', '.join(sorted(long_keys.index))}) is hedged with "
            f"{u} shorts in other instruments ({', '.join(sorted(short_keys.index))}). Their "
            "prices can drift apart (basis), so the hedge is only as good as the spread between "
            "them.", _names(book, involved), float(offset)))
    return findings


def _collateral_unhedged(book, signed, under, collateral_share, equity):
    kind = book.rows.frame["kind"].to_numpy()
    findings = []
    for u in pd.unique(under[(kind == "collateral") & ~book.rows.cash]):
        rows = under == u
        coin = signed[rows & (kind == "collateral")].sum()
        shorts = rows & (signed < 0)
        net, without = signed[rows].sum(), signed[rows & (kind != "collateral")].sum()
        if not shorts.any() or net < collateral_share * coin:
            continue
        small = equity is not None and coin < 0.25 * equity
        findings.append(Finding(
            "low" if small else "high", "collateral-unhedged",
            f"Leaving out the collateral, the {u} positions are {describe_net(without)}, but the "
            f"{usd(coin)} of {u} held as margin is long exposure too. Counted, {u} is "
            f"{describe_net(net)}: if {u} falls, the margin falls with it.",
            _names(book, rows & ((kind == "collateral") | (signed < 0))), float(coin)))
    return findings


def _beta_gap(book, signed, betas, reference, beta_gap_share):
    if betas is None and "beta" not in book.rows.frame.columns:
        return []
    weighted = book.exposures("beta", betas=betas, reference=reference).to_numpy()
    net, beta_net = signed.sum(), weighted.sum()
    gap = abs(beta_net - net)
    if gap == 0 or gap < beta_gap_share * np.abs(signed).sum():
        return []
    return [Finding("medium", "beta-gap",
                    f"Counted in dollars the book is {describe_net(net)}; weighted by each "
                    f"asset's beta to {reference} it is {describe_net(beta_net)}. The "
                    f"{usd(gap)} difference is market risk the plain net figure does not show.",
                    _names(book, np.abs(weighted - signed) > 1e-9 * np.abs(signed).sum()),
                    float(gap))]


def _option_delta_gap(book, signed, option_gap_share):
    """Options whose delta exposure differs from their face; ranked by the options' gross delta
    exposure (deltas summed without sign), their signed delta (what they add to the net) and the
    net's gap between the two readings said too."""
    option = (book.rows.frame["kind"] == "option").to_numpy()
    if not option.any():
        return []
    face = book.exposures("notional").to_numpy()
    gap = np.abs(face - signed)[option].sum()
    if gap == 0 or gap < option_gap_share * np.abs(signed).sum():
        return []
    delta = float(np.abs(signed[option]).sum())
    net_gap = abs(face.sum() - signed.sum())
    return [Finding("medium", "option-delta-gap",
                    f"The options' gross delta exposure is {usd(delta)} (their deltas summed "
                    f"without sign, the size this finding is ranked by): they cover "
                    f"{usd(np.abs(face[option]).sum())} of the underlying at face and add "
                    f"{usd(float(signed[option].sum()))} to the net by delta, the reading the "
                    f"figures here use. The book is {describe_net(signed.sum())} by delta, "
                    f"{describe_net(face.sum())} counting options at face: the reading moves "
                    f"the net by {usd(net_gap)}. The delta changes as prices move, so "
                    "re-measure after a move.", _names(book, option), delta)]


def _directional(book, signed, under, equity, directional_leverage, concentration_share):
    """The whole book net long (or short) in every asset it holds: crypto assets fall
    together, so the net across them is one directional bet; the joint move is priced."""
    if equity is None:
        return []
    nets = pd.Series(signed).groupby(under).sum()
    nets = nets[nets.abs() > 1e-9 * max(np.abs(signed).sum(), 1.0)]
    net = float(nets.sum())
    if (len(nets) < 2 or not ((nets > 0).all() or (nets < 0).all())
            or abs(net) < directional_leverage * equity
            or nets.abs().max() >= concentration_share * abs(net)):
        return []
    from ._scenarios import shock_pnl

    move = -0.20 if net > 0 else 0.20
    loss = -shock_pnl(book, {u: move for u in nets.index})
    side = "long" if net > 0 else "short"
    return [Finding("high" if abs(net) >= equity else "medium", "directional",
                    f"The book is net {side} in every asset it holds ({', '.join(nets.index)}): "
                    f"{describe_net(net)} in all, {abs(net) / equity:.2f} times the equity of "
                    f"{usd(equity)}. Crypto assets tend to move together, so this is one "
                    f"directional bet: if every one {'falls' if net > 0 else 'rises'} 20 % at "
                    f"once, the book loses {usd(loss)}, {percent(loss / equity, 1)} of equity "
                    "(options revalued). Hedges inside one asset do not reduce it.",
                    _names(book, signed != 0), abs(net))]


def _concentration(book, signed, under, equity, concentration_leverage):
    if equity is None:
        return []
    nets = pd.Series(signed).groupby(under).sum()
    if nets.empty:
        return []
    top = nets.abs().idxmax()
    net = float(nets[top])
    if abs(net) < concentration_leverage * equity:
        return []
    severity = "high" if abs(net) >= 2 * equity else "medium"
    return [Finding(severity, "concentration",
                    f"{top} alone is {describe_net(net)}, {abs(net) / equity:.2f} times the "
                    f"equity of {usd(equity)}: a 10 % move in {top} against it costs "
                    f"{usd(abs(net) * 0.1)}, {percent(abs(net) * 0.1 / equity, 1)} of equity. "
                    "This is the book's largest single-asset risk.",
                    _names(book, (under == top) & (signed != 0)), abs(net))]


def _stablecoin(book, equity, stablecoin_share, depeg_tolerance):
    """Stablecoins held as cash: one line per coin that is large (at least ``stablecoin_share``
    of equity, or of the cash with no equity given) or trades off its peg."""
    cash = book.cash().to_numpy()
    if not np.any(cash):
        return []
    under = book.rows.frame["underlying"].to_numpy()
    price = book.rows.numbers("price")
    total = np.abs(cash).sum()
    findings = []
    for coin in pd.unique(under[book.rows.cash]):
        rows = book.rows.cash & (under == coin)
        held = float(cash[rows].sum())
        priced = price[rows][~np.isnan(price[rows])]
        off = float(np.max(np.abs(priced - 1.0))) if priced.size else 0.0
        base = equity if equity is not None else total
        if off <= depeg_tolerance and abs(held) < stablecoin_share * base:
            continue
        share = f", {percent(abs(held) / equity, 0)} of the equity" if equity else ""
        text = (f"{usd(held)} is held in {coin}{share}, counted as cash at $1 a coin and not as "
                f"exposure. It is one issuer's promise: a 5 % depeg would cost "
                f"{usd(abs(held) * 0.05)}.")
        if off > depeg_tolerance:
            text += (f" It is priced at {priced[np.argmax(np.abs(priced - 1.0))]:.4f} in the "
                     f"book, {percent(off, 1)} off its peg: the page counts it at face.")
        severity = "high" if off > depeg_tolerance else "medium" if (
            equity is not None and abs(held) >= 0.5 * equity) else "low"
        findings.append(Finding(severity, "stablecoin", text, _names(book, rows), abs(held)))
    return findings


def _venue_concentration(book, signed, venue_share):
    if "venue" not in book.rows.frame.columns:
        return []
    venues = book.rows.frame["venue"].fillna("(no venue)").astype(str).to_numpy()
    gross = pd.Series(np.abs(signed)).groupby(venues).sum()
    total = gross.sum()
    if total == 0 or gross.max() < venue_share * total:
        return []
    top = gross.idxmax()
    return [Finding("low", "venue-concentration",
                    f"{top} holds {percent(gross.max() / total, 0)} of the gross exposure. "
                    "Hedges elsewhere do not help if that venue halts, changes its margin rules "
                    "or fails.", _names(book, venues == top), float(gross.max()))]


def diagnose(book: Book, equity: float | None = None, *,
             betas: Mapping[str, float] | None = None, reference: str = "BTC",
             neutral_share: float = 0.10, gross_leverage: float = 3.0,
             cross_share: float = 0.10, basis_share: float = 0.10,
             collateral_share: float = 0.5, beta_gap_share: float = 0.10,
             option_gap_share: float = 0.05, venue_share: float = 0.75,
             concentration_leverage: float = 1.0, stablecoin_share: float = 0.25,
             depeg_tolerance: float = 0.005, directional_leverage: float = 0.5
             ) -> list[Finding]:
    """Look for false neutrality: what a small net number can hide.

    Checks, with the keyword that sets each threshold:

    - ``"directional"``: the book is net long (or short) in every asset it holds, in all at least
      ``directional_leverage`` times ``equity`` ("high" from 1x; only when equity is given and
      no single asset carries 90 % of that net, which ``"concentration"`` then says); the
      message prices every asset moving 20 % against the book at once;
    - ``"concentration"``: the largest single-asset net is at least ``concentration_leverage``
      times ``equity`` ("high" from 2x; only when equity is given);
    - ``"low-net-high-gross"``: ``|net| <= neutral_share x gross`` while gross is at least
      ``gross_leverage`` times ``equity`` (only when equity is given);
    - ``"cross-asset-offset"``: net longs in some assets set against net shorts in others, for at
      least ``cross_share`` of the gross;
    - ``"basis-offset"``: longs and shorts of the same asset in different instruments (kinds,
      ``expiry`` values when the book has that column, linear or inverse), at least
      ``basis_share`` of the gross; positions in the same instrument net first, and options
      count at delta;
    - ``"collateral-unhedged"``: coin held as collateral in an asset the book shorts, with at least
      ``collateral_share`` of the collateral's value left as net long (the exposure it is about is
      the collateral's value; "low" when that is under a quarter of ``equity``);
    - ``"beta-gap"``: beta-weighted net and notional net differ by at least ``beta_gap_share`` of
      the gross (only with ``betas`` or a ``beta`` column);
    - ``"option-delta-gap"``: options whose delta exposure differs from their face notional by at
      least ``option_gap_share`` of the gross; its size is the options' delta exposure;
    - ``"venue-concentration"``: one venue holds at least ``venue_share`` of the gross (only when
      the book has a ``venue`` column);
    - ``"stablecoin"``: a stablecoin held as cash (:data:`STABLECOINS`) worth at least
      ``stablecoin_share`` of ``equity`` (of all the cash when no equity is given; "medium" from
      half the equity), or priced more than ``depeg_tolerance`` off $1 ("high"): its depeg is a
      risk the exposure figures do not carry.

    :func:`exposure_kit.report` adds ``"expired"``, ``"liquidation-distance"``, ``"limit-breach"``
    and ``"limit-near"`` findings of its own.

    Parameters
    ----------
    book : Book
    equity : float, optional
    betas : dict, optional
    reference : str, default "BTC"

    Returns
    -------
    list of Finding
        Severity first ("high", "medium", "low"), then by ``usd_at_risk``, largest first (the
        order of :func:`ranked_findings`); empty for a clean book.

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 500_000},
    ...     {"underlying": "ETH", "kind": "perp", "side": "short", "notional": 480_000}])
    >>> [f.code for f in diagnose(book, equity=50_000)]
    ['low-net-high-gross', 'concentration', 'cross-asset-offset']
    >>> diagnose(Book.from_records([{"underlying": "BTC", "kind": "spot", "side": "long",
    ...                              "notional": 10_000}]), equity=50_000)
    []
    """
    if not isinstance(book, Book):
        raise PositionError("book", f"must be a Book, got {type(book).__name__}")
    equity = check_equity(equity)
    shares = {name: checked_number(name, value, non_negative=True) for name, value in (
        ("neutral_share", neutral_share), ("gross_leverage", gross_leverage),
        ("cross_share", cross_share), ("basis_share", basis_share),
        ("collateral_share", collateral_share), ("beta_gap_share", beta_gap_share),
        ("option_gap_share", option_gap_share), ("venue_share", venue_share),
        ("concentration_leverage", concentration_leverage),
        ("stablecoin_share", stablecoin_share), ("depeg_tolerance", depeg_tolerance),
        ("directional_leverage", directional_leverage))}
    if len(book) == 0:
        return []
    signed = book.exposures().to_numpy()
    under = book.rows.frame["underlying"].to_numpy()
    findings = [
        *_directional(book, signed, under, equity, shares["directional_leverage"], 0.9),
        *_concentration(book, signed, under, equity, shares["concentration_leverage"]),
        *_low_net_high_gross(book, signed, equity, shares["neutral_share"],
                             shares["gross_leverage"]),
        *_collateral_unhedged(book, signed, under, shares["collateral_share"], equity),
        *_cross_asset_offset(book, signed, under, shares["cross_share"]),
        *_basis_offset(book, signed, under, shares["basis_share"]),
        *_beta_gap(book, signed, betas, reference, shares["beta_gap_share"]),
        *_option_delta_gap(book, signed, shares["option_gap_share"]),
        *_venue_concentration(book, signed, shares["venue_share"]),
        *_stablecoin(book, equity, shares["stablecoin_share"], shares["depeg_tolerance"]),
    ]
    return ranked_findings(findings)


def ranked_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in the order a head of risk reads them: severity first, then dollars at risk.

    Examples
    --------
    >>> small = Finding("high", "expired", "x", usd_at_risk=10.0)
    >>> large = Finding("medium", "concentration", "y", usd_at_risk=1e6)
    >>> [f.code for f in ranked_findings([large, small])]
    ['expired', 'concentration']
    """
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), -f.usd_at_risk))


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """The findings as a table: severity, code, usd_at_risk, message, positions.

    Examples
    --------
    >>> findings_frame([]).columns.tolist()
    ['severity', 'code', 'usd_at_risk', 'message', 'positions']
    """
    columns = ["severity", "code", "usd_at_risk", "message", "positions"]
    return pd.DataFrame([{"severity": f.severity, "code": f.code, "usd_at_risk": f.usd_at_risk,
                          "message": f.message, "positions": ", ".join(f.positions)}
                         for f in findings], columns=columns)
