"""The README and docs/ hold together: every relative link reaches a file (and a heading, when it
names one), every `make TARGET` they name is a Makefile target, and the README stays short."""

import re
from pathlib import Path

import pytest

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").exists())
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Being written on other branches of the same piece of work (issue 27, issue 21 item 4); allowed
# by name until they land, checked like any other once they exist.
PENDING_FILES = {ROOT / "docs" / "hub.md"}
PENDING_TARGETS = {"check", "hub"}

FENCE = re.compile(r"^(```+|~~~+).*?^\1\s*$", re.S | re.M)
SPAN = re.compile(r"(`+)(.+?)\1", re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
MAKE = re.compile(r"(?:^|[\s;&(|])make\s+(?:-\S+\s+)*([a-z][\w-]*)", re.M)


def prose(text: str) -> str:
    """The text with code blocks and code spans taken out (links inside code are not links)."""
    return SPAN.sub("", FENCE.sub("", text))


def code(text: str) -> list[str]:
    """The code blocks and code spans of the text."""
    return [m.group(0) for m in FENCE.finditer(text)] + \
        [m.group(2) for m in SPAN.finditer(FENCE.sub("", text))]


def relative_links(text: str) -> list[str]:
    return [t for t in LINK.findall(prose(text))
            if not re.match(r"[a-z][a-z0-9+.-]*:", t)]       # http:, https:, mailto: ...


def anchors(text: str) -> set[str]:
    """GitHub's ids for the headings: lower case, punctuation dropped, spaces to hyphens, a
    repeated heading numbered -1, -2, ..."""
    seen: dict[str, int] = {}
    out = set()
    for heading in re.findall(r"^#{1,6}\s+(.*?)\s*#*\s*$", FENCE.sub("", text), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return {name for line in re.findall(r"^([\w.-][\w. -]*?)\s*:(?!=)", makefile, re.M)
            for name in line.split()}


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in relative_links(page.read_text()):
        path, _, fragment = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            if file not in PENDING_FILES:
                broken.append(f"{target}: no such file")
            continue
        if fragment and file.suffix == ".md" and fragment not in anchors(file.read_text()):
            broken.append(f"{target}: no heading #{fragment} in {file.name}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_reaches_a_file_and_heading(page):
    assert broken_links(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_make_target_named_exists(page):
    named = {t for block in code(page.read_text()) for t in MAKE.findall(block)}
    assert named - make_targets() - PENDING_TARGETS == set()


def test_the_readme_stays_a_front_door():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= 160, f"README.md has {len(lines)} lines; move detail to docs/"


def test_the_readme_points_into_every_docs_page():
    linked = {(ROOT / t.partition("#")[0]).resolve()
              for t in relative_links((ROOT / "README.md").read_text())}
    assert [p.name for p in PAGES[1:] if p.resolve() not in linked] == []


def test_the_checks_find_what_they_look_for(tmp_path):
    # a page with one good and two bad links, and make targets in code only
    (tmp_path / "there.md").write_text("# A heading: with `code`\n\n## Twice\n\n## Twice\n")
    page = tmp_path / "page.md"
    page.write_text("See [ok](there.md#a-heading-with-code), [ok](there.md#twice-1), "
                    "[gone](missing.md), [no heading](there.md#nowhere), "
                    "[web](https://example.org/x.md) and `[not a link](x.md)`.\n\n"
                    "```bash\nmake lab && make lessons ONLY=\"05\"\n```\n"
                    "Run `make nothing-such` to make a point.\n")
    assert broken_links(page) == ["missing.md: no such file",
                                  "there.md#nowhere: no heading #nowhere in there.md"]
    assert sorted(t for b in code(page.read_text()) for t in MAKE.findall(b)) == \
        ["lab", "lessons", "nothing-such"]
    assert {"lab", "test", "app", "lessons", "solutions"} <= make_targets()
    assert not {"PY", "VENV", "APP_IDLE"} & make_targets()
