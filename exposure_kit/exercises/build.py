"""Rewrite the exercise notebooks from the lesson modules: ``python -m exposure_kit.exercises.build``.

With a folder argument the notebooks go there instead of ``exercises/``.
"""

import sys

from ._notebooks import EXERCISES_DIR, write_notebooks


def main(argv: list[str]) -> int:
    folder = argv[0] if argv else EXERCISES_DIR
    for path in write_notebooks(folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
