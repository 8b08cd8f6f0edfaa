"""The desk's risk page: one self-contained HTML report of a book.

:func:`report` reads a book the way the lessons teach: the headline (long, short, net, gross,
leverage), exposure by every grouping the book has, a delta ladder by expiry, each account's
margin and the move that would liquidate it, funding, a stress grid and the findings. The page is
one HTML file with its charts embedded: it opens offline, makes no request and prints on A4.
:func:`report_data` gives the same content as tables, for tests and for other front ends.

This module composes; the analytics live with their owners: the ladder in :mod:`._expiries`,
account risk in :mod:`._margin`, the stress grid in :mod:`._scenarios`, the funding table in
:mod:`._funding`.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from ._book import Book, check_equity
from ._diagnostics import diagnose
from ._errors import PositionError, number_from_text
from ._expiries import as_of_date, dated_book, delta_ladder
from ._funding import checked_funding, funding_table
from ._margin import _pool_suffix, account_risk, wallet_name
from ._readers import table_rows
from ._scenarios import stress_grid, stress_test

__all__ = ["report", "report_data", "ReportPage", "read_account_equity", "read_funding_rates",
           "sample_equity"]

_GROUPINGS = ("underlying", "venue", "account", "kind", "expiry")


# ----- reading the report's side inputs --------------------------------------------------------
def _pick(row: Mapping[str, Any], names: Sequence[str], number: int, label: str,
          source: str) -> Any:
    for name in names:
        if name in row:
            return row[name]
    raise PositionError(names[0], "is missing", row=number, row_label=label, source=source)


def _table(path_or_buffer: Any, what: str, key_names: Sequence[str],
           value_names: Sequence[str], *, positive: bool,
           prefix: str | None = None, suffix: str | None = None) -> dict[str, float]:
    """``{key: value}`` from a CSV or JSON table; a ``prefix`` column, when a row has it, goes
    before the key (``venue`` and ``account`` give ``"Binance 001"``), a ``suffix`` (wallet)
    column after it (``"Binance 001 BTC-margined"``)."""
    rows, source, label = table_rows(path_or_buffer, what)
    out: dict[str, float] = {}
    for index, row in enumerate(rows, start=1):
        number = row.pop("__line__", index)
        key = str(_pick(row, (*key_names, "key"), number, label, source)).strip()
        if not key:
            raise PositionError(key_names[0], "is empty", row=number, row_label=label,
                                source=source)
        first = row.get(prefix) if prefix else None
        if first is not None and str(first).strip():
            key = f"{str(first).strip()} {key}"
        last = row.get(suffix) if suffix else None
        if last is not None and str(last).strip():
            try:
                key = f"{key} {_pool_suffix(wallet_name(last))}"
            except PositionError as error:
                raise PositionError(suffix, error.problem, row=number,
                                    row_label=label, source=source) from None
        raw = _pick(row, (*value_names, "value"), number, label, source)
        try:
            value = number_from_text(value_names[0], raw, positive=positive)
        except PositionError:
            raw = raw if len(repr(raw)) < 40 else f"{repr(raw)[:30]}..."
            raise PositionError(value_names[0], f"{raw!r} is not a "
                                f"{'positive ' if positive else ''}number", row=number,
                                row_label=label, source=source) from None
        if key in out:
            raise PositionError(key_names[0], f"{key!r} is given twice", row=number,
                                row_label=label, source=source)
        out[key] = value
    return out


def read_account_equity(path_or_buffer: Any) -> dict[str, float]:
    """Equity per margin pool from a CSV (``venue,account,wallet,equity``) or JSON file.

    Equity is the pool's margin balance in USD: its cash, its coin collateral at today's
    price and the unrealised P&L of its positions. Margin never nets across venues, so an
    account is given per venue; a file without a ``venue`` column still serves a book whose
    every account is on one venue (:func:`account_risk` refuses an account that spans venues).
    Where a venue margins wallets apart (Binance USDS-M and COIN-M per coin, see
    :func:`margin_pools`), give a line per wallet: ``wallet`` is ``USD`` (or USDT, USDC) for
    stablecoin-margined contracts, the coin (``BTC``) for coin-margined ones, whose wallet is
    held in that coin, or ``portfolio`` for an account in portfolio margin (one pool).

    Parameters
    ----------
    path_or_buffer : str, path or file-like
        CSV with columns ``venue`` and ``wallet`` (optional), ``account`` and ``equity``; or
        JSON, a list of such objects or one object ``{"Binance 001": 900000, ...}``.

    Returns
    -------
    dict
        Equity per margin account, keyed ``"Binance 001"`` (venue and account) or, without a
        venue, by the account alone (account names are text: ``001`` stays ``001``).

    Examples
    --------
    >>> import io
    >>> read_account_equity(io.StringIO("account,equity\\n001,900000\\n017,400000\\n"))
    {'001': 900000.0, '017': 400000.0}
    >>> read_account_equity(io.StringIO("venue,account,equity\\nBinance,001,250000\\n"
    ...                                 "OKX,001,100000\\n"))
    {'Binance 001': 250000.0, 'OKX 001': 100000.0}
    >>> read_account_equity(io.StringIO("venue,account,wallet,equity\\nBinance,001,USDT,12000\\n"
    ...                                 "Binance,001,BTC,12000\\n"))
    {'Binance 001 USD-margined': 12000.0, 'Binance 001 BTC-margined': 12000.0}
    """
    return _table(path_or_buffer, "equity per account", ("account",), ("equity",),
                  positive=True, prefix="venue", suffix="wallet")


def read_funding_rates(path_or_buffer: Any) -> dict[str, float]:
    """Funding rate per 8-hour period per underlying, from CSV (``underlying,rate``) or JSON.

    Examples
    --------
    >>> import io
    >>> read_funding_rates(io.StringIO('{"BTC": 0.0001, "ETH": -0.00005}'))
    {'BTC': 0.0001, 'ETH': -5e-05}
    """
    rates = _table(path_or_buffer, "funding rate per underlying", ("underlying", "asset"),
                   ("rate",), positive=False)
    return {k.upper(): v for k, v in rates.items()}


def sample_equity(name: str = "desk_book") -> dict[str, float]:
    """Equity per margin pool (venue, account and wallet) for a sample book: made up, like the
    book, to practise the report.

    Examples
    --------
    >>> equity = sample_equity("desk_book")
    >>> len(equity), list(equity)[:2], list(equity)[17]
    (32, ['Binance 001 BTC-margined', 'Binance 001 ETH-margined'], 'Bybit 001')
    """
    if name != "desk_book":
        raise PositionError("name", f"{name!r} has no sample equity; only 'desk_book' has")
    from importlib import resources
    return read_account_equity(str(resources.files("exposure_kit") / "data" / "desk_accounts.csv"))


# ----- the tables ------------------------------------------------------------------------------
# ----- the page --------------------------------------------------------------------------------
def _book_as_of(book: Book, as_of: date | str | None) -> tuple[date, str]:
    """The report's date and where it came from: given, the book's ``as_of`` column, or today."""
    if as_of is not None:
        return as_of_date(as_of), "given"
    frame = book.rows.frame
    if "as_of" in frame.columns:
        dates = pd.unique(frame["as_of"].dropna().astype(str).str.strip())
        if len(dates) == 1:
            return as_of_date(dates[0]), "the positions' as_of column"
        if len(dates) > 1:
            raise PositionError("as_of", f"the positions carry {len(dates)} different dates "
                                f"({', '.join(sorted(dates)[:3])}, ...): give as_of")
    return date.today(), "today (no date given)"


def report_data(book: Book, *, equity: float | Mapping[str, float] | None = None,
                by: Sequence[str] = (), measure: str = "delta",
                betas: Mapping[str, float] | None = None,
                funding: Mapping[str, float] | None = None, warn_distance: float = 0.20,
                as_of: date | str | None = None, vol_shift: float = 0.10,
                maintenance_margin_rate: float = 0.005, venue: str = "binance",
                brackets: Any = None, limits: Any = None, since: Book | None = None,
                force_funding: bool = False, brief: bool = False) -> dict[str, Any]:
    """The content of :func:`report` as plain data: every table the page shows.

    Parameters are those of :func:`report`, and ``brief``: only the summary, the groupings named in
    ``by`` (all the book has when ``by`` is empty) and the findings, for the command line's text
    and JSON report. Both read the book the same way (as of the same date, expired positions
    counted out), so they give the same figures.

    Returns
    -------
    dict
        ``summary`` (:class:`ExposureSummary`), ``groupings`` (column -> :meth:`Book.by` table),
        ``ladder``, ``accounts`` and ``account_moves`` (or None without per-account equity),
        ``funding`` (or None without rates), ``stress_grid``, ``stresses``, ``findings`` (severity
        first), ``positions_table``, ``expired`` (the positions past expiry, counted out),
        ``cash`` (stablecoins held), ``limits`` and ``changes`` (or None), ``assumptions`` and the
        options used.

    Examples
    --------
    >>> from exposure_kit import sample_book
    >>> data = report_data(sample_book("guide_example_1"), equity=50_000, as_of="2024-06-11")
    >>> data["summary"].net, sorted(data["groupings"])
    (50000.0, ['kind', 'underlying'])
    """
    from ._diagnostics import ranked_findings
    from ._report_extras import (
        assumptions,
        changes_since,
        check_limits,
        expired_finding,
        limit_findings,
        move_findings,
        positions_table,
        stress_names,
    )

    if not isinstance(book, Book):
        raise PositionError("book", f"must be a Book, got {type(book).__name__}")
    if funding is not None:
        funding = checked_funding(funding, force=force_funding)
    per_account = dict(equity) if isinstance(equity, Mapping) else None
    total = (sum(check_equity(v) for v in per_account.values()) if per_account
             else check_equity(equity))
    day, day_source = _book_as_of(book, as_of)
    rule = {"maintenance_margin_rate": maintenance_margin_rate, "venue": venue,
            "brackets": brackets}
    everything, (book, expired) = book, dated_book(book, day)
    options: dict[str, Any] = {"measure": measure}
    if betas:
        options["betas"] = dict(betas)
    columns = [c for c in (*_GROUPINGS, *by) if c in book.rows.frame.columns or c in by]
    if brief and by:
        columns = list(by)
    groupings = {c: book.by(c, **options) for c in dict.fromkeys(columns)}
    if brief:
        findings = [*expired_finding(everything, expired, day), *diagnose(book, total, betas=betas)]
        return {"summary": book.summary(total, **options), "groupings": groupings,
                "findings": ranked_findings(findings), "positions": len(book),
                "expired": everything.to_frame()[expired], "as_of": day, "measure": measure,
                "equity": total}
    accounts = moves = None
    if per_account is not None:
        accounts, moves = account_risk(book, per_account, warn_distance=warn_distance, **rule)
    stresses = stress_test(book, equity=total, **options)
    stresses.index = stress_names(book, stresses.index)
    limits_table = None if limits is None else check_limits(
        book, limits, equity=total, per_account=per_account, moves=moves, options=options)
    findings = [*expired_finding(everything, expired, day),
                *move_findings(moves, accounts, warn_distance),
                *limit_findings(limits_table),
                *diagnose(book, total, betas=betas)]
    return {"summary": book.summary(total, **options), "groupings": groupings,
            "ladder": delta_ladder(book, day), "accounts": accounts, "account_moves": moves,
            "funding": None if funding is None else funding_table(book, funding),
            "stress_grid": stress_grid(book, vol_shift=vol_shift),
            "stresses": stresses, "findings": ranked_findings(findings),
            "positions": len(book), "positions_table": positions_table(book, day, options),
            "expired": everything.to_frame()[expired], "cash": float(book.cash().sum()),
            "limits": limits_table,
            "changes": None if since is None else changes_since(book, since, day, funding),
            "assumptions": assumptions(book, rule, day, day_source, measure, per_account),
            "as_of": day, "measure": measure, "warn_distance": warn_distance,
            "equity": total, "vol_shift": vol_shift}


class ReportPage(str):
    """The report's HTML page: a string (write it to a file as it is) that a notebook shows.

    ``breaches`` is the number of limits breached (0 without limits).

    Examples
    --------
    >>> page = ReportPage("<!DOCTYPE html><html><body><p>hi</p></body></html>")
    >>> page.startswith("<!DOCTYPE html>"), "<p>hi</p>" in page._repr_html_()
    (True, True)
    """

    breaches: int = 0

    def __repr__(self) -> str:
        return f"<ReportPage: {len(self):,} characters of HTML; .save(path) writes the file>"

    def _repr_html_(self) -> str:
        start, end = self.find("<body"), self.rfind("</body>")
        style = self[self.find("<style"):self.find("</style>") + len("</style>")]
        body = self[self.find(">", start) + 1:end] if start >= 0 and end >= 0 else str(self)
        return style + body

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path."""
        from ._io import write_file_atomically  # write beside, fsync, rename

        return write_file_atomically(path, str(self))


def report(book: Book, *, equity: float | Mapping[str, float] | None = None,
           by: Sequence[str] = (), measure: str = "delta",
           betas: Mapping[str, float] | None = None, funding: Mapping[str, float] | None = None,
           warn_distance: float = 0.20, as_of: date | str | None = None,
           vol_shift: float = 0.10, title: str | None = None,
           maintenance_margin_rate: float = 0.005, venue: str = "binance",
           brackets: Any = None, limits: Any = None, since: Book | None = None,
           force_funding: bool = False) -> ReportPage:
    """The desk's risk page for ``book``: one self-contained HTML page.

    Sections: what needs attention first (limit breaches and the findings, severity first); a
    "how this was computed" box; the headline in numbers and in words; exposure by underlying, venue,
    account, kind and expiry (those the book has, plus ``by``); the delta ladder by expiry; per account (when
    ``equity`` is given per account) equity, maintenance, margin ratio and the move of each asset
    that liquidates, flagged below ``warn_distance``; funding per perp (when ``funding`` rates
    are given); a stress grid (one asset moving at a time, options with volatility down, same
    and up) with the worst cell marked, and the named stresses; the findings, worst first.
    Charts are embedded PNGs: the page makes no request and prints on A4.

    Parameters
    ----------
    book : Book
    equity : float or dict, optional
        The book's equity in USD, or equity per account (``{"001": 900_000, ...}``; the book
        needs an ``account`` column), which gives the per-account section.
    by : sequence of str
        More columns to group by.
    measure : {"delta", "notional", "beta"}, default "delta"
        How the headline and the groupings count exposure (the ladder is always at delta).
    betas : dict, optional
    funding : dict, optional
        Funding rate per 8 hours per underlying, ``{"BTC": 0.0001}``; a rate above 1 % per
        8 hours is refused unless ``force_funding=True``.
    warn_distance : float, default 0.20
        A liquidating move smaller than this is a finding.
    as_of : date or "YYYY-MM-DD", optional
        The date expiries are counted from: positions past expiry are counted out (and listed
        first), options' time to expiry comes from their ``expiry``. When not given, the book's
        own ``as_of`` column (one date), else today; the page says which.
    vol_shift : float, default 0.10
    title : str, optional
    maintenance_margin_rate, venue, brackets
        The margin rule of the accounts section, as in :class:`MarginAccount` (flat 0.5 %,
        Binance's rule, no bracket table by default); stated on the page.
    limits : path, file-like or DataFrame, optional
        Risk limits (see :func:`read_limits`): breaches and figures above 80 % of a limit are
        listed at the top of the page.
    since : Book, optional
        Yesterday's book: the page adds what changed (net and gross per underlying, venue and
        account; positions opened, closed and resized) and, from the two books' prices, the
        P&L of yesterday's positions explained by delta, basis and funding.
    force_funding : bool, default False

    Returns
    -------
    ReportPage
        A ``str`` holding the whole page; shown as the report in a notebook.

    Examples
    --------
    >>> from exposure_kit import sample_book
    >>> page = report(sample_book("guide_example_1"), equity=50_000, as_of="2024-06-11")
    >>> page.startswith("<!DOCTYPE html>"), "http" in page.replace("http-equiv", "")
    (True, False)
    """
    data = report_data(book, equity=equity, by=by, measure=measure, betas=betas,
                       funding=funding, warn_distance=warn_distance, as_of=as_of,
                       vol_shift=vol_shift, maintenance_margin_rate=maintenance_margin_rate,
                       venue=venue, brackets=brackets, limits=limits, since=since,
                       force_funding=force_funding)
    from ._report_page import render
    page = ReportPage(render(data, title or "Net exposure report"))
    limits = data["limits"]
    page.breaches = 0 if limits is None else int((limits["status"] == "breach").sum())
    return page
