"""The ``exposure-kit`` command: a desk's book in, its exposure report out.

``exposure-kit report FILE`` prints the summary (long, short, net, gross, leverage, bias), the
exposure by a column, and what the false-neutrality checks found. Exit status 0 on success, 2 with
a one-line error on bad input.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import _format as fmt
from ._book import MEASURES, Book
from ._diagnostics import diagnose
from ._errors import PositionError
from ._io import read_positions

__all__ = ["main", "build_report"]

PROG = "exposure-kit"
GROUPINGS = ("underlying", "venue", "kind")


class _Refused(Exception):
    """Bad input on the command line: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:   # one line, not argparse's usage block
        raise _Refused(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Net exposure of a book of crypto positions.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    report = commands.add_parser(
        "report", help="summary, exposure by group and the diagnostics' findings",
        description="Read a book (CSV or JSON) and report its net exposure.")
    report.add_argument("file", metavar="FILE", help="positions as .csv or .json")
    report.add_argument("--equity", type=_positive, help="account equity in USD: gives leverage "
                        "and the low-net-high-gross check")
    report.add_argument("--by", default="underlying", metavar="COLUMN",
                        help="group the table by underlying (default), venue, kind, or any column")
    report.add_argument("--measure", default="notional", choices=MEASURES,
                        help="notional (default), delta (options at delta) or beta")
    report.add_argument("--beta", action="append", default=[], metavar="ASSET=BETA",
                        type=_beta, help="beta to BTC of an asset, for --measure beta "
                        "(repeat for each asset)")
    report.add_argument("--chart", metavar="PNG", type=_chart_path,
                        help="also draw the table as a bar chart (.png, .svg or .pdf)")
    report.add_argument("--format", default="table", choices=("table", "json"),
                        help="plain text (default) or JSON")
    return parser


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def _beta(text: str) -> tuple[str, float]:
    asset, _, number = text.partition("=")
    try:
        beta = float(number)
    except ValueError:
        beta = math.nan
    if not asset.strip() or not math.isfinite(beta):
        raise argparse.ArgumentTypeError(f"expected ASSET=BETA such as ETH=1.3, got {text!r}")
    return asset.strip().upper(), beta


CHART_SUFFIXES = (".png", ".svg", ".pdf")


def _chart_path(text: str) -> str:
    if Path(text).suffix.lower() not in CHART_SUFFIXES:
        raise argparse.ArgumentTypeError(f"{text!r} must end in {', '.join(CHART_SUFFIXES)}")
    return text


def build_report(book: Book, *, equity: float | None = None, by: str = "underlying",
                 measure: str = "notional", betas: dict[str, float] | None = None) -> dict[str, Any]:
    """The report's content as plain data: summary, table by group, findings.

    Parameters
    ----------
    book : Book
    equity : float, optional
    by : str
        The column to group by.
    measure : {"notional", "delta", "beta"}
    betas : dict, optional
        Beta per underlying, for ``measure="beta"`` (and the beta-gap check).

    Returns
    -------
    dict
        ``summary`` (as :meth:`ExposureSummary.to_dict`), ``by`` (the DataFrame of
        :meth:`Book.by`), ``findings`` (a list of :class:`Finding`), and the options used.

    Examples
    --------
    >>> from exposure_kit import sample_book
    >>> report = build_report(sample_book("guide_example_1"), equity=50_000)
    >>> report["summary"]["net"], report["summary"]["gross_leverage"]
    (50000.0, 5.0)
    >>> [f.code for f in report["findings"]]
    ['cross-asset-offset']
    """
    options = {"measure": measure, "betas": betas} if betas else {"measure": measure}
    summary = book.summary(equity, **options)
    table = book.by(by, **options)
    findings = diagnose(book, equity, betas=betas)
    return {"positions": len(book), "measure": measure, "by_column": by,
            "summary": summary.to_dict(), "by": table, "findings": findings}


def _text(report: dict[str, Any], source: str) -> str:
    if report["positions"] == 0:
        return f"{source}: the book is empty (no positions), so it has no exposure to report."
    s = report["summary"]
    lines = [f"{source}: {report['positions']} positions, measure: {report['measure']} (USD)", ""]
    rows = [("long", fmt.usd(s["long"])), ("short", fmt.usd(s["short"])),
            ("net = long - short", f"{fmt.usd(s['net'])}  ({fmt.describe_net(s['net'])})"),
            ("gross = long + short", fmt.usd(s["gross"])),
            ("net / gross", fmt.percent(s["net_to_gross"])), ("bias", s["bias"])]
    if s["equity"] is not None:
        rows += [("equity", fmt.usd(s["equity"])),
                 ("gross leverage", f"{s['gross_leverage']:.2f}x"),
                 ("net leverage", f"{s['net_leverage']:.2f}x")]
    width = max(len(label) for label, _ in rows)
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    table = report["by"].map(fmt.usd)
    table.index = table.index.map(lambda k: "(none)" if pd.isna(k) else str(k))
    lines += ["", f"Exposure by {report['by_column']}", table.to_string(), ""]
    findings = report["findings"]
    lines.append(f"Findings: {len(findings)}" if findings else "Findings: none")
    for f in findings:
        lines.append(f"  [{f.severity}] {f.code} ({len(f.positions)} positions): {f.message}")
    return "\n".join(lines)


def _json(report: dict[str, Any], source: str) -> str:
    column = report["by_column"]
    table = report["by"].reset_index()
    table[column] = table[column].map(lambda k: None if pd.isna(k) else str(k))
    data = {"file": source, "positions": report["positions"], "measure": report["measure"],
            "summary": report["summary"],
            "by": {"column": column, "rows": table.to_dict("records")},
            "findings": [{"severity": f.severity, "code": f.code, "message": f.message,
                          "positions": list(f.positions)} for f in report["findings"]]}
    return json.dumps(data, indent=2, allow_nan=False)


def _chart(table: pd.DataFrame, column: str, path: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from . import plots

    figure = Figure(figsize=(7.0, max(2.6, 0.45 * len(table) + 1.4)), dpi=110)
    FigureCanvasAgg(figure)
    plots.exposure_by(table, ax=figure.add_subplot(), column=column)
    figure.tight_layout()
    try:
        figure.savefig(path)
    except OSError as exc:
        raise PositionError("chart", f"cannot write {path!r}: {exc.strerror}") from None


def _report(args: argparse.Namespace) -> str:
    betas = dict(args.beta) or None
    book = read_positions(args.file)
    if args.measure == "beta" and "beta" not in book.to_frame().columns:
        lacking = [u for u in book.underlyings if u != "BTC" and u not in (betas or {})]
        if lacking:
            raise _Refused(f"--measure beta needs each asset's beta to BTC: add --beta "
                           f"{lacking[0]}=... (missing for {', '.join(lacking)})")
    with np.errstate(over="ignore", invalid="ignore"):
        report = build_report(book, equity=args.equity, by=args.by, measure=args.measure,
                              betas=betas)
    _refuse_overflow(report)
    if args.chart:
        _chart(report["by"], args.by, args.chart)
    return (_json if args.format == "json" else _text)(report, args.file)


def _refuse_overflow(report: dict[str, Any]) -> None:
    """Sizes so large that their sum is not a finite number cannot be reported."""
    numbers = [v for v in report["summary"].values() if isinstance(v, float)]
    if not all(math.isfinite(v) for v in [*numbers, *report["by"].to_numpy().ravel()]):
        raise _Refused("the totals are too large to add up (they overflow to infinity): check "
                       "the sizes in the file")


def _print(output: str) -> int:
    """Print; a reader that stops early (``| head -1``) ends the output quietly."""
    try:
        print(output)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)   # so the interpreter's own flush is quiet
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 success, 2 bad input).

    Examples
    --------
    >>> from exposure_kit import sample_path
    >>> main(["report", str(sample_path("guide_example_1")), "--format", "json"]) == 0
    ... # doctest: +ELLIPSIS
    {...
    True
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        output = _report(args)
    except (_Refused, ValueError) as exc:   # PositionError is a ValueError
        message = " ".join(str(exc).split())
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2
    return _print(output)


if __name__ == "__main__":
    sys.exit(main())
