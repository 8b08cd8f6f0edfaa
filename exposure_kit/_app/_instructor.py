"""The instructor's view of the class, and the learner's side of being recorded.

- ``/instructor?token=...``: per question and prediction, updating itself every second;
- ``/instructor/projector?token=...&q=...``: one question, large and anonymous;
- ``/instructor/data?token=...``: the live part as JSON (what the pages poll);
- ``/instructor/answers.csv?token=...``: the session's events;
- ``POST /instructor/session``: a new session (the last one is kept);
- ``/learner``: a learner's optional nickname, and what is recorded.

Every ``/instructor`` URL needs the token the server printed at start (403 without). A learner
is a random id in a cookie (``ek_learner``) set the first time a lesson opens; the server binds
each lesson kernel to that id as it hands the kernel over (:func:`bind_kernel`).
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop

from ._class_pages import class_view, e, page, projector_view, query
from ._class_view import learner_figures, prediction_figures, question_figures
from ._store import SessionEvents

LEARNER_COOKIE, NICKNAME_COOKIE = "ek_learner", "ek_nickname"
_LEARNER_ID = re.compile(r"[0-9a-f]{24}")
NICKNAME_LENGTH = 40


def clean_nickname(text: str) -> str:
    """A nickname as kept: printable characters, single spaces, at most 40 characters.

    Examples
    --------
    >>> clean_nickname("  Ada\\n <b>L</b>\\x00 ")
    'Ada <b>L</b>'
    """
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in str(text))
    return " ".join(kept.split())[:NICKNAME_LENGTH]


def learner_of(handler: tornado.web.RequestHandler) -> tuple[str, str]:
    """The visitor's learner id (set as a cookie when missing) and nickname.

    On JupyterHub the server belongs to one hub user, who is the learner (see ``_hub``).
    """
    if handler.settings.get("exposure_hub_learner"):
        return handler.settings["exposure_hub_learner"]
    learner = handler.get_cookie(LEARNER_COOKIE, "")
    if not _LEARNER_ID.fullmatch(learner):
        learner = secrets.token_hex(12)
        handler.set_cookie(LEARNER_COOKIE, learner, expires_days=365, httponly=True,
                           samesite="Lax")
    return learner, clean_nickname(unquote(handler.get_cookie(NICKNAME_COOKIE, "")))


def bind_kernel(handler: tornado.web.RequestHandler, kernel_id: str) -> None:
    """Record that the lesson kernel ``kernel_id`` went to this visitor (see module doc)."""
    store = handler.settings.get("exposure_answers")
    who = getattr(handler, "exposure_learner", None)
    if store is None or who is None:
        return
    lesson = PurePosixPath(handler.request.path).name[:2]
    _WRITES.submit(_bind, store, handler.log, kernel_id, *who,
                   lesson if lesson.isdigit() else "")


def _bind(store, log, kernel_id: str, learner: str, nickname: str, lesson: str) -> None:
    try:
        store.bind(kernel_id, learner, nickname, lesson)
    except Exception:   # a lesson still opens when the store cannot be written
        log.warning("could not record who has kernel %s", kernel_id, exc_info=True)


class _Instructor(JupyterHandler):
    """A page for the instructor only: the token the server printed, or 403."""

    def check_token(self) -> None:
        expected = self.settings.get("exposure_instructor_token", "")
        given = self.get_argument("token", "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            self.token_refused = True
            raise tornado.web.HTTPError(403, "the instructor's view needs its token")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("403: this page needs the instructor's link (with its token), printed "
                    "when the server started.\n" if getattr(self, "token_refused", False) else
                    f"{status_code}: {self._reason}\n")

    @property
    def store(self):
        return self.settings["exposure_answers"]

    async def session(self) -> int:
        text = self.get_argument("session", "")
        return int(text) if text.isdigit() else self.store.current_session()

    def url(self, path: str, **params) -> str:
        params = {"token": self.get_argument("token"), **params}
        return query(url_path_join(self.base_url, path), **params)

    async def live_html(self, session: int, view: str, key: str) -> str:
        """The live part, reused while nothing new was recorded. Read on the event loop: a
        read never waits for a writer in WAL mode, only new rows are read, and a hop to a
        thread cost more than the read on a busy server (benchmarks/class_answers.py)."""
        urls = {"csv": self.url("instructor/answers.csv", session=session),
                "new": url_path_join(self.base_url, "instructor/session"),
                "session": lambda n: self.url("instructor", session=n),
                "project": lambda k: self.url("instructor/projector", session=session, q=k)}
        form = self.xsrf_form_html() + \
            f"<input type='hidden' name='token' value=\"{e(self.get_argument('token'))}\">"
        live = built_view(self.store, session, view, key, urls, form)
        if view != "main":
            return live
        from ._assessment import sittings_html  # the candidates' papers, newest first
        return live + sittings_html(self.store.sittings(),
                                    lambda n: self.url("instructor/assessment", id=n))


# The store's slow work on threads of its own: writes (which may wait for SQLite's lock) and
# the CSV export; the server keeps serving meanwhile.
_READS = ThreadPoolExecutor(1, thread_name_prefix="class-answers-read")
_WRITES = ThreadPoolExecutor(1, thread_name_prefix="class-answers-write")
_VIEWS: dict[tuple, str] = {}


async def off_loop(function, *args, worker: ThreadPoolExecutor = _READS):
    """``function(*args)`` on one of the store's threads: the server keeps serving meanwhile."""
    return await IOLoop.current().run_in_executor(worker, function, *args)


def built_view(store, session: int, view: str, key: str, urls: dict, form: str) -> str:
    version = (id(store), session, view, key, form, store.version(session))
    if version not in _VIEWS:
        if len(_VIEWS) > 64:
            _VIEWS.clear()
        _VIEWS[version] = _render(store, session, view, key, urls, form)
    return _VIEWS[version]


_READERS: dict[int, SessionEvents] = {}


def _render(store, session: int, view: str, key: str, urls: dict, form: str) -> str:
    reader = _READERS.setdefault(id(store), SessionEvents(store))
    events = reader.events(session)
    present = store.learners_in(session)
    questions = question_figures(events, present)
    predictions = prediction_figures(events)
    if view == "projector":
        found = [x for x in [*questions, *predictions] if x.key == key]
        return projector_view(found[0] if found else None)
    learners = {ev["learner"] for ev in events} | set().union(*present.values())
    return class_view(questions, predictions, learner_figures(events), session=session,
                      sessions=store.sessions(), learners=len(learners), answers=len(events),
                      urls=urls, xsrf_form=form)


class InstructorPage(_Instructor):
    """``/instructor``: the whole class."""

    async def get(self) -> None:
        self.check_token()
        session = await self.session()
        data = self.url("instructor/data", session=session)
        self.finish(page("The class: instructor's view",
                         await self.live_html(session, "main", ""), data))


class ProjectorPage(_Instructor):
    """``/instructor/projector``: one question in large type, no names."""

    async def get(self) -> None:
        self.check_token()
        session, key = await self.session(), self.get_argument("q", "")
        data = self.url("instructor/data", session=session, view="projector", q=key)
        self.finish(page("The class: one question",
                         await self.live_html(session, "projector", key), data, projector=True))


class LiveData(_Instructor):
    """``/instructor/data``: the live part of a page, as JSON."""

    async def get(self) -> None:
        self.check_token()
        view = "projector" if self.get_argument("view", "") == "projector" else "main"
        html = await self.live_html(await self.session(), view, self.get_argument("q", ""))
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"html": html, "updated": time.strftime("%H:%M:%S")}))


class AnswersCSV(_Instructor):
    """``/instructor/answers.csv``: every event of the session, for a spreadsheet."""

    async def get(self) -> None:
        from ._store import rows_as_csv

        self.check_token()
        session = await self.session()
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition",
                        f'attachment; filename="class-answers-session-{session}.csv"')
        self.finish(rows_as_csv(await off_loop(self.store.events, session)))


class NewSession(_Instructor):
    """``POST /instructor/session``: counting starts afresh; the last session stays stored."""

    async def post(self) -> None:
        self.check_token()
        await off_loop(self.store.start_session, worker=_WRITES)
        self.redirect(self.url("instructor"))


class AssessmentReport(_Instructor):
    """``/instructor/assessment?id=N``: one candidate's report, one printable page."""

    async def get(self) -> None:
        import json

        from ._assessment import report_page

        self.check_token()
        wanted = self.get_argument("id", "")
        found = [s for s in await off_loop(self.store.sittings)
                 if str(s["id"]) == wanted and s["submitted"] is not None]
        if not found:
            raise tornado.web.HTTPError(404, "no paper handed in with that id")
        self.finish(report_page(found[0], json.loads(found[0]["result"])))


class LearnerPage(JupyterHandler):
    """``/learner``: the learner's nickname for the instructor (optional) and what is kept."""

    def get(self) -> None:
        _, nickname = learner_of(self)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(learner_page(nickname, self.xsrf_form_html(), self.base_url))

    def post(self) -> None:
        learner_of(self)
        nickname = clean_nickname(self.get_body_argument("nickname", ""))
        self.set_cookie(NICKNAME_COOKIE, quote(nickname), expires_days=365, httponly=True,
                        samesite="Lax")
        self.redirect(self.base_url)


def learner_page(nickname: str, xsrf_form: str, base_url: str) -> str:
    from ._pages import _page

    body = ("<h1>Your name for the instructor</h1>"
            "<p class='lead'>Optional. The instructor sees how the class answers the quizzes and "
            "predictions, to know what to explain again; other learners never see your answers. "
            "Without a name you are an anonymous number.</p>"
            f"<form method='post' action=\"{e(url_path_join(base_url, 'learner'))}\">{xsrf_form}"
            f"<label>Name or nickname <input name='nickname' maxlength='{NICKNAME_LENGTH}' "
            f"value=\"{e(nickname)}\"></label> <button type='submit'>Save</button></form>"
            f"<p><a href=\"{e(base_url)}\">Back to the lessons</a></p>")
    return _page("Your name for the instructor", body)


def instructor_handlers(base_url: str) -> list[tuple]:
    """The routes above, under ``base_url``."""
    routes = [("instructor", InstructorPage), ("instructor/projector", ProjectorPage),
              ("instructor/data", LiveData), ("instructor/answers.csv", AnswersCSV),
              ("instructor/session", NewSession), ("learner", LearnerPage),
              ("instructor/assessment", AssessmentReport)]
    return [(url_path_join(base_url, path), handler) for path, handler in routes]
