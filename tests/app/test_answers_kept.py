"""Every answer a learner gives through the classroom server is recorded, even when the page
closes at once after Check.

A quiz card's Check waits a moment for the box's last edit (``widgets._typed.after_edits``):
a learner who presses Check and closes the tab (or whose kernel the server stops) within that
moment used to lose the answer, as 5 of 400 did in ``benchmarks/class_answers.py``. Here the
server stops a kernel the moment its page goes away (``APP_ABANDON=0``), so the check must run
as the kernel exits.

Lesson 01's exercise book: long $220,000, short $180,000, so gross = 220,000 + 180,000 =
400,000, the slip question 1 names.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time

import pytest
from test_app_server import app_server

from exposure_kit._app._learner_probe import Learner

pytestmark = [pytest.mark.timeout(240), pytest.mark.server]

GROSS_MESSAGE = ("that is the gross exposure (long + short): the short was added, not "
                 "subtracted.")


async def answer_and_leave(base: str, text: str) -> str:
    learner = await Learner.open(base, "voila/render/01_net_vs_gross.ipynb", "ab" * 12, 120)
    try:
        await learner.answer(0, text, timeout=60)
    finally:
        learner.close()            # at once: the check is still waiting for late edits
    return learner.kernel_id


def checks(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT kernel_id, question, answer, verdict, slip FROM events "
                          "WHERE kind = 'check'").fetchall()


def test_a_check_pressed_just_before_the_page_closes_is_recorded(tmp_path):
    store = tmp_path / "answers.sqlite"
    with app_server(tmp_path, APP_PER_CLIENT="0", APP_ABANDON="0", APP_STORE=str(store)) \
            as (base, log):
        kernel = asyncio.run(answer_and_leave(base, "400,000"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not re.search(
                rf"Kernel shutdown: {kernel}|stopping kernel {kernel}", log.read_text()):
            time.sleep(0.2)
        time.sleep(3)              # the kernel's exit (it is given 5 s before it is killed)
        assert f"stopping kernel {kernel}" in log.read_text()     # stopped, as designed here
        assert checks(store) == [(kernel, "q1", "400,000", "slip", GROSS_MESSAGE)]
        assert "could not record" not in log.read_text()


def test_an_answer_the_store_refused_is_written_with_the_next_and_keeps_its_time(
        tmp_path, monkeypatch, capfd):
    from exposure_kit._app._store import AnswerStore, open_store
    from exposure_kit.exercises import _recording
    from exposure_kit.exercises._quiz import quiz

    path = tmp_path / "answers.sqlite"
    open_store(path).close()
    monkeypatch.setenv(_recording.STORE_VARIABLE, str(path))
    monkeypatch.setattr(_recording, "kernel_id", lambda: "kernel-1")
    monkeypatch.setattr(_recording, "_UNWRITTEN", [])
    broken = AnswerStore(path)
    monkeypatch.setattr(broken, "record", lambda *a, **k: (_ for _ in ()).throw(
        sqlite3.OperationalError("database is locked")))
    monkeypatch.setattr(_recording, "_store", broken)
    card = quiz("01").cards[0]
    card.input.value = "400,000"
    before = time.time()
    card.check()                                   # refused: held, said on stderr
    assert "database is locked" in capfd.readouterr().err
    assert checks(path) == []
    time.sleep(1.5)                                # written later than answered
    monkeypatch.setattr(_recording, "_store", AnswerStore(path))
    card.input.value = "40,000"
    card.check()                                   # written, the held one first
    assert checks(path) == [("kernel-1", "q1", "400,000", "slip", GROSS_MESSAGE),
                            ("kernel-1", "q1", "40,000", "correct", "")]
    with sqlite3.connect(path) as db:
        first_at = db.execute("SELECT at FROM events ORDER BY id").fetchone()[0]
    assert before <= first_at < before + 1         # when it was answered
    assert _recording._UNWRITTEN == []
