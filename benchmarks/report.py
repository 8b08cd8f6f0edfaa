"""How long the HTML risk page takes on a big book, beside the text report of the same book.

A seeded book of 10^5 mixed positions (spot, linear and inverse perps and futures with expiries,
options, collateral) across 20 accounts and 4 venues, with equity per account and funding rates:
the time to write the whole page (``exposure-kit report --format html``), then the page with a
limits file and yesterday's book (``--limits``, ``--since``: yesterday is the same desk with
seeded price moves, a tenth of its positions resized and a hundredth opened since), against the
text report (summary, one grouping, findings) on the same book.

Then the many-accounts cases (``--accounts``): 10^4 positions across 10^3 accounts and 10^5
across 10^4, each account on one venue, where ``account_risk`` (equity, maintenance, margin ratio
and the liquidating move of every account and asset) is timed beside the old way in the same run:
one :class:`MarginAccount` per account and a search per asset (``account_risk_one_by_one``, kept
here for the comparison), with the figures checked equal, and the whole page timed after.

Run: ``make bench`` or ``.venv/bin/python benchmarks/report.py [--size 100000]
[--accounts 1000,10000] [--skip-old-above 20000]``.
Goal on a 2-core machine: the page for 10^5 positions across 20 accounts, with limits and
``--since``, in under 5 s. The load average is printed: the machine is shared.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import exposure_kit as ek
from exposure_kit.cli import build_report

sys.path.insert(0, str(Path(__file__).parent))
from engine import mixed_frame  # noqa: E402

ACCOUNTS = [f"{k:03d}" for k in range(1, 21)]
EXPIRIES = np.array(["240614", "240628", "240927", "241227"])


def desk_like(n: int, seed: int = 11):
    """The engine benchmark's mixed book with accounts, expiries and entry prices."""
    frame = mixed_frame(n, seed)
    rng = np.random.default_rng(seed + 1)      # a stream of its own: accounts mix every asset
    frame["account"] = rng.choice(np.array(ACCOUNTS), n)
    frame["expiry"] = np.where(frame["kind"] == "future", rng.choice(EXPIRIES, n), None)
    frame["entry_price"] = (frame["price"] * rng.uniform(0.97, 1.03, n)).round(4)
    book = ek.Book.from_frame(frame)
    return book, equity_of(book)


def equity_of(book) -> dict[str, float]:
    """A quarter of each margin pool's gross (4x gross leverage), keyed by pool ("Binance 001
    USD-margined", "Binance 001 BTC-margined", "Bybit 001": ``ek.margin_pools``); a
    coin-margined pool holds that on top of what its rows are worth, so its coin wallet is
    long (a short coin wallet, borrowed coin, has no one-account form to compare with)."""
    label = ek.margin_pools(book).to_numpy()
    gross = pd.Series(np.abs(book.exposures().to_numpy())).groupby(label).sum() / 4
    rows = ek.MarginAccount(book, 0.0)._values(np.ones(len(book)))   # each row's value now
    held = pd.Series(rows).groupby(label).sum()
    coin = [p.endswith("-margined") and not p.endswith("USD-margined") for p in gross.index]
    return {p: float(g + (max(held[p], 0.0) if c else 0.0))
            for (p, g), c in zip(gross.items(), coin)}


def many_accounts(n: int, accounts: int, seed: int = 13):
    """The mixed book with ``accounts`` accounts, each on one venue (account k on venue k mod 4),
    so margin accounts and accounts are the same count."""
    frame = mixed_frame(n, seed)
    rng = np.random.default_rng(seed + 1)
    number = rng.integers(accounts, size=n)
    venues = np.array(["Binance", "OKX", "Bybit", "Deribit"])
    frame["account"] = np.char.zfill(number.astype(str), 5)
    frame["venue"] = venues[number % 4]
    frame["entry_price"] = (frame["price"] * rng.uniform(0.97, 1.03, n)).round(4)
    book = ek.Book.from_frame(frame)
    return book, equity_of(book)


def account_risk_one_by_one(book, equity, warn_distance=0.20):
    """The old way: one MarginAccount per margin pool (a coin-margined pool's wallet held as
    its coin), then a search per asset on that asset's rows with the pool's other rows as a
    constant."""
    labels = ek.margin_pools(book).to_numpy()
    rows, moves = [], []
    for name in sorted(equity):
        sub = book.part(labels == name)
        wallet = equity[name] - ek.MarginAccount(sub, 0.0).equity()
        coin = name.rsplit(" ", 1)[-1].removesuffix("-margined")
        if name.endswith("-margined") and coin != "USD":
            price = float(sub.to_frame().query("underlying == @coin")["price"].iloc[0])
            account = ek.MarginAccount(sub, 0.0, collateral={coin: wallet / price})
        else:
            account = ek.MarginAccount(sub, wallet)
        held = account.book
        rows.append({"account": name, "equity": account.equity(),
                     "maintenance": account.maintenance_margin(),
                     "margin_ratio": account.margin_ratio(), "positions": len(sub)})
        net = held.by("underlying", measure="delta")["net"]
        buffers = account.row_buffers()
        held_under = held.to_frame()["underlying"].to_numpy()
        for underlying in sub.underlyings:
            mine = held_under == underlying
            rest = account.wallet_balance + float(buffers[~mine].sum())
            move = (0.0 if account.is_liquidated() else
                    ek.MarginAccount(held.part(mine), rest).liquidating_move(underlying))
            move = np.nan if move is None else float(move)
            moves.append({"account": name, "underlying": underlying,
                          "net": float(net[underlying]), "liquidating_move": move,
                          "warning": bool(np.isfinite(move) and abs(move) < warn_distance)})
    return (pd.DataFrame(rows).set_index("account"),
            pd.DataFrame(moves).set_index(["account", "underlying"]))


def accounts_case(n: int, accounts: int, skip_old_above: int) -> None:
    """account_risk now and the old way on one book, the figures compared, and the page."""
    book, equity = many_accounts(n, accounts)
    out = Path(tempfile.mkdtemp()) / "accounts.html"
    start = time.perf_counter(), time.process_time()
    new_accounts, new_moves = ek.account_risk(book, equity)
    new_s = time.perf_counter() - start[0], time.process_time() - start[1]
    print(f"{n:,} positions, {len(equity):,} margin pools")
    print(f"  account_risk, all accounts at once: {new_s[0]:7.2f} s wall, {new_s[1]:7.2f} s CPU")
    if len(equity) <= skip_old_above:
        start = time.perf_counter(), time.process_time()
        old_accounts, old_moves = account_risk_one_by_one(book, equity)
        old_s = time.perf_counter() - start[0], time.process_time() - start[1]
        same = (np.allclose(new_accounts.to_numpy(float), old_accounts.to_numpy(float),
                            rtol=1e-9)
                and np.allclose(new_moves["liquidating_move"], old_moves["liquidating_move"],
                                rtol=1e-7, atol=1e-12, equal_nan=True)
                and new_moves.index.equals(old_moves.index))
        print(f"  account_risk, one MarginAccount each (old): {old_s[0]:7.2f} s wall, "
              f"{old_s[1]:7.2f} s CPU   ({old_s[0] / new_s[0]:.0f}x; figures "
              f"{'identical' if same else 'DIFFERENT'})")
    wall, cpu = timed(lambda: ek.report(book, equity=equity, as_of="2024-06-11").save(out), 1)
    print(f"  HTML page: {wall:7.2f} s wall, {cpu:7.2f} s CPU   "
          f"({out.stat().st_size / 1e6:.2f} MB)")


LIMITS = """scope,key,metric,limit
book,,gross,5000000000
book,,net_leverage,3
book,,concentration,0.5
underlying,BTC,net,500000000
underlying,ETH,gross,800000000
account,001,net_leverage,2
account,002,liquidation_distance,0.2
venue,Binance,concentration,0.4
"""


def yesterday_of(book, seed: int = 12):
    """Yesterday's book: prices a seeded move away per underlying, a tenth of the positions
    another size, the last hundredth not yet opened."""
    rng = np.random.default_rng(seed)
    frame = book.to_frame()
    moves = {u: float(rng.normal(0, 0.03)) for u in book.underlyings}
    frame["price"] = frame["price"] / (1 + frame["underlying"].map(moves))
    resized = rng.random(len(frame)) < 0.1
    for column in ("quantity", "notional"):
        if column in frame.columns:
            frame[column] = np.where(resized, frame[column] * 0.8, frame[column])
    return ek.Book.from_frame(frame.iloc[: len(frame) - len(frame) // 100])


def timed(fn, repeat: int = 3) -> tuple[float, float]:
    """Best wall-clock and CPU seconds of ``repeat`` runs (CPU time shows the cost when other
    work shares the machine)."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--accounts", default="1000,10000",
                        help="account counts of the many-accounts cases (10 positions each)")
    parser.add_argument("--skip-old-above", type=int, default=20_000,
                        help="time the old way only up to this many accounts")
    parser.add_argument("--only-accounts", action="store_true")
    args = parser.parse_args()
    size = args.size
    for accounts in [int(a) for a in args.accounts.split(",") if a]:
        accounts_case(10 * accounts, accounts, args.skip_old_above)
    if args.only_accounts:
        return
    book, equity = desk_like(size)
    yesterday = yesterday_of(book)
    rates = {"BTC": 0.0001, "ETH": 0.00012, "SOL": -0.00005}
    out = Path(tempfile.mkdtemp()) / "report.html"

    def page():
        ek.report(book, equity=equity, funding=rates, as_of="2024-06-11").save(out)

    def full():
        ek.report(book, equity=equity, funding=rates, as_of="2024-06-11",
                  limits=io.StringIO(LIMITS), since=yesterday).save(out)

    def text():
        build_report(book, equity=sum(equity.values()))

    ek.report(ek.sample_book("guide_example_1"))        # imports, fonts: not part of the figure
    html_s = timed(page, parser.parse_args().repeat)
    full_s = timed(full, parser.parse_args().repeat)
    text_s = timed(text, parser.parse_args().repeat)
    print(f"{size:,} positions, {len(equity)} margin accounts ({len(ACCOUNTS)} accounts on "
          f"{len(set(book.to_frame()['venue']))} venues), {len(book.underlyings)} underlyings")
    print(f"  HTML page (all sections): {html_s[0]:6.2f} s wall, {html_s[1]:6.2f} s CPU   "
          f"({out.stat().st_size / 1e6:.2f} MB)")
    print(f"  HTML page with --limits and --since: {full_s[0]:6.2f} s wall, {full_s[1]:6.2f} s "
          f"CPU   ({out.stat().st_size / 1e6:.2f} MB)")
    print(f"  text report (summary, by underlying, findings): {text_s[0]:6.2f} s wall, "
          f"{text_s[1]:6.2f} s CPU")
    print(f"  load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    print(f"  goal: page with limits and --since under 5 s -> "
          f"{'met' if full_s[0] < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
