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

import pytest

import exposure_kit as ek
from exposure_kit.cli import main

DESK = str(ek.sample_path("desk_book"))
AS_OF = "2024-06-11"   # the sample desk book's date (its options' years count from it)


# ----- reading the page back ---------------------------------------------------------------------
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


# ----- the pieces, on hand-worked numbers --------------------------------------------------------
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


# ----- the page ----------------------------------------------------------------------------------
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
    assert set(accounts) == {"001", "002", "017"}
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


def test_the_page_in_chromium(desk_page, tmp_path):
    from browser_support import chromium_page, require_chromium

    require_chromium()
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


# ----- the command line --------------------------------------------------------------------------
def test_cli_writes_the_page(tmp_path, capsys):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account,equity\n001,900000\n002,400000\n017,400000\n")
    out = tmp_path / "desk.html"
    status = main(["report", DESK, "--format", "html", "-o", str(out), "--equity-file",
                   str(accounts), "--funding", "BTC=0.0001", "--as-of", AS_OF])
    assert status == 0 and capsys.readouterr().err == ""
    tables = parsed(out.read_text()).tables
    assert {row[0] for row in tables["accounts"][1:]} == {"001", "002", "017"}


@pytest.mark.parametrize("text, message", [
    ("account,equity\n001,900000\n002,abc\n017,1\n",
     r"line 3 of accounts\.csv, field 'equity': 'abc' is not a positive number"),
    ("account,equity\n001,900000\n002,-5\n017,1\n",
     r"line 3 of accounts\.csv, field 'equity'"),
    ("account,equity\n001,900000\n002,1\n",
     r"no equity given for account\(s\) '017'"),
    ("account,equity\n001,1\n002,1\n017,1\n999,1\n",
     r"account\(s\) '999' have an equity but no position"),
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
