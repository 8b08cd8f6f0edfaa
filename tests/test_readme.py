"""The README's taste of the API runs as written and prints what its comments say."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_prints_what_it_says():
    text = README.read_text()
    code = re.search(r"## A taste of the API.*?```python\n(.*?)```", text, re.S).group(1)
    promised = [re.match(r"print\(.*\)\s+#\s+(\S+(?: \S+)?)", line.strip())
                for line in code.splitlines() if line.strip().startswith("print(")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {})
    printed = out.getvalue().splitlines()
    for match, line in zip(promised, printed):
        if match:                         # a print with a comment: the comment starts the output
            words = match.group(1).split()
            assert line.split()[:len(words)] == words, (line, words)
    assert sum(m is not None for m in promised) == 6
