"""Write exposure_kit/data/desk_snapshots.csv: a made-up desk's positions at each daily close for a
month, seeded.

Run once (``python tests/support/make_desk_snapshots.py``); tests/engine/test_snapshots.py checks
that the file shipped is what this script makes. Prices are the synthetic history's closes
(``exposure_kit.sample_prices()``) from 2022-04-16 to 2022-05-15, so the month runs into the crash
that starts on 2022-05-01. The desk holds BTC and ETH on four venues: spot, coin collateral,
linear perps and a quarterly future, an inverse perp and two options. Each day it nudges its perp
shorts by a few percent (seeded), and its options come one day nearer expiry.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import exposure_kit as ek

SEED = 20220416
DAYS = pd.date_range("2022-04-16", "2022-05-15", freq="D")
EQUITY = 2_500_000.0
OUT = Path(__file__).resolve().parents[2] / "exposure_kit" / "data" / "desk_snapshots.csv"
COLUMNS = ["date", "name", "underlying", "kind", "side", "quantity", "price", "contract_size",
           "inverse", "venue", "account", "strike", "years", "volatility", "option_type",
           "equity"]
# name, underlying, kind, side, quantity, contract_size, inverse, venue, account, option fields
BOOK = [
    ("BTC spot", "BTC", "spot", "long", 30.0, 1.0, False, "Coinbase", "001", None),
    ("BTC collateral", "BTC", "collateral", "long", 4.0, 1.0, False, "Deribit", "002", None),
    ("BTC-USDT perp", "BTC", "perp", "short", 24_000.0, 0.001, False, "Binance", "001", None),
    ("BTC-USD inverse perp", "BTC", "perp", "short", 8_000.0, 100.0, True, "Deribit", "002", None),
    ("ETH spot", "ETH", "spot", "long", 600.0, 1.0, False, "Coinbase", "001", None),
    ("ETH-USDT perp", "ETH", "perp", "short", 45_000.0, 0.01, False, "Binance", "001", None),
    ("ETH 220624 future", "ETH", "future", "short", 100.0, 1.0, False, "OKX", "003", None),
    ("ETH 3500 call", "ETH", "option", "long", 150.0, 1.0, False, "Deribit", "002",
     (3_500.0, "2022-06-24", 0.75, "call")),
    ("BTC 35000 put", "BTC", "option", "long", 10.0, 1.0, False, "Deribit", "002",
     (35_000.0, "2022-06-24", 0.7, "put")),
]
TRADED = {"BTC-USDT perp", "ETH-USDT perp"}


def desk_snapshots_csv() -> str:
    rng = np.random.default_rng(SEED)
    closes = ek.sample_prices().loc[DAYS]
    quantity = {row[0]: row[4] for row in BOOK}
    equity = EQUITY
    lines = []
    for day in DAYS:
        for name, under, kind, side, _, size, inverse, venue, account, option in BOOK:
            if name in TRADED and day != DAYS[0]:
                quantity[name] = round(quantity[name] * (1 + rng.normal(0, 0.04)))
            strike = expiry = vol = right = None
            if option is not None:
                strike, expiry, vol, right = option
            years = None if expiry is None else \
                round((pd.Timestamp(expiry) - day).days / 365, 6)
            lines.append({"date": day.date().isoformat(), "name": name, "underlying": under,
                          "kind": kind, "side": side, "quantity": quantity[name],
                          "price": closes.loc[day, under], "contract_size": size,
                          "inverse": inverse, "venue": venue, "account": account,
                          "strike": strike, "years": years, "volatility": vol,
                          "option_type": right, "equity": equity})
        equity = round(equity * (1 + rng.normal(0, 0.01)), 2)
    return pd.DataFrame(lines, columns=COLUMNS).to_csv(index=False, lineterminator="\n")


if __name__ == "__main__":
    OUT.write_text(desk_snapshots_csv())
    print(f"wrote {OUT}")
