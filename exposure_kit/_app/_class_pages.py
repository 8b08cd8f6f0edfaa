"""The instructor's pages: the class view, the projector view and the spread of a prediction.

Self-contained HTML (styles inline, charts as inline SVG, a few lines of script that poll this
server's JSON every second); every text that came from a learner or a lesson is escaped here.
"""

from __future__ import annotations

import html
import statistics
import time
from urllib.parse import quote, urlencode

from .._format import usd
from ._class_view import LearnerFigures, PredictionFigures, QuestionFigures, _number

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       background: #f5f6f8; color: #1d2330; }
main { max-width: 1240px; margin: 0 auto; padding: 14px 20px 40px; }
h1 { font-size: 1.4rem; margin: 0 0 4px; }
h2 { font-size: 1.1rem; margin: 20px 0 6px; }
.bar { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 0 0 8px; }
.bar form { margin: 0; }
button, a.button { font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid #1f5fbf;
       background: #fff; color: #1f5fbf; text-decoration: none; cursor: pointer; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e1e4ea; vertical-align: top; }
th { background: #eef1f6; font-size: .9rem; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.share { display: inline-block; height: 8px; background: #1b7f3b; vertical-align: middle; }
.share.low { background: #b3261e; }
ul.slips { margin: 0; padding-left: 18px; }
ul.slips li { margin: 0 0 2px; }
.muted { color: #5b6475; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid #d5d9e0; border-radius: 8px; padding: 8px 12px; }
#stamp { font-size: .85rem; }
.projector main { max-width: none; padding: 24px 48px; }
.projector h1 { font-size: 2.6rem; line-height: 1.2; margin: 0 0 10px; }
.projector .big { font-size: 2.2rem; margin: 6px 0; }
.projector ul.slips { font-size: 1.7rem; list-style: none; padding: 0; }
.projector ul.slips li { margin: 10px 0; }
.projector .count { display: inline-block; min-width: 2.5ch; font-weight: 700; color: #b3261e; }
"""

SCRIPT = """
(function () {
  var box = document.getElementById("live"), stamp = document.getElementById("stamp");
  var last = "";
  function tick() {
    fetch(box.dataset.src, {cache: "no-store", credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (d) {
        if (d.version !== last) { box.innerHTML = d.html; last = d.version; }
        stamp.textContent = "updated " + d.updated;
      })
      .catch(function (e) { stamp.textContent = "not updating: " + e.message; })
      .then(function () { setTimeout(tick, 1000); });
  }
  setTimeout(tick, 1000);
})();
"""


PROJECTOR_CLASS = ' class="projector"'


def e(text) -> str:
    return html.escape(str(text), quote=True)


def describe(value: float, money: bool = False) -> str:
    """A number for the charts: thousands separated, small ones to 4 significant figures; in
    dollars (``-$30,000``) when ``money``."""
    if money:
        return usd(value)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"


def page(title: str, live_html: str, data_url: str, projector: bool = False) -> str:
    """The page around the live part: it fetches ``data_url`` every second."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            f"<title>{e(title)}</title><link rel=\"icon\" href=\"data:,\">"
            f"<style>{STYLE}</style></head>"
            f"<body{PROJECTOR_CLASS if projector else ''}><main>"
            f"<div id=\"live\" data-src=\"{e(data_url)}\" aria-live=\"polite\">{live_html}</div>"
            "<p class=\"muted\" id=\"stamp\"></p></main>"
            f"<script>{SCRIPT}</script></body></html>\n")


def share_cell(figures: QuestionFigures) -> str:
    share = figures.first_try_share
    if share is None:
        return "<td class='n muted'>-</td>"
    low = " low" if share < 0.5 else ""
    return (f"<td class='n'>{share:.0%} <span class='share{low}' "
            f"style='width:{round(60 * share)}px'></span></td>")


def slips_list(figures: QuestionFigures) -> str:
    items = [f"<li><b>{n}</b> &times; {e(slip)}</li>" for slip, n in figures.slips.most_common()]
    if figures.close:
        items.append(f"<li><b>{figures.close}</b> &times; close, outside the tolerance</li>")
    if figures.other_wrong:
        items.append(f"<li><b>{figures.other_wrong}</b> &times; another wrong answer</li>")
    return f"<ul class='slips'>{''.join(items)}</ul>" if items else "<span class='muted'>-</span>"


def new_numbers(figures: QuestionFigures) -> str:
    """Learners who took new numbers ("Try another"), and how many got them right first time."""
    if not figures.tried_another:
        return ""
    return (f"<br><span class='muted'>{figures.mastered_another} of {figures.tried_another} "
            f"right first time on new numbers</span>")


def question_rows(questions: list[QuestionFigures], link) -> str:
    rows = []
    for q in questions:
        rows.append(
            f"<tr><td>{e(q.lesson)}</td><td>{e(q.question.upper())}: {e(q.title)}</td>"
            f"<td class='n'>{q.answered} of {q.present}</td>{share_cell(q)}"
            f"<td class='n'>{q.correct_now}{new_numbers(q)}</td><td>{slips_list(q)}</td>"
            f"<td class='n'>{q.hints}</td><td class='n'>{q.solutions}</td>"
            f"<td><a href=\"{e(link(q.key))}\" target=\"_blank\" rel=\"noopener\">project</a>"
            f"</td></tr>")
    head = ("<tr><th>Lesson</th><th>Question</th><th>Answered</th><th>Right first try</th>"
            "<th>Right now</th><th>Slips (learners)</th><th>Hints</th><th>Solutions</th>"
            "<th></th></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def spread_svg(prediction: PredictionFigures, width: int = 560, height: int = 150) -> str:
    """The class's guesses against the answer: stacked dots on a number line, or bars."""
    if prediction.numeric:
        return _dots_svg([_number(g) for g in prediction.guesses], _number(prediction.answer),
                         width, height, prediction.money)
    return _bars_svg(prediction.guesses, prediction.answer, width)


def _dots_svg(guesses: list[float], answer: float, width: int, height: int,
              money: bool = False) -> str:
    lo, hi = min(guesses + [answer]), max(guesses + [answer])
    pad = (hi - lo) * 0.06 or abs(answer) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    left, right, base = 20, width - 20, height - 34

    def x(value: float) -> float:
        return left + (value - lo) / (hi - lo) * (right - left)

    bins: dict[int, int] = {}
    dots = []
    for value in sorted(guesses):
        column = round(x(value) / 10)
        level = bins.get(column, 0)
        bins[column] = level + 1
        cy = base - 6 - 11 * level
        if cy > 8:
            dots.append(f"<circle cx='{column * 10:.0f}' cy='{cy:.0f}' r='5' fill='#1f5fbf' "
                        f"fill-opacity='.75'><title>{e(describe(value, money))}</title></circle>")
    ax = x(answer)
    marks = (f"<line x1='{left}' x2='{right}' y1='{base}' y2='{base}' stroke='#5b6475'/>"
             f"<line x1='{ax:.0f}' x2='{ax:.0f}' y1='6' y2='{base + 4}' stroke='#b3261e' "
             f"stroke-width='3'/>"
             f"<text x='{left}' y='{base + 18}' font-size='12' fill='#5b6475'>"
             f"{e(describe(lo + pad, money))}</text>"
             f"<text x='{right}' y='{base + 18}' font-size='12' fill='#5b6475' "
             f"text-anchor='end'>{e(describe(hi - pad, money))}</text>"
             f"<text x='{min(max(ax, left + 60), right - 60):.0f}' y='{base + 30}' font-size='13' "
             f"font-weight='700' fill='#b3261e' text-anchor='middle'>answer "
             f"{e(describe(answer, money))}</text>")
    label = (f"The class's guesses (one dot a learner) against the answer "
             f"{describe(answer, money)}")
    return (f"<svg role='img' aria-label='{e(label)}' viewBox='0 0 {width} {height}' "
            f"width='100%' style='max-width:{width * 2}px'>{marks}{''.join(dots)}</svg>")


def _bars_svg(guesses: list[str], answer: str, width: int) -> str:
    """A bar a choice, its words above it; the answer's bar green."""
    counts: dict[str, int] = {}
    for guess in guesses:
        counts[guess] = counts.get(guess, 0) + 1
    counts.setdefault(answer, 0)
    top = max(counts.values()) or 1
    rows = []
    for i, (label, n) in enumerate(sorted(counts.items(), key=lambda kv: -kv[1])):
        y = 4 + 40 * i
        colour = "#1b7f3b" if label == answer else "#1f5fbf"
        bar = max(round((width - 60) * n / top), 2)
        mark = " (the answer)" if label == answer else ""
        rows.append(f"<text x='0' y='{y + 13}' font-size='13'>{e(label[:80])}"
                    f"<tspan font-weight='700' fill='#1b7f3b'>{mark}</tspan></text>"
                    f"<rect x='0' y='{y + 18}' width='{bar}' height='16' fill='{colour}'/>"
                    f"<text x='{bar + 6}' y='{y + 31}' font-size='13'>{n}</text>")
    height = 8 + 40 * len(counts)
    return (f"<svg role='img' aria-label='The class&#39;s choices' viewBox='0 0 {width} {height}' "
            f"width='100%' style='max-width:{width * 2}px'>{''.join(rows)}</svg>")


def prediction_summary(p: PredictionFigures) -> str:
    said = len(p.guesses)
    text = f"{said} predicted, {p.right} right"
    if p.shown_without_guess:
        text += f"; {p.shown_without_guess} asked to see it without a guess"
    numbers = [_number(g) for g in p.guesses] if p.numeric else []
    if len(numbers) >= 2:
        q1, _, q3 = statistics.quantiles(numbers, n=4, method="inclusive")
        text += (f". The middle half guessed {describe(q1, p.money)} to "
                 f"{describe(q3, p.money)}; the answer is {describe(_number(p.answer), p.money)}")
    elif not p.numeric:
        text += f". The answer: {p.answer}"
    return e(text) + "."


def prediction_cards(predictions: list[PredictionFigures], link) -> str:
    cards = []
    for p in predictions:
        cards.append(f"<div class='card'><b>Lesson {e(p.lesson)}:</b> {e(p.prompt)} "
                     f"<a href=\"{e(link(p.key))}\" target=\"_blank\" rel=\"noopener\">project</a>"
                     f"<div>{spread_svg(p)}</div><div class='muted'>{prediction_summary(p)}"
                     f"</div></div>")
    return f"<div class='cards'>{''.join(cards)}</div>"


def learner_rows(learners: list[LearnerFigures]) -> str:
    rows = "".join(f"<tr><td>{e(w.shown_as)}</td><td>{e(', '.join(sorted(w.lessons)))}</td>"
                   f"<td class='n'>{len(w.answered)}</td><td class='n'>{len(w.right)}</td>"
                   f"<td class='n'>{w.slips}</td></tr>" for w in learners)
    return ("<table><tr><th>Learner</th><th>Lessons</th><th>Questions answered</th>"
            f"<th>Right by now</th><th>Named slips</th></tr>{rows}</table>")


def class_view(questions: list[QuestionFigures], predictions: list[PredictionFigures],
               learners_seen: list[LearnerFigures] = (), *,
               session: int, sessions: list[tuple[int, float]], learners: int, answers: int,
               urls: dict, xsrf_form: str) -> str:
    """The live part of the instructor's page."""
    started = dict(sessions).get(session)
    when = time.strftime("%H:%M", time.localtime(started)) if started else "-"
    others = " ".join(f"<a href=\"{e(urls['session'](n))}\">{n}</a>" for n, _ in sessions
                      if n != session)
    head = (f"<h1>The class, session {session}</h1>"
            f"<div class='bar'><span>started {e(when)}; {learners} learners; {answers} answers, "
            f"hints and solutions recorded</span>"
            f"<a class='button' href=\"{e(urls['csv'])}\" download>Export CSV</a>"
            f"<form method='post' action=\"{e(urls['new'])}\">{xsrf_form}"
            f"<button type='submit'>New session</button></form>"
            + (f"<span class='muted'>earlier sessions: {others}</span>" if others else "")
            + "</div>")
    body = "<h2>Questions, most missed first</h2>"
    body += question_rows(questions, urls["project"]) if questions else \
        "<p class='muted'>No quiz answer yet in this session.</p>"
    body += "<h2>Predictions: the class's guesses against the answer</h2>"
    body += prediction_cards(predictions, urls["project"]) if predictions else \
        "<p class='muted'>No prediction yet in this session.</p>"
    if learners_seen:
        body += "<h2>Learners (for you only; the projector view has no names)</h2>"
        body += learner_rows(learners_seen)
    return head + body


def projector_view(item: QuestionFigures | PredictionFigures | None) -> str:
    """One question or prediction, large and anonymous: counts and slips, no names."""
    if item is None:
        return "<h1>Nothing recorded for this question yet.</h1>"
    if isinstance(item, PredictionFigures):
        return (f"<h1>Lesson {e(item.lesson)}: {e(item.prompt)}</h1>"
                f"<p class='big'>{prediction_summary(item)}</p>"
                f"<div>{spread_svg(item, width=900, height=220)}</div>")
    share = item.first_try_share
    right = f"{item.first_try_correct} right first try ({share:.0%})" if share is not None \
        else "no answer yet"
    wrong = [*item.slips.most_common(), ("close, but outside the tolerance", item.close),
             ("another wrong answer", item.other_wrong)]
    top = max([n for _, n in wrong] + [1])
    slips = "".join(f"<li><span class='count'>{n}</span> <span class='share low' style='height:"
                    f"14px;width:{round(240 * n / top)}px'></span> {e(slip)}</li>"
                    for slip, n in wrong if n)
    heading = "<p class='big'>The wrong answers, by learners:</p>" if slips else ""
    return (f"<h1>Lesson {e(item.lesson)}, question {e(item.question[1:])}: {e(item.title)}</h1>"
            f"<p class='big'>{item.answered} of {item.present} answered; {right}</p>"
            f"{heading}<ul class='slips'>{slips}</ul>")


def query(path: str, **params) -> str:
    """``path`` with its query string (values quoted)."""
    return f"{path}?{urlencode(params, quote_via=quote)}"
