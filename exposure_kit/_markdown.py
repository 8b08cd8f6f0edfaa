"""Notebook prose that JupyterLab and Voila show as written: dollar signs kept as text."""

from __future__ import annotations

import re

__all__ = ["dollars_as_text", "NO_MATHS"]

# The class that keeps MathJax out of an HTML output ("$30,000 ... $50,000" is not a formula).
# JupyterLab 4 and Voila run MathJax 3, which skips "mathjax_ignore" and not MathJax 2's
# "tex2jax_ignore" (both checked in Chromium); the older name stays for older front ends.
NO_MATHS = "mathjax_ignore tex2jax_ignore"

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_DOLLAR = re.compile(r"\\*\$")
# Markdown reads "\\" as one backslash, so MathJax then sees "\$": its escaped, literal dollar.
# A single "\$" is not enough: the markdown renderer drops that backslash before MathJax looks.
_LITERAL_DOLLAR = "\\\\$"


def _escaped(prose: str) -> str:
    """Every ``$`` of ``prose`` outside code spans written as ``\\\\$``."""
    pieces, start = [], 0
    for span in _CODE_SPAN.finditer(prose):
        pieces += [_DOLLAR.sub(lambda _: _LITERAL_DOLLAR, prose[start:span.start()]), span.group()]
        start = span.end()
    pieces.append(_DOLLAR.sub(lambda _: _LITERAL_DOLLAR, prose[start:]))
    return "".join(pieces)


def dollars_as_text(markdown: str) -> str:
    """Markdown whose dollar signs render as dollar signs, not as mathematics.

    JupyterLab and Voila typeset the text between two ``$`` as a formula: "long $220,000 of BTC
    and short $180,000" would come out as italic letters with the spaces gone. Each ``$`` outside
    code (spans and fenced blocks) is written ``\\\\$``, the one spelling checked to render as a
    plain ``$`` in both (``\\$``, ``&#36;`` and a ``<span>`` do not). Already escaped signs are
    left as they are, so applying it twice changes nothing.

    Parameters
    ----------
    markdown : str
        The text of a markdown cell, with plain ``$`` signs.

    Returns
    -------
    str
        The same text with each dollar sign outside code escaped for JupyterLab and Voila.

    Examples
    --------
    >>> print(dollars_as_text("long $220,000, short $180,000; code: `cost = '$5'`"))
    long \\\\$220,000, short \\\\$180,000; code: `cost = '$5'`
    >>> dollars_as_text(dollars_as_text("$1")) == dollars_as_text("$1")
    True
    """
    out, prose, fence = [], [], None
    for line in markdown.splitlines(keepends=True):
        marker = _FENCE.match(line)
        if fence is None and marker:
            out.append(_escaped("".join(prose)))
            prose, fence = [], marker.group(1)
            out.append(line)
        elif fence is not None:
            out.append(line)
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
        else:
            prose.append(line)
    out.append(_escaped("".join(prose)))
    return "".join(out)
