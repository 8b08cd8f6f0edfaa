"""The onboarding assessment in the classroom server: no kernel, plain pages and one form.

- ``/assessment``: the candidate gives a name or an id and starts (or resumes) a sitting;
- ``/assessment/paper?sitting=...``: the paper (every question, a box each; a countdown when
  the sitting has a time limit), handed in once;
- ``/assessment/done?sitting=...``: handed in: the time taken and the score per topic;
- ``/instructor/assessment?token=...&id=N``: one candidate's report, one printable page.

The sitting's seed is the server's (``--ClassroomVoila.assessment_seed``, random at start when
0) and is never shown to a candidate: with it and a candidate's id the package prints the worked
answers. The papers are built and marked on a thread of their own (the first use imports the
exercise modules, pandas included, into the server: about 1.1 s of CPU and 80 MB once).
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join

from .._errors import InputError
from ._class_pages import e, query
from ._pages import STYLE as PAGE_STYLE

_MARKING = ThreadPoolExecutor(1, thread_name_prefix="assessment")

STYLE = PAGE_STYLE + """
main { max-width: 900px; }
.question { background: #fff; border: 1px solid #d5d9e0; border-radius: 8px; padding: 10px 16px;
            margin: 0 0 12px; }
.question h3 { margin: 2px 0 6px; font-size: 1.02rem; }
.topic { color: #5b6475; font-weight: 400; font-size: .9rem; }
.question input { font: inherit; padding: 4px 8px; width: 260px; }
.bar { position: sticky; top: 0; background: #f5f6f8; padding: 8px 0; display: flex; gap: 16px;
       align-items: center; border-bottom: 1px solid #d5d9e0; margin: 0 0 12px; z-index: 1; }
#countdown { font-weight: 700; font-variant-numeric: tabular-nums; }
#countdown.low { color: #b3261e; }
button { font: inherit; padding: 6px 16px; border-radius: 6px; border: 1px solid #1f5fbf;
         background: #1f5fbf; color: #fff; cursor: pointer; }
label input { font: inherit; padding: 4px 8px; width: 280px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 4px 7px; border-bottom: 1px solid #e1e4ea; vertical-align: top; }
th { background: #eef1f6; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.correct { color: #1b7f3b; font-weight: 600; }
.wrong { color: #b3261e; font-weight: 600; }
.muted { color: #5b6475; }
.ek-quiz-data td, .ek-quiz-data th { padding: 2px 10px; }
.scores { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; margin: 0 0 10px; }
.score { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; padding: 4px 8px;
         display: flex; justify-content: space-between; gap: 6px; }
.report main { max-width: 1100px; padding-top: 16px; }
.report h1 { font-size: 1.4rem; }
.report h2 { font-size: 1.05rem; margin: 10px 0 4px; }
.report table { font-size: .86rem; }
.report p { margin: 4px 0 8px; }
.report td.v { white-space: nowrap; }
.report td.q { width: 38%; }
.score b { white-space: nowrap; }
"""

PAPER_SCRIPT = """
(function () {
  var form = document.getElementById("paper"), key = "ek-assessment-" + form.dataset.sitting;
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input.answer"));
  var kept = {};
  try { kept = JSON.parse(localStorage.getItem(key) || "{}"); } catch (err) { kept = {}; }
  boxes.forEach(function (box, i) {
    if (kept[box.name] && !box.value) { box.value = kept[box.name]; }
    box.addEventListener("input", function () {
      kept[box.name] = box.value;
      try { localStorage.setItem(key, JSON.stringify(kept)); } catch (err) {}
    });
    box.addEventListener("keydown", function (ev) {   // Enter: this answer done, the next box
      if (ev.key !== "Enter") { return; }
      ev.preventDefault();
      (boxes[i + 1] || document.getElementById("hand-in")).focus();
    });
  });
  var timeUp = false;
  form.addEventListener("submit", function (ev) {
    var empty = boxes.filter(function (b) { return !b.value.trim(); }).length;
    if (!timeUp && empty && !window.confirm(empty + " question(s) have no answer. Hand in " +
                                            "the paper anyway? It can be handed in only once.")) {
      ev.preventDefault();
    }
  });
  var clock = document.getElementById("countdown");
  if (!clock) { return; }
  var deadline = Number(clock.dataset.deadline);
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    clock.className = left < 120 ? "low" : "";
    if (left === 0) { timeUp = true; form.requestSubmit(); return; }
    setTimeout(tick, 1000);
  }
  tick();
})();
"""


def _page(title: str, body: str, script: str = "", printable: bool = False) -> str:
    extra = ("@media print { body { background: #fff; font-size: 9pt; } main { padding: 0; "
             "max-width: none; } .report table { font-size: 8pt; } td, th { padding: 2px 5px; } "
             ".noprint { display: none; } } @page { size: A4; margin: 10mm; }"
             if printable else "")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><link rel=\"icon\" href=\"data:,\">"
            f"<style>{STYLE}{extra}</style></head>"
            f"<body{' class=report' if printable else ''}><main>{body}</main>"
            + (f"<script>{script}</script>" if script else "") + "</body></html>\n")


def minutes_and_seconds(seconds: float) -> str:
    """A duration as people say it.

    Examples
    --------
    >>> minutes_and_seconds(1390), minutes_and_seconds(42), minutes_and_seconds(3720)
    ('23 min 10 s', '42 s', '62 min')
    """
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min" + (f" {seconds % 60} s" if seconds % 60 else "")


# ----- what the candidate sees -----------------------------------------------------------------
def start_page(xsrf_form: str, action: str, minutes: float, problem: str = "") -> str:
    timing = (f"You have {minutes:g} minutes from the moment you start; a clock counts down and "
              "the paper is handed in when it reaches zero." if minutes else
              "There is no time limit; the time you take is noted on the report.")
    body = ("<h1>Assessment: net exposure in crypto derivatives</h1>"
            "<p class='lead'>Fourteen questions across the series, most with numbers drawn for you "
            "alone. There are no hints and no worked solutions; "
            f"your answers are marked when you hand the paper in, once. {e(timing)}</p>"
            + (f"<p class='wrong'>{e(problem)}</p>" if problem else "")
            + f"<form method='post' action=\"{e(action)}\">{xsrf_form}"
            "<p><label>Your name or candidate id <input name='candidate' maxlength='60' "
            "autocomplete='off' required autofocus></label></p>"
            "<p class='muted'>Only that is kept with your answers. Starting again with the same "
            "name returns to the same paper, its clock still running.</p>"
            "<button type='submit'>Start the assessment</button></form>")
    return _page("Assessment: start", body)


def question_html(item, value: str = "") -> str:
    """One question of the paper: its prompt and data as the quizzes show them, and a box."""
    from ..exercises._quiz import _markdown_html, data_html, in_words

    question = item.question
    return (f"<section class='question' id='q{item.number}'>"
            f"<h3>Question {item.number}: {e(question.title)} "
            f"<span class='topic'>({e(item.topic)})</span></h3>"
            f"{_markdown_html(in_words(question.prompt))}{data_html(question)}"
            f"<label>Your answer <input class='answer' name='a{item.number}' "
            f"value=\"{e(value)}\" autocomplete='off' inputmode='decimal' "
            f"placeholder='e.g. 12,345 or 7.5%'></label></section>")


def paper_page(candidate_paper, sitting: dict, xsrf_form: str, action: str) -> str:
    clock = ""
    if sitting["time_limit"]:
        deadline = (sitting["started"] + sitting["time_limit"]) * 1000
        clock = (f"<span>Time left: <span id='countdown' data-deadline='{deadline:.0f}'>"
                 f"</span></span>")
    questions = "".join(question_html(item) for item in candidate_paper.questions)
    body = (f"<h1>Assessment: {e(sitting['candidate'])}</h1>"
            "<p class='lead'>Type each answer as a number: <b>12,345</b>, <b>$12.3k</b>, "
            "<b>1.7M</b>, <b>-1,234.5</b>, <b>7.5%</b> or <b>0.075</b>, <b>3.25x</b>. Enter "
            "takes you to the next question; your answers are kept in this browser if the page "
            "reloads. Hand the paper in once, at the end.</p>"
            f"<form id='paper' method='post' action=\"{e(action)}\" "
            f"data-sitting=\"{e(sitting['sitting'])}\">{xsrf_form}"
            f"<input type='hidden' name='sitting' value=\"{e(sitting['sitting'])}\">"
            f"<div class='bar'>{clock}<span>{len(candidate_paper.questions)} questions</span>"
            "</div>"
            f"{questions}<p><button id='hand-in' type='submit'>Hand in the paper</button></p>"
            "</form>")
    return _page(f"Assessment: {sitting['candidate']}", body, PAPER_SCRIPT)


def score_table(result: dict) -> str:
    """The score per topic, four topics a row."""
    cells = "".join(
        f"<div class='score'><span>{e(topic)}</span> <b>{right} of {asked}</b></div>"
        for topic, (right, asked) in result["by_topic"].items())
    return f"<div class='scores' aria-label='Score per topic'>{cells}</div>"


def done_page(sitting: dict, result: dict, base_url: str) -> str:
    right, asked = result["score"]
    scored = (f"{right} of {asked} right." if result["on_time"] else
              "It came in after the time limit, so it is not scored.")
    body = (f"<h1>Handed in: {e(sitting['candidate'])}</h1>"
            f"<p class='lead'>Your paper is marked and your instructor has the report. Time "
            f"taken: {e(minutes_and_seconds(result['seconds']))}. {e(scored)}</p>"
            + (score_table(result) if result["on_time"] else "")
            + f"<p><a href=\"{e(base_url)}\">Back to the lessons</a></p>")
    return _page("Assessment: handed in", body)


# ----- what the instructor sees ------------------------------------------------------------------
def result_of(marked) -> dict:
    """A marked paper as kept in the store (JSON): what the report shows, fixed when handed in."""
    from ..exercises._assessment import _expected_text

    return {
        "seconds": marked.seconds, "time_limit": marked.time_limit, "on_time": marked.on_time,
        "score": list(marked.score()),
        "by_topic": {t: list(pair) for t, pair in marked.by_topic().items()},
        "answers": [{"number": a.item.number, "topic": a.item.topic, "source": a.item.source,
                     "title": a.item.question.title, "variant_seed": a.item.variant_seed,
                     "typed": a.typed, "verdict": a.verdict, "message": a.message,
                     "expected": _expected_text(a.item.question)} for a in marked.answers]}


def _when(seconds: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds)) if seconds else "-"


def sittings_html(sittings: list[dict], report_url) -> str:
    """The instructor's list of sittings, newest first, each with a link to its report."""
    if not sittings:
        return ("<h2>Assessments</h2><p class='muted'>No assessment started yet (candidates "
                "open /assessment).</p>")
    rows = []
    for s in sittings:
        if s["submitted"] is None:
            over = s["time_limit"] and time.time() > s["started"] + s["time_limit"] + 30
            state, score, link = "time up, not handed in" if over else "in progress", "-", ""
        else:
            result = json.loads(s["result"])
            right, asked = result["score"]
            state = minutes_and_seconds(result["seconds"]) + ("" if result["on_time"] else
                                                                " (over time)")
            score = f"{right} of {asked}"
            link = f"<a href=\"{e(report_url(s['id']))}\" target='_blank'>report</a>"
        rows.append(f"<tr><td>{e(s['candidate'])}</td><td>{e(_when(s['started']))}</td>"
                    f"<td>{e(state)}</td><td class='n'>{e(score)}</td><td>{link}</td></tr>")
    return ("<h2>Assessments</h2><table><tr><th>Candidate</th><th>Started</th>"
            "<th>Time taken</th><th>Score</th><th>Report</th></tr>" + "".join(rows) + "</table>")


def _verdict_cell(answer: dict) -> str:
    if answer["verdict"] == "correct":
        return "<td class='v correct'>correct</td>"
    if answer["verdict"] == "not answered":
        return "<td class='v muted'>not answered</td>"
    return f"<td class='v wrong'>{e(answer['verdict'])}</td>"


def report_page(sitting: dict, result: dict) -> str:
    """One candidate's report, printable on one page."""
    right, asked = result["score"]
    limit = (f"limit {minutes_and_seconds(result['time_limit'])}" if result["time_limit"]
             else "untimed")
    late = "" if result["on_time"] else " <b class='wrong'>Over the time limit: not scored.</b>"
    rows = "".join(
        f"<tr><td class='n'>{a['number']}</td><td class='q'>{e(a['title'])}<br><span class='muted'>"
        f"{e(a['topic'])}; {e(a['source'])}, "
        f"{'numbers of seed ' + str(a['variant_seed']) if a['variant_seed'] else 'fixed numbers'}"
        f"</span></td><td class='n'>{e(a['typed'])}</td>{_verdict_cell(a)}"
        f"<td>{e(a['message'])}</td><td class='n'>{e(a['expected'])}</td></tr>"
        for a in result["answers"])
    candidate = sitting["candidate"].replace("'", "")
    body = (f"<h1>Assessment report: {e(sitting['candidate'])}</h1>"
            f"<p><b>{right} of {asked} right</b>; time taken "
            f"{e(minutes_and_seconds(result['seconds']))} ({e(limit)}); started "
            f"{e(_when(sitting['started']))}, handed in {e(_when(sitting['submitted']))}; "
            f"seed {e(sitting['seed'])}.{late}</p>"
            f"{score_table(result)}<h2>Answers</h2>"
            "<table><tr><th>#</th><th>Question</th><th>Typed</th><th>Verdict</th>"
            f"<th>The slip the check named</th><th>Expected</th></tr>{rows}</table>"
            "<p class='muted'>The exact paper with its worked answers: <code>make assessment "
            f"SEED={e(sitting['seed'])} CANDIDATE='{e(candidate)}'</code>. What this shows: "
            "the candidate worked these numbers, which no one else had. What it does not: who "
            "was at the keyboard, or that the candidate is ready to trade.</p>"
            "<p class='noprint'><button onclick='window.print()'>Print</button></p>")
    return _page(f"Assessment report: {sitting['candidate']}", body, printable=True)


# ----- the handlers ------------------------------------------------------------------------------
async def _on_thread(function, *args):
    from tornado.ioloop import IOLoop
    return await IOLoop.current().run_in_executor(_MARKING, function, *args)


def _build(candidate: str, seed: int):
    from ..exercises._assessment import paper
    return paper(candidate, seed)


def _marked(candidate: str, seed: int, typed: dict, started: float, submitted: float,
            limit: float) -> dict:
    from ..exercises._assessment import mark
    return result_of(mark(_build(candidate, seed), typed, started, submitted, limit))


class _Candidate(JupyterHandler):
    """A candidate's page: no token, no kernel; the sitting's token names the paper."""

    @property
    def store(self):
        return self.settings["exposure_answers"]

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        error = kwargs.get("exc_info", (None, None))[1]
        reason = getattr(error, "log_message", None) or self._reason
        self.finish(f"{status_code}: {reason}\n")

    def write_html(self, text: str) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(text)

    def link(self, path: str, **params) -> str:
        path = url_path_join(self.base_url, path)
        return query(path, **params) if params else path

    def the_sitting(self) -> dict:
        sitting = self.store.sitting(self.get_argument("sitting", ""))
        if sitting is None:
            raise tornado.web.HTTPError(404, "no such sitting: start again from /assessment")
        return sitting


class AssessmentStart(_Candidate):
    """``/assessment``: a name or an id, then the paper."""

    def get(self) -> None:
        self.write_html(start_page(self.xsrf_form_html(), self.link("assessment"),
                                   self.settings.get("exposure_assessment_minutes", 0.0)))

    async def post(self) -> None:
        from ..exercises._assessment import candidate_key

        typed = self.get_body_argument("candidate", "")
        try:
            candidate = candidate_key(typed)
        except InputError as error:
            self.set_status(400)
            self.write_html(start_page(self.xsrf_form_html(), self.link("assessment"),
                                       self.settings.get("exposure_assessment_minutes", 0.0),
                                       str(error).removeprefix("candidate: ").capitalize()))
            return
        seed = self.settings["exposure_assessment_seed"]
        limit = 60.0 * self.settings.get("exposure_assessment_minutes", 0.0)
        sitting = await _on_thread(self.store.start_sitting, candidate, seed, limit)
        where = "assessment/done" if sitting["submitted"] is not None else "assessment/paper"
        self.redirect(self.link(where, sitting=sitting["sitting"]))


class AssessmentPaper(_Candidate):
    """``/assessment/paper``: the questions (GET) and the paper handed in (POST)."""

    async def get(self) -> None:
        sitting = self.the_sitting()
        if sitting["submitted"] is not None:
            self.redirect(self.link("assessment/done", sitting=sitting["sitting"]))
            return
        built = await _on_thread(_build, sitting["candidate"], int(sitting["seed"]))
        self.write_html(await _on_thread(paper_page, built, sitting, self.xsrf_form_html(),
                                         self.link("assessment/paper")))

    async def post(self) -> None:
        sitting = self.store.sitting(self.get_body_argument("sitting", ""))
        if sitting is None:
            raise tornado.web.HTTPError(404, "no such sitting: start again from /assessment")
        if sitting["submitted"] is None:
            typed = {int(name[1:]): self.get_body_argument(name, "")
                     for name in self.request.body_arguments
                     if name[:1] == "a" and name[1:].isdigit() and int(name[1:]) < 100}
            now = time.time()
            result = await _on_thread(_marked, sitting["candidate"], int(sitting["seed"]),
                                      typed, sitting["started"], now, sitting["time_limit"])
            await _on_thread(self.store.hand_in, sitting["sitting"], now, json.dumps(result))
        self.redirect(self.link("assessment/done", sitting=sitting["sitting"]))


class AssessmentDone(_Candidate):
    """``/assessment/done``: handed in."""

    def get(self) -> None:
        sitting = self.the_sitting()
        if sitting["submitted"] is None:
            self.redirect(self.link("assessment/paper", sitting=sitting["sitting"]))
            return
        self.write_html(done_page(sitting, json.loads(sitting["result"]), self.base_url))


def assessment_handlers(base_url: str) -> list[tuple]:
    """The candidate's routes, under ``base_url`` (the report is the instructor's: _instructor)."""
    routes = [("assessment", AssessmentStart), ("assessment/paper", AssessmentPaper),
              ("assessment/done", AssessmentDone)]
    return [(url_path_join(base_url, path), handler) for path, handler in routes]
