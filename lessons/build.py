"""Build the lesson notebooks from their sources (lessons_a.py, lessons_b.py).

    .venv/bin/python lessons/build.py               # every lesson, executed, into notebooks/
    .venv/bin/python lessons/build.py 03 06         # only lessons 03 and 06
    .venv/bin/python lessons/build.py --app DIR     # the web-app copies that `make app` serves

A source is a list of cells: ("md", text), ("code", source), ("check", source) for a code cell
whose output `make test` compares (it gets ``# NBVAL_CHECK_OUTPUT``), and ("lab", text) or
("app", text) for prose that only makes sense with the code visible (JupyterLab) or hidden (the
Voila app: no code to run, no exercise notebooks to open). Every lesson ends with a link to the
next one.

The JupyterLab notebooks are stored executed, so the checked cells (the key numbers of each
example) are compared by ``make test``: an engine change that moves them fails the suite. The app
copies are not executed: Voila runs them for each visitor.
"""
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from lessons_a import LESSONS as A
from lessons_b import LESSONS as B

LESSONS = A + B
ROOT = pathlib.Path(__file__).resolve().parents[1]


def title_of(cells):
    """The lesson's title: its first heading, without the '#'."""
    first = next(text for kind, text in cells if kind == "md")
    return first.splitlines()[0].lstrip("# ").strip()


def footer(index):
    """A line to the next lesson and back to the map (the last lesson only goes back)."""
    links = []
    if index + 1 < len(LESSONS):
        stem, cells = LESSONS[index + 1]
        links.append(f"Next: [{title_of(cells)}]({stem}.ipynb)")
    if index > 0:
        links.append("[all lessons](00_start_here.ipynb)")
    return ("md", " · ".join(links))


def cells_for(index, app=False):
    """(kind, source) of every cell of lesson ``index``, for JupyterLab or for the app."""
    keep = "app" if app else "lab"
    chosen = []
    for kind, text in LESSONS[index][1] + [footer(index)]:
        if kind in ("lab", "app"):
            if kind == keep:
                chosen.append(("md", text))
        elif kind == "check":
            chosen.append(("code", "# NBVAL_CHECK_OUTPUT\n" + text))
        else:
            chosen.append((kind, text))
    return chosen


def notebook(index, app=False):
    nb = nbformat.v4.new_notebook()
    for kind, text in cells_for(index, app):
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        nb.cells.append(make(text))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    return nb


def build(target, only=None, run=True, app=False):
    target = pathlib.Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for index, (stem, _) in enumerate(LESSONS):
        if only and not any(stem.startswith(o) for o in only):
            continue
        nb = notebook(index, app)
        if run:
            NotebookClient(nb, timeout=120, kernel_name="python3",
                           resources={"metadata": {"path": str(target)}}).execute()
        path = target / f"{stem}.ipynb"
        nbformat.write(nb, path)
        print("wrote", path)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--app"]:
        build(args[1] if len(args) > 1 else ROOT / "build" / "app", run=False, app=True)
    else:
        build(ROOT / "notebooks", args or None)
