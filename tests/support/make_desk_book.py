"""Write exposure_kit/data/desk_book.csv: a made-up desk's book of 200 positions, seeded (then a
collateral row per coin-margined pool), and
exposure_kit/data/desk_accounts.csv: the equity of each of its margin pools.

Run once (``python tests/support/make_desk_book.py``); tests/inputs/test_io.py checks that the files
shipped are what this script makes, so the sample never drifts from its recipe.

Margin nets only inside one margin pool (``ek.margin_pools``): a venue, an account and, where
the venue margins them apart, a wallet ("Binance 001 USD-margined", "Binance 001 BTC-margined";
a Bybit account is one unified pool). Each pool's equity follows one rule: the coin it holds
(spot, collateral) at market and the open P&L of its positions, plus a wallet of 20 % of its
derivatives' USD face (the initial margin of a 5x leverage setting), rounded up to the next
$10,000; and more if that leaves the equity under twice the maintenance margin (short options on
Deribit ask far more than 20 % of their face, and owe their mark), so every pool starts at a
margin ratio under 50 %. A coin-margined pool's wallet is its coin: it is written into the book
as a collateral row (rows 201 on, whole tenths of a BTC or ETH, whole SOL), so the book counts
it as the long exposure it is, and the pool's equity is then what its rows hold.

The desk trades five assets on five venues across three accounts: linear perps and dated futures
(USDT-margined; USDC on Deribit) sized in coin per contract, inverse (coin-margined) perps and
futures sized in USD per contract, spot, coin held as collateral, and a few Deribit-style options.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240611
COUNT = 200
OUT = Path(__file__).resolve().parents[2] / "exposure_kit" / "data" / "desk_book.csv"
ACCOUNTS_OUT = OUT.with_name("desk_accounts.csv")
#: The USD wallet of a margin account: this share of its derivatives' face, or what brings its
#: equity to this many times its maintenance margin if more, rounded up to STEP.
WALLET_SHARE, WALLET_MAINTENANCE, WALLET_STEP = 0.20, 2.0, 10_000.0
COLUMNS = ["name", "underlying", "kind", "side", "quantity", "price", "contract_size", "inverse",
           "entry_price", "venue", "account", "expiry", "strike", "years", "volatility",
           "option_type", "as_of"]
AS_OF = "2024-06-11"   # the book's own date, in every row: the risk page counts expiries from it

PRICES = {"BTC": 61_250.0, "ETH": 3_040.0, "SOL": 148.2, "XRP": 0.5234, "DOGE": 0.1521}
# coin per contract for linear contracts; USD face per contract for inverse ones
LINEAR_SIZE = {"BTC": 0.001, "ETH": 0.01, "SOL": 1.0, "XRP": 10.0, "DOGE": 100.0}
INVERSE_FACE = {"BTC": 100.0, "ETH": 10.0, "SOL": 10.0, "XRP": 10.0, "DOGE": 10.0}
WEIGHTS = {"BTC": 0.45, "ETH": 0.3, "SOL": 0.12, "XRP": 0.07, "DOGE": 0.06}
VENUES = ("Binance", "OKX", "Bybit", "Deribit", "BitMEX")
ACCOUNTS = ("001", "002", "017")
# expiry -> years from the book date (days / 365, as the risk page counts them from the expiry)
EXPIRIES = {code: (date(2000 + int(code[:2]), int(code[2:4]), int(code[4:]))
                   - date.fromisoformat(AS_OF)).days / 365 for code in ("240628", "240927", "241227")}
# kind (and margining) -> share of the positions
MIX = {"linear perp": 0.42, "linear future": 0.14, "inverse perp": 0.18, "inverse future": 0.1,
       "spot": 0.12, "collateral": 0.04}
OPTIONS = 6


# Deribit margins its linear perps and futures in USDC; the others here in USDT.
_LINEAR_MARGIN = {"Deribit": "-USDC"}
# BitMEX and Deribit list inverse (coin-margined) contracts for BTC and ETH only; an alt drawn
# there as inverse is their linear contract instead (Binance COIN-M lists the alts inverse too).
_INVERSE_ONLY = {"BitMEX": ("BTC", "ETH"), "Deribit": ("BTC", "ETH")}


def _lists_inverse(venue: str, underlying: str) -> bool:
    return underlying in _INVERSE_ONLY.get(venue, (underlying,))


def _mark(rng: np.random.Generator, underlying: str) -> float:
    """The venue's mark: the index price give or take a few basis points, at sensible ticks."""
    price = PRICES[underlying] * (1 + rng.normal(0, 0.0004))
    return float(round(price, 1 if price > 1_000 else 2 if price > 10 else 4))


def _row(rng: np.random.Generator, number: int, mix: str) -> dict:
    underlying = str(rng.choice(list(WEIGHTS), p=list(WEIGHTS.values())))
    side = "long" if rng.random() < 0.55 else "short"
    price = _mark(rng, underlying)
    usd = float(np.exp(rng.normal(np.log(40_000), 1.0)))     # sizes from a few $k to ~$500k
    row = {"underlying": underlying, "side": side, "price": price,
           "venue": str(rng.choice(VENUES)), "account": str(rng.choice(ACCOUNTS))}
    kind = mix.split()[-1]
    row["kind"] = kind
    entry = price * (1 + rng.normal(0, 0.04))
    row["entry_price"] = round(entry, 1 if entry > 1_000 else 2 if entry > 10 else 4)
    if mix.startswith("inverse"):
        row["venue"] = str(rng.choice(("Deribit", "BitMEX", "Binance")))
    if mix.startswith("inverse") and _lists_inverse(row["venue"], underlying):
        row.update(inverse=True, contract_size=INVERSE_FACE[underlying],
                   quantity=max(1, round(usd / INVERSE_FACE[underlying])))
    elif kind in ("spot", "collateral"):
        side = row["side"] = "long" if kind == "collateral" else side
        row.update(inverse=False, contract_size=1.0,
                   quantity=round(usd / price, 4 if price > 100 else 0) or 1.0)
        row["entry_price"] = np.nan if kind == "collateral" else row["entry_price"]
    else:
        size = LINEAR_SIZE[underlying]
        row.update(inverse=False, contract_size=size, quantity=max(1, round(usd / price / size)))
    if kind == "future":
        row["expiry"] = str(rng.choice(list(EXPIRIES)))
    label = {"spot": "spot", "collateral": "collateral", "perp": "PERP"}.get(
        kind, row.get("expiry", ""))
    margin = "" if kind in ("spot", "collateral") else ("-INV" if row["inverse"]
                                                         else _LINEAR_MARGIN.get(row["venue"], "-USDT"))
    row["name"] = f"{row['venue']} {row['account']} {underlying}{margin} {label} #{number:03d}"
    return row


def _option(rng: np.random.Generator, number: int) -> dict:
    underlying = str(rng.choice(("BTC", "ETH")))
    price = _mark(rng, underlying)
    expiry = str(rng.choice(list(EXPIRIES)[1:]))
    option_type = str(rng.choice(("call", "put")))
    step = 1_000 if underlying == "BTC" else 100
    strike = float(round(price * (1 + rng.choice((-0.15, -0.05, 0.05, 0.15))) / step) * step)
    row = {"underlying": underlying, "kind": "option", "side": str(rng.choice(("long", "short"))),
           "quantity": float(rng.integers(2, 12) if underlying == "BTC" else rng.integers(20, 120)),
           "price": price, "contract_size": 1.0, "inverse": False, "entry_price": np.nan,
           "venue": "Deribit", "account": str(rng.choice(ACCOUNTS)), "expiry": expiry,
           "strike": strike, "years": EXPIRIES[expiry],
           "volatility": round(float(rng.uniform(0.45, 0.7)), 2), "option_type": option_type}
    right = "C" if option_type == "call" else "P"
    row["name"] = f"Deribit {row['account']} {underlying}-{expiry}-{strike:.0f}-{right} #{number:03d}"
    return row


def _drawn_frame(seed: int, count: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mixes = rng.choice(list(MIX), size=count - OPTIONS, p=list(MIX.values()))
    rows = [_row(rng, n, str(mix)) for n, mix in enumerate(mixes, start=1)]
    rows += [_option(rng, n) for n in range(len(rows) + 1, count + 1)]
    frame = pd.DataFrame.from_records(rows).assign(as_of=AS_OF)
    return frame.reindex(columns=COLUMNS)


def _pool_wallets(frame: pd.DataFrame) -> list[tuple[str, pd.Index, float]]:
    """Each margin pool, its rows and its wallet in USD by the module's rule."""
    import exposure_kit as ek

    book = ek.Book.from_frame(frame)
    pools = ek.margin_pools(book).to_numpy()
    out = []
    for pool in sorted(set(pools)):
        rows = pools == pool
        part = book.part(rows)
        derivative = frame.loc[rows, "kind"].isin(("perp", "future", "option")).to_numpy()
        face = float(np.abs(part.exposures("notional").to_numpy()[derivative]).sum())
        margin = ek.MarginAccount(part, 0.0)
        need = max(WALLET_SHARE * face, WALLET_MAINTENANCE * margin.maintenance_margin()
                   - margin.equity())
        out.append((pool, frame.index[rows], need))
    return out


#: A coin wallet is held in whole steps of its coin.
COIN_STEP = {"BTC": 0.1, "ETH": 1.0, "SOL": 10.0, "XRP": 1_000.0, "DOGE": 10_000.0}


def _coin_collateral(frame: pd.DataFrame) -> pd.DataFrame:
    """A collateral row per coin-margined pool: its wallet, in its coin."""
    rows = []
    for pool, index, need in _pool_wallets(frame):
        if not pool.endswith("-margined") or pool.endswith("USD-margined"):
            continue
        first = frame.loc[index[0]]
        coin = pool.rsplit(" ", 1)[1].removesuffix("-margined")
        price = float(frame.loc[index][frame.loc[index, "underlying"] == coin]["price"].iloc[0])
        step = COIN_STEP[coin]
        quantity = round(float(np.ceil(need / price / step)) * step, 4)
        number = len(frame) + len(rows) + 1
        rows.append({"name": f"{first['venue']} {first['account']} {coin} collateral #{number:03d}",
                     "underlying": coin, "kind": "collateral", "side": "long",
                     "quantity": quantity, "price": price, "contract_size": 1.0,
                     "inverse": False, "entry_price": np.nan, "venue": first["venue"],
                     "account": first["account"], "as_of": AS_OF})
    return pd.DataFrame.from_records(rows).reindex(columns=COLUMNS)


def desk_book_frame(seed: int = SEED, count: int = COUNT) -> pd.DataFrame:
    """The desk's positions, one row each, in the sample's column order: ``count`` drawn, then
    a collateral row per coin-margined pool."""
    drawn = _drawn_frame(seed, count)
    return pd.concat([drawn, _coin_collateral(drawn)], ignore_index=True)


def desk_book_csv(seed: int = SEED, count: int = COUNT) -> str:
    """The sample file's text."""
    return desk_book_frame(seed, count).to_csv(index=False, lineterminator="\n")


def desk_accounts_frame(seed: int = SEED, count: int = COUNT) -> pd.DataFrame:
    """Equity per margin pool (venue, account, wallet), by the rule in this module's
    docstring: a USD pool's wallet on top of what its rows hold; a coin pool's wallet is in the
    book already (its collateral row), so its equity is what its rows hold."""
    import exposure_kit as ek

    frame = desk_book_frame(seed, count)
    book = ek.Book.from_frame(frame)
    rows = []
    for pool, index, need in _pool_wallets(frame):
        held = ek.MarginAccount(book.part(frame.index.isin(index)), 0.0).equity()
        first = frame.loc[index[0]]
        wallet = pool.rsplit(" ", 1)[1].removesuffix("-margined") if pool.endswith(
            "-margined") else ""
        cash = 0.0 if wallet not in ("", "USD") else np.ceil(need / WALLET_STEP) * WALLET_STEP
        rows.append({"venue": first["venue"], "account": first["account"], "wallet": wallet,
                     "equity": round(cash + held)})
    return pd.DataFrame(rows)


def desk_accounts_csv(seed: int = SEED, count: int = COUNT) -> str:
    """The sample equity file's text."""
    return desk_accounts_frame(seed, count).to_csv(index=False, lineterminator="\n")


if __name__ == "__main__":
    OUT.write_text(desk_book_csv(), encoding="utf-8")
    ACCOUNTS_OUT.write_text(desk_accounts_csv(), encoding="utf-8")
    print(f"wrote {OUT} ({len(desk_book_frame())} positions) and {ACCOUNTS_OUT}")
