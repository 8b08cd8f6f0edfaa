"""The assessment's side of the classroom server without a server: the sittings in the class's
store (one per candidate and seed, handed in once), the paper page (no expected value, no hint,
no worked solution) and the instructor's report."""

from __future__ import annotations

import json
import re

from exposure_kit._app import _assessment as pages
from exposure_kit._app._store import AnswerStore
from exposure_kit._format import usd
from exposure_kit.exercises import _assessment as a


def test_a_sitting_is_resumed_and_handed_in_once(tmp_path):
    store = AnswerStore(tmp_path / "class.sqlite")
    store.ensure_session()
    first = store.start_sitting("ana", 2026, time_limit=1_800)
    again = store.start_sitting("ana", 2026, time_limit=60)       # a reload: the same sitting
    assert again == first and first["submitted"] is None and first["time_limit"] == 1_800
    other = store.start_sitting("ben", 2026)
    assert other["sitting"] != first["sitting"]
    assert store.hand_in(first["sitting"], first["started"] + 90, '{"score": [1, 14]}')
    assert not store.hand_in(first["sitting"], first["started"] + 95, '{"score": [14, 14]}')
    kept = store.sitting(first["sitting"])
    assert kept["submitted"] == first["started"] + 90 and kept["result"] == '{"score": [1, 14]}'
    assert [s["candidate"] for s in store.sittings()] == ["ben", "ana"]
    assert store.sitting("no-such-token") is None


def test_the_paper_page_shows_no_answer_hint_or_solution():
    p = a.paper("ana", 2026)
    sitting = {"candidate": "ana", "sitting": "tok", "started": 1_000.0, "time_limit": 600.0}
    text = pages.paper_page(p, sitting, "<input type='hidden' name='_xsrf' value='x'>",
                            "/assessment/paper")
    sections = re.findall(r"<section class='question'.*?</section>", text, flags=re.S)
    assert len(sections) == 14
    for item, visible in zip(p.questions, sections):      # each question's own box and data
        expected = item.question.expected()
        forms = {f"{expected:,.2f}", a._expected_text(item.question)}
        if abs(expected) >= 1_000:
            forms |= {usd(expected), f"{expected:,.0f}"}
        for form in forms:
            assert not re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])", visible), \
                (item.source, form)
        for hint in item.question.hints:
            assert hint[:40] not in visible
        assert f"name='a{item.number}'" in text
    assert "Worked" not in text and "Hint" not in text
    assert "data-deadline='1600000'" in text                # started + 600 s, in ms


def test_the_report_lists_each_answer_with_its_verdict_and_slip():
    p = a.paper("ana", 2026)
    values = p.questions[0].question.values
    net = values["long"] - values["short"]
    marked = a.mark(p, {1: f"{net:,.0f}", 2: f"{net:,.0f}"}, started=0.0, submitted=1_390.0)
    result = json.loads(json.dumps(pages.result_of(marked)))       # as kept in the store
    sitting = {"candidate": "ana", "seed": "2026", "started": 0.0, "submitted": 1_390.0}
    text = pages.report_page(sitting, result)
    assert "1 of 14 right" in text and "23 min 10 s" in text and "untimed" in text
    assert "seed 2026" in text and "make assessment SEED=2026 CANDIDATE='ana'" in text
    assert "that is the net exposure, not the gross" in text
    assert text.count("not answered") == 12
    listed = pages.sittings_html([{**sitting, "id": 3, "result": json.dumps(result)}],
                                 lambda n: f"/instructor/assessment?id={n}")
    assert "ana" in listed and "1 of 14" in listed and "/instructor/assessment?id=3" in listed
