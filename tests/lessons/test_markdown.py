"""Dollar signs in notebook prose: written so that JupyterLab and Voila show them as text.

The expected strings are written out by hand: markdown turns ``\\\\$`` into ``\\$``, which MathJax
shows as a plain dollar sign (checked in the browser by tests/browser/test_markdown_in_browser.py)."""

from exposure_kit._markdown import dollars_as_text


def test_every_sign_in_prose_is_escaped():
    assert dollars_as_text("long $220,000 and short $180,000") == \
        r"long \\$220,000 and short \\$180,000"


def test_code_spans_and_fenced_blocks_are_left_alone():
    text = "pay `cost = '$5'` or ``a ` $6``, then $7\n```python\nprint('$8')\n```\nand $9\n"
    assert dollars_as_text(text) == \
        "pay `cost = '$5'` or ``a ` $6``, then \\\\$7\n```python\nprint('$8')\n```\nand \\\\$9\n"


def test_signs_already_escaped_are_not_escaped_twice():
    assert dollars_as_text(r"a \$1 and \\$2") == r"a \\$1 and \\$2"
    once = dollars_as_text("| A | $900,000 | $870,000 |")
    assert dollars_as_text(once) == once == r"| A | \\$900,000 | \\$870,000 |"


def test_prose_without_dollars_is_unchanged():
    text = "## Key points\n\n- net = long - short\n- gross = long + short\n"
    assert dollars_as_text(text) == text
