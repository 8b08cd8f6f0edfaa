"""Lesson 12's month prediction can be reasoned from the table above it (learner read finding
6: the table showed every fifth day, without the net, and stopped before the days that decide
the key). Read from the stored notebook: every row's net and net / gross agree with its own long,
short and gross, and the key agrees with the table."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "12_your_own_book.ipynb"


def month_rows():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    index = next(i for i, c in enumerate(cells) if "for_lesson('12', 'month'" in c.source)
    table = next(c for c in reversed(cells[:index]) if c.cell_type == "code" and c.outputs)
    text = "".join(o.get("text", "") for o in table.outputs)
    money = r"(-?\$[\d,]+)"
    row = re.compile(rf"^(\d{{4}}-\d\d-\d\d)\s+{money}\s+{money}\s+{money}\s+{money}\s+"
                     r"([+-]\d+\.\d)%", re.M)
    return [(d, *(float(v.replace("$", "").replace(",", "")) for v in vs[:4]), float(vs[4]))
            for d, *vs in row.findall(text)]


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
