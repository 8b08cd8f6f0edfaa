"""Print a candidate's exact assessment paper with its worked answers, for the instructor.

``python -m exposure_kit.exercises.assessment --seed 2026 --candidate "Ana Ruiz"``
(``make assessment SEED=2026 CANDIDATE="Ana Ruiz"``). The seed is the sitting's, printed by the
classroom server at start and on every report; the candidate's id as they typed it (case and
spacing do not matter). Keep the output to instructors: it holds every answer.
"""

from __future__ import annotations

import argparse
import sys

from .._errors import InputError
from ._assessment import answer_key


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m exposure_kit.exercises.assessment",
                                     description="A candidate's paper with worked answers.")
    parser.add_argument("--seed", required=True, help="the sitting's seed (on the report)")
    parser.add_argument("--candidate", required=True, help="the candidate's name or id")
    args = parser.parse_args(argv)
    try:
        seed = int(args.seed)
        if seed <= 0:   # the server never sits a paper on seed 0: SEED was left out
            raise InputError("give the sitting's seed, SEED=... (on the report, and printed "
                             "by the server at start)")
        print(answer_key(args.candidate, seed))
    except (InputError, ValueError) as error:
        print(f"assessment: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
