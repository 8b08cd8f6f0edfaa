"""The exercise notebooks: in step with the lesson modules, run top to bottom unanswered (every
check says "Not attempted"), and run with their solutions filled in (every check says "Correct")."""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from exposure_kit.exercises import LESSONS, NumberQuestion
from exposure_kit.exercises._notebooks import (
    EXERCISES_DIR,
    exercise_notebook,
    lesson_module,
    questions,
    write_notebooks,
)

pytestmark = pytest.mark.notebook


def run(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(EXERCISES_DIR)}}).execute()
    return notebook


def check_outputs(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """The plain-text result of each question's answer cell."""
    out = {}
    for cell in notebook.cells:
        role = cell.get("metadata", {}).get("exercise", {})
        if role.get("role") == "answer":
            texts = [o["data"]["text/plain"] for o in cell.outputs if "data" in o]
            assert len(texts) == 1, f"{role['question']}: {cell.outputs}"
            assert "<div" in cell.outputs[-1]["data"]["text/html"]
            out[role["question"]] = texts[0]
    return out


def test_stored_notebooks_match_the_lesson_modules(tmp_path):
    fresh = {p.name: p for p in write_notebooks(tmp_path)}
    assert sorted(fresh) == sorted(p.name for p in Path(EXERCISES_DIR).glob("*.ipynb"))
    for name, path in fresh.items():
        stored = nbformat.read(EXERCISES_DIR / name, as_version=4)
        made = nbformat.read(path, as_version=4)
        assert [c.source for c in stored.cells] == [c.source for c in made.cells], \
            f"{name} is out of date: run python -m exposure_kit.exercises.build"


@pytest.mark.parametrize("lesson", LESSONS)
def test_unanswered_notebook_runs_and_says_not_attempted(lesson):
    notebook = run(exercise_notebook(lesson))
    results = check_outputs(notebook)
    names = [q.name for q in questions(lesson_module(lesson))]
    assert list(results) == names
    assert all(text.startswith("Not attempted") for text in results.values()), results
    progress = notebook.cells[-1].outputs[0]["data"]["text/plain"]
    assert f"0 of {len(names)} correct" in progress and f"{len(names)} not attempted" in progress


def shown_values(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """The value each "value" cell of an instructor's copy shows."""
    return {cell.metadata["exercise"]["question"]: cell.outputs[0]["data"]["text/plain"]
            for cell in notebook.cells
            if cell.get("metadata", {}).get("exercise", {}).get("role") == "value"}


@pytest.mark.parametrize("lesson", LESSONS)
def test_notebook_with_solutions_passes_every_check(lesson):
    notebook = run(exercise_notebook(lesson, solutions=True))
    results = check_outputs(notebook)
    assert results and all(text == "Correct" for text in results.values()), results
    for name, shown in shown_values(notebook).items():   # the instructor reads the value
        question = getattr(lesson_module(lesson), name)
        if isinstance(question, NumberQuestion):
            assert question.check(float(shown)).correct, (name, shown)
        else:
            assert question.check(shown.strip("'\"")).correct, (name, shown)
    progress = notebook.cells[-1].outputs[0]["data"]["text/plain"]
    assert f"{len(results)} of {len(results)} correct" in progress


def test_solutions_command_writes_every_notebook(tmp_path):
    from exposure_kit.exercises.solutions import main
    assert main([str(tmp_path / "solutions")]) == 0
    written = sorted(p.name for p in (tmp_path / "solutions").glob("*.ipynb"))
    assert written == sorted(f"{lesson_module(name).STEM}.ipynb" for name in LESSONS)
    assert main([]) == 2


def test_dollar_signs_are_not_read_as_mathematics():
    """JupyterLab and Voila typeset text between two $ as maths: prose writes each sign as \\\\$
    (markdown leaves \\$, MathJax's literal dollar; a lone \\$ loses its backslash to markdown
    first and is typeset), and the checks' coloured results tell MathJax to leave them alone.
    tests/browser/test_markdown_in_browser.py looks at the rendered page."""
    escaped = 0
    for path in (sorted(EXERCISES_DIR.glob("*.ipynb"))
                 + sorted((EXERCISES_DIR.parent / "notebooks").glob("*.ipynb"))):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                prose = "".join(cell["source"]).split("`")[::2]      # outside code spans
                for sign in (m for part in prose for m in re.finditer(r"(\\*)\$", part)):
                    assert sign.group(1) == "\\\\", (path.name, sign.string[:80])
                    escaped += 1
    assert escaped > 0                  # the exercises do state dollar amounts
    from exposure_kit.exercises import lesson01
    # MathJax 3 (JupyterLab 4, Voila) skips mathjax_ignore; it does not know tex2jax_ignore
    assert "mathjax_ignore" in lesson01.q1.check(1.0)._repr_html_()
    assert "mathjax_ignore" in lesson01.progress._repr_html_()
