"""Build the lesson notebooks from their sources, one MyST Markdown file per lesson.

    .venv/bin/python lessons/build.py               # every lesson, executed, into notebooks/
    .venv/bin/python lessons/build.py 03 06         # only lessons 03 and 06
    .venv/bin/python lessons/build.py --app DIR     # the web-app copies that `make app` serves
    .venv/bin/python lessons/build.py --app DIR --instructor   # the same, quizzes with a
                                                    # "Show all solutions" switch (a projector)

A source, ``lessons/NN_name.md``, is a jupytext notebook in MyST Markdown: prose is markdown,
code is a ``{code-cell}``. JupyterLab opens it as a notebook (jupytext), so it can be edited and
run there. Two cell tags choose where a cell goes:

``lab-only``  only in ``notebooks/`` (JupyterLab: prose about running cells, exercise links);
``app-only``  only in the app copies (Voila: the code is hidden and there is nowhere to type).

A code cell whose first line is ``# NBVAL_CHECK_OUTPUT`` has its printed output compared by
``make test`` (nbval reads that comment; it is kept as written in both builds). Every lesson ends
with a link to the next one, added here. Write dollar signs in prose as plain ``$``: the build
escapes them so that JupyterLab and Voila show them as text, not as mathematics.

The JupyterLab notebooks are stored executed, so the checked cells (the key numbers of each
example) are compared by ``make test``: an engine change that moves them fails the suite. The app
copies are not executed: Voila runs them for each visitor.
"""
import pathlib
import re
import sys

import jupytext
import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import TagRemovePreprocessor

from exposure_kit._markdown import dollars_as_text

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = sorted(HERE.glob("[0-9][0-9]_*.md"))
STEMS = [path.stem for path in SOURCES]
LAB_ONLY, APP_ONLY = "lab-only", "app-only"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def source(stem):
    """The lesson ``stem`` as jupytext reads it, every cell kept."""
    return jupytext.read(HERE / f"{stem}.md")


def title_of(stem):
    """The lesson's title: its first heading, without the '#'."""
    first = next(c.source for c in source(stem).cells if c.cell_type == "markdown")
    return first.splitlines()[0].lstrip("# ").strip()


def footer(stem):
    """A line to the next lesson and back to the map (the last lesson only goes back)."""
    index = STEMS.index(stem)
    links = []
    if index + 1 < len(STEMS):
        following = STEMS[index + 1]
        links.append(f"Next: [{title_of(following)}]({following}.ipynb)")
    if index > 0:
        links.append("[all lessons](00_start_here.ipynb)")
    return " · ".join(links)


def without_tagged(nb, tag):
    """``nb`` less the cells tagged ``tag``."""
    remover = TagRemovePreprocessor(enabled=True, remove_cell_tags={tag})
    return remover.preprocess(nb, {})[0]


def notebook(stem, app=False):
    """The lesson for JupyterLab (or for the app): untagged cells, plain metadata, stable ids,
    dollar signs in prose kept as text."""
    kept = without_tagged(source(stem), LAB_ONLY if app else APP_ONLY)
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": dict(KERNELSPEC)})
    sources = [(c.cell_type, c.source) for c in kept.cells] + [("markdown", footer(stem))]
    for number, (kind, text) in enumerate(sources):
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(dollars_as_text(text))
        else:
            cell = nbformat.v4.new_code_cell(text)
        cell.id = f"cell-{number:02d}"
        nb.cells.append(cell)
    return nb


def for_instructor(nb):
    """The app copy whose quizzes have the "Show all solutions" switch (``quiz("NN")`` becomes
    ``quiz("NN", instructor=True)``); learners' copies never have it."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = re.sub(r'\bquiz\("(\d\d)"\)', r'quiz("\1", instructor=True)', cell.source)
    return nb


def cells_for(stem, app=False):
    """(cell type, source) of every cell of lesson ``stem``, for JupyterLab or for the app."""
    return [(c.cell_type, c.source) for c in notebook(stem, app).cells]


def build(target, only=None, run=True, app=False, instructor=False):
    target = pathlib.Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for stem in STEMS:
        if only and not any(stem.startswith(o) for o in only):
            continue
        nb = notebook(stem, app)
        if instructor:
            nb = for_instructor(nb)
        if run:
            NotebookClient(nb, timeout=120, kernel_name="python3",
                           resources={"metadata": {"path": str(target)}}).execute()
        path = target / f"{stem}.ipynb"
        nbformat.write(nb, path)
        print("wrote", path)


if __name__ == "__main__":
    args = sys.argv[1:]
    instructor = "--instructor" in args
    args = [a for a in args if a != "--instructor"]
    if args[:1] == ["--app"]:
        build(args[1] if len(args) > 1 else ROOT / "build" / "app", run=False, app=True,
              instructor=instructor)
    else:
        build(ROOT / "notebooks", args or None)
