"""The README's and the docs' examples run as written: the taste of the API prints what its
comments say, and the history guide's commands run."""

import contextlib
import io
import re
from pathlib import Path

import exposure_kit as ek

README = Path(__file__).resolve().parents[2] / "README.md"


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


def test_history_guide_examples_run(tmp_path, monkeypatch):
    import re
    import shutil
    from pathlib import Path

    section = (Path(__file__).resolve().parents[2] / "docs" / "history.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(tmp_path)
    ek.sample_prices().to_csv("closes.csv")
    shutil.copy(ek.sample_path("desk_snapshots"), "snapshots.csv")
    book = ek.Book.from_records([
        {"underlying": "ETH", "kind": "spot", "side": "long", "notional": 1_000_000},
        {"underlying": "BTC", "kind": "perp", "side": "short", "notional": 1_000_000}])
    space = {"ek": ek, "book": book}
    for code in blocks:
        exec(compile(code, "docs/history.md", "exec"), space)
    assert space["replay"].count > 0 and len(space["history"]) > 30
