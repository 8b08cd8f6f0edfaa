"""The ``exposure-kit`` command: ``report`` on the sample books, ``history``, and the refusals (one
line, exit status 2, never a traceback)."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import subprocess
import sys
from collections import defaultdict

import pytest

import exposure_kit as ek
from exposure_kit.cli import main

from worked_data import SNAPSHOTS

DESK = str(ek.sample_path("desk_book"))
GUIDE_1 = str(ek.sample_path("guide_example_1"))
GUIDE_2 = str(ek.sample_path("guide_example_2"))
HEADER = "name,underlying,kind,side,notional"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def report_json(capsys, *argv: str) -> dict:
    status, out, err = run(capsys, "report", *argv, "--format", "json")
    assert (status, err) == (0, "")
    return json.loads(out)


def test_guide_example_table(capsys):
    status, out, err = run(capsys, "report", GUIDE_1, "--equity", "50000")
    assert status == 0 and err == ""
    # the guide: $150,000 long, $100,000 short; net $50,000, gross $250,000; 5x on $50,000
    for text in ("$150,000", "$100,000", "$50,000 net long", "$250,000", "20.0%", "5.00x",
                 "1.00x", "Exposure by underlying", "cross-asset-offset"):
        assert text in out


def test_guide_example_2_by_underlying(capsys):
    report = report_json(capsys, GUIDE_2)
    rows = {r["underlying"]: r for r in report["by"]["rows"]}
    # BTC: 120,000 long perp - 20,000 short future = 100,000; ETH: 70,000 short
    assert rows["BTC"] == {"underlying": "BTC", "long": 120_000.0, "short": 20_000.0,
                           "net": 100_000.0, "gross": 140_000.0}
    assert rows["ETH"]["net"] == -70_000.0
    assert report["summary"]["net"] == 30_000.0


def desk_by_hand() -> dict[str, dict[str, float]]:
    """Long and short per venue from the file's rows at face notional, by the definitions (no
    engine): every row in the direction it moves with its underlying."""
    sides: dict[str, dict[str, float]] = defaultdict(lambda: {"long": 0.0, "short": 0.0})
    with open(DESK, newline="") as handle:
        for row in csv.DictReader(handle):
            quantity, size = float(row["quantity"]), float(row["contract_size"])
            usd = quantity * size * (1.0 if row["inverse"] == "True" else float(row["price"]))
            side = row["side"]
            if row["option_type"] == "put":       # a long put is short the underlying
                side = {"long": "short", "short": "long"}[side]
            sides[row["venue"]][side] += usd
    return sides


def test_desk_report_matches_the_definitions_and_the_engine(capsys):
    report = report_json(capsys, DESK, "--equity", "2000000", "--by", "venue",
                         "--measure", "notional")
    hand = desk_by_hand()
    rows = {r["venue"]: r for r in report["by"]["rows"]}
    assert set(rows) == set(hand)
    for venue, sides in hand.items():
        assert rows[venue]["long"] == pytest.approx(sides["long"], abs=0.005)
        assert rows[venue]["short"] == pytest.approx(sides["short"], abs=0.005)
    long = sum(s["long"] for s in hand.values())
    short = sum(s["short"] for s in hand.values())
    summary = report["summary"]
    assert summary["net"] == pytest.approx(long - short, abs=0.005)
    assert summary["gross_leverage"] == pytest.approx((long + short) / 2_000_000)
    book = ek.sample_book("desk_book")
    expected = ek.diagnose(book, 2_000_000)
    assert [(f["code"], f["message"]) for f in report["findings"]] == \
        [(f.code, f.message) for f in expected]
    assert report["positions"] == 217      # 200 drawn and a collateral row per coin pool


def test_measure_delta_is_the_engines_delta_and_the_default(capsys):
    report = report_json(capsys, DESK, "--measure", "delta", "--by", "kind")
    default = report_json(capsys, DESK, "--by", "kind")
    book = ek.sample_book("desk_book")
    assert report["summary"]["net"] == pytest.approx(book.net_exposure(measure="delta"))
    assert default["summary"] == report["summary"] and default["measure"] == "delta"
    # only the options change: the other kinds keep their notional
    by_notional = book.by("kind", measure="notional")
    rows = {r["kind"]: r for r in report["by"]["rows"]}
    assert rows["perp"]["net"] == pytest.approx(by_notional.loc["perp", "net"])
    assert abs(rows["option"]["gross"]) < by_notional.loc["option", "gross"]


def test_measure_beta_with_betas(capsys):
    report = report_json(capsys, GUIDE_1, "--measure", "beta", "--beta", "ETH=1.3")
    # 150,000 x 1 - 100,000 x 1.3 = 20,000
    assert report["summary"]["net"] == pytest.approx(20_000.0)


def test_chart_is_written(capsys, tmp_path):
    path = tmp_path / "by_venue.png"
    status, out, _ = run(capsys, "report", DESK, "--by", "venue", "--chart", str(path))
    assert status == 0 and "Exposure by venue" in out
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("argv, piece", [
    (["report", "/no/such/book.csv"], "no such file"),
    (["report", GUIDE_1, "--equity", "-5"], "--equity"),
    (["report", GUIDE_1, "--equity", "lots"], "--equity"),
    (["report", GUIDE_1, "--by", "desk"], "'desk'"),
    (["report", GUIDE_1, "--measure", "vega"], "--measure"),
    (["report", GUIDE_1, "--measure", "beta"], "--beta ETH="),
    (["report", GUIDE_1, "--beta", "ETH"], "ASSET=BETA"),
    (["report", GUIDE_1, "--colour"], "--colour"),
    (["report"], "FILE"),
    (["audit", GUIDE_1], "audit"),
])
def test_bad_input_exits_2_with_one_line(capsys, argv, piece):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("exposure-kit: error: ") and piece in err


def test_malformed_file_is_named_by_line(capsys, tmp_path):
    path = tmp_path / "desk.csv"
    path.write_text("underlying,kind,side,notional\nBTC,perp,long,5\nETH,perp,sell,5\n")
    status, _, err = run(capsys, "report", str(path))
    assert status == 2
    assert "line 3 of desk.csv" in err and "'side'" in err


def test_no_command_shows_help_and_exits_2(capsys):
    status, out, _ = run(capsys)
    assert status == 2 and "report" in out


def test_installed_command_runs():
    done = subprocess.run([sys.executable, "-m", "exposure_kit.cli", "report", GUIDE_1,
                           "--format", "json"], capture_output=True, text=True, timeout=60,
                          env={"MPLBACKEND": "Agg", "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["gross"] == 250_000.0


def test_json_names_the_positions_without_a_venue(capsys, tmp_path):
    path = tmp_path / "half_venued.csv"
    path.write_text("name,underlying,kind,side,quantity,price,venue\n"
                    "perp,BTC,perp,long,1,50000,VenueA\n"
                    "spot,BTC,spot,short,0.5,50000,\n")
    rows = report_json(capsys, str(path), "--by", "venue")["by"]["rows"]
    # 1 BTC x $50,000 long at VenueA; 0.5 BTC x $50,000 short with no venue: the "(none)" group
    assert {r["venue"]: (r["long"], r["short"], r["net"], r["gross"]) for r in rows} == {
        "VenueA": (50_000.0, 0.0, 50_000.0, 50_000.0),
        "(none)": (0.0, 25_000.0, -25_000.0, 25_000.0)}


# ----- exposure-kit history -----------------------------------------------------------------------
def test_cli_history_table_json_and_html(capsys, tmp_path):
    from exposure_kit.cli import main

    path = tmp_path / "snaps.csv"
    path.write_text(SNAPSHOTS)
    assert main(["history", str(path), "--equity", "equity"]) == 0
    text = capsys.readouterr().out
    assert "2024-06-01" in text and "$250,000" in text and "5.00x" in text
    assert main(["history", str(path), "--by", "venue", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert {(r["date"], r["venue"]): r["net"] for r in rows}[("2024-06-02", "OKX")] == -130_000
    assert main(["history", str(path), "--format", "html", "--chart",
                 str(tmp_path / "h.png")]) == 0
    assert "<table" in capsys.readouterr().out and (tmp_path / "h.png").stat().st_size > 0
    path.write_text(SNAPSHOTS.replace("2024-06-01,b", "someday,b"))
    assert main(["history", str(path)]) == 2
    assert "line 4 of snaps.csv, field 'date'" in capsys.readouterr().err


# ----- refusals: one line, exit status 2, and never a traceback -----------------------------------
@pytest.mark.parametrize("argv, piece", [
    (["report", GUIDE_1, "--chart", "out.xyz"], "--chart"),
    (["history", str(ek.sample_path("guide_example_1").with_name("desk_snapshots.csv")),
      "--chart", "out.xyz"], "--chart"),
    (["report", GUIDE_1, "--beta", "=1.2"], "--beta"),
    (["report", GUIDE_1, "--beta", "ETH=nan"], "--beta"),
])
def test_cli_refusals_are_one_line_and_exit_2(capsys, argv, piece):
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("exposure-kit: error: ") and piece in err


def test_cli_refuses_totals_that_overflow_instead_of_printing_nan(capsys, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text(HEADER + "\na,BTC,perp,long,1e308\nb,BTC,perp,long,1e308\n")
    for fmt in ("json", "table"):
        status, out, err = run(capsys, "report", str(path), "--format", fmt)
        assert (status, out) == (2, "") and "too large" in err and err.count("\n") == 1


def test_cli_says_plainly_that_a_book_is_empty(capsys, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text(HEADER + "\n")
    status, out, err = run(capsys, "report", str(path))
    assert (status, err) == (0, "") and "the book is empty" in out
    shown = out.replace(str(path), "<book>")  # the path may hold "-0" (pytest-0) or anything else
    assert "DataFrame" not in shown and not re.search(r"-\$?0(?![\d.,]*[1-9])", shown), shown
    status, out, _ = run(capsys, "report", str(path), "--format", "json", "--equity", "5")
    data = json.loads(out)
    assert data["positions"] == 0 and all(math.copysign(1, v) == 1 for v in
                                           data["summary"].values() if isinstance(v, float))


def test_cli_output_into_a_closed_pipe_is_no_traceback():
    desk = str(ek.sample_path("desk_book"))
    child = subprocess.Popen([sys.executable, "-m", "exposure_kit.cli", "report", desk, "--by",
                              "name"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={"MPLBACKEND": "Agg", "PATH": ""})
    child.stdout.close()                     # the reader has gone, as `| head -0` would
    _, err = child.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()


# ----- never write over an input ------------------------------------------------------------------
# the guide's first book as a file, and an account to go with it
GUIDE_CSV = ("name,underlying,kind,side,notional\n"
        "BTC-PERP,BTC,perp,long,150000\nETH-FUT,ETH,future,short,100000\n")


GUIDE_EQUITY = "account,equity\nmain,50000\n"


@pytest.fixture
def guide_folder(tmp_path):
    (tmp_path / "desk.csv").write_text(GUIDE_CSV)
    (tmp_path / "accounts.csv").write_text(GUIDE_EQUITY)
    return tmp_path


@pytest.mark.parametrize("output", ["desk.csv", "./desk.csv", "accounts.csv", "link.csv",
                                    "hard.csv"])
def test_report_refuses_to_write_its_page_over_an_input(capsys, guide_folder, monkeypatch, output):
    """`report desk.csv --format html -o desk.csv` overwrote the positions with the page
    (exit 0); `-o accounts.csv` the equity file. Other spellings, a symbolic link and a hard
    link to an input are the same file."""
    monkeypatch.chdir(guide_folder)
    os.symlink("desk.csv", "link.csv")
    os.link("desk.csv", "hard.csv")
    code, out, err = run(capsys, "report", "desk.csv", "--format", "html",
                         "--equity-file", "accounts.csv", "-o", output)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "will not write over" in err and output in err
    assert (guide_folder / "desk.csv").read_text() == GUIDE_CSV
    assert (guide_folder / "accounts.csv").read_text() == GUIDE_EQUITY


def test_history_refuses_an_output_or_chart_that_is_its_input(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "date," + GUIDE_CSV.replace("\nBTC", "\n2024-06-01,BTC").replace("\nETH", "\n2024-06-01,ETH")
    (tmp_path / "snaps.csv").write_text(text)
    code, _, err = run(capsys, "history", "snaps.csv", "-o", "snaps.csv")
    assert code == 2 and "will not write over snaps.csv" in err
    assert (tmp_path / "snaps.csv").read_text() == text
    code, out, _ = run(capsys, "history", "snaps.csv", "--format", "json", "-o", "out.json")
    assert code == 0 and out.strip() == "wrote out.json"
    import json
    rows = json.loads((tmp_path / "out.json").read_text())["rows"]
    assert rows[0]["net"] == 150_000 - 100_000 and rows[0]["gross"] == 250_000


def test_history_refuses_mixed_epoch_units(capsys, tmp_path):
    path = tmp_path / "snaps.csv"
    path.write_text("date,name,underlying,kind,side,notional\n1717200000,a,BTC,perp,long,10\n"
                    "1717286400000,b,BTC,perp,long,10\n")
    code, _, err = run(capsys, "history", str(path))
    assert code == 2 and "epoch milliseconds where line 2 has epoch seconds" in err


# ----- every refusal one line, exit status 2 ------------------------------------------------------
@pytest.mark.parametrize("name, text, piece", [
    ("big.csv", "account,equity\nmain," + "1" * 140_000 + "\n", "cannot be read as CSV"),
    ("dup.json", '{"main": 1000, "main": 2000}', "names 'main' twice"),
    ("empty.json", "{}", "holds nothing: expected the equity per account"),
    ("huge.json", '{"main": ' + "9" * 400 + "}", "is not a positive number"),
    ("object.json", '{"main": {}}', "{} is not a positive number"),
])
def test_bad_equity_files_are_one_line_refusals(capsys, guide_folder, monkeypatch, name, text, piece):
    """A field over 131,072 characters (`_csv.Error`) and a 400-digit integer were tracebacks
    (exit 1); duplicate JSON keys were last-wins where CSV refuses them; `{}` said "must be a
    number, got {}"."""
    monkeypatch.chdir(guide_folder)
    (guide_folder / name).write_text(text)
    code, out, err = run(capsys, "report", "desk.csv", "--format", "html", "--equity-file", name)
    assert code == 2 and out == "" and err.count("\n") == 1 and piece in err


def test_absurd_funding_and_infinite_history_totals_are_refused(capsys, tmp_path):
    """`--funding BTC=1e308` printed "inf%"; `history --format json` failed on inf."""
    desk = tmp_path / "desk.csv"
    desk.write_text(GUIDE_CSV)
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
    desk.write_text(GUIDE_CSV)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "exposure_kit.cli", "report", str(desk)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == "exposure-kit: error: cannot write the output: No space left on device\n"


# ----- dollar signs in names never reach mathtext -------------------------------------------------
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
