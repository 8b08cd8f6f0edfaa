"""The report's page: :func:`exposure_kit.report`'s tables turned into one HTML file.

The page is rendered from a Jinja2 template shipped with the package
(``templates/report.html.j2``). Every number is formatted here, every chart is a PNG embedded as
a data URI, and the style sheet is inline: the file needs nothing else to open or print.
"""

from __future__ import annotations

import base64
import io
import math
from typing import Any

import numpy as np
import pandas as pd

from . import _format as fmt
from ._report_extras import move_text

MAX_ROWS = 40          # a grouping with more groups shows the largest; the page says how many
FUNDING_ROWS = 15      # the perps paying or receiving most; the totals include every one
POSITION_ROWS = 500    # the positions table lists the largest exposures; the page says how many
CHANGE_ROWS = 20       # positions opened, closed or resized listed per kind of change


def _money(value: float) -> str:
    return fmt.usd(float(value)) if value is not None and math.isfinite(value) else "n/a"


def _sign_class(value: float, tolerance: float = 0.5) -> str:
    return "pos" if value > tolerance else "neg" if value < -tolerance else "zero"


def _png(ax) -> str:
    figure = ax.figure
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _label(key: Any, missing: str = "(none)") -> str:
    return missing if key is None or (isinstance(key, float) and math.isnan(key)) else str(key)


def _headline(data: dict[str, Any]) -> dict[str, Any]:
    from . import plots

    s = data["summary"]
    rows = [("long", _money(s.long)), ("short", _money(s.short)),
            ("net = long - short", _money(s.net)), ("gross = long + short", _money(s.gross)),
            ("net / gross", fmt.percent(s.net_to_gross)), ("bias", s.bias)]
    words = (f"The book holds {data['positions']:,} positions, {_money(s.gross)} gross. Set "
             f"against each other, its longs and shorts leave {fmt.describe_net(s.net)}: "
             f"{fmt.percent(abs(s.net_to_gross))} of the gross still carries direction.")
    if data.get("cash"):
        rows.append(("stablecoins held (cash, no exposure)", _money(data["cash"])))
    if s.equity is not None:
        rows += [("equity", _money(s.equity)), ("gross leverage", f"{s.gross_leverage:.2f}x"),
                 ("net leverage", f"{s.net_leverage:.2f}x")]
        words += (f" On {_money(s.equity)} of equity that is {s.gross_leverage:.2f}x gross and "
                  f"{abs(s.net_leverage):.2f}x net leverage.")
    ax = plots.exposure_bars(s)
    return {"rows": rows, "words": words, "chart": _png(ax),
            "alt": f"Bars of long {_money(s.long)}, short {_money(s.short)}, net "
                   f"{_money(s.net)} and gross {_money(s.gross)}."}


def _grouping(column: str, table: pd.DataFrame) -> dict[str, Any]:
    from . import plots

    ordered = table.sort_values("gross", ascending=False, kind="stable")
    shown = ordered.head(MAX_ROWS)
    missing = "(no expiry)" if column == "expiry" else "(none)"
    rows = [{"key": _label(k, missing), "long": _money(r["long"]), "short": _money(r["short"]),
             "net": _money(r["net"]), "gross": _money(r["gross"]), "cls": _sign_class(r["net"])}
            for k, r in shown.iterrows()]
    chart = shown.head(15)
    ax = plots.exposure_by(chart.set_axis([_label(k, missing) for k in chart.index]),
                           column=column)
    hidden = len(ordered) - len(shown)
    return {"column": column, "rows": rows, "chart": _png(ax), "hidden": hidden,
            "alt": f"Long and short bars with the net as a dot, by {column}, for the "
                   f"{len(chart)} largest groups.",
            "total": {"long": _money(table["long"].sum()), "short": _money(table["short"].sum()),
                      "net": _money(table["net"].sum()), "gross": _money(table["gross"].sum())}}


def _ladder(table: pd.DataFrame) -> dict[str, Any]:
    columns = list(table.columns)
    rows = [{"key": _label(k), "cells": [(_money(v), _sign_class(v)) for v in r.to_numpy()]}
            for k, r in table.iterrows()]
    totals = [(_money(v), _sign_class(v)) for v in table.sum().to_numpy()]
    return {"columns": columns, "rows": rows, "totals": totals}


def _accounts(data: dict[str, Any]) -> dict[str, Any] | None:
    accounts, moves = data["accounts"], data["account_moves"]
    if accounts is None:
        return None
    # like the groupings: the accounts nearest liquidation first, at most MAX_ROWS of each table
    shown = accounts.sort_values("margin_ratio", ascending=False, kind="stable").head(MAX_ROWS)
    rows = [{"account": k, "equity": _money(r["equity"]), "maintenance": _money(r["maintenance"]),
             "ratio": fmt.percent(r["margin_ratio"]), "positions": int(r["positions"])}
            for k, r in shown.iterrows()]
    nearest = moves.assign(_size=moves["liquidating_move"].abs().fillna(np.inf)).sort_values(
        ["warning", "_size"], ascending=[False, True], kind="stable").head(MAX_ROWS)
    move_rows = []
    for (account, underlying), r in nearest.iterrows():
        text = move_text(r["liquidating_move"])
        move_rows.append({"account": account, "underlying": underlying, "net": _money(r["net"]),
                          "move": text, "warning": bool(r["warning"])})
    return {"rows": rows, "moves": move_rows, "warnings": int(moves["warning"].sum()),
            "warn": fmt.percent(data["warn_distance"], 0),
            "hidden": len(accounts) - len(shown), "hidden_moves": len(moves) - len(nearest)}


def _funding(table: pd.DataFrame | None) -> dict[str, Any] | None:
    if table is None:
        return None
    largest = table.reindex(table["per_day"].abs().sort_values(ascending=False,
                                                                 kind="stable").index)
    rows = [{"name": k, "underlying": r["underlying"], "venue": _label(r.get("venue")),
             "notional": _money(r["notional"]), "rate": f"{r['rate'] * 100:.4f}%",
             "per_8h": fmt.usd(r["per_8h"], cents=True), "per_day": fmt.usd(r["per_day"], cents=True),
             "cls": _sign_class(r["per_8h"], 0.005)} for k, r in largest.head(FUNDING_ROWS).iterrows()]
    venues = []
    if "venue" in table.columns and len(table):
        grouped = table.groupby(table["venue"].map(_label))[["per_8h", "per_day"]].sum()
        venues = [{"venue": k, "per_8h": fmt.usd(r["per_8h"], cents=True),
                   "per_day": fmt.usd(r["per_day"], cents=True)} for k, r in grouped.iterrows()]
    return {"rows": rows, "hidden": max(0, len(table) - FUNDING_ROWS), "venues": venues,
            "per_8h": fmt.usd(table["per_8h"].sum(), cents=True),
            "per_day": fmt.usd(table["per_day"].sum(), cents=True),
            "missing": table.attrs.get("missing", [])}


def _stress(grid: pd.DataFrame, stresses: pd.DataFrame) -> dict[str, Any]:
    """The grid pivoted for reading: one row per asset and volatility case, moves across."""
    worst = float(grid.to_numpy().min()) if grid.size else 0.0
    moves = list(dict.fromkeys(m for _, m in grid.index))
    rows = []
    for underlying in dict.fromkeys(u for u, _ in grid.index):
        block = grid.loc[underlying]
        for case in grid.columns:
            values = block[case].reindex(moves).to_numpy()
            rows.append({"underlying": underlying, "case": case,
                         "cells": [(_money(v), _sign_class(v), v == worst) for v in values]})
    named = [{"scenario": k, "pnl": _money(r["pnl"]), "net_before": _money(r["net_before"]),
              "net_after": _money(r["net_after"]), "description": r["description"],
              "cls": _sign_class(r["pnl"])} for k, r in stresses.iterrows()]
    return {"columns": list(grid.columns), "moves": [f"{m:+.0%}" if m else "0%" for m in moves],
            "rows": rows, "worst": _money(worst), "named": named}


def _findings(findings: list) -> list[dict[str, Any]]:
    out = []
    for f in findings:
        at_risk = getattr(f, "usd_at_risk", None)
        out.append({"severity": f.severity, "code": f.code, "message": f.message,
                    "positions": len(f.positions),
                    "at_risk": None if at_risk is None else _money(at_risk)})
    return out


def _positions(table: pd.DataFrame) -> dict[str, Any]:
    """The positions table, largest exposure first; each cell carries its sort key."""
    order = table["exposure"].abs().sort_values(ascending=False, kind="stable").index
    shown = table.loc[order[:POSITION_ROWS]]
    text = [c for c in shown.columns if c not in ("face", "delta", "exposure")]
    columns = [*text, "face", "delta", "exposure"]
    cells = {c: shown[c].astype(str).tolist() for c in text}
    cells["face"] = [_money(v) for v in shown["face"]]
    cells["delta"] = [f"{v:.3f}" for v in shown["delta"]]
    cells["exposure"] = [_money(v) for v in shown["exposure"]]
    keys = {c: shown[c].round(2).astype(str).tolist() for c in ("face", "delta", "exposure")}
    rows = [[(cells[c][i], keys[c][i] if c in keys else None) for c in columns]
            for i in range(len(shown))]
    return {"columns": columns, "numeric": ["face", "delta", "exposure"], "rows": rows,
            "count": len(table), "hidden": len(table) - len(shown),
            "total": _money(table["exposure"].sum())}


def _limits(table: pd.DataFrame | None) -> list[dict[str, Any]] | None:
    if table is None:
        return None
    from ._limits import _shown
    return [{"where": "book" if r["scope"] == "book" else f"{r['scope']} {r['key']}",
             "metric": r["metric"].replace("_", " "), "figure": _shown(r["metric"], r["figure"]),
             "limit": _shown(r["metric"], r["limit"]), "use": fmt.percent(r["use"], 0)
             if np.isfinite(r["use"]) else "n/a", "status": r["status"]}
            for r in table.to_dict("records")]


def _changes(changes: dict[str, Any] | None) -> dict[str, Any] | None:
    if changes is None:
        return None
    groups = []
    for column, table in changes["groups"].items():
        groups.append({"column": column, "rows": [
            {"key": k, "net": _money(r["net_today"]), "net_change": _money(r["net_change"]),
             "gross": _money(r["gross_today"]), "gross_change": _money(r["gross_change"]),
             "cls": _sign_class(r["net_change"])} for k, r in table.head(MAX_ROWS).iterrows()]})
    lists = {}
    for what in ("opened", "closed", "resized"):
        table = changes[what]
        value = "exposure_change" if what == "resized" else "exposure"
        table = table.reindex(table[value].abs().sort_values(ascending=False,
                                                             kind="stable").index)
        lists[what] = {"count": len(table), "rows": [
            {"name": r["name"], "value": _money(r[value])} for _, r in
            table.head(CHANGE_ROWS).iterrows()]}
    explain = changes["explain"]
    if explain is not None:
        explain = {**{k: _money(explain[k]) for k in
                      ("total", "delta", "basis", "funding", "remainder")},
                   "funding_given": explain["funding_given"],
                   "unpriced": explain["unpriced"],
                   "rows": [{"underlying": u, "move": fmt.percent(explain["moves"].get(u, np.nan))
                             if np.isfinite(explain["moves"].get(u, np.nan)) else "n/a",
                             **{k: _money(r[k]) for k in ("total", "delta", "basis", "funding",
                                                          "remainder")}}
                            for u, r in explain["by_underlying"].iterrows()]}
    return {"groups": groups, "net_change": _money(changes["net_change"]),
            "gross_change": _money(changes["gross_change"]), "explain": explain, **lists}


def view(data: dict[str, Any], title: str) -> dict[str, Any]:
    """Everything the template prints, formatted."""
    return {"title": title, "as_of": data["as_of"].isoformat(), "measure": data["measure"],
            "assumptions": data["assumptions"], "limits": _limits(data["limits"]),
            "changes": _changes(data["changes"]),
            "positions_table": _positions(data["positions_table"]),
            "expired": len(data["expired"]),
            "positions": data["positions"], "headline": _headline(data),
            "groupings": [_grouping(c, t) for c, t in data["groupings"].items()],
            "ladder": _ladder(data["ladder"]), "accounts": _accounts(data),
            "funding": _funding(data["funding"]),
            "stress": _stress(data["stress_grid"], data["stresses"]),
            "vol_shift": f"{data['vol_shift'] * 100:.0f}",
            "findings": _findings(data["findings"])}


def render(data: dict[str, Any], title: str) -> str:
    """The whole page for :func:`exposure_kit.report`'s ``data``."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("exposure_kit", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return environment.get_template("report.html.j2").render(**view(data, title))
