"""Write environment.yml from the lock, so the conda route installs the very versions pip does.

conda itself brings Python and pip; every package then comes from pip at the locked version (with
its environment marker), because conda-forge does not carry every locked release under the same
name. ``tests/setup/test_packaging.py`` fails when the two files drift apart.

    python tools/environment_from_lock.py requirements-lock.txt environment.yml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HEADER = """\
# The conda route: Python and pip from conda-forge, then every package at the version locked in
# requirements-lock.txt (written by `make lock`; do not edit by hand).
name: exposure-kit
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def locked_requirements(lock_text: str) -> list[str]:
    """``name==version`` lines of a pip lock, with their markers, without hashes or comments."""
    found = []
    for line in lock_text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*==[^\s;\\]+)(\s*;\s*[^\\]+?)?\s*\\?$", line)
        if match:
            found.append(match.group(1) + (f" ;{match.group(2).split(';', 1)[1]}" if match.group(2) else ""))
    return found


def environment_yml(lock_text: str) -> str:
    """The environment.yml text for a lock."""
    lines = [f"      - \"{requirement}\"" for requirement in locked_requirements(lock_text)]
    return HEADER + "\n".join(lines + ["      - -e ."]) + "\n"


if __name__ == "__main__":
    lock, out = (Path(arg) for arg in sys.argv[1:3])
    out.write_text(environment_yml(lock.read_text()))
