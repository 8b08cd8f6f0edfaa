"""The desk's risk page (``ek.report``, ``exposure-kit report --format html``).

Expected numbers are worked by hand in the comments (funding as Binance states it: funding
amount = position notional x funding rate; Black-76 prices from the textbook formula written out
here with math.erf), never read off the code's output.
"""

from __future__ import annotations

import html.parser
import io
import math
import re
from pathlib import Path

import pytest

import exposure_kit as ek
from exposure_kit.cli import main

DESK = str(ek.sample_path("desk_book"))
AS_OF = "2024-06-11"   # the sample desk book's date (its options' years count from it)


# ----- reading the page back ----------------------------------------------------------------------
class _Tables(html.parser.HTMLParser):
    """Every <table> of a page as rows of cell texts, keyed by its data-table / data-grouping."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.sections: list[str] = []
        self.images: list[dict[str, str]] = []
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "id" in a:
            self.sections.append(a["id"])
        if tag == "img":
            self.images.append(a)
        if tag == "table":
            self._table = self.tables.setdefault(
                a.get("data-table") or a.get("data-grouping") or f"t{len(self.tables)}", [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parsed(page: str) -> _Tables:
    reader = _Tables()
    reader.feed(page)
    return reader


def dollars(text: str) -> float:
    return float(text.replace("$", "").replace(",", ""))


@pytest.fixture(scope="module")
def desk_page():
    book = ek.sample_book("desk_book")
    funding = {"BTC": 0.0001, "ETH": 0.00012}
    page = ek.report(book, equity=ek.sample_equity("desk_book"), funding=funding, as_of=AS_OF)
    return book, funding, page


# ----- the pieces, on hand-worked numbers ---------------------------------------------------------
def test_funding_per_period_and_per_day():
    # Binance: funding amount = notional x rate. A $10,000 long at +0.01 % pays $1.00 each
    # 8 hours, $3.00 a day (three periods); a $25,000 short receives $2.50, $7.50 a day.
    book = ek.Book.from_records([
        {"name": "long", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 10_000,
         "venue": "A"},
        {"name": "short", "underlying": "BTC", "kind": "perp", "side": "short",
         "notional": 25_000, "venue": "B"},
        {"name": "spot", "underlying": "BTC", "kind": "spot", "side": "long", "notional": 5_000,
         "venue": "A"},
        {"name": "eth", "underlying": "ETH", "kind": "perp", "side": "long", "notional": 1_000,
         "venue": "A"}])
    table = ek.funding_table(book, {"BTC": 0.0001})
    assert table.loc["long", "per_8h"] == pytest.approx(-1.0)
    assert table.loc["long", "per_day"] == pytest.approx(-3.0)
    assert table.loc["short", "per_day"] == pytest.approx(7.5)
    assert "spot" not in table.index                      # spot pays no funding
    assert table.attrs["missing"] == ["ETH"]              # named, not dropped silently


def test_expiry_buckets_count_days_from_the_report_date():
    # From 2024-06-11: 2024-06-14 is 3 days (this week), 28JUN24 is 17 (this month), 2024-08-30
    # is 80 (next quarter), 240927 is 108 (later), 2024-06-01 has passed (expired); an option
    # with years = 0.05 expires in 18.25 days (this month).
    rows = [("perp", None, None), ("future", "2024-06-14", None), ("future", "28JUN24", None),
            ("future", "2024-08-30", None), ("future", "240927", None),
            ("future", "2024-06-01", None), ("future", None, None)]
    records = [{"name": f"p{i}", "underlying": "BTC", "kind": kind, "side": "long",
                "notional": 1_000, "expiry": expiry} for i, (kind, expiry, _) in enumerate(rows)]
    records.append({"name": "opt", "underlying": "BTC", "kind": "option", "side": "long",
                    "quantity": 1, "price": 60_000, "strike": 60_000, "years": 0.05,
                    "volatility": 0.5, "option_type": "call"})
    buckets = ek.expiry_buckets(ek.Book.from_records(records), as_of=AS_OF)
    assert buckets.tolist() == ["perps and spot", "this week", "this month", "next quarter",
                                "later", "expired", "expiry not given", "this month"]


def test_delta_ladder_shows_a_calendar_spread_that_nets_to_zero():
    # Long $100k of perps against $100k short of the September future: flat in total, but
    # +$100k in the perps column and -$100k in "later" (108 days away).
    book = ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 100_000},
        {"underlying": "BTC", "kind": "future", "side": "short", "notional": 100_000,
         "expiry": "240927"}])
    ladder = ek.delta_ladder(book, as_of=AS_OF)
    assert ladder.loc["BTC"].to_dict() == {"perps and spot": 100_000.0, "later": -100_000.0,
                                           "total": 0.0}


def test_a_bad_expiry_names_the_position():
    book = ek.Book.from_records([{"name": "odd", "underlying": "BTC", "kind": "future",
                                  "side": "long", "notional": 1, "expiry": "next friday"}])
    with pytest.raises(ValueError, match=r"'odd'.*field 'expiry'.*not a date"):
        ek.delta_ladder(book, as_of=AS_OF)


def test_account_liquidating_move_matches_the_hand_worked_condition():
    # Account A: 2 BTC long at 60,000 with $60,000 equity, maintenance 0.5 %. After a move m the
    # equity is 60,000 + 120,000 m and the maintenance 600 (1 + m): they meet at
    # m = -59,400 / 119,400 = -0.497487... (a 49.7 % fall), beyond a 20 % warning.
    # Account B: 1 BTC long at 60,000 with $9,000 equity: 9,000 + 60,000 m = 300 (1 + m) at
    # m = -8,700 / 59,700 = -0.145729..., within 20 %: flagged.
    book = ek.Book.from_records([
        {"name": "a", "underlying": "BTC", "kind": "perp", "side": "long", "quantity": 2,
         "price": 60_000, "account": "A"},
        {"name": "b", "underlying": "BTC", "kind": "perp", "side": "long", "quantity": 1,
         "price": 60_000, "account": "B"}])
    accounts, moves = ek.account_risk(book, {"A": 60_000, "B": 9_000})
    assert moves.loc[("A", "BTC"), "liquidating_move"] == pytest.approx(-59_400 / 119_400)
    assert moves.loc[("B", "BTC"), "liquidating_move"] == pytest.approx(-8_700 / 59_700)
    assert moves["warning"].tolist() == [False, True]
    assert accounts.loc["B", "maintenance"] == pytest.approx(300.0)
    assert accounts.loc["B", "margin_ratio"] == pytest.approx(300 / 9_000)


def test_account_move_with_other_assets_in_the_account():
    # The same 2 BTC long (60,000) with a $30,000 ETH short (10 ETH at 3,000) beside it, equity
    # $60,000, maintenance 0.5 % on both: ETH still charges 150, so in BTC alone
    # 60,000 + 120,000 m = 600 (1 + m) + 150 at m = -59,250 / 119,400 = -0.496231...
    book = ek.Book.from_records([
        {"name": "btc", "underlying": "BTC", "kind": "perp", "side": "long", "quantity": 2,
         "price": 60_000, "account": "A"},
        {"name": "eth", "underlying": "ETH", "kind": "perp", "side": "short", "quantity": 10,
         "price": 3_000, "account": "A"}])
    _, moves = ek.account_risk(book, {"A": 60_000})
    assert moves.loc[("A", "BTC"), "liquidating_move"] == pytest.approx(-59_250 / 119_400)
    # and ETH rising: 60,000 - 30,000 m = 600 + 150 (1 + m) at m = 59,250 / 30,150
    assert moves.loc[("A", "ETH"), "liquidating_move"] == pytest.approx(59_250 / 30_150)


def test_account_equity_must_match_the_book_both_ways():
    book = ek.Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
                                  "notional": 1_000, "account": "001"}])
    with pytest.raises(ValueError, match=r"no equity given for account\(s\) '001'"):
        ek.account_risk(book, {"002": 5_000, "001x": 1})
    with pytest.raises(ValueError, match=r"'002' have an equity but no position"):
        ek.account_risk(book, {"001": 5_000, "002": 5_000})


def _black76_call(forward, strike, years, vol):
    n = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    d1 = (math.log(forward / strike) + vol * vol * years / 2) / (vol * math.sqrt(years))
    return forward * n(d1) - strike * n(d1 - vol * math.sqrt(years))


def test_stress_grid_moves_one_asset_and_that_assets_option_volatility():
    # A long call on 1 BTC (F = K = 60,000, half a year, vol 50 %) and a $50k ETH perp short.
    # Black-76: c = F N(d1) - K N(d2), d1 = ln(F/K)/(s sqrt T) + s sqrt T / 2.
    book = ek.Book.from_records([
        {"name": "call", "underlying": "BTC", "kind": "option", "side": "long", "quantity": 1,
         "price": 60_000, "strike": 60_000, "years": 0.5, "volatility": 0.5,
         "option_type": "call"},
        {"name": "eth", "underlying": "ETH", "kind": "perp", "side": "short",
         "notional": 50_000}])
    grid = ek.stress_grid(book, ["BTC", "ETH"], moves=[-0.2, 0.0, 0.1], vol_shift=0.1)
    base = _black76_call(60_000, 60_000, 0.5, 0.5)
    assert list(grid.columns) == ["vol down", "vol same", "vol up"]
    # BTC -20 %, vol unchanged: the call's value at F = 48,000 less its value now
    assert grid.loc[("BTC", -0.2), "vol same"] == pytest.approx(
        _black76_call(48_000, 60_000, 0.5, 0.5) - base)
    # BTC +10 %, vol up 10 points: c(66,000, vol 60 %) - c(60,000, vol 50 %)
    assert grid.loc[("BTC", 0.1), "vol up"] == pytest.approx(
        _black76_call(66_000, 60_000, 0.5, 0.6) - base)
    # ETH +10 % costs the short $5,000; the ETH row's vol shift moves ETH options only (there
    # are none), so the BTC call's vega is not in it: -5,000 in every column
    for case in grid.columns:
        assert grid.loc[("ETH", 0.1), case] == pytest.approx(-5_000)
    # BTC at 0 % with vol down: the call's vega alone, c(60,000, 40 %) - c(60,000, 50 %)
    assert grid.loc[("BTC", 0.0), "vol down"] == pytest.approx(
        _black76_call(60_000, 60_000, 0.5, 0.4) - base)


# ----- the page -----------------------------------------------------------------------------------
def test_the_page_has_every_section_and_no_outside_reference(desk_page):
    _, _, page = desk_page
    assert page.startswith("<!DOCTYPE html>")
    reader = parsed(page)
    for section in ("headline", "exposure-by", "by-underlying", "by-venue", "by-account",
                    "by-kind", "by-expiry", "ladder", "accounts", "funding", "stress",
                    "findings"):
        assert section in reader.sections
    assert reader.images and all(i["src"].startswith("data:image/png;base64,") and i.get("alt")
                                 for i in reader.images)
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:|#)""", page)
    assert not re.search(r"@import|url\(", page)
    cells = [c for rows in reader.tables.values() for row in rows for c in row]
    assert not any(re.search(r"\b(nan|NaN|inf|None)\b", c) for c in cells)


def test_the_page_numbers_equal_the_engine(desk_page):
    book, funding, page = desk_page
    book, expired = ek.dated_book(book, AS_OF)   # options' time to expiry from their expiry
    assert not expired.any()
    tables = parsed(page).tables
    by_venue = {row[0]: [dollars(c) for c in row[1:]] for row in tables["venue"][1:]}
    engine = book.by("venue", measure="delta")
    for venue, row in engine.iterrows():
        assert by_venue[venue] == pytest.approx(row[["long", "short", "net", "gross"]].tolist(),
                                                abs=0.5)
    ladder = tables["ladder"]
    header, btc = ladder[0], next(r for r in ladder if r[0] == "BTC")
    expected = ek.delta_ladder(book, as_of=AS_OF).loc["BTC"]
    for column, cell in zip(header[1:], btc[1:]):
        assert dollars(cell) == pytest.approx(expected[column], abs=0.5)
    accounts = {row[0]: row for row in tables["accounts"][1:]}
    _, moves = ek.account_risk(book, ek.sample_equity("desk_book"))
    # margin nets only inside a pool: one row per venue, account and (where the venue margins
    # them apart) wallet; a Bybit or OKX account is one pool, Binance 001 four
    assert set(accounts) == set(ek.margin_pools(book)) == set(moves.index.get_level_values(0))
    assert {"Bybit 001", "OKX 017", "Binance 001 USD-margined", "Binance 001 BTC-margined",
            "Binance 001 ETH-margined", "Binance 001 SOL-margined"} <= set(accounts)
    assert "Binance 001" not in accounts
    flagged = [r for r in tables["account-moves"][1:] if "under 20" in r[3]]
    assert len(flagged) == int(moves["warning"].sum()) >= 1
    venues = {row[0]: dollars(row[2]) for row in tables["funding-venues"][1:]}
    per_day = ek.funding_table(book, funding).groupby("venue")["per_day"].sum()
    assert venues == pytest.approx(per_day.round(2).to_dict(), abs=0.006)


def test_the_worst_stress_cell_is_marked(desk_page):
    book, _, page = desk_page
    worst = ek.stress_grid(ek.dated_book(book, AS_OF)[0]).to_numpy().min()
    marked = re.findall(r'class="num [a-z]+ worst">([^<]+)<', page)
    assert [dollars(m) for m in marked] == [pytest.approx(worst, abs=0.5)]


def test_a_notebook_shows_the_page_inline(desk_page):
    _, _, page = desk_page
    inline = page._repr_html_()
    assert "<html" not in inline and "<style>" in inline and 'id="ladder"' in inline
    assert "tex2jax_ignore" in inline     # "$1,000 ... $2,000" must not be typeset as maths


def test_the_page_in_chromium(desk_page, tmp_path, chromium):
    from browser_support import chromium_page

    _, _, page = desk_page
    path = tmp_path / "desk.html"
    page.save(path)
    with chromium_page(tmp_path, 1366, 768) as browser:
        requests = []
        browser.on("request", lambda r: requests.append(r.url))
        browser.goto(path.as_uri())
        assert browser.locator("section#findings h2").is_visible()
        overflow = browser.evaluate("document.documentElement.scrollWidth - innerWidth")
        browser.screenshot(path=str(tmp_path / "desk.png"), full_page=True)
        browser.pdf(path=str(tmp_path / "desk.pdf"), format="A4")
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert overflow <= 0, f"the page is wider than the window: {tmp_path / 'desk.png'}"


# ----- the command line ---------------------------------------------------------------------------
def test_cli_writes_the_page(tmp_path, capsys):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(DESK_EQUITY)
    out = tmp_path / "desk.html"
    status = main(["report", DESK, "--format", "html", "-o", str(out), "--equity-file",
                   str(accounts), "--funding", "BTC=0.0001", "--as-of", AS_OF])
    assert status == 0 and capsys.readouterr().err == ""
    tables = parsed(out.read_text()).tables
    shown = {row[0] for row in tables["accounts"][1:]}
    assert "Binance 001 BTC-margined" in shown and "OKX 017" in shown and "001" not in shown


# the sample desk's equity per venue and account, as shipped
DESK_EQUITY = (Path(DESK).parent / "desk_accounts.csv").read_text()
_DESK_LINES = DESK_EQUITY.splitlines()


@pytest.mark.parametrize("text, message", [
    ("account,equity\n001,900000\n002,abc\n017,1\n",
     r"line 3 of accounts\.csv, field 'equity': 'abc' is not a positive number"),
    ("account,equity\n001,900000\n002,-5\n017,1\n",
     r"line 3 of accounts\.csv, field 'equity'"),
    ("\n".join(_DESK_LINES[:-1]) + "\n", r"no equity given for account\(s\) 'OKX 017'"),
    (DESK_EQUITY + "OKX,999,,1\n", r"account\(s\) 'OKX 999' have an equity but no position"),
    # without a venue column, an account on several venues cannot be margined as one
    ("account,equity\n001,900000\n002,1\n017,1\n",
     r"account '001' is on 5 venues \(Binance, BitMEX, Bybit, Deribit, OKX\) and margin "
     r"never nets across venues"),
    ("account,equity\n001,1\n001,2\n", r"line 3 of accounts\.csv, field 'account': '001' is "
                                       r"given twice"),
    ("acct,equity\n001,1\n", r"line 2 of accounts\.csv, field 'account': is missing"),
    ("account,equity\n", r"accounts\.csv: field 'file': has a header but no rows"),
])
def test_cli_refuses_a_bad_equity_file(tmp_path, capsys, text, message):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(text)
    status = main(["report", DESK, "--format", "html", "-o", str(tmp_path / "x.html"),
                   "--equity-file", str(accounts), "--as-of", AS_OF])
    err = capsys.readouterr().err
    assert status == 2 and re.search(message, err) and err.count("\n") == 1
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("argv, message", [
    (["--funding", "BTC"], "expected ASSET=RATE"),
    (["--funding", "BTC=fast"], "expected ASSET=RATE"),
    (["--funding", "=0.1"], "expected ASSET=RATE"),
    (["--warn-distance", "2"], "must be a fraction below 1"),
    (["--as-of", "June"], "'June' is not a date"),
    (["--equity", "5", "--equity-file", "x.csv"], "not both"),
])
def test_cli_refuses_bad_options(capsys, argv, message):
    status = main(["report", DESK, "--format", "html", *argv])
    err = capsys.readouterr().err
    assert status == 2 and message in err and err.count("\n") == 1


def test_a_bad_rates_file_names_line_and_field(tmp_path, capsys):
    rates = tmp_path / "rates.csv"
    rates.write_text("underlying,rate\nBTC,0.0001\nETH,lots\n")
    status = main(["report", DESK, "--format", "html", "--funding-file", str(rates)])
    err = capsys.readouterr().err
    assert status == 2 and "line 3 of rates.csv, field 'rate': 'lots' is not a number" in err


def test_read_funding_rates_from_json():
    assert ek.read_funding_rates(io.StringIO('[{"underlying": "btc", "rate": -0.0002}]')) == \
        {"BTC": -0.0002}


# ----- stablecoins, dates, findings, limits, changes, inputs --------------------------------------
def _n(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _stable_book(**usdt):
    return ek.Book.from_records([
        {"name": "BTC perp", "underlying": "BTC", "kind": "perp", "side": "long", "quantity": 2,
         "price": 60_000, "account": "A"},
        {"name": "ETH perp", "underlying": "ETH", "kind": "perp", "side": "short",
         "quantity": 30, "price": 3_000, "account": "A"},
        {"name": "USDT margin", "underlying": "USDT", "kind": "collateral", "side": "long",
         "quantity": 200_000, "price": 1.0, "account": "A", **usdt},
        {"name": "USDC", "underlying": "USDC", "kind": "spot", "side": "long",
         "quantity": 50_000, "price": 0.97, "account": "A"}])


def test_stablecoins_held_are_cash_at_face_not_exposure():
    # Exposure: BTC 2 x 60,000 = 120,000 long, ETH 30 x 3,000 = 90,000 short: net 30,000,
    # gross 210,000, whatever stablecoins sit beside them. Cash at face: 200,000 USDT + 50,000
    # USDC (at $1 a coin, not at the 0.97 the file prices it at) = 250,000.
    book = _stable_book()
    assert book.net_exposure() == pytest.approx(30_000)
    assert book.gross_exposure() == pytest.approx(210_000)
    assert book.cash().sum() == pytest.approx(250_000)
    assert book.by("underlying").loc["USDT", "net"] == 0
    # The account: equity = 250,000 of cash (no open P&L); maintenance 0.5 % x 210,000 = 1,050
    account = ek.MarginAccount(book, 0.0)
    assert account.equity() == pytest.approx(250_000)
    assert account.maintenance_margin() == pytest.approx(1_050)
    assert account.margin_ratio() == pytest.approx(1_050 / 250_000)
    # BTC alone: 250,000 + 120,000 m = 0.005 (120,000 (1 + m) + 90,000) gives m = -248,950 /
    # 119,400 = -208 %: no fall of BTC liquidates an account this well covered
    assert account.liquidating_move("BTC") is None
    # a cash=false column counts USDT as a coin at its price again, a cash=true one any coin
    assert _stable_book(cash=False).net_exposure() == pytest.approx(230_000)
    pyusd = ek.Book.from_records([{"name": "p", "underlying": "USD1", "kind": "collateral",
                                   "side": "long", "quantity": 1_000, "price": 1.0}])
    assert pyusd.net_exposure() == 1_000
    assert pyusd.with_stablecoins(["USD1"]).net_exposure() == 0
    # and MarginAccount's collateral= takes a stablecoin at face without a price
    alone = ek.Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
                                   "quantity": 2, "price": 60_000}])
    with_cash = ek.MarginAccount(alone, 0.0, collateral={"USDT": 60_000})
    assert with_cash.equity() == pytest.approx(60_000)
    assert with_cash.book.net_exposure() == pytest.approx(120_000)


def test_stablecoin_findings_name_the_depeg_and_the_concentration():
    # Equity 250,000: USDT 200,000 is 80 % of it (medium: at least half); USDC priced 0.97 is
    # 3 % off its peg (high); a 5 % depeg of USDT would cost 10,000
    findings = [f for f in ek.diagnose(_stable_book(), equity=250_000) if f.code == "stablecoin"]
    by_coin = {f.positions[0]: f for f in findings}
    assert by_coin["USDC"].severity == "high" and "3.0%" in by_coin["USDC"].message
    assert by_coin["USDT margin"].severity == "medium"
    assert by_coin["USDT margin"].usd_at_risk == pytest.approx(200_000)
    assert "$10,000" in by_coin["USDT margin"].message
    page = ek.report(_stable_book(), equity={"A": 250_000}, as_of=AS_OF)
    assert "stablecoins held (cash, no exposure)" in page and "$250,000" in page
    assert "USDC, USDT held counted as cash" in page


def test_an_expired_future_is_counted_out_and_found_first():
    # On 2024-07-01 the June future (expiry 2024-06-28) has settled: the live book is the perp
    # alone, net 60,000; on 2024-06-11 the future is live: net 60,000 - 50,000 = 10,000.
    book = ek.Book.from_records([
        {"name": "perp", "underlying": "BTC", "kind": "perp", "side": "long", "quantity": 1,
         "price": 60_000},
        {"name": "jun", "underlying": "BTC", "kind": "future", "side": "short",
         "notional": 50_000, "expiry": "2024-06-28"}])
    after = ek.report_data(book, equity=100_000, as_of="2024-07-01")
    assert after["summary"].net == pytest.approx(60_000) and after["positions"] == 1
    first = after["findings"][0]
    assert (first.code, first.severity, first.positions) == ("expired", "high", ("jun",))
    assert first.usd_at_risk == pytest.approx(50_000)
    before = ek.report_data(book, equity=100_000, as_of="2024-06-11")
    assert before["summary"].net == pytest.approx(10_000)
    assert not any(f.code == "expired" for f in before["findings"])


def test_an_options_time_to_expiry_runs_from_its_expiry_and_the_as_of_date():
    # years=0.9 is stale; 2024-06-11 to 2024-12-27 is 199 days: T = 199/365. Black-76 call
    # delta N(d1), d1 = (ln(F/K) + s^2 T / 2) / (s sqrt T) with F = 60,000, K = 66,000, s = 60 %
    book = ek.Book.from_records([{"name": "c", "underlying": "BTC", "kind": "option",
                                 "side": "long", "quantity": 1, "price": 60_000,
                                 "strike": 66_000, "years": 0.9, "volatility": 0.6,
                                 "option_type": "call", "expiry": "241227"}])
    t = 199 / 365
    d1 = (math.log(60_000 / 66_000) + 0.36 * t / 2) / (0.6 * math.sqrt(t))
    live, _ = ek.dated_book(book, "2024-06-11")
    assert live.net_exposure() == pytest.approx(60_000 * _n(d1))
    assert ek.report_data(book, as_of="2024-06-11")["summary"].net == pytest.approx(
        60_000 * _n(d1))


def test_the_sample_desk_carries_its_own_date():
    data = ek.report_data(ek.sample_book("desk_book"))
    assert data["as_of"].isoformat() == AS_OF
    assert not any(f.code == "expired" for f in data["findings"])
    assert "as_of column" in data["assumptions"][0][1]


def test_findings_are_severity_first_and_liquidation_distances_are_findings(desk_page):
    book, funding, page = desk_page
    data = ek.report_data(book, equity=ek.sample_equity("desk_book"), as_of=AS_OF)
    order = [ek.SEVERITIES.index(f.severity) for f in data["findings"]]
    assert order == sorted(order)
    liquidation = [f for f in data["findings"] if f.code == "liquidation-distance"]
    flagged = data["account_moves"][data["account_moves"]["warning"]]
    assert len(liquidation) == len(flagged) >= 1 and liquidation[0].severity == "high"
    # on the page the findings come before the headline
    assert page.index('id="findings"') < page.index('id="headline"')


def test_implausible_moves_read_beyond_100_percent():
    from exposure_kit._report_extras import move_text
    assert move_text(545.269) == "rises beyond +100 %"
    assert move_text(-0.174) == "falls 17.4%"


def test_stresses_are_named_for_what_they_do_to_the_book():
    long_only = ek.Book.from_records([
        {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 100_000},
        {"underlying": "ETH", "kind": "perp", "side": "long", "notional": 50_000}])
    names = list(ek.report_data(long_only)["stresses"].index)
    assert names[0] == "every asset falls 20 % (the book is net long in all)"
    assert "BTC gaps 30 % down alone" in names


def test_the_assumptions_box_states_the_margin_rule():
    page = ek.report(_stable_book(), equity={"A": 250_000}, as_of=AS_OF,
                     maintenance_margin_rate=0.004, venue="bybit", brackets="example")
    box = page[page.index('id="how"'):page.index('id="headline"')]
    for text in ("0.40%", "Bybit", "example table", "cross margin per margin pool", "2024-06-11",
                 "price column", "inverse ones in their coin", "read 2026-12"):
        assert text in box


# limits: a $1.2M gross under a $1M cap; BTC net 700,000 of an 800,000 cap (87.5 %: near);
# account 002 net 500,000 on 200,000 of equity is 2.5x under a 2x cap (125 %: breach); the
# ETH gross 500,000 of a 1,000,000 cap is 50 % (ok)
LIMITS = ("scope,key,metric,limit\nbook,,gross,1000000\nunderlying,BTC,net,800000\n"
          "account,002,net_leverage,2\nunderlying,ETH,gross,1000000\n")


def _limit_book():
    return ek.Book.from_records([
        {"name": "btc", "underlying": "BTC", "kind": "perp", "side": "long",
         "notional": 700_000, "account": "001"},
        {"name": "eth", "underlying": "ETH", "kind": "perp", "side": "short",
         "notional": 500_000, "account": "002"}])


def test_limits_breached_and_near_are_listed_first():
    table = ek.check_limits(_limit_book(), io.StringIO(LIMITS), equity=1_000_000,
                            per_account={"001": 800_000, "002": 200_000})
    rows = {(r["scope"], r["key"], r["metric"]): r for r in table.to_dict("records")}
    assert rows[("book", "*", "gross")]["use"] == pytest.approx(1.2)
    assert rows[("account", "002", "net_leverage")]["figure"] == pytest.approx(2.5)
    assert rows[("account", "002", "net_leverage")]["use"] == pytest.approx(1.25)
    assert rows[("underlying", "BTC", "net")]["use"] == pytest.approx(0.875)
    assert rows[("underlying", "ETH", "gross")]["use"] == pytest.approx(0.5)
    assert table["status"].tolist() == ["breach", "breach", "near", "ok"]
    page = ek.report(_limit_book(), equity={"001": 800_000, "002": 200_000},
                     limits=io.StringIO(LIMITS), as_of=AS_OF)
    assert page.breaches == 2
    assert page.index("BREACH") < page.index('id="headline"')


def test_fail_on_breach_gives_a_non_zero_exit_status(tmp_path, capsys):
    book, limits, equity = tmp_path / "book.csv", tmp_path / "limits.csv", tmp_path / "eq.csv"
    ek.write_positions(_limit_book(), book)
    limits.write_text(LIMITS)
    equity.write_text("account,equity\n001,800000\n002,200000\n")
    args = ["report", str(book), "--format", "html", "-o", str(tmp_path / "p.html"),
            "--equity-file", str(equity), "--limits", str(limits)]
    assert main(args) == 0
    assert main([*args, "--fail-on-breach"]) == 3
    assert "2 limit(s) breached" in capsys.readouterr().err
    limits.write_text("scope,key,metric,limit\nbook,,gross,5000000\n")
    assert main([*args, "--fail-on-breach"]) == 0


def test_a_bad_limits_line_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"line 2.*metric.*'leverage'"):
        ek.read_limits(io.StringIO("scope,key,metric,limit\nbook,,leverage,3\n"))


def _black76_delta(f, k, t, s):
    return _n((math.log(f / k) + s * s * t / 2) / (s * math.sqrt(t)))


def _day(prices, sizes):
    """A book of the day: (name, underlying, kind, side) with the day's size and price."""
    shapes = {"BTC-PERP": ("BTC", "perp", "long"), "BTC-SEP": ("BTC", "future", "short"),
              "ETH-PERP": ("ETH", "perp", "short"), "ETH-SPOT": ("ETH", "spot", "long"),
              "SOL-PERP": ("SOL", "perp", "long"), "BTC-C": ("BTC", "option", "long")}
    records = []
    for name, size in sizes.items():
        under, kind, side = shapes[name]
        record = {"name": name, "underlying": under, "kind": kind, "side": side,
                  "quantity": size, "price": prices[name]}
        if kind == "option":
            record.update(strike=60_000, years=0.5, volatility=0.5, option_type="call")
        records.append(record)
    return ek.Book.from_records(records)


def test_two_days_change_and_the_pnl_explained():
    # Yesterday: BTC perp long 2 at 60,000; BTC Sep future short 1 at 60,600; ETH perp short 20
    # and ETH spot long 10 at 3,000; a long call on 1 BTC (F = K = 60,000, T = 0.5, vol 50 %).
    yesterday = _day({"BTC-PERP": 60_000, "BTC-SEP": 60_600, "ETH-PERP": 3_000,
                      "ETH-SPOT": 3_000, "BTC-C": 60_000},
                     {"BTC-PERP": 2, "BTC-SEP": 1, "ETH-PERP": 20, "ETH-SPOT": 10, "BTC-C": 1})
    # Today: BTC +5 % (perp 63,000), the future 63,900 (its basis widened), ETH -5 % (spot
    # 2,850); the perp resized to 3, the ETH perp closed, a SOL perp opened.
    today = _day({"BTC-PERP": 63_000, "BTC-SEP": 63_900, "ETH-SPOT": 2_850, "SOL-PERP": 150,
                  "BTC-C": 63_000},
                 {"BTC-PERP": 3, "BTC-SEP": 1, "ETH-SPOT": 10, "SOL-PERP": 100, "BTC-C": 1})
    changes = ek.changes_since(today, yesterday, funding={"BTC": 0.0001, "ETH": 0.0001})
    assert changes["opened"]["name"].tolist() == ["SOL-PERP"]
    assert changes["closed"]["name"].tolist() == ["ETH-PERP"]
    assert changes["resized"]["name"].tolist() == ["BTC-PERP"]
    eth = changes["groups"]["underlying"].loc["ETH"]
    # ETH net: yesterday -60,000 + 30,000 = -30,000; today 28,500: a change of +58,500
    assert eth["net_change"] == pytest.approx(58_500)
    x = changes["explain"]
    # P&L by price: BTC perp 2 x 3,000 = 6,000; future -1 x 3,300 = -3,300; closed ETH perp at
    # ETH's -5 %: +3,000; ETH spot 10 x -150 = -1,500; the call c(63,000) - c(60,000).
    call = _black76_call(63_000, 60_000, 0.5, 0.5) - _black76_call(60_000, 60_000, 0.5, 0.5)
    # Funding, one day (3 periods at 0.01 %): the BTC perp long 120,000 pays 36, the ETH perp
    # short 60,000 receives 18.
    assert x["funding"] == pytest.approx(-18)
    assert x["total"] == pytest.approx(6_000 - 3_300 + 3_000 - 1_500 + call - 18)
    # Delta: BTC (120,000 - 60,600 + 60,000 N(d1)) x 5 %; ETH (-60,000 + 30,000) x -5 %
    delta_call = 60_000 * _black76_delta(60_000, 60_000, 0.5, 0.5)
    assert x["delta"] == pytest.approx((120_000 - 60_600 + delta_call) * 0.05 + 1_500)
    # Basis: the future lost 3,300 where BTC's 5 % alone costs it 3,030: -270
    assert x["basis"] == pytest.approx(-270)
    # Remainder: the call's gamma, its P&L beyond its delta's share
    assert x["remainder"] == pytest.approx(call - delta_call * 0.05)
    assert x["remainder"] > 0
    page = ek.report(today, since=yesterday, funding={"BTC": 0.0001, "ETH": 0.0001},
                     as_of=AS_OF)
    assert 'id="changes"' in page and "ETH-PERP" in page


# ----- inputs a desk really has -------------------------------------------------------------------
def test_a_semicolon_file_with_decimal_commas_reads_and_another_separator_is_named():
    text = ("name;underlying;kind;side;quantity;price\n"
            "BTC perp;BTC;perp;long;0,5;61.259,6\nETH;ETH;spot;short;2;3040,5\n")
    book = ek.read_positions(io.StringIO(text))
    # 0.5 x 61,259.6 - 2 x 3,040.5 = 30,629.8 - 6,081 = 24,548.8
    assert book.net_exposure() == pytest.approx(24_548.8)
    tabbed = ek.read_positions(io.StringIO(text.replace(";", "\t").replace(",", ".")
                                           .replace("61.259.6", "61259.6")))
    assert tabbed.net_exposure() == pytest.approx(24_548.8)
    with pytest.raises(ValueError, match=r"separated by '\|'"):
        ek.read_positions(io.StringIO("name|underlying|kind|side|notional\na|BTC|perp|long|1\n"))


def test_account_ids_that_lost_their_leading_zeros_are_named():
    with pytest.raises(ValueError, match=r"'1' for '001'.*leading zeros"):
        ek.report(_limit_book(), equity={"1": 800_000, "2": 200_000})


def test_a_funding_rate_above_one_percent_per_8_hours_is_refused_unless_forced(capsys):
    with pytest.raises(ValueError, match="1 % per 8 hours"):
        ek.report(_limit_book(), funding={"BTC": 1})
    assert "Funding" in ek.report(_limit_book(), funding={"BTC": 0.02}, force_funding=True)
    assert main(["report", DESK, "--format", "html", "--funding", "BTC=1"]) == 2
    assert "--force-funding" in capsys.readouterr().err


def test_the_positions_table_is_folded_and_adds_up(desk_page):
    book, _, page = desk_page
    table = parsed(page).tables["positions"]
    assert '<details class="positions">' in page and "<script>" in page
    assert len(table) - 1 == len(book)
    header = table[0]
    total = sum(dollars(r[header.index("exposure")]) for r in table[1:])
    assert total == pytest.approx(ek.dated_book(book, AS_OF)[0].net_exposure(), abs=100)


def test_liquidating_moves_with_options_put_the_account_at_its_maintenance():
    # The search prices only the option rows at each move (the rest of a cross account is a
    # line in the move): at the move found, equity meets maintenance, and 1 % short of it the
    # account still stands.
    book = ek.Book.from_records([
        {"name": "perp", "underlying": "BTC", "kind": "perp", "side": "long", "quantity": 3,
         "price": 60_000, "entry_price": 61_000},
        {"name": "inv", "underlying": "BTC", "kind": "perp", "side": "short", "quantity": 300,
         "contract_size": 100, "inverse": True, "price": 60_000, "entry_price": 59_000},
        {"name": "put", "underlying": "BTC", "kind": "option", "side": "short", "quantity": 2,
         "price": 60_000, "strike": 55_000, "years": 0.25, "volatility": 0.6,
         "option_type": "put"},
        {"name": "eth", "underlying": "ETH", "kind": "perp", "side": "long", "quantity": 10,
         "price": 3_000}])
    account = ek.MarginAccount(book, 40_000)
    move = account.liquidating_move("BTC")
    assert move is not None and -1 < move < 0
    at = account.after({"BTC": move})
    assert at.equity() == pytest.approx(at.maintenance_margin(), rel=1e-6)
    assert not account.after({"BTC": move * 0.99}).is_liquidated()


def test_the_cli_states_its_margin_rule_and_reads_yesterday_and_extra_stablecoins(tmp_path):
    today, yesterday = tmp_path / "today.csv", tmp_path / "yesterday.csv"
    today.write_text("name,underlying,kind,side,quantity,price\n"
                     "p,BTC,perp,long,2,63000\nm,USD1,collateral,long,5000,1\n")
    yesterday.write_text("name,underlying,kind,side,quantity,price\np,BTC,perp,long,1,60000\n")
    out = tmp_path / "page.html"
    assert main(["report", str(today), "--format", "html", "-o", str(out), "--as-of", AS_OF,
                 "--rate", "0.004", "--venue", "bybit", "--brackets", "example",
                 "--since", str(yesterday), "--stablecoin", "USD1"]) == 0
    page = out.read_text()
    assert "0.40%" in page and "Bybit" in page and "USD1 held counted as cash" in page
    # net: 2 x 63,000 = 126,000 (the USD1 is cash); yesterday 60,000: +66,000; the P&L of
    # yesterday's 1 BTC over the day: 3,000
    assert "$126,000" in page and "$66,000" in page and "$3,000" in page


# ----- the risk page's accounts section is capped -------------------------------------------------
def test_the_accounts_section_lists_at_most_forty_accounts_nearest_liquidation_first():
    """The accounts section had no row cap (10^5 positions / 10^4 accounts: a 5.8 MB page)."""
    from exposure_kit._report_page import MAX_ROWS

    accounts = 60
    records = [{"name": f"p{i}", "underlying": "BTC", "kind": "perp", "side": "long",
                "quantity": 1.0, "price": 50_000.0, "account": f"a{i:02d}"}
               for i in range(accounts)]
    # account a_i holds 1 BTC (50,000 USD) on equity 5,000 + 100 i: a00 is the nearest
    equity = {f"a{i:02d}": 5_000.0 + 100 * i for i in range(accounts)}
    page = ek.report(ek.Book.from_records(records), equity=equity)
    section = page[page.index('<table data-table="accounts">'):]
    section = section[:section.index("</table>")]
    assert section.count("<tr>") - 1 == MAX_ROWS == 40
    assert "<td>a00</td>" in section and "<td>a59</td>" not in section
    assert f"{accounts - MAX_ROWS} more accounts" in page
