"""The HTML the server writes itself: the front page and the "class is full" page.

Both are self-contained (styles inline, no script, no font or icon from anywhere), readable at
1366x768 and on a phone, and say in plain words what to do.
"""

from __future__ import annotations

from html import escape

from ._catalogue import Lesson

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       background: #f5f6f8; color: #1d2330; }
main { max-width: 860px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 6px; }
p.lead { margin: 0 0 24px; color: #3b4354; }
ol { list-style: none; padding: 0; margin: 0; }
li { margin: 0 0 10px; }
a.lesson { display: flex; gap: 16px; align-items: baseline; padding: 12px 16px;
           background: #fff; border: 1px solid #d5d9e0; border-radius: 8px;
           color: inherit; text-decoration: none; }
a.lesson:hover, a.lesson:focus { border-color: #1f5fbf; outline: 2px solid #1f5fbf; }
.number { font-weight: 700; font-size: 1.2rem; color: #1f5fbf; min-width: 2ch; }
.title { font-weight: 650; font-size: 1.05rem; }
.start { display: inline-block; margin-left: 8px; padding: 1px 8px; border-radius: 10px;
         background: #1f5fbf; color: #fff; font-size: .8rem; font-weight: 600; }
.description { display: block; margin-top: 3px; color: #3b4354; line-height: 1.4; }
li.first a.lesson { border: 2px solid #1f5fbf; }
"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><link rel="icon" href="data:,">'
            f"<style>{STYLE}</style></head><body><main>{body}</main></body></html>\n")


def lesson_item(lesson: Lesson, href: str) -> str:
    """One lesson as a list item: number, title, description; lesson 00 marked as the start."""
    first = lesson.number == "00"
    badge = '<span class="start">Start here</span>' if first else ""
    return (f'<li{" class=first" if first else ""}><a class="lesson" href="{escape(href)}">'
            f'<span class="number">{escape(lesson.number)}</span><span>'
            f'<span class="title">{escape(lesson.title)}</span>{badge}'
            f'<span class="description">{escape(lesson.description)}</span></span></a></li>')


def front_page(lessons: list[Lesson], base_url: str) -> str:
    """The list of lessons, each opening in the same tab."""
    items = "".join(lesson_item(lesson, f"{base_url}voila/render/{lesson.filename}")
                    for lesson in lessons)
    body = ("<h1>Net exposure in crypto derivatives</h1>"
            '<p class="lead">Interactive lessons. New here? Begin with lesson 00; each lesson '
            "ends with a link to the next.</p>"
            f'<ol aria-label="Lessons">{items}</ol>'
            f'<p class="lead" style="margin-top:20px">In a class? <a href="{escape(base_url)}'
            'learner">Give the instructor a name</a> (optional).</p>')
    if not lessons:
        body += "<p>No lessons in this folder yet: run <code>make app</code> to build them.</p>"
    return _page("Lessons: net exposure in crypto derivatives", body)


def full_page(reason: str, base_url: str, title: str = "The class is full") -> str:
    """The page a visitor gets when no kernel can be started for them, titled for why."""
    body = (f"<h1>This lesson cannot open right now</h1><p>{escape(reason)}</p>"
            f'<p><a href="{escape(base_url)}">Back to the list of lessons</a></p>')
    return _page(title, body)
