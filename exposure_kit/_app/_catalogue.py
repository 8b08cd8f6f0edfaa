"""The lessons a folder holds, with the title and one-line description their first cell gives.

The front page reads them from the notebooks themselves, so it never drifts from the lessons:
the title is the first markdown heading (without its number), the description the first
paragraph after it, or the first sentence of that paragraph when it runs long. A notebook may
also give ``metadata.exposure_kit.title`` / ``description``, which win.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

LESSON_NAME = re.compile(r"^(\d{2})_[\w-]+\.ipynb$")
LONG_DESCRIPTION = 200


@dataclass(frozen=True)
class Lesson:
    number: str
    title: str
    description: str
    filename: str


def plain_text(markdown: str) -> str:
    """Markdown emphasis, code marks and links reduced to their words, on one line.

    Examples
    --------
    >>> plain_text("**After this lesson you can** read a [grid](07_x.ipynb) of `net`")
    'After this lesson you can read a grid of net'
    """
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    text = re.sub(r"<[^>]+>", "", text).replace("\\$", "$")
    return " ".join(text.split())


def first_sentence(text: str) -> str:
    """The first sentence of a text that runs past 200 characters; the text itself otherwise.

    Examples
    --------
    >>> first_sentence("Short. Enough.")
    'Short. Enough.'
    >>> first_sentence("One idea here. " + "More words " * 30)
    'One idea here.'
    """
    if len(text) <= LONG_DESCRIPTION:
        return text
    match = re.match(r"(.+?[.!?])\s", text)
    return match.group(1) if match else text[:LONG_DESCRIPTION].rsplit(" ", 1)[0] + "…"


def title_and_description(markdown: str) -> tuple[str, str]:
    """The heading (its lesson number dropped) and the first paragraph of a markdown cell.

    Examples
    --------
    >>> title_and_description("# 03 Hedging spot\\n\\n**After this lesson you can** size a "
    ...                       "hedge.\\n\\n*Follows the guide.*")
    ('Hedging spot', 'After this lesson you can size a hedge.')
    """
    blocks = [b.strip() for b in re.split(r"\n\s*\n", markdown.strip()) if b.strip()]
    heading = next((b for b in blocks if b.startswith("#")), "")
    title = re.sub(r"^#+\s*(\d{2}\s+)?", "", heading.splitlines()[0] if heading else "")
    rest = [b for b in blocks if not b.startswith("#")]
    return plain_text(title), first_sentence(plain_text(rest[0])) if rest else ""


def read_lesson(path: Path) -> Lesson | None:
    """The lesson a notebook file is, or None when its name is not ``NN_name.ipynb``."""
    match = LESSON_NAME.match(path.name)
    if not match:
        return None
    notebook = json.loads(path.read_text(encoding="utf-8"))
    markdown = next(("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in notebook.get("cells", []) if c.get("cell_type") == "markdown"),
                    "")
    title, description = title_and_description(markdown)
    given = notebook.get("metadata", {}).get("exposure_kit", {})
    return Lesson(match.group(1), given.get("title") or title or path.stem,
                  given.get("description") or description, path.name)


def lessons_in(folder: Path) -> list[Lesson]:
    """Every lesson notebook directly in ``folder``, by number.

    Examples
    --------
    >>> import pathlib
    >>> root = pathlib.Path(__file__).resolve().parents[2]
    >>> [(l.number, l.title) for l in lessons_in(root / "notebooks")][:2]
    [('00', 'Start here: net exposure in crypto derivatives'), ('01', 'Net versus gross')]
    """
    found = (read_lesson(p) for p in sorted(Path(folder).glob("*.ipynb")))
    return sorted((lesson for lesson in found if lesson), key=lambda lesson: lesson.filename)
