"""A self-study learner's place, kept across kernel restarts: exercise progress and predictions.

Kept in one SQLite file under the user's Jupyter data folder
(``<jupyter data dir>/exposure-kit/self-study.sqlite``, readable by its owner only), and only
for a kernel that JupyterLab (or Notebook) started for a notebook: such a kernel has
``JPY_SESSION_NAME`` set. A notebook run by nbclient, nbval or a test, and the classroom app
(whose answers go to the class's store instead), keep nothing. ``EXPOSURE_KIT_PROGRESS=off``
turns it off; ``EXPOSURE_KIT_PROGRESS=/some/file.sqlite`` turns it on, kept there.
``ex.reset()`` forgets a lesson's place. Mastery (a question right at the first check of
numbers not yet solved) is kept in the same file.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any

__all__ = ["active", "store_path", "remember", "remember_mastery", "restore", "forget",
           "remember_prediction", "saved_prediction"]

VARIABLE = "EXPOSURE_KIT_PROGRESS"
_SCHEMA = ("CREATE TABLE IF NOT EXISTS progress (lesson TEXT NOT NULL, question TEXT NOT NULL, "
           "status TEXT NOT NULL, solution_seen INTEGER NOT NULL DEFAULT 0, "
           "PRIMARY KEY (lesson, question))",
           "CREATE TABLE IF NOT EXISTS predictions (lesson TEXT NOT NULL, prompt TEXT NOT NULL, "
           "guess TEXT NOT NULL, PRIMARY KEY (lesson, prompt))",
           "CREATE TABLE IF NOT EXISTS mastery (lesson TEXT NOT NULL, question TEXT NOT NULL, "
           "PRIMARY KEY (lesson, question))")
_db: sqlite3.Connection | None = None
_db_path: Path | None = None


def active() -> bool:
    """Whether this kernel keeps the learner's place (see the module's notes)."""
    setting = os.environ.get(VARIABLE, "")
    if setting == "off" or os.environ.get("EXPOSURE_KIT_CLASS_STORE"):
        return False
    return bool(setting) or bool(os.environ.get("JPY_SESSION_NAME"))


def store_path() -> Path:
    """The file that keeps the place: ``$EXPOSURE_KIT_PROGRESS`` or Jupyter's data folder."""
    setting = os.environ.get(VARIABLE, "")
    if setting and setting != "off":
        return Path(setting)
    return jupyter_data_folder() / "exposure-kit" / "self-study.sqlite"


def jupyter_data_folder() -> Path:
    """Jupyter's data directory, found as ``jupyter --data-dir`` finds it (without importing
    Jupyter: this module is part of the core install)."""
    if os.environ.get("JUPYTER_DATA_DIR"):
        return Path(os.environ["JUPYTER_DATA_DIR"])
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Jupyter"
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", home)) / "jupyter"
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "jupyter"


def _store() -> sqlite3.Connection:
    global _db, _db_path
    path = store_path()
    if _db is None or _db_path != path:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        _db = sqlite3.connect(path, timeout=30, isolation_level=None)
        _db.execute("PRAGMA busy_timeout = 30000")
        for statement in _SCHEMA:
            _db.execute(statement)
        _db_path = path
    return _db


def _quietly(action, default=None):
    """A place that cannot be kept (a read-only home) never stops the exercises."""
    try:
        return action()
    except (sqlite3.Error, OSError):
        return default


def remember(lesson: str, question: str, status: str, solution_seen: bool) -> None:
    """A question's status (and whether its solution was seen) in the lesson."""
    if active():
        _quietly(lambda: _store().execute(
            "INSERT INTO progress VALUES (?, ?, ?, ?) ON CONFLICT (lesson, question) DO UPDATE "
            "SET status = excluded.status, solution_seen = excluded.solution_seen",
            (lesson, question, status, int(solution_seen))))


def remember_mastery(lesson: str, question: str) -> None:
    """A question of the lesson mastered: right at the first check of a fresh variant."""
    if active():
        _quietly(lambda: _store().execute(
            "INSERT OR IGNORE INTO mastery VALUES (?, ?)", (lesson, question)))


def restore(progress: Any) -> None:
    """Put the remembered statuses and mastery back into a lesson's ``Progress`` (nothing when
    inactive)."""
    if not active():
        return
    rows = _quietly(lambda: _store().execute(
        "SELECT question, status, solution_seen FROM progress WHERE lesson = ?",
        (progress.lesson,)).fetchall(), [])
    for question, status, seen in rows:
        if question in progress.status:
            progress.status[question] = status
            if seen:
                progress.solution_seen.add(question)
    mastered = _quietly(lambda: _store().execute(
        "SELECT question FROM mastery WHERE lesson = ?", (progress.lesson,)).fetchall(), [])
    progress.mastered.update(q for (q,) in mastered if q in progress.status)


def forget(lesson: str) -> None:
    """Forget a lesson's progress, its mastery and the predictions made in its notebook."""
    if not active():
        return
    number = _number(lesson)
    _quietly(lambda: _store().execute("DELETE FROM progress WHERE lesson = ?", (lesson,)))
    _quietly(lambda: _store().execute("DELETE FROM mastery WHERE lesson = ?", (lesson,)))
    _quietly(lambda: _store().execute("DELETE FROM predictions WHERE lesson = ?", (number,)))


def _number(text: str) -> str:
    match = re.search(r"\d+", text or "")
    return f"{int(match.group()):02d}" if match else ""


def _notebook_lesson() -> str:
    """The lesson number of the notebook this kernel runs (``01`` for 01_net_vs_gross)."""
    name = Path(os.environ.get("JPY_SESSION_NAME", "")).name
    return _number(name[:2]) if name[:2].isdigit() else ""


def remember_prediction(prompt: str, guess: Any) -> None:
    """The learner's guess for a prediction of this notebook."""
    if active() and guess is not None:
        _quietly(lambda: _store().execute(
            "INSERT INTO predictions VALUES (?, ?, ?) ON CONFLICT (lesson, prompt) DO UPDATE "
            "SET guess = excluded.guess", (_notebook_lesson(), prompt, repr(guess))))


def saved_prediction(prompt: str) -> Any:
    """The guess remembered for this prediction, or None."""
    if not active():
        return None
    row = _quietly(lambda: _store().execute(
        "SELECT guess FROM predictions WHERE lesson = ? AND prompt = ?",
        (_notebook_lesson(), prompt)).fetchone())
    if row is None:
        return None
    import ast
    try:
        return ast.literal_eval(row[0])
    except (ValueError, SyntaxError):
        return None
