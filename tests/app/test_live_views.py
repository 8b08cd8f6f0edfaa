"""The instructor's live view is built off the server's event loop, only when the store
changed, and a poll never waits long for a build (``_instructor.LiveViews``).

The figures are counted by hand: learner a answers q1 with the gross (a slip) then the net,
learner b answers the net at once; so 2 of 2 answered and 1 of 2 (50 %) right first try.
"""

from __future__ import annotations

import asyncio
import threading
import time

from exposure_kit._app import _instructor
from exposure_kit._app._store import open_store

URLS = {"csv": "c", "new": "n", "session": lambda n: f"s{n}", "project": lambda k: f"p{k}",
        "report": lambda n: f"r{n}"}


def _class(tmp_path):
    store = open_store(tmp_path / "a.sqlite")
    store.bind("ka", "learner-a", "Ada", "01")
    store.bind("kb", "learner-b", "", "01")
    for kernel, verdict in (("ka", "slip"), ("ka", "correct"), ("kb", "correct")):
        store.record(kernel, lesson="01", question="q1", title="Net", kind="check",
                     verdict=verdict, slip="gross" if verdict == "slip" else "")
    return store


def test_the_view_is_built_on_the_reading_thread_and_again_only_after_a_change(
        tmp_path, monkeypatch):
    store = _class(tmp_path)
    views, built_on = _instructor.LiveViews(store), []
    render = _instructor.render_live

    def counted(*args):
        built_on.append(threading.current_thread().name)
        return render(*args)

    monkeypatch.setattr(_instructor, "render_live", counted)

    async def polls():
        first = await views.html(1, "main", "", URLS)
        again = await views.html(1, "main", "", URLS)
        store.record("kb", lesson="01", question="q2", title="Gross", kind="hint",
                     verdict="hint")
        await asyncio.sleep(0)
        changed = await views.html(1, "main", "", URLS)
        return first, again, changed

    first, again, changed = asyncio.run(polls())
    assert first == again and changed[1] != first[1]
    assert len(built_on) == 2                       # the unchanged store: no rebuild
    assert all(name.startswith("class-answers-read") for name in built_on)
    assert "2 learners" in first[0] and "3 answers" in first[0]
    assert "2 of 2</td><td class='n'>50%" in first[0] and "Ada" in first[0]
    assert _instructor.FORM_MARK in first[0]        # the per-request form goes there


def test_a_poll_during_a_slow_build_gets_the_last_view_at_once(tmp_path, monkeypatch):
    store = _class(tmp_path)
    views = _instructor.LiveViews(store)
    render = _instructor.render_live

    async def polls():
        last = await views.html(1, "main", "", URLS)
        monkeypatch.setattr(_instructor, "render_live",
                            lambda *args: (time.sleep(2), render(*args))[1])
        store.record("kb", lesson="01", question="q2", title="Gross", kind="hint",
                     verdict="hint")
        started = time.monotonic()
        meanwhile = await views.html(1, "main", "", URLS)
        waited = time.monotonic() - started
        await asyncio.sleep(2.5)                     # the build in flight finishes
        return last, meanwhile, waited, await views.html(1, "main", "", URLS)

    last, meanwhile, waited, after = asyncio.run(polls())
    assert meanwhile == last and waited < 1.0
    assert after != last and "4 answers" in after[0]
