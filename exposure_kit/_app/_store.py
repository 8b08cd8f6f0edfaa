"""The class's answers, kept on the classroom machine: a small store with two back ends.

The classroom server (``make app``) opens it; each lesson kernel writes one row per quiz check,
hint, worked solution and prediction; the instructor's view reads it. The default back end is
the standard library's :mod:`sqlite3` on one file (WAL mode, so many kernels write at once; the
file readable by its owner only); any SQLAlchemy URL (``APP_STORE=postgresql://...``) serves a
class that spans machines, and only then is SQLAlchemy imported.

Who answered is not known to a kernel: the server binds each lesson kernel to the learner's
browser id (a cookie) when it hands the kernel to the page (:meth:`AnswerStore.bind`); a row
carries the kernel's id and the two are joined when read.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable

from .._errors import InputError

__all__ = ["AnswerStore", "open_store", "default_store_path", "VERDICTS", "EVENT_FIELDS"]

#: What a recorded answer can be found to be.
VERDICTS = ("correct", "slip", "close", "incorrect", "not attempted", "hint", "solution",
            "shown", "another")
#: The columns of one event as :meth:`AnswerStore.events` returns it (and the CSV export).
EVENT_FIELDS = ("session", "at", "learner", "nickname", "lesson", "question", "title", "kind",
                "answer", "verdict", "slip", "expected")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sessions (id {serial}, started {real} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS learners (kernel_id VARCHAR(64) PRIMARY KEY, "
    "learner VARCHAR(64) NOT NULL, nickname VARCHAR(80) NOT NULL DEFAULT '', "
    "lesson VARCHAR(16) NOT NULL DEFAULT '', bound {real} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS events (id {serial}, session INTEGER NOT NULL, "
    "kernel_id VARCHAR(64) NOT NULL, lesson VARCHAR(16) NOT NULL DEFAULT '', "
    "question VARCHAR(200) NOT NULL, title VARCHAR(200) NOT NULL DEFAULT '', "
    "kind VARCHAR(16) NOT NULL, answer VARCHAR(200) NOT NULL DEFAULT '', "
    "verdict VARCHAR(16) NOT NULL, slip VARCHAR(400) NOT NULL DEFAULT '', "
    "expected VARCHAR(200) NOT NULL DEFAULT '', at {real} NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_by_session ON events (session)",
    # one sitting of the onboarding assessment per (seed, candidate); result: the marked paper
    "CREATE TABLE IF NOT EXISTS assessments (id {serial}, sitting VARCHAR(64) NOT NULL UNIQUE, "
    "session INTEGER NOT NULL, candidate VARCHAR(80) NOT NULL, seed VARCHAR(24) NOT NULL, "
    "time_limit {real} NOT NULL DEFAULT 0, started {real} NOT NULL, submitted {real}, "
    "result TEXT NOT NULL DEFAULT '', UNIQUE (seed, candidate))",
)
_DIALECT = {"sqlite": {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "real": "REAL"},
            "other": {"serial": "SERIAL PRIMARY KEY", "real": "DOUBLE PRECISION"}}
_CURRENT = "(SELECT COALESCE(MAX(id), 0) FROM sessions)"
_LIMITS = {"lesson": 16, "question": 200, "title": 200, "kind": 16, "answer": 200,
           "verdict": 16, "slip": 400, "expected": 200, "learner": 64, "nickname": 80}


def default_store_path() -> Path:
    """Where the embedded store lives: the app's folder under Jupyter's data directory.

    Examples
    --------
    >>> default_store_path().name
    'class-answers.sqlite'
    """
    from jupyter_core.paths import jupyter_data_dir
    return Path(jupyter_data_dir()) / "exposure-kit" / "class-answers.sqlite"


def _fitted(field: str, value: Any) -> str:
    """A value as the text a column keeps (cut to its width; never None)."""
    text = "" if value is None else str(value)
    return text[:_LIMITS.get(field, 200)]


class _SQLite:
    """The embedded back end: one file, WAL, a busy wait instead of 'database is locked'.

    Each thread has its own connection, so the instructor's view reads while another thread
    waits to write (a connection waiting for the write lock would hold up everything on it).
    """

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))   # owner only, from the start
        os.chmod(path, 0o600)
        self.path = path
        self._local = threading.local()
        self._connection().execute("PRAGMA journal_mode = WAL")

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA busy_timeout = 60000")
            db.execute("PRAGMA synchronous = NORMAL")
            self._local.db = db
        return db

    def run(self, sql: str, params: dict | None = None) -> None:
        self._connection().execute(sql, params or {})

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        return self._connection().execute(sql, params or {}).fetchall()

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


class _SQLAlchemy:
    """A shared database by URL (PostgreSQL for a class on several machines)."""

    def __init__(self, url: str) -> None:
        import sqlalchemy  # only a class with a shared database needs it

        self._text = sqlalchemy.text
        self._engine = sqlalchemy.create_engine(url, pool_pre_ping=True, pool_size=1,
                                                max_overflow=2) \
            if not url.startswith("sqlite") else sqlalchemy.create_engine(url)
        self.dialect = "sqlite" if self._engine.dialect.name == "sqlite" else "other"
        self.path = None

    def run(self, sql: str, params: dict | None = None) -> None:
        with self._engine.begin() as connection:
            connection.execute(self._text(sql), params or {})

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        with self._engine.connect() as connection:
            return [tuple(r) for r in connection.execute(self._text(sql), params or {})]

    def close(self) -> None:
        self._engine.dispose()


class AnswerStore:
    """Sessions, learners' kernels and the answers they gave.

    Parameters
    ----------
    where : str or Path, optional
        A file path for the embedded SQLite store (default :func:`default_store_path`), or an
        SQLAlchemy URL (``postgresql://user@host/class``).

    Examples
    --------
    >>> import tempfile, os
    >>> store = AnswerStore(os.path.join(tempfile.mkdtemp(), "a.sqlite"))
    >>> store.bind("k1", learner="b7e0", nickname="Ada", lesson="01")
    >>> store.record("k1", lesson="01", question="q1", kind="check", answer="400,000",
    ...              verdict="slip", slip="that is the gross exposure")
    >>> [(e["nickname"], e["question"], e["verdict"]) for e in store.events()]
    [('Ada', 'q1', 'slip')]
    >>> oct(os.stat(store.location).st_mode & 0o777)
    '0o600'
    """

    def __init__(self, where: str | Path | None = None) -> None:
        where = where or default_store_path()
        if isinstance(where, str) and re.match(r"^[a-z][a-z0-9+]*://", where):
            self._db = _SQLAlchemy(where)
            self.location = re.sub(r"//[^@/]*@", "//***@", where)   # no password in logs
        else:
            self._db = _SQLite(Path(where))
            self.location = str(self._db.path)
        words = _DIALECT[self._db.dialect]
        for statement in _SCHEMA:
            self._db.run(statement.format(**words))

    # ----- written by the server -----------------------------------------------------------------
    def start_session(self) -> int:
        """Begin a new class session (the last one is kept); its number."""
        self._db.run("INSERT INTO sessions (started) VALUES (:now)", {"now": time.time()})
        return self.current_session()

    def ensure_session(self) -> int:
        """The current session, starting the first one in a new store."""
        return self.current_session() or self.start_session()

    def current_session(self) -> int:
        return int(self._db.rows(f"SELECT {_CURRENT}")[0][0])

    def sessions(self) -> list[tuple[int, float]]:
        """Every session as (number, start time), oldest first."""
        return [(int(i), float(t)) for i, t in
                self._db.rows("SELECT id, started FROM sessions ORDER BY id")]

    def bind(self, kernel_id: str, learner: str, nickname: str = "", lesson: str = "") -> None:
        """The lesson kernel ``kernel_id`` is used by ``learner`` (a browser's random id)."""
        self._db.run(
            "INSERT INTO learners (kernel_id, learner, nickname, lesson, bound) "
            "VALUES (:k, :l, :n, :s, :t) ON CONFLICT (kernel_id) DO UPDATE SET "
            "learner = excluded.learner, nickname = excluded.nickname, lesson = excluded.lesson",
            {"k": _fitted("learner", kernel_id), "l": _fitted("learner", learner),
             "n": _fitted("nickname", nickname), "s": _fitted("lesson", lesson),
             "t": time.time()})

    # ----- written by a lesson kernel ------------------------------------------------------------
    def record(self, kernel_id: str, *, question: str, kind: str, verdict: str, lesson: str = "",
               title: str = "", answer: Any = "", slip: str = "", expected: Any = "",
               at: float | None = None) -> None:
        """One check, hint, worked solution or prediction, in the current session."""
        if verdict not in VERDICTS:
            raise InputError(f"verdict {verdict!r} is not one of {VERDICTS}")
        values = {"kernel_id": kernel_id, "lesson": lesson, "question": question,
                  "title": title, "kind": kind, "answer": answer, "verdict": verdict,
                  "slip": slip, "expected": expected}
        params = {k: _fitted(k, v) for k, v in values.items()}
        params["at"] = time.time() if at is None else float(at)
        self._db.run(
            "INSERT INTO events (session, kernel_id, lesson, question, title, kind, answer, "
            f"verdict, slip, expected, at) VALUES ({_CURRENT}, :kernel_id, :lesson, :question, "
            ":title, :kind, :answer, :verdict, :slip, :expected, :at)", params)

    # ----- read by the instructor's view ---------------------------------------------------------
    def events(self, session: int | None = None) -> list[dict[str, Any]]:
        """The session's events (default: the current one), oldest first, with who gave them.

        A kernel the server never bound (none in the app) shows as the learner ``kernel:<id>``.
        """
        session = self.current_session() if session is None else int(session)
        return SessionEvents(self).events(session)

    def new_rows(self, session: int, after: int) -> list[tuple]:
        """The session's rows recorded after row ``after``: (id, kernel, the event's fields)."""
        return self._db.rows(
            "SELECT id, kernel_id, session, at, lesson, question, title, kind, answer, verdict, "
            "slip, expected FROM events WHERE session = :s AND id > :a ORDER BY id",
            {"s": int(session), "a": int(after)})

    def earlier_checks(self, kernel_id: str, lesson: str) -> dict[str, tuple[str, str]] | None:
        """The latest check of each question of ``lesson`` in this session by the learner the
        kernel ``kernel_id`` was handed to, from any of their kernels (a reload starts a new
        one): question -> (answer as typed, verdict). None while the kernel is not handed out.
        """
        bound = self._db.rows("SELECT learner FROM learners WHERE kernel_id = :k",
                              {"k": _fitted("learner", kernel_id)})
        if not bound:
            return None
        rows = self._db.rows(
            "SELECT e.question, e.answer, e.verdict FROM events e JOIN learners l "
            f"ON l.kernel_id = e.kernel_id WHERE e.session = {_CURRENT} AND e.kind = 'check' "
            "AND e.lesson = :s AND l.learner = :l AND e.verdict <> 'not attempted' "
            "ORDER BY e.id", {"s": lesson, "l": bound[0][0]})
        return {question: (answer, verdict) for question, answer, verdict in rows}

    def bindings(self) -> dict[str, tuple[str, str, str]]:
        """Every kernel the server handed out: kernel id -> (learner, nickname, lesson)."""
        return {kernel: (learner, nickname, lesson) for kernel, learner, nickname, lesson in
                self._db.rows("SELECT kernel_id, learner, nickname, lesson FROM learners")}

    def learners_in(self, session: int | None = None) -> dict[str, set[str]]:
        """Per lesson, the learners who opened it since the session began."""
        session = self.current_session() if session is None else int(session)
        bounds = self._session_bounds(session)
        rows = self._db.rows("SELECT lesson, learner FROM learners WHERE bound >= :a AND "
                             "bound < :b", {"a": bounds[0], "b": bounds[1]})
        present: dict[str, set[str]] = {}
        for lesson, learner in rows:
            present.setdefault(lesson, set()).add(learner)
        return present

    def _session_bounds(self, session: int) -> tuple[float, float]:
        starts = dict(self.sessions())
        begin = starts.get(session, 0.0)
        later = [t for i, t in starts.items() if i > session]
        return begin, (min(later) if later else float("inf"))

    def version(self, session: int) -> tuple:
        """Changes whenever something is recorded or bound, a session begun, an assessment
        begun or handed in (a cheap check before a redraw)."""
        return tuple(self._db.rows(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM events WHERE session = :s), "
            "(SELECT COUNT(*) FROM learners), (SELECT COUNT(*) FROM sessions), "
            "(SELECT COUNT(*) FROM assessments), "
            "(SELECT COUNT(*) FROM assessments WHERE submitted IS NOT NULL)", {"s": session}
        )[0])

    def count(self) -> int:
        """Events in the store, every session."""
        return int(self._db.rows("SELECT COUNT(*) FROM events")[0][0])

    # ----- the onboarding assessment (see exposure_kit.exercises._assessment) -----------------
    def start_sitting(self, candidate: str, seed: int, time_limit: float = 0.0) -> dict[str, Any]:
        """The candidate's sitting for ``seed``: begun now, or the one begun before (a reload or
        a second start resumes it, its clock still running)."""
        import secrets

        self._db.run(
            "INSERT INTO assessments (sitting, session, candidate, seed, time_limit, started) "
            f"VALUES (:t, {_CURRENT}, :c, :s, :l, :now) ON CONFLICT (seed, candidate) DO NOTHING",
            {"t": secrets.token_urlsafe(18), "c": _fitted("nickname", candidate),
             "s": str(int(seed)), "l": float(time_limit), "now": time.time()})
        return self._sittings("seed = :s AND candidate = :c",
                              {"s": str(int(seed)), "c": _fitted("nickname", candidate)})[0]

    def sitting(self, sitting: str) -> dict[str, Any] | None:
        """One sitting by its token, or None."""
        found = self._sittings("sitting = :t", {"t": str(sitting)[:64]})
        return found[0] if found else None

    def hand_in(self, sitting: str, submitted: float, result: str) -> bool:
        """Keep the marked paper (JSON text); False when it was handed in already."""
        before = self.sitting(sitting)
        if before is None or before["submitted"] is not None:
            return False
        self._db.run("UPDATE assessments SET submitted = :at, result = :r WHERE sitting = :t "
                     "AND submitted IS NULL", {"at": float(submitted), "r": result,
                                               "t": str(sitting)})
        after = self.sitting(sitting)
        return after["submitted"] == float(submitted) and after["result"] == result

    def sittings(self) -> list[dict[str, Any]]:
        """Every sitting, newest first."""
        return self._sittings("1 = 1", {})

    def _sittings(self, where: str, params: dict) -> list[dict[str, Any]]:
        fields = ("id", "sitting", "session", "candidate", "seed", "time_limit", "started",
                  "submitted", "result")
        rows = self._db.rows(f"SELECT {', '.join(fields)} FROM assessments WHERE {where} "
                             "ORDER BY id DESC", params)
        return [dict(zip(fields, row)) for row in rows]

    def close(self) -> None:
        self._db.close()


class SessionEvents:
    """A session's events as read so far: each call reads only the rows recorded since.

    The instructor's view asks every second; a class of 40 has a few thousand rows by the end
    of a day, and reading them all each time would cost the server more with every answer.
    """

    def __init__(self, store: AnswerStore) -> None:
        self.store = store
        self._read: dict[int, list[dict[str, Any]]] = {}
        self._last: dict[int, int] = {}

    def events(self, session: int) -> list[dict[str, Any]]:
        known = self._read.setdefault(session, [])
        rows = self.store.new_rows(session, self._last.get(session, 0))
        bindings = self.store.bindings()
        for row in rows:
            event = dict(zip(("kernel_id", *EVENT_FIELDS[:2], *EVENT_FIELDS[4:]), row[1:]))
            event["own_lesson"] = event["lesson"]     # a prediction's lesson is its page's
            known.append(event)
        if rows:
            self._last[session] = rows[-1][0]
        for event in known:           # who: joined again each time (a kernel bound late)
            learner, nickname, lesson = bindings.get(event["kernel_id"],
                                                     (f"kernel:{event['kernel_id']}", "", ""))
            event["learner"], event["nickname"] = learner, nickname
            event["lesson"] = event["own_lesson"] or lesson
        return list(known)


def open_store(where: str | Path | None = None) -> AnswerStore:
    """The class's store at ``where`` (a path or an SQLAlchemy URL), with a session begun.

    Examples
    --------
    >>> import tempfile, os
    >>> open_store(os.path.join(tempfile.mkdtemp(), "a.sqlite")).current_session()
    1
    """
    store = AnswerStore(where)
    store.ensure_session()
    return store


def rows_as_csv(events: Iterable[dict[str, Any]]) -> str:
    """The events as CSV text; a cell a spreadsheet would run as a formula is quoted with '.

    Examples
    --------
    >>> print(rows_as_csv([dict.fromkeys(EVENT_FIELDS, "") | {"nickname": "=HYPERLINK(1)"}]),
    ...       end="")
    session,at,learner,nickname,lesson,question,title,kind,answer,verdict,slip,expected
    ,,,'=HYPERLINK(1),,,,,,,,
    """
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EVENT_FIELDS)
    for event in events:
        row = dict(event)
        if isinstance(row["at"], (int, float)):     # seconds since 1970 as UTC time, readable
            row["at"] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(row["at"]))
        writer.writerow([_safe_cell(row[field]) for field in EVENT_FIELDS])
    return buffer.getvalue()


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(value)
            return value          # a negative number stays a number
        except ValueError:
            return "'" + value
    return value
