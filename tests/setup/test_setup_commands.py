"""`make lab` and the conda route serve the project folder, so that the lessons' links to the
exercises (``../exercises/...``) resolve, and they open the start-here lesson."""

import re
from pathlib import Path

from browser_support import make_recipe

ROOT = Path(__file__).resolve().parents[2]


def lab_command() -> str:
    return next(line for line in make_recipe("lab") if "jupyter lab" in line)


def served_paths(command: str) -> tuple[Path, str]:
    root = re.search(r"--ServerApp\.root_dir=(\S+)", command)
    url = re.search(r"--LabApp\.default_url=/lab/tree/(\S+)", command)
    assert url, command
    return (ROOT / root.group(1)).resolve() if root else ROOT, url.group(1)


def test_make_lab_serves_the_project_and_opens_lesson_00():
    root, start = served_paths(lab_command())
    assert root == ROOT
    assert start == "notebooks/00_start_here.ipynb" and (root / start).exists()
    # a lesson's link ../exercises/x.ipynb, seen from notebooks/, stays inside the served root
    assert (root / "notebooks" / ".." / "exercises").resolve().is_relative_to(root)


def test_the_conda_route_in_the_readme_opens_the_same_place():
    readme = (ROOT / "README.md").read_text()
    command = next(line for line in readme.splitlines() if line.startswith("jupyter lab"))
    assert served_paths(command) == (ROOT, "notebooks/00_start_here.ipynb")
