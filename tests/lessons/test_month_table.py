"""Lesson 12's month prediction (learner read finding 6, desk read finding 5): the day-by-day
table is the answer, so it is shown only once the learner has predicted, inside the
prediction's reveal; before the question the page prints no day of the month. Every row's net
and net / gross agree with its own long, short and gross, and the key agrees with the table."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

import exposure_kit as ek

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "12_your_own_book.ipynb"
DAY = re.compile(r"^2022-\d\d-\d\d\s+-?\$", re.M)     # a table row: a date, then a dollar figure


def revealed_month() -> str:
    month = ek.exposure_history(ek.sample_path("desk_snapshots"), equity="equity",
                                measure="delta")
    p = ek.widgets.Prediction.for_lesson("12", "month", month=month)
    p.choose("near")
    return p.shown_text()


def month_rows(text: str | None = None):
    text = revealed_month() if text is None else text
    money = r"(-?\$[\d,]+)"
    row = re.compile(rf"^(\d{{4}}-\d\d-\d\d)\s+{money}\s+{money}\s+{money}\s+{money}\s+"
                     r"([+-]\d+\.\d)%", re.M)
    return [(d, *(float(v.replace("$", "").replace(",", "")) for v in vs[:4]), float(vs[4]))
            for d, *vs in row.findall(text)]


def test_no_day_of_the_month_is_printed_before_the_question():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    index = next(i for i, c in enumerate(cells) if "for_lesson('12', 'month'" in c.source)
    above = "".join(o.get("text", "") for c in cells[:index] if c.cell_type == "code"
                    for o in c.outputs)
    assert "first three weeks" in above          # what the learner is told before choosing
    assert not DAY.search(above), DAY.search(above)
    assert not month_rows(above)


def test_the_table_shows_every_day_with_net_and_net_to_gross():
    rows = month_rows()
    assert len(rows) == 30 and rows[0][0] == "2022-04-16" and rows[-1][0] == "2022-05-15"
    for date, long, short, net, gross, percent in rows:
        assert abs(long - short - net) <= 1.5, date          # net = long - short (rounding)
        assert abs(long + short - gross) <= 1.5, date
        assert abs(net / gross * 100 - percent) <= 0.051, date


def test_the_key_is_what_the_table_shows():
    import exposure_kit as ek
    from exposure_kit.widgets._lesson_predictions import stays_near_zero

    outside = [date for date, *_, percent in month_rows() if abs(percent) > 5.0]
    # the crash days: 2022-05-12 to 05-15, from -6.3 % to -7.6 % of the gross
    assert outside == ["2022-05-12", "2022-05-13", "2022-05-14", "2022-05-15"]
    month = ek.exposure_history(ek.sample_path("desk_snapshots"), equity="equity")
    assert stays_near_zero(month) is False
