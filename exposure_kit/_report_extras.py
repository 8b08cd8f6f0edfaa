"""The risk page's reading aids: what it assumed, the positions table, and its own findings.

Findings the page adds to :func:`diagnose`'s: positions past expiry, liquidating moves under the
warning level and limits breached or nearly so. The limits and the day-to-day changes live in
:mod:`._limits` and :mod:`._changes`; this module gathers them for :func:`report_data`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ._book import STABLECOINS, Book
from ._changes import changes_since  # noqa: F401  (gathered here for report_data)
from ._diagnostics import Finding
from ._format import percent, usd
from ._limits import check_limits, limit_findings  # noqa: F401

__all__: list[str] = []   # report_data's helpers; the public names are in _limits, _changes

#: A liquidating move beyond this is shown as "beyond +-100 %": a price that would have to more
#: than double is no distance a desk manages to.
PLAUSIBLE_MOVE = 1.0


_POOLS = ("; inside an account, wallets the venues margin apart are pools of their own, read "
          "from each position: linear contracts in the USD wallet, inverse ones in their coin's "
          "wallet (one per coin, held in that coin: \"Binance 001 BTC-margined\"), coin "
          "collateral with its coin's inverse contracts; a Bybit account (its unified account "
          "2.0, Bybit's docs read 2026-12) and an account whose equity is marked portfolio are "
          "one pool")
_MARGIN_MODE = "cross margin per margin pool" + _POOLS
_MARGIN_MODE_VENUES = ("cross margin per margin pool (margin never nets across venues: "
                       "\"Binance 001\" is account 001 on Binance)" + _POOLS)

def move_text(move: float, digits: int = 1) -> str:
    """A liquidating move in words: ``"falls 17.4%"``, ``"rises beyond +100 %"``.

    Examples
    --------
    >>> move_text(-0.174), move_text(545.269), move_text(float("nan"))
    ('falls 17.4%', 'rises beyond +100 %', 'no move of this asset alone')
    >>> move_text(-0.19996, digits=2)
    'falls 20.00%'
    """
    if not np.isfinite(move):
        return "no move of this asset alone"
    if abs(move) > PLAUSIBLE_MOVE:
        return f"{'falls' if move < 0 else 'rises'} beyond {'-' if move < 0 else '+'}100 %"
    return f"{'falls' if move < 0 else 'rises'} {percent(abs(move), digits)}"


def expired_finding(book: Book, expired: np.ndarray, day: date) -> list[Finding]:
    """One "high" finding naming the positions past expiry at ``day`` (counted out)."""
    if not expired.any():
        return []
    names = book.rows.frame["name"].to_numpy()[expired]
    face = float(np.abs(book.rows.usd[expired]).sum())
    shown = ", ".join(str(n) for n in names[:3]) + (f" and {len(names) - 3} more"
                                                     if len(names) > 3 else "")
    return [Finding("high", "expired",
                    f"{len(names)} position(s) expired before {day.isoformat()} ({shown}), "
                    f"{usd(face)} at face. They have settled, so this page counts them out of "
                    "every figure; take them out of the file or check the as-of date.",
                    tuple(str(n) for n in names), face)]


def move_findings(moves: pd.DataFrame | None, accounts: pd.DataFrame | None,
                  warn: float) -> list[Finding]:
    """A "high" finding per account and asset whose liquidating move is under ``warn``."""
    if moves is None or not moves["warning"].any():
        return []
    out = []
    for (account, underlying), row in moves[moves["warning"]].iterrows():
        equity = accounts.loc[account, "equity"]
        out.append(Finding(
            "high", "liquidation-distance",
            f"Margin pool {account} is liquidated if {underlying} "
            f"{move_text(row['liquidating_move'], digits=2)}"
            f", all else unchanged: under the {percent(warn, 0)} warning level. It holds "
            f"{usd(row['net'])} of {underlying} (delta) on {usd(equity)} of equity.",
            (f"{account}/{underlying}",), abs(float(row["net"]))))
    return out


def stress_names(book: Book, names: Sequence[str]) -> list[str]:
    """The named stresses called for what they do to this book: a book net long in every asset
    meets "every asset falls 20 %", not a "correlation break"."""
    nets = book.by("underlying")["net"]
    nets = nets[nets.abs() > 0]
    table = book.by("underlying")
    out = []
    for name in names:
        if name == "correlation break" and len(nets):
            if (nets > 0).all():
                name = "every asset falls 20 % (the book is net long in all)"
            elif (nets < 0).all():
                name = "every asset rises 20 % (the book is net short in all)"
            else:
                name = "longs fall 20 %, shorts rise 20 % (correlation break)"
        elif name == "one leg gaps" and len(table):
            top = table["gross"].idxmax()
            name = f"{top} gaps 30 % {'down' if table.loc[top, 'net'] >= 0 else 'up'} alone"
        elif name == "basis widens":
            name = "futures and perps part 5 % from the other legs (basis)"
        elif name == "funding turns":
            name = "funding turns against every perp for a week"
        out.append(name)
    return out


def positions_table(book: Book, day: date, options: Mapping[str, Any]) -> pd.DataFrame:
    """One row per live position: where it sits, its USD face and exposure, and its delta.

    ``delta`` is per unit of underlying: an option's (premium-adjusted for coin-settled ones),
    1 for other positions, 0 for cash; ``exposure`` is in the page's measure.
    """
    frame = book.rows.frame
    table = pd.DataFrame({"name": frame["name"].astype(str).to_numpy()})
    for column in ("account", "venue"):
        if column in frame.columns:
            table[column] = frame[column].map(lambda v: "" if pd.isna(v) else str(v)).to_numpy()
    table["underlying"] = frame["underlying"].to_numpy()
    table["kind"] = np.where(book.rows.cash, "cash", frame["kind"].to_numpy())
    table["side"] = frame["side"].to_numpy()
    if "expiry" in frame.columns:
        table["expiry"] = frame["expiry"].map(lambda v: "" if pd.isna(v) else str(v)).to_numpy()
    table["face"] = book.rows.sign * book.rows.usd
    table["delta"] = np.where(book.rows.cash, 0.0, book.rows.option_delta)
    table["exposure"] = book.exposures(**options).to_numpy()
    return table


def _margin_mode(book: Book) -> str:
    return _MARGIN_MODE_VENUES if "venue" in book.rows.frame.columns else _MARGIN_MODE


def assumptions(book: Book, rule: Mapping[str, Any], day: date, day_source: str,
                measure: str, per_account: Mapping[str, float] | None) -> list[tuple[str, str]]:
    """What the page took as given, in words: the "how this was computed" box."""
    brackets = rule["brackets"]
    venue = rule["venue"]
    charged = ("at the price examined (Binance USDS-M)" if venue == "binance"
               else "at the entry price (Bybit)")
    table = ("none: every perp and future at the flat rate (or its own mmr column)"
             if brackets is None else "the package's example table" if (
                 isinstance(brackets, str) and brackets == "example") else
             f"{brackets}" if isinstance(brackets, str) else "given as a table")
    has_inverse = bool(book.rows.inverse.any())
    coins = sorted(set(book.rows.frame["underlying"].to_numpy()[book.rows.cash]))
    rows = [
        ("as of", f"{day.isoformat()} ({day_source}); positions past expiry are counted out, "
                  "options' time to expiry runs from their expiry date"),
        ("prices", "the price column of the positions file (marks as exported); nothing is "
                   "fetched"),
        ("margin rule", f"{_margin_mode(book) if per_account else 'not computed (no equity per account)'}; "
                        f"maintenance {percent(rule['maintenance_margin_rate'], 2)} of notional "
                        f"unless a position has an mmr value or a bracket tier, charged {charged}; "
                        f"bracket table: {table}; options by Deribit's standard rule"),
        ("measure", "options at delta (Black-76 on the forward, r = 0 unless given; "
                    "coin-settled options too, their USD value being the Black-76 USD price); "
                    "a long put is short exposure"
         if measure == "delta" else f"{measure}"),
        ("inverse contracts", "counted at their USD face; in an account, their coin P&L is "
                              "kept in coin" if has_inverse else "none in the book"),
        ("cash", f"{', '.join(coins)} held counted as cash at $1 a coin, not as exposure"
                 if coins else f"no stablecoin held (cash coins: {', '.join(STABLECOINS)})"),
    ]
    return rows
