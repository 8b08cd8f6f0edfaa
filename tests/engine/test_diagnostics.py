"""diagnose(): each finding fires on a book built to trigger it and stays silent on a clean one."""


import exposure_kit as ek


def book(*rows):
    return ek.Book.from_records(list(rows))


def row(underlying, kind, side, notional, **extra):
    return {"name": extra.pop("name", f"{underlying} {kind} {side}"), "underlying": underlying,
            "kind": kind, "side": side, "notional": notional, **extra}


CLEAN = book(row("BTC", "spot", "long", 40_000, venue="A"),
             row("ETH", "spot", "long", 20_000, venue="B"))


def codes(findings):
    return [f.code for f in findings]


def test_a_clean_book_has_no_findings():
    # long only, two venues (67 % on A, below the 75 % default), 0.3x gross leverage
    assert ek.diagnose(CLEAN, equity=200_000, betas={"ETH": 1.0}) == []
    assert ek.diagnose(ek.Book()) == []


def test_a_book_net_long_in_every_asset_is_one_directional_bet():
    # The same long-only book on $50,000: $60,000 net long in BTC and ETH, 1.20 times equity.
    # Both falling 20 % at once loses 0.2 x 60,000 = $12,000, 24.0 % of equity.
    found = ek.diagnose(CLEAN, equity=50_000)
    assert codes(found) == ["directional"]
    top = found[0]
    assert top.severity == "high" and top.usd_at_risk == 60_000
    assert "1.20 times" in top.message and "$12,000" in top.message and "24.0%" in top.message
    # on $100,000 it is 0.60 times: "medium" (0.5x to 1x); on $200,000 (0.3x) nothing
    assert [f.severity for f in ek.diagnose(CLEAN, equity=100_000)] == ["medium"]
    assert ek.diagnose(CLEAN, equity=200_000) == []
    # one asset carrying 90 % or more of the net is the concentration finding's, not this one
    mostly_btc = book(row("BTC", "spot", "long", 95_000), row("ETH", "spot", "long", 5_000))
    assert "directional" not in codes(ek.diagnose(mostly_btc, equity=50_000))
    # a short in any asset: not net one way in every asset (cross-asset offset says the rest)
    mixed = book(row("BTC", "spot", "long", 95_000), row("ETH", "perp", "short", 30_000))
    assert "directional" not in codes(ek.diagnose(mixed, equity=50_000))


def test_low_net_high_gross():
    # BTC spot 400k long vs 390k perp short: net 10k is 1.3 % of gross 790k, which is
    # 15.8x the 50k equity.
    hedged = book(row("BTC", "spot", "long", 400_000), row("BTC", "perp", "short", 390_000))
    findings = ek.diagnose(hedged, equity=50_000)
    assert "low-net-high-gross" in codes(findings)
    first = findings[0]
    assert first.severity == "high" and "15.8 times" in first.message
    assert "$10,000 net long" in first.message
    assert set(first.positions) == {"BTC spot long", "BTC perp short"}
    # the same book with 500k of equity (1.6x) is not flagged for this
    assert "low-net-high-gross" not in codes(ek.diagnose(hedged, equity=500_000))
    assert "low-net-high-gross" not in codes(ek.diagnose(hedged))


def test_cross_asset_offset():
    # the guide's example: 150k BTC long against 100k ETH short offsets 100k across assets
    guide = book(row("BTC", "perp", "long", 150_000), row("ETH", "future", "short", 100_000))
    found = [f for f in ek.diagnose(guide) if f.code == "cross-asset-offset"]
    assert len(found) == 1 and "$100,000" in found[0].message
    assert "BTC" in found[0].message and "ETH" in found[0].message
    assert "cross-asset-offset" not in codes(ek.diagnose(guide, cross_share=0.5))


def test_basis_offset_across_kinds_and_expiries():
    carry = book(row("BTC", "spot", "long", 100_000), row("BTC", "future", "short", 100_000))
    found = [f for f in ek.diagnose(carry) if f.code == "basis-offset"]
    assert len(found) == 1 and "spot" in found[0].message and "future" in found[0].message
    calendar = book(row("BTC", "future", "long", 50_000, expiry="2025-06"),
                    row("BTC", "future", "short", 50_000, expiry="2025-12"))
    assert "basis-offset" in codes(ek.diagnose(calendar))
    same = book(row("BTC", "future", "long", 50_000, expiry="2025-06"),
                row("BTC", "future", "short", 50_000, expiry="2025-06", name="b"))
    assert "basis-offset" not in codes(ek.diagnose(same))


def test_collateral_left_out_of_the_hedge():
    # 60k spot hedged with a 60k perp short looks flat, but 60k of BTC collateral sits beside it
    false_hedge = book(row("BTC", "spot", "long", 60_000),
                       row("BTC", "collateral", "long", 60_000),
                       row("BTC", "perp", "short", 60_000))
    found = [f for f in ek.diagnose(false_hedge) if f.code == "collateral-unhedged"]
    assert len(found) == 1 and found[0].severity == "high"
    assert "flat ($0 net)" in found[0].message and "$60,000 net long" in found[0].message
    # collateral hedged too: 120k short
    hedged = book(row("BTC", "spot", "long", 60_000), row("BTC", "collateral", "long", 60_000),
                  row("BTC", "perp", "short", 120_000))
    assert "collateral-unhedged" not in codes(ek.diagnose(hedged))


def test_beta_gap():
    # 100k SOL long against 100k BTC short: flat in dollars; with SOL beta 1.6 it is 60k long
    pair = book(row("SOL", "perp", "long", 100_000), row("BTC", "perp", "short", 100_000))
    found = [f for f in ek.diagnose(pair, betas={"SOL": 1.6}) if f.code == "beta-gap"]
    assert len(found) == 1 and "$60,000 net long" in found[0].message
    assert found[0].positions == ("SOL perp long",)
    assert "beta-gap" not in codes(ek.diagnose(pair))   # no betas, no check
    assert "beta-gap" not in codes(ek.diagnose(pair, betas={"SOL": 1.02}))


def test_option_delta_gap():
    # 10 calls on 60k of BTC each with delta 0.3: 60k of notional moves like 18k.
    options = book(row("BTC", "option", "long", 60_000, price=60_000, delta=0.3,
                       option_type="call"))
    found = [f for f in ek.diagnose(options) if f.code == "option-delta-gap"]
    assert len(found) == 1 and "$18,000" in found[0].message and "$60,000" in found[0].message
    # ranked by the options' delta exposure (18,000), not face minus delta (42,000); the net
    # moves by 60,000 - 18,000 = 42,000 between the two readings, and the message says so
    assert found[0].usd_at_risk == 18_000
    assert "delta exposure is $18,000" in found[0].message
    assert "moves the net by $42,000" in found[0].message
    deep = book(row("BTC", "option", "long", 60_000, price=60_000, delta=0.99,
                    option_type="call"))
    assert "option-delta-gap" not in codes(ek.diagnose(deep))


def test_option_delta_gap_says_gross_and_signed_delta():
    # a long call (delta 0.3) and a short call (delta 0.2), each on 60k of BTC:
    # +18,000 and -12,000 of delta, so 30,000 without sign and +6,000 added to the net
    options = book(row("BTC", "option", "long", 60_000, price=60_000, delta=0.3,
                       option_type="call", name="long call"),
                   row("BTC", "option", "short", 60_000, price=60_000, delta=0.2,
                       option_type="call", name="short call"))
    found = [f for f in ek.diagnose(options) if f.code == "option-delta-gap"]
    assert len(found) == 1 and found[0].usd_at_risk == 30_000
    assert "gross delta exposure is $30,000" in found[0].message
    assert "add $6,000 to the net" in found[0].message


def test_venue_concentration():
    one_venue = book(row("BTC", "spot", "long", 90_000, venue="X"),
                     row("ETH", "spot", "long", 10_000, venue="Y"))
    found = [f for f in ek.diagnose(one_venue) if f.code == "venue-concentration"]
    assert len(found) == 1 and "90%" in found[0].message and found[0].severity == "low"
    assert "venue-concentration" not in codes(ek.diagnose(one_venue, venue_share=0.95))


def test_findings_come_severity_first_then_by_size_and_as_a_table():
    # gross 795k (low-net-high-gross), BTC alone 400k net long = 20x equity (concentration),
    # 395k set against ETH (cross-asset offset), all 795k on venue X (venue concentration).
    # A head of risk reads the two "high" first, then the "medium", then the "low" one.
    messy = book(row("BTC", "spot", "long", 400_000, venue="X"),
                 row("ETH", "perp", "short", 395_000, venue="X"))
    findings = ek.diagnose(messy, equity=20_000)
    assert codes(findings) == ["low-net-high-gross", "concentration", "cross-asset-offset",
                               "venue-concentration"]
    assert [f.severity for f in findings] == ["high", "high", "medium", "low"]
    assert [f.usd_at_risk for f in findings] == [795_000, 400_000, 395_000, 795_000]
    assert ek.ranked_findings(findings) == findings
    table = ek.findings_frame(findings)
    assert list(table["code"]) == codes(findings)
    assert list(table["usd_at_risk"]) == [795_000, 400_000, 395_000, 795_000]
    assert str(findings[0]).startswith("[high] low-net-high-gross:")


def test_concentration_outranks_small_collateral_findings():
    # ETH net long 2.7M against 2M of equity (1.35x) is the book's largest risk; a 30k BTC
    # collateral left unhedged comes after it. A 10 % ETH move costs 270k, 13.5 % of equity.
    desk = book(row("ETH", "perp", "long", 2_700_000),
                row("BTC", "collateral", "long", 30_000), row("BTC", "perp", "short", 10_000))
    findings = ek.diagnose(desk, equity=2_000_000)
    assert codes(findings)[0] == "concentration"
    top = findings[0]
    assert top.usd_at_risk == 2_700_000 and top.severity == "medium"
    assert "1.35 times" in top.message and "$270,000" in top.message and "13.5%" in top.message
    assert "collateral-unhedged" in codes(findings)
    assert "concentration" not in codes(ek.diagnose(desk, equity=3_000_000))
    assert "concentration" not in codes(ek.diagnose(desk))          # no equity, no check


def test_basis_offset_nets_identical_instruments_and_counts_options_at_delta():
    # a 70k long and a 100k short of the same future cancel to 30k short, and only that 30k is
    # set against the 50k spot long: 30k of basis offset, not min(120k, 100k)
    same_future = book(row("BTC", "spot", "long", 50_000),
                       row("BTC", "future", "long", 70_000, expiry="2025-06", name="f1"),
                       row("BTC", "future", "short", 100_000, expiry="2025-06", name="f2"))
    found = [f for f in ek.diagnose(same_future) if f.code == "basis-offset"]
    assert len(found) == 1 and found[0].usd_at_risk == 30_000 and "$30,000" in found[0].message
    # 100k of calls with delta 0.25 hedge 25k of a perp short, not 100k
    option = book(row("BTC", "option", "long", 100_000, price=60_000, delta=0.25,
                      option_type="call"), row("BTC", "perp", "short", 100_000))
    found = [f for f in ek.diagnose(option) if f.code == "basis-offset"]
    assert len(found) == 1 and found[0].usd_at_risk == 25_000
