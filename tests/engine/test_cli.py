"""The ``exposure-kit report`` command on the sample books, and its refusals."""

from __future__ import annotations

import csv
import json
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
    assert report["positions"] == 200


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


# ----- exposure-kit history ------------------------------------------------------------------------
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
