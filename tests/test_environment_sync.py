"""environment.yml (conda) lists the same packages, with the same bounds, as pyproject.toml."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")
_NOT_PACKAGES = {"python", "pip"}


def _split(requirement: str) -> tuple[str, str]:
    name, spec = _REQUIREMENT.match(requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_packages(text: str) -> dict[str, str]:
    project = tomllib.loads(text)["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(r) for r in requirements)


def conda_packages(text: str) -> dict[str, str]:
    """The top-level entries of ``dependencies:``, less python, pip and the pip sub-list."""
    packages, inside = {}, False
    for line in text.splitlines():
        if line.startswith("dependencies:"):
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            break
        item = re.match(r"^  - (\S.*)$", line)
        if inside and item and not item.group(1).startswith("pip:"):
            name, spec = _split(item.group(1))
            if name not in _NOT_PACKAGES:
                packages[name] = spec
    return packages


def test_environment_yml_matches_pyproject():
    assert conda_packages((ROOT / "environment.yml").read_text()) == \
        pyproject_packages((ROOT / "pyproject.toml").read_text())


def test_a_drifted_environment_is_caught():
    text = (ROOT / "environment.yml").read_text()
    dropped = text.replace("  - voila>=0.5\n", "")
    rebounded = text.replace("pandas>=2.0", "pandas>=1.5")
    assert dropped != text and rebounded != text
    for drifted in (dropped, rebounded):
        with pytest.raises(AssertionError):
            assert conda_packages(drifted) == pyproject_packages(
                (ROOT / "pyproject.toml").read_text())
