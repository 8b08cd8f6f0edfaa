"""The instructor's live view is built again only when the store changed, at most twice a
second, and reads only the rows recorded since (``_instructor.LiveViews``).

The figures are counted by hand: learner a answers q1 with the gross (a slip) then the net,
learner b answers the net at once; so 2 of 2 answered and 1 of 2 (50 %) right first try.
"""

from __future__ import annotations

import asyncio

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


def test_the_view_is_built_again_only_after_a_change_and_at_most_twice_a_second(
        tmp_path, monkeypatch):
    store = _class(tmp_path)
    views, builds = _instructor.LiveViews(store), []
    render = _instructor.render_live
    monkeypatch.setattr(_instructor, "render_live", lambda *a: builds.append(1) or render(*a))
    clock = [1000.0]
    monkeypatch.setattr(_instructor.time, "monotonic", lambda: clock[0])

    def poll():
        return asyncio.run(views.html(1, "main", "", URLS))

    first, again = poll(), poll()
    assert first == again and len(builds) == 1          # the unchanged store: no rebuild
    assert "2 learners" in first[0] and "3 answers" in first[0]
    assert "2 of 2</td><td class='n'>50%" in first[0] and "Ada" in first[0]
    assert _instructor.FORM_MARK in first[0]             # the per-request form goes there
    store.record("kb", lesson="01", question="q2", title="Gross", kind="hint", verdict="hint")
    clock[0] += 0.2
    assert poll() == first and len(builds) == 1         # within 0.5 s of the last build
    clock[0] += 0.4
    changed = poll()
    assert len(builds) == 2 and "4 answers" in changed[0] and changed[1] != first[1]


def test_a_poll_does_not_read_every_row_again(tmp_path, monkeypatch):
    store = _class(tmp_path)
    views, read = _instructor.LiveViews(store), []
    new_rows = store.new_rows
    monkeypatch.setattr(store, "new_rows", lambda s, a: read.extend(new_rows(s, a)) or
                        new_rows(s, a))
    asyncio.run(views.html(1, "main", "", URLS))
    store.record("kb", lesson="01", question="q2", title="Gross", kind="hint", verdict="hint")
    monkeypatch.setattr(_instructor, "REBUILD_EVERY", 0)
    asyncio.run(views.html(1, "main", "", URLS))
    assert len(read) == 4                                # 3 rows, then the 1 new one
