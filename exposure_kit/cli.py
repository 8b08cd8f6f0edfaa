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
from ._errors import InputError, number_from_text
from ._io import read_positions
from ._report import report_data

__all__ = ["main", "build_report"]

PROG = "exposure-kit"
BREACH_STATUS = 3      # report --limits FILE --fail-on-breach: a limit is breached


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
    report.add_argument("--measure", default="delta", choices=MEASURES,
                        help="delta (default: options at delta, a long put is short), notional "
                        "(options at face, in their delta's direction) or beta")
    report.add_argument("--beta", action="append", default=[], metavar="ASSET=BETA",
                        type=_beta, help="beta to BTC of an asset, for --measure beta "
                        "(repeat for each asset)")
    report.add_argument("--chart", metavar="PNG", type=_chart_path,
                        help="also draw the table as a bar chart (.png, .svg or .pdf)")
    report.add_argument("--format", default="table", choices=("table", "json", "html"),
                        help="plain text (default), JSON, or the one-file HTML risk page")
    _html_options(report)
    _add_history(commands)
    return parser


def _html_options(report: argparse.ArgumentParser) -> None:
    page = report.add_argument_group("the HTML page (--format html)")
    page.add_argument("-o", "--output", metavar="HTML", help="write the page to this file "
                      "(default: standard output)")
    page.add_argument("--equity-file", metavar="FILE", help="equity per margin pool (CSV with "
                      "columns venue,account,wallet,equity, wallet optional, or JSON): margin "
                      "and liquidating moves per account on each venue and wallet")
    page.add_argument("--warn-distance", type=_fraction, default=0.20, metavar="FRACTION",
                      help="flag a liquidating move smaller than this (default 0.20: 20 %%)")
    page.add_argument("--funding", action="append", default=[], metavar="ASSET=RATE",
                      type=_rate, help="funding rate per 8 hours of an asset's perps, e.g. "
                      "BTC=0.0001 (repeat for each asset)")
    page.add_argument("--funding-file", metavar="FILE", help="funding rates (CSV with columns "
                      "underlying,rate, or JSON)")
    page.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date expiries are counted "
                      "from (default: today)")
    page.add_argument("--vol-shift", type=_fraction, default=0.10, metavar="POINTS",
                      help="volatility change of the stress grid's vol up/down columns "
                      "(default 0.10: ten points)")
    page.add_argument("--rate", type=_fraction, default=0.005, metavar="FRACTION",
                      help="flat maintenance margin rate for positions without an mmr value or "
                      "a bracket tier (default 0.005: 0.5 %%)")
    page.add_argument("--venue", default="binance", choices=("binance", "bybit"),
                      help="whose rule charges maintenance: binance (at the price examined, "
                      "default) or bybit (at the entry price)")
    page.add_argument("--brackets", metavar="FILE", help="maintenance bracket table (CSV, see "
                      "read_brackets; 'example' for the package's sample)")
    page.add_argument("--limits", metavar="FILE", help="risk limits (CSV: scope,key,metric,"
                      "limit): breaches and figures above 80 %% listed first")
    page.add_argument("--fail-on-breach", action="store_true", help="exit with status 3 when "
                      "a limit is breached (for a scheduled run)")
    page.add_argument("--since", metavar="FILE", help="yesterday's positions: what changed, "
                      "and the P&L explained by delta, basis and funding")
    page.add_argument("--stablecoin", action="append", default=[], metavar="COIN",
                      help="count this coin held as cash too (repeat); USDT, USDC, DAI, FDUSD, "
                      "... already are")
    page.add_argument("--force-funding", action="store_true", help="accept funding rates "
                      "above 1 %% per 8 hours")


def _positive(text: str) -> float:
    try:
        return number_from_text("value", text, positive=True)
    except InputError as error:
        text_given = error.problem.startswith("must be a number")
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}" if text_given else
                                         f"must be a positive number, got {text!r}") from None


def _fraction(text: str) -> float:
    value = _positive(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f"must be a fraction below 1, got {text!r}")
    return value


def _asset_number(text: str, name: str, example: str) -> tuple[str, float]:
    """``ASSET=NUMBER`` as ``("ASSET", number)``; refused unless both parts are there."""
    asset, equals, number = text.partition("=")
    try:
        value = number_from_text(name, number)
    except InputError:
        value = math.nan
    if not equals or not asset.strip() or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected ASSET={name} such as {example}, got {text!r}")
    return asset.strip().upper(), value


def _rate(text: str) -> tuple[str, float]:
    asset, rate = _asset_number(text, "RATE", "BTC=0.0001")
    if abs(rate) >= 1:          # 100 % every 8 hours: a percentage typed as a fraction, or worse
        raise argparse.ArgumentTypeError(f"a funding rate is a fraction per 8 hours (0.0001 is "
                                         f"0.01 %), got {text!r}; --force-funding accepts rates "
                                         f"above 1 % but below 100 %")
    return asset, rate


def _beta(text: str) -> tuple[str, float]:
    return _asset_number(text, "BETA", "ETH=1.3")


CHART_SUFFIXES = (".png", ".svg", ".pdf")


def _chart_path(text: str) -> str:
    if Path(text).suffix.lower() not in CHART_SUFFIXES:
        raise argparse.ArgumentTypeError(f"{text!r} must end in {', '.join(CHART_SUFFIXES)}")
    return text


def build_report(book: Book, *, equity: float | None = None, by: str = "underlying",
                 measure: str = "delta", betas: dict[str, float] | None = None,
                 as_of: str | None = None) -> dict[str, Any]:
    """The text and JSON report's content: :func:`~exposure_kit.report_data`'s brief form (the same
    reading of the book as the HTML page), shaped for printing.

    Parameters
    ----------
    book : Book
    equity : float, optional
    by : str
        The column to group by.
    measure : {"delta", "notional", "beta"}, default "delta"
        Options count at delta by default; ``"notional"`` counts them at face (labelled so).
    betas : dict, optional
        Beta per underlying, for ``measure="beta"`` (and the beta-gap check).
    as_of : str, optional
        The date expiries are counted from (YYYY-MM-DD); by default the book's ``as_of`` column,
        else today. Positions past expiry are counted out, as on the page.

    Returns
    -------
    dict
        ``summary`` (as :meth:`ExposureSummary.to_dict`), ``by`` (the DataFrame of
        :meth:`Book.by`), ``findings`` (a list of :class:`Finding`, severity first), and the
        options used.

    Examples
    --------
    >>> from exposure_kit import sample_book
    >>> report = build_report(sample_book("guide_example_1"), equity=50_000)
    >>> report["summary"]["net"], report["summary"]["gross_leverage"]
    (50000.0, 5.0)
    >>> [f.code for f in report["findings"]]
    ['concentration', 'cross-asset-offset']
    """
    data = report_data(book, equity=equity, by=(by,), measure=measure, betas=betas, as_of=as_of,
                       brief=True)
    return {"positions": data["positions"], "measure": measure, "by_column": by,
            "summary": data["summary"].to_dict(), "by": data["groupings"][by],
            "findings": data["findings"], "as_of": data["as_of"].isoformat()}


def _text(report: dict[str, Any], source: str) -> str:
    if report["positions"] == 0:
        return f"{source}: the book is empty (no positions), so it has no exposure to report."
    s = report["summary"]
    label = _MEASURE_LABELS.get(report["measure"], report["measure"])
    lines = [f"{source}: {report['positions']} positions, measure: {label} (USD), "
             f"as of {report['as_of']}", ""]
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
    table.index = table.index.map(_group_label)
    lines += ["", f"Exposure by {report['by_column']}", table.to_string(), ""]
    findings = report["findings"]
    lines.append(f"Findings: {len(findings)}" if findings else "Findings: none")
    for f in findings:
        lines.append(f"  [{f.severity}] {f.code} ({len(f.positions)} positions): {f.message}")
    return "\n".join(lines)


_MEASURE_LABELS = {"delta": "delta (options at delta x notional)",
                   "notional": "notional (options at face, in their delta's direction)",
                   "beta": "beta (delta exposure x beta to BTC)"}


def _group_label(key: Any) -> str:
    return "(none)" if pd.isna(key) else str(key)


def _json(report: dict[str, Any], source: str) -> str:
    column = report["by_column"]
    # Positions with no value in the column form the "(none)" group, as on the HTML page; the
    # label is set row by row because pandas' string columns turn a None back into NaN.
    rows = [{column: _group_label(key), **{k: float(v) for k, v in values.items()}}
            for key, values in report["by"].iterrows()]
    data = {"file": source, "positions": report["positions"], "measure": report["measure"],
            "as_of": report["as_of"], "summary": report["summary"],
            "by": {"column": column, "rows": rows},
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
    _save_figure(figure, path)


def _save_figure(figure: Any, path: str) -> None:
    """The figure drawn in memory, then written to ``path`` atomically (never half a file)."""
    import io

    from ._io import write_file_atomically

    drawn = io.BytesIO()
    figure.savefig(drawn, format=Path(path).suffix.lower().lstrip("."))
    write_file_atomically(path, drawn.getvalue())


def _checked_output_path(output: str | None, inputs: Sequence[str | None]) -> str | None:
    """``output``, once it is known not to be one of the ``inputs`` (same resolved path, or the
    same file by device and inode: a link or another spelling); refused otherwise.

    Examples
    --------
    >>> _checked_output_path("page.html", ["desk.csv", None])
    'page.html'
    >>> _checked_output_path("./desk.csv", ["desk.csv"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    exposure_kit.cli._Refused: will not write over ./desk.csv: it is an input (desk.csv); ...
    """
    if not output:
        return output
    target = Path(output)
    try:
        target_stat = os.stat(target)
    except OSError:
        target_stat = None
    for given in filter(None, inputs):
        same = Path(given).resolve() == target.resolve()
        if not same and target_stat is not None:
            try:
                same = os.path.samestat(os.stat(given), target_stat)
            except OSError:
                same = False
        if same:
            raise _Refused(f"will not write over {output}: it is an input ({given}); write to "
                           "another file")
    return output


def _report(args: argparse.Namespace) -> str:
    inputs = [args.file, args.equity_file, args.funding_file]
    for output in (args.output, args.chart):
        _checked_output_path(output, inputs)
    betas = dict(args.beta) or None
    book = read_positions(args.file)
    if args.measure == "beta" and "beta" not in book.to_frame().columns:
        lacking = [u for u in book.underlyings if u != "BTC" and u not in (betas or {})]
        if lacking:
            raise _Refused(f"--measure beta needs each asset's beta to BTC: add --beta "
                           f"{lacking[0]}=... (missing for {', '.join(lacking)})")
    if args.format == "html":
        return _html(book, args, betas)
    if args.limits or args.since or args.fail_on_breach:
        raise _Refused("--limits, --since and --fail-on-breach are options of the HTML page: "
                       "add --format html")
    with np.errstate(over="ignore", invalid="ignore"):
        report = build_report(book, equity=args.equity, by=args.by, measure=args.measure,
                              betas=betas, as_of=args.as_of)
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
    except OSError as exc:                           # a full disk, /dev/full
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        print(f"{PROG}: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def _html(book: Book, args: argparse.Namespace, betas: dict[str, float] | None) -> str:
    from ._report import read_account_equity, read_funding_rates, report

    if args.equity is not None and args.equity_file:
        raise _Refused("give --equity or --equity-file, not both")
    equity = read_account_equity(args.equity_file) if args.equity_file else args.equity
    funding = read_funding_rates(args.funding_file) if args.funding_file else None
    if args.funding:
        funding = {**(funding or {}), **dict(args.funding)}
    by = [] if args.by == "underlying" else [args.by]
    if args.fail_on_breach and not args.limits:
        raise _Refused("--fail-on-breach needs --limits FILE")
    if args.stablecoin:
        book = book.with_stablecoins(args.stablecoin)
    since = read_positions(args.since) if args.since else None
    if since is not None and args.stablecoin:
        since = since.with_stablecoins(args.stablecoin)
    page = report(book, equity=equity, by=by, measure=args.measure or "delta", betas=betas,
                  funding=funding,
                  warn_distance=args.warn_distance, as_of=args.as_of, vol_shift=args.vol_shift,
                  title=f"Net exposure report: {Path(args.file).name}",
                  maintenance_margin_rate=args.rate, venue=args.venue, brackets=args.brackets,
                  limits=args.limits, since=since, force_funding=args.force_funding)
    args.breaches = page.breaches
    if not args.output:
        return page
    page.save(args.output)
    return f"wrote {args.output}"


# ----- exposure-kit history: exposure over time from dated snapshots -----------------------------
def _add_history(commands: Any) -> None:
    history = commands.add_parser(
        "history", help="long, short, net, gross and leverage per date from dated snapshots",
        description="Read positions with a date column (one snapshot per date) and report the "
                    "exposure at each date.")
    history.add_argument("file", metavar="FILE", help="dated positions as .csv or .json")
    history.add_argument("--by", metavar="COLUMN", help="also split each date by a column "
                         "(venue, underlying, account, ...)")
    history.add_argument("--date-column", default="date", metavar="COLUMN",
                         help="the column holding each line's date (default: date)")
    history.add_argument("--equity", metavar="USD_OR_COLUMN",
                         help="account equity for leverage: an amount, or a column that "
                         "holds each snapshot's equity")
    history.add_argument("--measure", default="notional", choices=MEASURES,
                         help="notional (default), delta (options at delta) or beta")
    history.add_argument("--chart", metavar="PNG", type=_chart_path,
                         help="also draw exposure over time (.png, .svg or .pdf)")
    history.add_argument("--format", default="table", choices=("table", "json", "html"),
                         help="plain text (default), JSON or an HTML table")
    history.add_argument("-o", "--output", metavar="FILE", help="write the table to this "
                         "file (default: standard output)")


def _history(args: argparse.Namespace) -> str:
    text = _history_text(args)
    if not args.output:
        return text
    from ._io import write_file_atomically

    write_file_atomically(args.output, text + "\n")
    return f"wrote {args.output}"


def _history_text(args: argparse.Namespace) -> str:
    from ._snapshots import exposure_history

    for output in (args.output, args.chart):
        _checked_output_path(output, [args.file])
    equity: Any = args.equity
    if equity is not None:
        try:
            equity = _positive(equity)
        except argparse.ArgumentTypeError:
            pass                                       # a column name
    table = exposure_history(args.file, by=args.by, date_column=args.date_column,
                             equity=equity, measure=args.measure)
    numbers = table.select_dtypes("number").to_numpy(dtype=float)
    if not np.isfinite(numbers).all():
        raise _Refused("the totals are too large to add up (they overflow to infinity): check "
                       "the sizes in the file")
    if args.chart:
        _history_chart(table, args.chart)
    flat = table.reset_index()
    flat["date"] = flat["date"].dt.strftime("%Y-%m-%d")
    if args.format == "json":
        return json.dumps({"file": args.file, "measure": args.measure, "by": args.by,
                           "rows": flat.to_dict("records")}, indent=2, allow_nan=False)
    shown = flat.copy()
    for column in ("long", "short", "net", "gross"):
        shown[column] = shown[column].map(fmt.usd)
    shown["net_to_gross"] = shown["net_to_gross"].map(fmt.percent)
    for column in ("gross_leverage", "net_leverage"):
        if column in shown:
            shown[column] = shown[column].map(lambda v: f"{v:.2f}x")
    shown = shown.rename(columns={"net_to_gross": "net / gross"})
    if args.format == "html":
        return shown.to_html(index=False, border=0, justify="right")
    head = f"{args.file}: exposure at {table.index.get_level_values('date').nunique()} dates, " \
           f"measure: {args.measure} (USD)"
    return head + "\n" + shown.to_string(index=False)


def _history_chart(table: pd.DataFrame, path: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from . import plots

    if isinstance(table.index, pd.MultiIndex):
        table = table.groupby(level="date")[["long", "short", "net", "gross"]].sum()
    figure = Figure(figsize=(8.0, 4.2), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    plots.exposure_history_chart(table, ax=figure.add_subplot())
    _save_figure(figure, path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 success, 2 bad input, 3 a limit
    breached under ``--fail-on-breach``).

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
        output = _history(args) if args.command == "history" else _report(args)
    except (_Refused, ValueError) as exc:   # PositionError is a ValueError
        message = " ".join(str(exc).split())
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"{PROG}: error: not enough memory for this input: check its size and its dates",
              file=sys.stderr)
        return 2
    status = _print(output)
    if getattr(args, "fail_on_breach", False) and getattr(args, "breaches", 0):
        print(f"{PROG}: {args.breaches} limit(s) breached", file=sys.stderr)
        return BREACH_STATUS
    return status


if __name__ == "__main__":
    sys.exit(main())
