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

    def live_urls(self, session: int) -> dict:
        return {"csv": self.url("instructor/answers.csv", session=session),
                "new": url_path_join(self.base_url, "instructor/session"),
                "session": lambda n: self.url("instructor", session=n),
                "project": lambda k: self.url("instructor/projector", session=session, q=k),
                "report": lambda n: self.url("instructor/assessment", id=n)}

    def live_form(self) -> str:
        return self.xsrf_form_html() + \
            f"<input type='hidden' name='token' value=\"{e(self.get_argument('token'))}\">"

    async def live_html(self, session: int, view: str, key: str) -> tuple[str, str]:
        """The live part and its version: built again only when the store changed, at most
        twice a second (see :class:`LiveViews`); the form's one-time xsrf value put in per
        request, so a built view serves every poll."""
        views = _live_views(self.store)
        html, version = await views.html(session, view, key, self.live_urls(session))
        return html.replace(FORM_MARK, self.live_form()), version

    def live_html_each_poll(self, session: int, view: str, key: str) -> str:
        """The way before: the live part read and built at each poll. Kept
        only for ``/instructor/data?way=each-poll``, which ``benchmarks/class_answers.py`` times
        side by side with the way above."""
        urls = self.live_urls(session)
        built = render_live(self.store, _BEFORE.setdefault(id(self.store), SessionEvents(
            self.store)), session, view, key, urls)
        return built.replace(FORM_MARK, self.live_form())


# The store's slow work on threads of its own: writes (which may wait for SQLite's lock) and
# the CSV export; the server keeps serving meanwhile.
_READS = ThreadPoolExecutor(1, thread_name_prefix="class-answers-read")
_WRITES = ThreadPoolExecutor(1, thread_name_prefix="class-answers-write")
FORM_MARK = "<!--ek-form-->"     # where a page's form fields go (its xsrf value is per request)
REBUILD_EVERY = 0.5              # s: a view is built at most this often while the class answers
_BEFORE: dict[int, SessionEvents] = {}


async def off_loop(function, *args, worker: ThreadPoolExecutor = _READS):
    """``function(*args)`` on one of the store's threads: the server keeps serving meanwhile."""
    return await IOLoop.current().run_in_executor(worker, function, *args)


class LiveViews:
    """The live part of the instructor's pages for one store, kept built.

    While a class answers, the store changes several times a second and each open page polls
    every second. A poll costs one small query (the store's version) and reuses the view built
    last; the view is built again only when the store changed, and at most once every
    :data:`REBUILD_EVERY` s, however many pages poll, so a new answer shows within a second.

    Built on the event loop, on purpose: moved to a thread, a build (a few ms of Python) had to
    win the interpreter's lock back and forth from a loop busy with forty kernels' messages,
    and a poll's p95 grew from 0.1 s to 1.7 s in ``benchmarks/class_answers.py``.
    """

    def __init__(self, store) -> None:
        self.store = store
        self._reader = SessionEvents(store)
        self._built: dict[tuple, tuple[tuple, str, float]] = {}

    async def html(self, session: int, view: str, key: str, urls: dict) -> tuple[str, str]:
        wanted = (session, view, key)
        version = self.store.version(session)
        last = self._built.get(wanted)
        if last is None or last[0] != version and \
                time.monotonic() - last[2] >= REBUILD_EVERY:
            last = self._built[wanted] = (version, render_live(
                self.store, self._reader, session, view, key, urls), time.monotonic())
        return last[1], repr(last[0])


_LIVE: dict[int, LiveViews] = {}


def _live_views(store) -> LiveViews:
    if id(store) not in _LIVE:
        _LIVE[id(store)] = LiveViews(store)
    return _LIVE[id(store)]


def render_live(store, reader: SessionEvents, session: int, view: str, key: str,
                urls: dict) -> str:
    """The live part of the main or projector view, with :data:`FORM_MARK` for the form."""
    events = reader.events(session)
    present = store.learners_in(session)
    questions = question_figures(events, present)
    predictions = prediction_figures(events)
    if view == "projector":
        found = [x for x in [*questions, *predictions] if x.key == key]
        return projector_view(found[0] if found else None)
    from ._assessment import sittings_html  # the candidates' papers, newest first

    learners = {ev["learner"] for ev in events} | set().union(*present.values())
    return class_view(questions, predictions, learner_figures(events), session=session,
                      sessions=store.sessions(), learners=len(learners), answers=len(events),
                      urls=urls, xsrf_form=FORM_MARK) + \
        sittings_html(store.sittings(), urls["report"])


class InstructorPage(_Instructor):
    """``/instructor``: the whole class."""

    async def get(self) -> None:
        self.check_token()
        session = await self.session()
        data = self.url("instructor/data", session=session)
        live, _ = await self.live_html(session, "main", "")
        self.finish(page("The class: instructor's view", live, data))


class ProjectorPage(_Instructor):
    """``/instructor/projector``: one question in large type, no names."""

    async def get(self) -> None:
        self.check_token()
        session, key = await self.session(), self.get_argument("q", "")
        data = self.url("instructor/data", session=session, view="projector", q=key)
        live, _ = await self.live_html(session, "projector", key)
        self.finish(page("The class: one question", live, data, projector=True))


class LiveData(_Instructor):
    """``/instructor/data``: the live part of a page, as JSON."""

    async def get(self) -> None:
        self.check_token()
        view = "projector" if self.get_argument("view", "") == "projector" else "main"
        session, key = await self.session(), self.get_argument("q", "")
        started = time.perf_counter()
        if self.get_argument("way", "") == "each-poll":
            html = self.live_html_each_poll(session, view, key)
            version = f"each-poll {time.time()}"
        else:
            html, version = await self.live_html(session, view, key)
        self.set_header("Server-Timing", f"live;dur={(time.perf_counter() - started) * 1000:.1f}")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"html": html, "version": version,
                                "updated": time.strftime("%H:%M:%S")}))


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
