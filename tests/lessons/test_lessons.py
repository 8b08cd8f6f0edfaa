"""The series' structure: every lesson has goals, a dashboard, a prediction, key points and a
working link to its exercises; stored notebooks match their sources (lessons/NN_name.md) and were
stored executed."""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[01][0-9]_*.ipynb"))
sys.path.insert(0, str(ROOT / "lessons"))


def cells(path):
    return json.loads(path.read_text())["cells"]


def text(path, kind):
    return "\n".join("".join(c["source"]) for c in cells(path) if c["cell_type"] == kind)


def test_the_series_is_complete():
    stems = [p.stem[:2] for p in LESSONS]
    assert stems == [f"{i:02d}" for i in range(13)]


@pytest.mark.parametrize("path", LESSONS[1:], ids=lambda p: p.stem)
def test_lesson_structure(path):
    prose, code = text(path, "markdown"), text(path, "code")
    assert "**After this lesson you can**" in prose            # learning goals first
    assert "*Follows the guide" in prose                       # which part of the guide
    assert "**Predict first.**" in prose
    assert "## Key points" in prose
    assert re.search(r"widgets\.\w+(Dashboard|Explorer)(\.from_book)?\(", code)
    # key numbers compared by nbval, or revealed by a prediction that test_practice.py drives
    assert "# NBVAL_CHECK_OUTPUT" in code or "widgets.Prediction.for_lesson(" in code
    links = re.findall(r"\]\((\.\./exercises/[^)]+\.ipynb)\)", prose)
    assert links and all((NOTEBOOKS / link).resolve().exists() for link in links)
    assert Path(links[0]).stem == path.stem                    # the lesson's own exercises


def test_start_here_links_every_lesson_and_exercises():
    prose = text(NOTEBOOKS / "00_start_here.ipynb", "markdown")
    for lesson in LESSONS[1:]:
        assert f"({lesson.name})" in prose
    assert "../exercises/01_net_vs_gross.ipynb" in prose


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_stored_executed_without_errors(path):
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code)
    assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"]


def test_no_missing_values_printed():
    """A NaN in a printed table is a join gone wrong (a Series indexed by name set on a frame
    indexed 0..n-1), and a checked cell would lock it in."""
    for path in LESSONS:
        for cell in cells(path):
            for output in cell.get("outputs", []):
                shown = "".join(output.get("text", "")) + "".join(
                    output.get("data", {}).get("text/plain", ""))
                assert not re.search(r"\b(NaN|nan|None|inf)\b", shown), (path.name, shown[:200])


def test_no_hand_typed_dollar_amounts_in_prose():
    for path in LESSONS:
        assert not re.search(r"\$\d", text(path, "markdown")), path.name


def test_every_lesson_has_one_source():
    import build
    assert build.STEMS == [p.stem for p in LESSONS]


def test_notebooks_match_their_sources():
    """notebooks/ is rebuilt from lessons/NN_name.md: cell for cell, outputs aside."""
    import build
    for stem in build.STEMS:
        stored = [(c["cell_type"], "".join(c["source"])) for c in cells(NOTEBOOKS / f"{stem}.ipynb")]
        assert stored == build.cells_for(stem), \
            f"{stem}: out of step with lessons/{stem}.md, run make lessons"


def test_sources_use_only_the_known_tags():
    """A misspelt tag would keep a cell in both builds without a word."""
    import build
    known = {build.LAB_ONLY, build.APP_ONLY}
    for stem in build.STEMS:
        for cell in build.source(stem).cells:
            assert set(cell.metadata.get("tags", [])) <= known, (stem, cell.source[:60])


def test_sources_read_back_as_written():
    """A source saved from JupyterLab (jupytext) comes out as it went in: no noise in diffs."""
    import jupytext

    import build
    for path in build.SOURCES:
        written = jupytext.writes(jupytext.read(path), fmt="md:myst")
        assert without_version(written) == without_version(path.read_text()), path.name


def without_version(source: str) -> str:
    """A source less the line naming the jupytext release that wrote it: the sources, not the
    version of the tool, are what this compares."""
    return re.sub(r"(?m)^\s*jupytext_version: .*\n", "", source)


def test_the_version_line_is_all_that_is_set_aside():
    source = "---\njupytext:\n  text_representation:\n    jupytext_version: 1.19.6\n---\n# x\n"
    assert without_version(source) == "---\njupytext:\n  text_representation:\n---\n# x\n"
    assert without_version(source.replace("# x", "# y")) != without_version(source)


def test_tags_choose_the_build():
    """A lab-only cell is in notebooks/ and not in the app, an app-only cell the other way round."""
    import build
    start = build.source("00_start_here").cells
    lab_only = next(c.source for c in start if build.LAB_ONLY in c.metadata.get("tags", []))
    app_only = next(c.source for c in start if build.APP_ONLY in c.metadata.get("tags", []))
    lab = [s for _, s in build.cells_for("00_start_here")]
    app = [s for _, s in build.cells_for("00_start_here", app=True)]
    assert lab_only in lab and lab_only not in app
    assert app_only in app and app_only not in lab


def test_every_lesson_leads_to_the_next(tmp_path):
    import build
    for index, stem in enumerate(build.STEMS):
        footer = "".join(cells(NOTEBOOKS / f"{stem}.ipynb")[-1]["source"])
        targets = re.findall(r"\]\(([^)]+\.ipynb)\)", footer)
        assert all((NOTEBOOKS / t).exists() for t in targets)
        if index + 1 < len(build.STEMS):
            assert targets[0] == f"{build.STEMS[index + 1]}.ipynb"


def test_app_copies_need_no_code_and_no_exercise_notebooks(tmp_path):
    """Voila shows the lessons with their code hidden and cannot open the exercises: the app
    copies leave out the prose about running cells and the links that would 404."""
    import build
    build.build(tmp_path, run=False, app=True)
    for lesson in LESSONS:
        app = tmp_path / lesson.name
        prose = text(app, "markdown")
        assert "../exercises/" not in prose and "Shift+Enter" not in prose, lesson.name
        assert "NBVAL" not in prose and "exposure_kit.plots" not in prose, lesson.name
        quiz = f'\nfrom exposure_kit.exercises import quiz\nquiz("{lesson.name[:2]}")'
        lab_only = {c.source for c in build.source(lesson.stem).cells
                    if c.cell_type == "code" and build.LAB_ONLY in c.metadata.get("tags", [])}
        shared = "\n".join("".join(c["source"]) for c in cells(lesson)
                           if c["cell_type"] == "code" and "".join(c["source"]) not in lab_only)
        assert text(app, "code") == shared + (quiz if lesson.name[:2] != "00" else "")
    assert "JupyterLab" in text(tmp_path / "01_net_vs_gross.ipynb", "markdown")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_chart_is_shown(path):
    for cell in cells(path):
        source = "".join(cell["source"])
        # a prediction's chart is drawn only when the learner answers (tests/widgets/test_predict.py)
        if cell["cell_type"] == "code" and "plots." in source and "Prediction(" not in source:
            assert any("image/png" in o.get("data", {}) for o in cell["outputs"]), \
                f"{path.name}: a chart cell shows no picture"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_dashboard_is_stored_with_a_picture(path):
    """Opened before it is run, JupyterLab draws the stored picture (not ``VBox(children=...``);
    tests/browser/test_picture_in_browser.py looks at the page."""
    dashboards = [c for c in cells(path) if c["cell_type"] == "code"
                  and re.search(r"widgets\.\w+(Dashboard|Explorer)(\.from_book)?\(", "".join(c["source"]))]
    assert dashboards
    for cell in dashboards:
        shown = ["".join(o["data"].get("text/html", "")) for o in cell["outputs"]
                 if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert len(shown) == 1 and "ek-still" in shown[0], path.name
        if "ek-held-back" in shown[0]:     # held back by a prediction: its note, not its answer
            continue
        assert "data:image/png;base64," in shown[0], path.name


def test_lessons_use_only_the_public_api():
    for path in LESSONS:
        assert not re.search(r"(from|import)\s+exposure_kit\S*\._", text(path, "code")), path.name


def test_every_numbered_lesson_has_checked_numbers():
    """A lesson whose printed figures no cell checks can drift silently (lesson 03 lost its
    checked cell in a merge once): each lesson from 01 on keeps at least one."""
    import build
    for path in build.SOURCES:
        if not path.name.startswith("00"):
            assert "# NBVAL_CHECK_OUTPUT" in path.read_text(), path.name
