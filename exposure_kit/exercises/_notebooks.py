"""The exercise notebooks, written from the lesson modules so that the two stay in step."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .._markdown import dollars_as_text
from . import LESSONS
from ._framework import ChoiceQuestion, NumberQuestion, Question

__all__ = ["lesson_module", "exercise_notebook", "write_notebooks", "EXERCISES_DIR"]



def _exercises_dir() -> Path:
    """The checkout's exercises/ folder; for an installed package, exercises/ in the current folder
    (``python -m exposure_kit.exercises.build`` writes the notebooks there)."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "exercises").is_dir():
        return checkout / "exercises"
    return Path.cwd() / "exercises"


EXERCISES_DIR = _exercises_dir()

_HOW = """**How this works.** Each question states its numbers. Replace `____` in the answer cell with
your answer and run the cell: it says *Correct*, *Incorrect* (and, when it recognises the slip, which
one) or *Not attempted*. Stuck? Uncomment `ex.qN.hint()`; each call gives one more hint.
`ex.qN.solution()` shows a worked answer. The last cell shows your progress."""


def lesson_module(lesson: str | int) -> ModuleType:
    """The lesson's exercise module, from ``"lesson03"``, ``"03"`` or ``3``."""
    number = int(str(lesson).removeprefix("lesson"))
    return importlib.import_module(f"{__package__}.lesson{number:02d}")


def questions(module: ModuleType) -> list[Question]:
    """The module's questions in order."""
    return list(module.progress.questions.values())


def _markdown(text: str) -> str:
    """Prose with its dollar signs shown as text in JupyterLab and Voila, not as mathematics."""
    return dollars_as_text(text)


def _question_cells(question: Question, solutions: bool, setup_above: bool) -> list:
    """Heading and prompt, the data (unless the question before set up the same), the answer
    cell and a cell for help."""
    number = question.name[1:]
    text = f"## Question {number}: {question.title}\n\n{question.prompt}"
    if isinstance(question, ChoiceQuestion):
        text += "\n\n" + question.options_markdown()
    if setup_above:
        text += "\n\n*The data are those of the question above.*"
    cells = [new_markdown_cell(_markdown(text))]
    if question.setup and not setup_above:
        cells.append(new_code_cell(question.setup, metadata={"exercise": {
            "question": question.name, "role": "setup"}}))
    body = question.solution_code if solutions else question.blank
    cells.append(new_code_cell(f"{body}\n\nex.{question.name}.check({question.answer_name})",
                               metadata={"exercise": {"question": question.name,
                                                      "role": "answer"}}))
    if solutions and isinstance(question, (NumberQuestion, ChoiceQuestion)):
        # the instructor's copy shows the value, to read out in class
        value = "float(answer)" if isinstance(question, NumberQuestion) else "answer"
        cells.append(new_code_cell(f"{value}   # the expected {question.kind}",
                                   metadata={"exercise": {"question": question.name,
                                                          "role": "value"}}))
    more = (f"\n# ex.{question.name}.another()   # the same question with new numbers"
            if question.drawable else "")
    cells.append(new_code_cell(f"# ex.{question.name}.hint()\n# ex.{question.name}.solution()"
                               + more,
                               metadata={"exercise": {"question": question.name,
                                                      "role": "help"}}))
    return cells


def exercise_notebook(lesson: str | int, solutions: bool = False) -> nbformat.NotebookNode:
    """The exercise notebook of a lesson, blank or with its solutions filled in."""
    module = lesson_module(lesson)
    short = module.__name__.rsplit(".", 1)[-1]
    title = module.TITLE + (" (solutions)" if solutions else "")
    cells = [new_markdown_cell(f"# {title}\n\n{_markdown(module.INTRO)}\n\nThe lesson: "
                               f"[`notebooks/{module.STEM}.ipynb`](../notebooks/{module.STEM}.ipynb)"
                               f"\n\n{_HOW}"),
             new_code_cell("import exposure_kit as ek\n"
                           "from exposure_kit.exercises import ____\n"
                           f"from exposure_kit.exercises import {short} as ex")]
    previous = None
    for question in questions(module):
        cells += _question_cells(question, solutions,
                                 setup_above=bool(question.setup) and question.setup == previous)
        previous = question.setup or previous
    cells += [new_markdown_cell("## Your progress"), new_code_cell("ex.progress")]
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                       "language": "python"},
        "language_info": {"name": "python"}})
    return notebook


def write_notebooks(folder: str | Path = EXERCISES_DIR, solutions: bool = False) -> list[Path]:
    """Write every lesson's exercise notebook into ``folder``; return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for lesson in LESSONS:
        try:
            module = lesson_module(lesson)
        except ModuleNotFoundError:
            continue
        path = folder / f"{module.STEM}.ipynb"
        notebook = exercise_notebook(lesson, solutions)
        for i, cell in enumerate(notebook.cells):   # stable ids keep git diffs small
            cell["id"] = f"{module.STEM[:2]}-{i:02d}"
        nbformat.write(notebook, path)
        paths.append(path)
    return paths
