"""Exposure over time from dated snapshots of a book: by date and venue, equal to a book per date,
bad snapshots refused by line, and the shipped snapshots equal to their recipe."""

import io
import json
import tracemalloc

import pandas as pd
import pytest

import exposure_kit as ek

from worked_data import SNAPSHOTS


def test_exposure_history_by_date_and_venue():
    history = ek.exposure_history(io.StringIO(SNAPSHOTS), equity="equity")
    # June 1: long 150,000, short 100,000: net 50,000, gross 250,000, 5x on 50,000 of equity.
    # June 2: long 170,000, short 130,000: net 40,000, gross 300,000, 6x.
    assert [str(d.date()) for d in history.index] == ["2024-06-01", "2024-06-02"]
    assert history["net"].tolist() == [50_000.0, 40_000.0]
    assert history["gross"].tolist() == [250_000.0, 300_000.0]
    assert history["net_to_gross"].tolist() == pytest.approx([0.2, 40 / 300])
    assert history["gross_leverage"].tolist() == [5.0, 6.0]
    assert history["positions"].sum() == 5                        # nothing dropped
    venues = ek.exposure_history(io.StringIO(SNAPSHOTS), by="venue")
    assert venues.loc[("2024-06-02", "Binance"), "net"] == 170_000.0
    assert venues.loc[("2024-06-02", "OKX"), "net"] == -130_000.0


def test_exposure_history_equals_a_book_per_date():
    book = ek.sample_book("desk_book").to_frame()
    frames = [book.assign(date=f"2024-06-{d:02d}") for d in (1, 2, 3)]
    frames[1] = frames[1].iloc[:150]
    history = ek.exposure_history(pd.concat(frames, ignore_index=True), by="venue",
                                  measure="delta")
    for day, frame in zip(("2024-06-01", "2024-06-02", "2024-06-03"), frames):
        expected = ek.Book.from_frame(frame).by("venue", measure="delta")
        got = history.loc[day]
        assert got[["long", "short", "net", "gross"]].to_numpy() == pytest.approx(
            expected.to_numpy())


@pytest.mark.parametrize("text, message", [
    (SNAPSHOTS.replace("2024-06-01,b", "yesterday,b"), "line 4, field 'date': 'yesterday'"),
    (SNAPSHOTS.replace("2024-06-01,b", ",b"), "line 4, field 'date': is empty"),
    (SNAPSHOTS.replace("short,130000", "sell,130000"), "line 5 ('b'), field 'side'"),
    (SNAPSHOTS.replace("spot,long,20000,Binance,50000", "spot,long,20000,Binance,49000"),
     "field 'equity': differs between positions of 2024-06-02"),
])
def test_bad_snapshots_are_refused_by_line(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ek.exposure_history(io.StringIO(text), equity="equity")


def test_snapshots_need_a_date_column():
    with pytest.raises(ValueError, match="field 'day': no such column"):
        ek.exposure_history(io.StringIO(SNAPSHOTS), date_column="day")


# ----- the shipped snapshots and the command line -------------------------------------------------
def test_shipped_snapshots_are_what_their_recipe_makes():
    import make_desk_snapshots

    path = ek.sample_path("desk_snapshots")
    assert path.read_text() == make_desk_snapshots.desk_snapshots_csv()
    history = ek.exposure_history(path, equity="equity")
    assert len(history) == 30 and (history["positions"] == 9).all()


def test_json_snapshots_name_the_position():
    records = [{"date": "2024-06-01", "underlying": "BTC", "kind": "perp", "side": "long",
                "notional": 150_000},
               {"date": "2024-06-01", "underlying": "ETH", "kind": "perp", "side": "short",
                "notional": 100_000}]
    history = ek.exposure_history(io.StringIO(json.dumps(records)))
    assert history["net"].tolist() == [50_000.0]
    records[1]["date"] = "June"
    with pytest.raises(ValueError, match="position 2, field 'date': 'June' is not a date"):
        ek.exposure_history(io.StringIO(json.dumps(records)))


# ----- history by group grows with the rows -------------------------------------------------------
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
