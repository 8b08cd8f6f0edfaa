"""Write the exercise notebooks with their solutions filled in, for instructors.

``python -m exposure_kit.exercises.solutions OUTDIR`` (``make solutions`` writes them to
``build/solutions``, which git ignores). Run them top to bottom: every check says *Correct*.
"""

import sys

from ._notebooks import write_notebooks


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m exposure_kit.exercises.solutions OUTDIR", file=sys.stderr)
        return 2
    for path in write_notebooks(argv[0], solutions=True):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
