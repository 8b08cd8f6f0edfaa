"""Money and direction as a learner reads them: ``$150,000``, ``$150k``, ``$30,000 net long``."""

from __future__ import annotations

import math

__all__ = ["usd", "usd_short", "describe_net", "percent", "book_table"]


def usd(value: float, cents: bool = False) -> str:
    """Format a USD amount with thousands separators; negatives as ``-$1,000``.

    Examples
    --------
    >>> usd(150_000), usd(-2_500.5, cents=True)
    ('$150,000', '-$2,500.50')
    """
    if not math.isfinite(value):
        return "n/a"
    text = f"{abs(value):,.2f}" if cents else f"{abs(value):,.0f}"
    sign = "-" if value < 0 and text.strip("0.,") else ""
    return f"{sign}${text}"


def usd_short(value: float) -> str:
    """Format a USD amount compactly for axis ticks: ``$150k``, ``-$1.5M``, ``$800``.

    Examples
    --------
    >>> usd_short(150_000), usd_short(-1_500_000), usd_short(800)
    ('$150k', '-$1.5M', '$800')
    """
    if not math.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{sign}${size / limit:,.3g}{suffix}"
    return f"{sign}${size:,.0f}"


def describe_net(net: float, tolerance: float = 0.5) -> str:
    """Say a net exposure in words: ``$30,000 net long``, ``$5,000 net short`` or ``flat``.

    Parameters
    ----------
    net : float
        Signed net exposure in USD.
    tolerance : float, default 0.5
        Amounts smaller than this (half a dollar) read as flat.

    Examples
    --------
    >>> describe_net(30_000), describe_net(-5_000), describe_net(0.0)
    ('$30,000 net long', '$5,000 net short', 'flat ($0 net)')
    """
    if abs(net) < tolerance:
        return "flat ($0 net)"
    return f"{usd(abs(net))} net {'long' if net > 0 else 'short'}"


def percent(value: float, digits: int = 1) -> str:
    """Format a fraction as a percentage: ``0.2`` as ``20.0%``.

    Examples
    --------
    >>> percent(0.2)
    '20.0%'
    """
    if not math.isfinite(value):
        return "n/a"
    return f"{value * 100:.{digits}f}%"


_COLUMN_WORDS = {"name": "position", "underlying": "coin", "kind": "kind", "side": "side",
                 "quantity": "quantity", "price": "price", "notional": "notional",
                 "contract_size": "contract face (USD)", "entry_price": "entry price",
                 "strike": "strike", "option_type": "type"}


def book_table(book, columns=None):
    """A book's positions as a learner reads them: plain column names, the columns the book
    uses, prices and dollars as ``$60,000``, and each position's signed exposure.

    Parameters
    ----------
    book : Book
    columns : sequence of str, optional
        Which of the book's columns to show (default: those of ``name, underlying, kind, side,
        quantity, price, notional, contract_size, entry_price, strike, option_type`` it fills).

    Returns
    -------
    pandas.io.formats.style.Styler
        Shows as a table in Jupyter and Voila (no index).

    Examples
    --------
    >>> import exposure_kit as ek
    >>> table = book_table(ek.sample_book("guide_example_1"))
    >>> list(table.data.columns)
    ['position', 'coin', 'kind', 'side', 'notional', 'exposure (USD)']
    """
    frame = book.to_frame()
    wanted = [c for c in (columns or _COLUMN_WORDS) if c in frame.columns
              and frame[c].notna().any() and not (frame[c].astype(str) == "False").all()]
    table = frame[wanted].assign(exposure=book.exposures().to_numpy())
    table = table.rename(columns={**_COLUMN_WORDS, "exposure": "exposure (USD)"})
    money = {"price", "notional", "entry price", "strike", "exposure (USD)"}

    def number(value):
        return "" if value != value or value is None else f"{value:,g}"

    formats = {c: (lambda v: "" if v != v or v is None else usd(v)) if c in money else number
               for c in table.columns if table[c].dtype.kind in "fi"}
    return table.style.format(formats).hide()
