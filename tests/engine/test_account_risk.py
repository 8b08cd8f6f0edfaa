"""Per-account margin of a book: keyed by venue and account, and computed for every account at
once exactly as :class:`MarginAccount` computes each."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import exposure_kit as ek


def _hedged_across_venues():
    # Account 001 is long 2 BTC on Binance and short 2 BTC on OKX, both at 60,000.
    return ek.Book.from_records([
        {"name": "long", "underlying": "BTC", "kind": "perp", "side": "long", "quantity": 2,
         "price": 60_000, "venue": "Binance", "account": "001"},
        {"name": "short", "underlying": "BTC", "kind": "perp", "side": "short", "quantity": 2,
         "price": 60_000, "venue": "OKX", "account": "001"}])


def test_margin_never_nets_across_venues():
    # $15,000 of equity on each venue, maintenance 0.5 % of the notional at the moved price.
    # Binance 001 (long): 15,000 + 120,000 m = 600 (1 + m) at m = -14,400 / 119,400 = -12.06 %.
    # OKX 001 (short):    15,000 - 120,000 m = 600 (1 + m) at m = +14,400 / 120,600 = +11.94 %.
    # Netted as one $30,000 account the pair is flat: 30,000 = 1,200 (1 + m) only at m = +24
    # (a 2,400 % rise), and a 15 % fall leaves it at 30,000 against 1,020 of maintenance, while
    # on Binance the long alone has lost 18,000 of its 15,000: liquidated there, not on OKX.
    book = _hedged_across_venues()
    accounts, moves = ek.account_risk(book, {("Binance", "001"): 15_000, ("OKX", "001"): 15_000})
    assert accounts.index.tolist() == ["Binance 001", "OKX 001"]
    assert accounts["maintenance"].tolist() == pytest.approx([600.0, 600.0])
    assert moves.loc[("Binance 001", "BTC"), "liquidating_move"] == pytest.approx(
        -14_400 / 119_400)
    assert moves.loc[("OKX 001", "BTC"), "liquidating_move"] == pytest.approx(14_400 / 120_600)
    assert moves["warning"].tolist() == [True, True]
    assert moves["net"].tolist() == pytest.approx([120_000.0, -120_000.0])

    fall = {"BTC": -0.15}
    binance = ek.MarginAccount(book.part([True, False]), 15_000).after(fall)
    okx = ek.MarginAccount(book.part([False, True]), 15_000).after(fall)
    assert binance.equity() == pytest.approx(15_000 - 18_000) and binance.is_liquidated()
    assert okx.equity() == pytest.approx(33_000) and not okx.is_liquidated()
    netted = ek.MarginAccount(book, 30_000).after(fall)
    assert netted.maintenance_margin() == pytest.approx(1_020.0)
    assert not netted.is_liquidated()                 # what netting across venues would hide
    assert ek.MarginAccount(book, 30_000).liquidating_move("BTC") == pytest.approx(24.0)


def _linear_long_inverse_short():
    # Binance account 001: long 2 BTC of the USDS-M perp and short $120,000 of the COIN-M perp
    # (1,200 contracts of $100), both entered at 60,000 where BTC is now.
    return ek.Book.from_records([
        {"name": "BTCUSDT", "underlying": "BTC", "kind": "perp", "side": "long", "quantity": 2,
         "price": 60_000, "entry_price": 60_000, "venue": "Binance", "account": "001"},
        {"name": "BTCUSD_PERP", "underlying": "BTC", "kind": "perp", "side": "short",
         "quantity": 1_200, "contract_size": 100, "inverse": True, "price": 60_000,
         "entry_price": 60_000, "venue": "Binance", "account": "001"}])


def test_a_linear_long_and_an_inverse_short_are_margined_in_two_wallets():
    # By hand, maintenance 0.5 %, $12,000 in each wallet: the USD one holds 12,000 USDT, the
    # BTC one 0.2 BTC (12,000 / 60,000). A move m of BTC:
    # USDS-M wallet (long 2 BTC, maintenance charged at the moved price):
    #   12,000 + 120,000 m = 600 (1 + m)  ->  m = -11,400 / 119,400 = -9.548 %
    # COIN-M BTC wallet (short $120,000 face; 0.2 BTC worth 12,000 (1 + m); the short's coin
    # P&L 120,000 (1/60,000 - 1/P) BTC is -120,000 m in USD; maintenance 0.5 % of the face in
    # coin, 600 in USD at any price):
    #   12,000 (1 + m) - 120,000 m = 600  ->  m = 11,400 / 108,000 = +10.556 %
    # Pooled (portfolio margin, $24,000) the pair is flat: 24,000 = 600 (1 + m) + 600 only at
    # m = +38 (a 3,800 % rise): the hedge hides both liquidations.
    book = _linear_long_inverse_short()
    assert ek.margin_pools(book).tolist() == ["Binance 001 USD-margined",
                                              "Binance 001 BTC-margined"]
    equity = ek.read_account_equity(io.StringIO(
        "venue,account,wallet,equity\nBinance,001,USDT,12000\nBinance,001,BTC,12000\n"))
    accounts, moves = ek.account_risk(book, equity)
    assert accounts["maintenance"].tolist() == pytest.approx([600.0, 600.0])
    up = moves.loc[("Binance 001 BTC-margined", "BTC"), "liquidating_move"]
    down = moves.loc[("Binance 001 USD-margined", "BTC"), "liquidating_move"]
    assert up == pytest.approx(11_400 / 108_000) and down == pytest.approx(-11_400 / 119_400)
    assert moves["warning"].all()
    # the COIN-M wallet is long its 0.2 BTC and short the $120,000 face: net -$108,000
    assert moves.loc[("Binance 001 BTC-margined", "BTC"), "net"] == pytest.approx(-108_000)
    # the same prices from the venues' one-position formulas: Binance COIN-M and USDS-M
    assert ek.coin_margined_liquidation_price("short", 120_000, 60_000, 0.2, 0.005) == \
        pytest.approx(60_000 * (1 + up))
    assert ek.liquidation_price("long", 2, 60_000, 12_000, 0.005) == \
        pytest.approx(60_000 * (1 + down))
    # pooled: one equity marked portfolio margin
    accounts, moves = ek.account_risk(book, {("Binance", "001", "portfolio"): 24_000})
    assert accounts.index.tolist() == ["Binance 001"]
    assert moves.loc[("Binance 001", "BTC"), "liquidating_move"] == pytest.approx(38.0)
    assert not moves["warning"].any()
    # one equity for the account without saying portfolio margin is refused, naming the pools
    with pytest.raises(ValueError, match=r"'Binance 001' margins its positions in 2 pools "
                                         r"\(BTC-margined, USD-margined\)"):
        ek.account_risk(book, {("Binance", "001"): 24_000})


def test_a_bybit_account_is_one_unified_pool_unless_split():
    # Bybit's unified trading account 2.0 shares margin across linear and inverse contracts;
    # an account given per wallet (UTA 1.0: inverse apart) is split.
    book = ek.Book.from_frame(_linear_long_inverse_short().to_frame().assign(venue="Bybit"))
    assert set(ek.margin_pools(book)) == {"Bybit 001"}
    _, moves = ek.account_risk(book, {"Bybit 001": 24_000})
    assert moves.loc[("Bybit 001", "BTC"), "liquidating_move"] == pytest.approx(38.0)
    _, moves = ek.account_risk(book, {("Bybit", "001", "USD"): 12_000,
                                      ("Bybit", "001", "BTC"): 12_000})
    assert moves.loc[("Bybit 001 BTC-margined", "BTC"), "liquidating_move"] == pytest.approx(
        11_400 / 108_000)


def test_a_wallet_that_is_no_wallet_is_named():
    with pytest.raises(ValueError, match=r"line 2 of .*field 'wallet': 'US Dollar' is not a "
                                         r"wallet"):
        ek.read_account_equity(io.StringIO("venue,account,wallet,equity\n"
                                           "Binance,001,US Dollar,1\n"))


def test_equity_keys_label_tuple_or_single_venue_account():
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "quantity": 1, "price": 60_000,
         "venue": "Binance", "account": "001"},
        {"underlying": "BTC", "kind": "perp", "side": "long", "quantity": 1, "price": 60_000,
         "venue": "OKX", "account": "002"}])
    # 002 is on OKX only: its equity may be given by the account alone
    accounts, _ = ek.account_risk(book, {"Binance 001": 9_000, "002": 9_000})
    assert accounts.index.tolist() == ["Binance 001", "OKX 002"]
    assert accounts["margin_ratio"].tolist() == pytest.approx([300 / 9_000, 300 / 9_000])
    with pytest.raises(ValueError, match=r"account '001' is on 2 venues \(Binance, OKX\)"):
        ek.account_risk(_hedged_across_venues(), {"001": 30_000})
    with pytest.raises(ValueError, match=r"'Binance 001' is given twice"):
        ek.account_risk(book, {"Binance 001": 1, ("Binance", "001"): 1, "002": 1})
    with pytest.raises(ValueError, match=r"'OKX 002': the leading zeros were probably lost"):
        ek.account_risk(book, {"Binance 001": 1, "OKX 2": 1})


def test_equity_file_with_and_without_venue():
    import io
    with_venue = ek.read_account_equity(io.StringIO(
        "venue,account,equity\nBinance,001,15000\nOKX,001,15000\n"))
    assert with_venue == {"Binance 001": 15_000.0, "OKX 001": 15_000.0}
    accounts, _ = ek.account_risk(_hedged_across_venues(), with_venue)
    assert accounts["equity"].tolist() == [15_000.0, 15_000.0]
    without = ek.read_account_equity(io.StringIO("account,equity\n001,30000\n"))
    with pytest.raises(ValueError, match="margin never nets across venues"):
        ek.account_risk(_hedged_across_venues(), without)


def _random_book(seed: int = 7, accounts: int = 300) -> tuple[ek.Book, dict[str, float]]:
    """Linear and inverse perps and futures, spot, coin collateral, a stablecoin and model
    options, on two venues, for ``accounts`` accounts; equity per margin account."""
    rng = np.random.default_rng(seed)
    prices = {"BTC": 60_000.0, "ETH": 3_000.0, "SOL": 150.0}
    records = []
    for number in range(accounts * 3):
        underlying = str(rng.choice(list(prices)))
        kind = str(rng.choice(["perp", "future", "perp-inverse", "spot", "collateral",
                               "option", "cash"], p=[0.3, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1]))
        price = prices[underlying]
        row = {"name": f"p{number}", "underlying": underlying,
               "side": str(rng.choice(["long", "short"])), "price": price,
               "venue": str(rng.choice(["Binance", "OKX"])),
               "account": f"{int(rng.integers(accounts)):04d}",
               "entry_price": price * (1 + rng.normal(0, 0.05))}
        usd = float(np.exp(rng.normal(np.log(20_000), 0.8)))
        if kind == "perp-inverse":
            row.update(kind="perp", inverse=True, contract_size=100.0,
                       quantity=max(1, round(usd / 100)))
        elif kind == "option":
            row.update(kind="option", quantity=round(usd / price, 3) or 0.1,
                       strike=price * float(rng.choice([0.8, 0.95, 1.05, 1.2])),
                       years=float(rng.uniform(0.05, 1.0)),
                       volatility=float(rng.uniform(0.4, 0.9)),
                       option_type=str(rng.choice(["call", "put"])), entry_price=None)
        elif kind == "cash":
            row.update(kind="collateral", underlying="USDT", side="long", quantity=usd,
                       price=1.0, entry_price=None)
        else:
            row.update(kind=kind, quantity=round(usd / price, 4))
            if kind == "collateral":
                row.update(side="long", entry_price=None)
        records.append(row)
    book = ek.Book.from_records(records)
    pools = ek.margin_pools(book).to_numpy()
    # equity from tight (a few % of a position) to ample, so some pools sit near liquidation;
    # a coin-margined pool's wallet (beyond what its rows hold) is its coin, so at least 0 there
    equity = {}
    for pool in pd.unique(pools):
        wallet = float(np.exp(rng.normal(np.log(8_000), 1.0)))
        coin = pool.endswith("-margined") and not pool.endswith("USD-margined")
        held = ek.MarginAccount(book.part(pools == pool), 0.0).equity() if coin else 0.0
        equity[pool] = wallet + max(held, 0.0)
    return book, equity


@pytest.mark.slow       # 300 accounts compared one by one with MarginAccount: about 40 s of CPU
@pytest.mark.parametrize("rule", [{}, {"maintenance_margin_rate": 0.02, "venue": "bybit"},
                                  {"brackets": "example"}])
def test_all_accounts_at_once_equal_one_margin_account_each(rule):
    book, equity = _random_book()
    accounts, moves = ek.account_risk(book, equity, **rule)
    labels = ek.margin_pools(book).to_numpy()
    assert len(accounts) == len(equity) >= 300
    coin_pools = {p for p in labels if p.endswith("-margined") and not p.endswith("USD-margined")}
    assert len(coin_pools) > 50          # the coin-wallet case is compared too, not only USD
    liquidating = 0
    for label in accounts.index:
        sub = book.part(labels == label)
        wallet = equity[label] - ek.MarginAccount(sub, 0.0, **rule).equity()
        coin = label.rsplit(" ", 1)[-1].removesuffix("-margined")
        if label.endswith("-margined") and coin != "USD":     # that wallet is held in the coin
            price = float(sub.to_frame().query("underlying == @coin")["price"].iloc[0])
            account = ek.MarginAccount(sub, 0.0, collateral={coin: wallet / price}, **rule)
        else:
            account = ek.MarginAccount(sub, wallet, **rule)
        row = accounts.loc[label]
        assert row["equity"] == pytest.approx(account.equity(), rel=1e-9)
        assert row["maintenance"] == pytest.approx(account.maintenance_margin(), rel=1e-9)
        assert row["margin_ratio"] == pytest.approx(account.margin_ratio(), rel=1e-9)
        assert row["positions"] == len(sub)
        net = sub.by("underlying", measure="delta")["net"]
        if label.endswith("-margined") and coin != "USD":
            net[coin] += wallet                  # the coin wallet is long its coin
        for underlying in sub.underlyings:
            expected = account.liquidating_move(underlying)
            got = moves.loc[(label, underlying), "liquidating_move"]
            if expected is None:
                assert np.isnan(got), (label, underlying)
            else:
                liquidating += 1
                assert got == pytest.approx(expected, rel=1e-7, abs=1e-12), (label, underlying)
            assert moves.loc[(label, underlying), "net"] == pytest.approx(net[underlying])
    assert liquidating > 100                # the comparison is not all NaN
    # within an account, underlyings in order of first appearance, as Book.underlyings
    first = moves.index.get_level_values("account")[0]
    assert moves.loc[first].index.tolist() == book.part(labels == first).underlyings


def test_account_limits_cover_the_account_on_every_venue():
    # The hedged pair above: account 001's nearest liquidation on any venue is OKX's +11.94 %
    # (14,400 / 120,600), under a 20 % floor: a breach at 0.2 / 0.119403 = 167.5 %. Its net on
    # both venues together is 0, so its net leverage is 0 / (15,000 + 15,000) = 0.
    import io
    book = _hedged_across_venues()
    equity = {"Binance 001": 15_000.0, "OKX 001": 15_000.0}
    _, moves = ek.account_risk(book, equity)
    table = ek.check_limits(book, io.StringIO(
        "scope,key,metric,limit\naccount,001,liquidation_distance,0.2\n"
        "account,Binance 001,liquidation_distance,0.2\naccount,001,net_leverage,1\n"),
        equity=30_000, per_account=equity, moves=moves)
    rows = {(r["key"], r["metric"]): r for r in table.to_dict("records")}
    assert rows[("001", "liquidation_distance")]["figure"] == pytest.approx(14_400 / 120_600)
    assert rows[("001", "liquidation_distance")]["status"] == "breach"
    assert rows[("Binance 001", "liquidation_distance")]["figure"] == pytest.approx(
        14_400 / 119_400)
    assert rows[("001", "net_leverage")]["figure"] == pytest.approx(0.0)


def test_account_limits_cover_every_wallet_of_the_account():
    # The linear long and inverse short of Binance 001 in two wallets: the account's nearest
    # liquidation is its USDS-M wallet's fall of 11,400 / 119,400 = 9.548 %, under a 20 %
    # floor. Over both wallets the account is long BTC by the BTC wallet's 0.2 BTC ($12,000):
    # +120,000 in the USD wallet, -120,000 + 12,000 = -108,000 in the BTC one.
    book = _linear_long_inverse_short()
    equity = {("Binance", "001", "USD"): 12_000, ("Binance", "001", "BTC"): 12_000}
    accounts, moves = ek.account_risk(book, equity)
    per_pool = accounts["equity"].to_dict()
    table = ek.check_limits(book, io.StringIO(
        "scope,key,metric,limit\naccount,001,liquidation_distance,0.2\n"
        "account,Binance 001,liquidation_distance,0.2\n"), equity=24_000,
        per_account=per_pool, moves=moves)
    figures = table.set_index("key")["figure"]
    assert figures["001"] == pytest.approx(11_400 / 119_400)
    assert figures["Binance 001"] == pytest.approx(11_400 / 119_400)
    assert (table["status"] == "breach").all()
    assert moves.groupby(level="underlying")["net"].sum()["BTC"] == pytest.approx(12_000)
