"""Issue 25: nothing one file can do loses a desk's data (items 3, 4, 6 and the minor file and
date items). Every expected figure is worked out by hand in the test."""

from __future__ import annotations

import errno
import io
import os
import tracemalloc

import pandas as pd
import pytest

import exposure_kit as ek
from exposure_kit._io import write_file_atomically
from exposure_kit.cli import main

DESK = ("name,underlying,kind,side,notional\n"
        "BTC-PERP,BTC,perp,long,150000\nETH-FUT,ETH,future,short,100000\n")
EQUITY = "account,equity\nmain,50000\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def desk(tmp_path):
    (tmp_path / "desk.csv").write_text(DESK)
    (tmp_path / "accounts.csv").write_text(EQUITY)
    return tmp_path


# ----- item 3: never write over an input --------------------------------------------------------
@pytest.mark.parametrize("output", ["desk.csv", "./desk.csv", "accounts.csv", "link.csv",
                                    "hard.csv"])
def test_report_refuses_to_write_its_page_over_an_input(capsys, desk, monkeypatch, output):
    """`report desk.csv --format html -o desk.csv` overwrote the positions with the page
    (exit 0); `-o accounts.csv` the equity file. Other spellings, a symbolic link and a hard
    link to an input are the same file."""
    monkeypatch.chdir(desk)
    os.symlink("desk.csv", "link.csv")
    os.link("desk.csv", "hard.csv")
    code, out, err = run(capsys, "report", "desk.csv", "--format", "html",
                         "--equity-file", "accounts.csv", "-o", output)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "will not write over" in err and output in err
    assert (desk / "desk.csv").read_text() == DESK
    assert (desk / "accounts.csv").read_text() == EQUITY


def test_history_refuses_an_output_or_chart_that_is_its_input(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "date," + DESK.replace("\nBTC", "\n2024-06-01,BTC").replace("\nETH", "\n2024-06-01,ETH")
    (tmp_path / "snaps.csv").write_text(text)
    code, _, err = run(capsys, "history", "snaps.csv", "-o", "snaps.csv")
    assert code == 2 and "will not write over snaps.csv" in err
    assert (tmp_path / "snaps.csv").read_text() == text
    code, out, _ = run(capsys, "history", "snaps.csv", "--format", "json", "-o", "out.json")
    assert code == 0 and out.strip() == "wrote out.json"
    import json
    rows = json.loads((tmp_path / "out.json").read_text())["rows"]
    assert rows[0]["net"] == 150_000 - 100_000 and rows[0]["gross"] == 250_000


# ----- atomic writes ----------------------------------------------------------------------------
def _disk_full(*_):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_leaves_the_old_file_whole(tmp_path, monkeypatch):
    """A good report overwritten on a full disk became a truncated page; `write_positions` left
    a `book.csv` that no longer read. Now the old file stays, with no temporary beside it."""
    book = ek.sample_book("guide_example_1")
    target = tmp_path / "book.csv"
    ek.write_positions(book, target)
    before = target.read_bytes()
    page = tmp_path / "page.html"
    page.write_text("<p>the good page</p>")
    monkeypatch.setattr(os, "fsync", _disk_full)
    with pytest.raises(ValueError, match="No space left"):
        ek.write_positions(ek.sample_book("guide_example_2"), target)
    with pytest.raises(ValueError, match="No space left"):
        ek.report(book).save(page)
    assert target.read_bytes() == before and ek.read_positions(target) == book
    assert page.read_text() == "<p>the good page</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.csv", "page.html"]


def test_atomic_write_keeps_the_files_permissions(tmp_path):
    target = tmp_path / "book.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_file_atomically(target, "new")
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o640


# ----- item 4: history by group grows with the rows ---------------------------------------------
def test_history_by_a_group_per_line_grows_with_rows_not_dates_times_groups():
    """10,000 lines with one venue each took 2.9 GB (a slot for every date x venue). 5,000
    such lines held 3 x 25 million slots (600 MB); they now need a few MB."""
    lines = 5_000
    frame = pd.DataFrame({
        "date": pd.date_range("2000-01-01", periods=lines).strftime("%Y-%m-%d"),
        "name": [f"p{i}" for i in range(lines)], "underlying": "BTC", "kind": "perp",
        "side": ["long", "short"] * (lines // 2), "notional": 1000.0,
        "venue": [f"v{i:05d}" for i in range(lines)]})
    tracemalloc.start()
    try:
        history = ek.exposure_history(frame, by="venue", equity=10_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 60 * 2**20, f"{peak / 2**20:.0f} MiB"
    assert len(history) == lines
    # line i is long (even) or short (odd) $1,000 at venue v_i: net +-1,000, leverage 0.1
    assert history["net"].iloc[:2].tolist() == [1000.0, -1000.0]
    assert history["gross_leverage"].iloc[:2].tolist() == [0.1, 0.1]


def test_history_by_group_keeps_dates_and_groups_paired_by_hand():
    frame = pd.DataFrame({
        "date": ["2024-06-02", "2024-06-01", "2024-06-02", "2024-06-01", "2024-06-02"],
        "name": list("abcde"), "underlying": ["BTC", "BTC", "ETH", "ETH", "BTC"],
        "kind": "perp", "side": ["long", "long", "short", "short", "short"],
        "notional": [100.0, 50.0, 30.0, 20.0, 40.0], "venue": ["Y", "X", "Y", "Z", "X"],
        "equity": [500.0, 400.0, 500.0, 400.0, 500.0]})
    history = ek.exposure_history(frame, by="venue", equity="equity")
    assert [(str(d.date()), v) for d, v in history.index] == [
        ("2024-06-01", "X"), ("2024-06-01", "Z"), ("2024-06-02", "X"), ("2024-06-02", "Y")]
    # 06-01: X long 50, Z short 20; 06-02: X short 40, Y long 100 short 30
    assert history["net"].tolist() == [50.0, -20.0, -40.0, 70.0]
    assert history["gross"].tolist() == [50.0, 20.0, 40.0, 130.0]
    assert history["gross_leverage"].tolist() == [50 / 400, 20 / 400, 40 / 500, 130 / 500]


# ----- item 6 and dates: read_prices refuses what it cannot read whole -------------------------
def test_read_prices_refuses_a_line_with_an_extra_field(tmp_path):
    """`2024-01-01,1,000` under `date,BTC` was read as a close of 1.0 (a warning only)."""
    path = tmp_path / "closes.csv"
    path.write_text("date,BTC\n2024-01-01,42000\n2024-01-02,1,000\n2024-01-03,43000\n")
    with pytest.raises(ValueError, match=r"line 3 of .*closes\.csv, field 'fields': the line "
                       r"has 3 fields where the header has 2"):
        ek.read_prices(path)


@pytest.mark.parametrize("text, match", [
    ("date,BTC\nnow,1\n2024-01-02,2\n", r"line 2, field 'date': 'now' is not a date"),
    ("date,BTC\n2024-01-01,1\ntoday,2\n", r"line 3, field 'date': 'today' is not a date"),
    ("date,BTC\n1704067200,1\n1704153600000,2\n1704240000,3\n",
     r"line 3, field 'date': '1704153600000' is epoch milliseconds where line 2 has epoch "
     r"seconds"),
    ("date,BTC\n0001-01-01,1\n0001-01-02,1\n0001-01-03,1\n0001-01-04,1\n9999-12-31,1\n",
     r"the dates run from 0001-01-01 to 9999-12-31: about 3,652,05\d dates of a daily series"),
])
def test_read_prices_refuses_words_mixed_epoch_units_and_vast_spans(text, match):
    """`now`/`today` were read as today's date; mixed seconds and milliseconds gave year 55972
    or a NotImplementedError; a five-line file spanning years 1-9999 built 3.65 million gaps
    (24 s, 1.09 GB) before it was refused."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            ek.read_prices(io.StringIO(text))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


def test_history_refuses_mixed_epoch_units(capsys, tmp_path):
    path = tmp_path / "snaps.csv"
    path.write_text("date,name,underlying,kind,side,notional\n1717200000,a,BTC,perp,long,10\n"
                    "1717286400000,b,BTC,perp,long,10\n")
    code, _, err = run(capsys, "history", str(path))
    assert code == 2 and "epoch milliseconds where line 2 has epoch seconds" in err


# ----- CLI: every refusal one line, exit 2 -------------------------------------------------------
@pytest.mark.parametrize("name, text, piece", [
    ("big.csv", "account,equity\nmain," + "1" * 140_000 + "\n", "cannot be read as CSV"),
    ("dup.json", '{"main": 1000, "main": 2000}', "names 'main' twice"),
    ("empty.json", "{}", "holds nothing: expected the equity per account"),
    ("huge.json", '{"main": ' + "9" * 400 + "}", "is not a positive number"),
    ("object.json", '{"main": {}}', "{} is not a positive number"),
])
def test_bad_equity_files_are_one_line_refusals(capsys, desk, monkeypatch, name, text, piece):
    """A field over 131,072 characters (`_csv.Error`) and a 400-digit integer were tracebacks
    (exit 1); duplicate JSON keys were last-wins where CSV refuses them; `{}` said "must be a
    number, got {}"."""
    monkeypatch.chdir(desk)
    (desk / name).write_text(text)
    code, out, err = run(capsys, "report", "desk.csv", "--format", "html", "--equity-file", name)
    assert code == 2 and out == "" and err.count("\n") == 1 and piece in err


def test_absurd_funding_and_infinite_history_totals_are_refused(capsys, tmp_path):
    """`--funding BTC=1e308` printed "inf%"; `history --format json` failed on inf."""
    desk = tmp_path / "desk.csv"
    desk.write_text(DESK)
    code, _, err = run(capsys, "report", str(desk), "--format", "html", "--funding", "BTC=1e308")
    assert code == 2 and "a funding rate is a fraction per 8 hours" in err
    snaps = tmp_path / "snaps.csv"
    snaps.write_text("date,name,underlying,kind,side,notional\n"
                     "2024-06-01,a,BTC,spot,long,1e308\n2024-06-01,b,ETH,spot,long,1e308\n")
    code, out, err = run(capsys, "history", str(snaps), "--format", "json")
    assert code == 2 and out == "" and "overflow to infinity" in err


def test_stdout_to_a_full_device_is_a_one_line_error(tmp_path):
    import subprocess
    import sys
    desk = tmp_path / "desk.csv"
    desk.write_text(DESK)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "exposure_kit.cli", "report", str(desk)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == "exposure-kit: error: cannot write the output: No space left on device\n"


# ----- dollar signs in names never reach mathtext ----------------------------------------------
@pytest.mark.parametrize("name", ["Desk $$ main", "$\\x$", "Hedge $5k vs $10k"])
def test_dollar_signs_in_names_are_drawn_as_written(capsys, tmp_path, name):
    """An account `Desk $$ main` or a venue `$\\x$` made `report --format html` and `--chart`
    fail with a mathtext ParseException; `Hedge $5k vs $10k` was set as a formula."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from exposure_kit import plots

    book = ek.Book.from_records([
        {"name": name, "underlying": "BTC", "kind": "perp", "side": "long", "notional": 150_000,
         "venue": name, "account": name},
        {"name": "ETH-FUT", "underlying": "ETH", "kind": "future", "side": "short",
         "notional": 100_000, "venue": "B", "account": "B"}])
    figure = Figure()
    FigureCanvasAgg(figure)
    ax = plots.exposure_by(book.by("venue"), ax=figure.add_subplot(), column="venue")
    figure.canvas.draw()
    labels = [t.get_text().replace("\\$", "$") for t in ax.get_yticklabels()]
    assert name in labels
    ek.write_positions(book, tmp_path / "desk.csv")
    code, _, err = run(capsys, "report", str(tmp_path / "desk.csv"), "--by", "venue",
                       "--chart", str(tmp_path / "chart.png"))
    assert code == 0, err
    code, _, err = run(capsys, "report", str(tmp_path / "desk.csv"), "--format", "html",
                       "-o", str(tmp_path / "page.html"))
    assert code == 0, err


# ----- estimates and replays: overflow, time zones, order ----------------------------------------
def test_rolling_estimates_match_a_worked_example_and_the_one_window_estimates():
    """Vectorised rolling windows (10^6 rows took 83 s in a Python loop). Worked by hand with
    'change' returns over a window of 4: reference changes 1, -1, 2, -2 (mean 0, sum of
    squares 10) and asset changes 2, -2, 4, -4 give beta 20 / 10 = 2, correlation 1 and a
    per-period volatility of sqrt(40 / 3)."""
    import math
    btc = [100.0, 101.0, 100.0, 102.0, 100.0]
    eth = [50.0, 52.0, 50.0, 54.0, 50.0]
    prices = pd.DataFrame({"BTC": btc, "ETH": eth},
                          index=pd.date_range("2024-01-01", periods=5, name="date"))
    rolling = ek.rolling_hedge_estimates(prices, "ETH", window=4, method="change",
                                         periods_per_year=1)
    row = rolling.iloc[0]
    assert row["beta"] == pytest.approx(2.0) and row["correlation"] == pytest.approx(1.0)
    assert row["volatility"] == pytest.approx(math.sqrt(40 / 3))
    assert row["beta_se"] == pytest.approx(0.0, abs=1e-12)
    sample = ek.sample_prices()
    rolling = ek.rolling_hedge_estimates(sample, "ETH", window=90)
    for i in (0, 700, len(rolling) - 1):
        one = ek.hedge_estimates(sample, "ETH", window=90, end=rolling.index[i])
        assert rolling["beta"].iloc[i] == pytest.approx(one.beta.value, rel=1e-12)
        assert rolling["beta_se"].iloc[i] == pytest.approx(one.beta.standard_error, rel=1e-9)
        assert rolling["effectiveness_se"].iloc[i] == pytest.approx(
            one.effectiveness.standard_error, rel=1e-9)


def test_estimates_that_overflow_are_refused_not_shown_as_inf_and_zero():
    """`hedge_estimates(method="change")` near 1e308 gave volatility inf and beta 0.0 +- 0.0."""
    values = [1e307, 9e307, 2e307, 1.5e308, 1e306, 8e307]
    prices = pd.DataFrame({"BTC": values, "ETH": values[::-1]},
                          index=pd.date_range("2024-01-01", periods=6, name="date"))
    with pytest.raises(ValueError, match="overflows to infinity"):
        ek.hedge_estimates(prices, "ETH", method="change")
    with pytest.raises(ValueError, match=r"overflows to infinity \(window ending 2024-01-05\)"):
        ek.rolling_hedge_estimates(prices, "ETH", window=4, method="change")


def _replay_inputs():
    book = ek.Book.from_records([{"name": "BTC spot", "underlying": "BTC", "kind": "spot",
                                  "side": "long", "notional": 100_000}])
    prices = pd.DataFrame({"BTC": [100.0, 110.0, 90.0, 120.0]},
                          index=pd.date_range("2024-01-01", periods=4, name="date"))
    return book, prices


def test_replay_takes_a_start_with_a_time_zone_and_refuses_disordered_dates():
    """`start=` with a time zone raised TypeError; dates descending or repeated were replayed
    without complaint."""
    book, prices = _replay_inputs()
    replay = ek.replay_book(book, prices, start="2024-01-02T00:00:00+00:00")
    # held from 2024-01-02 (close 110): 100,000 USD of BTC is worth 100,000 x 120 / 110 at the end
    assert str(replay.exposure.index[0].date()) == "2024-01-02"
    assert replay.exposure["net"].iloc[-1] == pytest.approx(100_000 * 120 / 110)
    with pytest.raises(ValueError, match="2024-01-03 comes after 2024-01-04"):
        ek.replay_book(book, prices.iloc[::-1])
    with pytest.raises(ValueError, match="2024-01-02 appears twice"):
        ek.replay_book(book, pd.concat([prices.iloc[:2], prices.iloc[1:]]))


def test_replay_costs_that_overflow_are_refused():
    book, prices = _replay_inputs()
    with pytest.raises(ValueError, match="field 'cost': the replay's totals overflow"):
        ek.replay_book(book, prices, cost=1e308, threshold=1.0)


# ----- the risk page's accounts section is capped ----------------------------------------------
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
