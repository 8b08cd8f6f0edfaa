"""Build the lesson notebooks from their sources (lessons_a.py, lessons_b.py) and execute them.

    .venv/bin/python lessons/build.py            # every lesson, into notebooks/
    .venv/bin/python lessons/build.py 03 06      # only lessons 03 and 06

The notebooks are stored executed, so the cells marked ``# NBVAL_CHECK_OUTPUT`` (the key numbers
of each example) are compared by ``make test``: an engine change that moves them fails the suite.
"""
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from lessons_a import LESSONS as A
from lessons_b import LESSONS as B

def build(target, only=None, run=True):
    target = pathlib.Path(target)
    for stem, cells in A + B:
        if only and not any(stem.startswith(o) for o in only):
            continue
        nb = nbformat.v4.new_notebook()
        for kind, text in cells:
            if kind == "md":
                nb.cells.append(nbformat.v4.new_markdown_cell(text))
            else:
                src = ("# NBVAL_CHECK_OUTPUT\n" + text) if kind == "check" else text
                nb.cells.append(nbformat.v4.new_code_cell(src))
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
        path = target / f"{stem}.ipynb"
        if run:
            NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(target)}}).execute()
        nbformat.write(nb, path)
        print("wrote", path)

if __name__ == "__main__":
    root = pathlib.Path(__file__).resolve().parents[1]
    build(root / "notebooks", sys.argv[1:] or None)
