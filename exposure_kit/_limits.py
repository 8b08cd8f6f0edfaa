"""Risk limits: a small table of caps a desk sets, checked against a book.

A limits file has one line per limit: ``scope`` (``book``, ``underlying``, ``venue`` or
``account``), ``key`` (which one: ``BTC``, ``Binance``, ``001``; empty or ``*`` for the book),
``metric`` and ``limit``:

- ``gross``, ``net``: USD caps on the scope's gross and absolute net exposure;
- ``net_leverage``: a cap on ``|net| / equity`` (for an account: its net on every venue over its
  equity on every venue);
- ``concentration``: a cap on the scope's share of the book's gross (for ``book``: the
  largest underlying's share);
- ``liquidation_distance``: a floor on the smallest move of one asset that liquidates an
  account (needs equity per account): ``0.25`` means no account may be liquidated by a move
  under 25 %. An account key ``001`` covers account 001 on every venue (each venue's margin
  account apart); ``Binance 001`` one of them.

Each limit's use is ``figure / limit`` (``limit / distance`` for the floor): at 100 % or more it
is a breach, from 80 % it is near.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ._book import Book
from ._diagnostics import Finding
from ._errors import PositionError, checked_number
from ._format import percent, usd
from ._readers import table_rows

__all__ = ["read_limits", "check_limits", "LIMIT_METRICS", "LIMIT_SCOPES", "NEAR_LIMIT"]

LIMIT_SCOPES = ("book", "underlying", "venue", "account")
LIMIT_METRICS = ("gross", "net", "net_leverage", "concentration", "liquidation_distance")
#: From this share of a limit on, a figure is listed as near its limit.
NEAR_LIMIT = 0.8


def read_limits(path_or_buffer: Any) -> pd.DataFrame:
    """Read a limits file (CSV or JSON: ``scope,key,metric,limit``), every line checked.

    Parameters
    ----------
    path_or_buffer : str, path, file-like or DataFrame

    Returns
    -------
    pandas.DataFrame
        Columns ``scope``, ``key``, ``metric``, ``limit``.

    Examples
    --------
    >>> import io
    >>> read_limits(io.StringIO("scope,key,metric,limit\\nbook,,gross,5000000\\n"
    ...                         "underlying,btc,net,1000000\\n")).to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'scope': 'book', 'key': '*', 'metric': 'gross', 'limit': 5000000.0},
     {'scope': 'underlying', 'key': 'BTC', 'metric': 'net', 'limit': 1000000.0}]
    """

    if isinstance(path_or_buffer, pd.DataFrame):
        rows = [{"__line__": i + 1, **r} for i, r in
                enumerate(path_or_buffer.to_dict("records"))]
        source, label = "limits", "row"
    else:
        rows, source, label = table_rows(path_or_buffer, "limits (scope,key,metric,limit)")
    out, seen = [], set()
    for index, row in enumerate(rows, start=1):
        number = row.pop("__line__", index)

        def fail(field: str, problem: str) -> PositionError:
            return PositionError(field, problem, row=number, row_label=label, source=source)

        scope = str(row.get("scope", "")).strip().lower()
        if scope not in LIMIT_SCOPES:
            raise fail("scope", f"{row.get('scope')!r} is not one of {', '.join(LIMIT_SCOPES)}")
        metric = str(row.get("metric", "")).strip().lower()
        if metric not in LIMIT_METRICS:
            raise fail("metric", f"{row.get('metric')!r} is not one of "
                       f"{', '.join(LIMIT_METRICS)}")
        key = row.get("key")
        key = "" if key is None or (isinstance(key, float) and np.isnan(key)) else str(key).strip()
        if scope == "book":
            key = "*"
        elif not key or key == "*":
            raise fail("key", f"is empty: a {scope} limit names its {scope}")
        elif scope == "underlying":
            key = key.upper()
        raw = row.get("limit")
        try:
            limit = checked_number("limit", float(raw) if isinstance(raw, str) else raw,
                                   positive=True)
        except (PositionError, TypeError, ValueError):
            raise fail("limit", f"{raw!r} is not a positive number") from None
        if metric in ("concentration", "liquidation_distance") and limit > 1:
            raise fail("limit", f"{limit:g} is a fraction for {metric} (0.25 for 25 %)")
        if (scope, key, metric) in seen:
            raise fail("metric", f"{scope} {key} {metric} is given twice")
        seen.add((scope, key, metric))
        out.append({"scope": scope, "key": key, "metric": metric, "limit": limit})
    return pd.DataFrame(out, columns=["scope", "key", "metric", "limit"])


def check_limits(book: Book, limits: Any, *, equity: float | None = None,
                 per_account: Mapping[str, float] | None = None,
                 moves: pd.DataFrame | None = None,
                 options: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Each limit with the book's figure, its use and its status.

    Parameters
    ----------
    book : Book
    limits : path, file-like or DataFrame
        As :func:`read_limits` reads.
    equity : float, optional
        The book's equity (for ``net_leverage`` of the book, an underlying or a venue).
    per_account : dict, optional
        Equity per account (for an account's ``net_leverage``).
    moves : DataFrame, optional
        The liquidating moves of :func:`account_risk` (for ``liquidation_distance``).
    options : dict, optional
        How exposure is measured, as in :meth:`Book.exposures`.

    Returns
    -------
    pandas.DataFrame
        ``scope``, ``key``, ``metric``, ``limit``, ``figure``, ``use`` and ``status``
        (``"breach"``, ``"near"`` or ``"ok"``), breaches first, then by use.

    Examples
    --------
    A $1.2M gross against a $1M cap is used at 120 %: a breach.

    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 700_000},
    ...     {"underlying": "ETH", "kind": "perp", "side": "short", "notional": 500_000}])
    >>> table = check_limits(book, pd.DataFrame([{"scope": "book", "key": "",
    ...                      "metric": "gross", "limit": 1_000_000}]))
    >>> row = table.iloc[0]
    >>> float(row["figure"]), float(row["use"]), row["status"]
    (1200000.0, 1.2, 'breach')
    """
    table = read_limits(limits)
    options = dict(options or {"measure": "delta"})
    columns = book.rows.frame.columns
    groups = {c: book.by(c, **options) for c in LIMIT_SCOPES[1:] if c in columns}
    gross = float(book.gross_exposure(**options))
    rows = []
    for r in table.to_dict("records"):
        figure = _figure(book, r, groups, gross, equity, per_account, moves, options)
        if r["metric"] == "liquidation_distance":
            use = 0.0 if not np.isfinite(figure) else (
                np.inf if figure == 0 else r["limit"] / figure)
        else:
            use = figure / r["limit"]
        status = "breach" if use >= 1 else "near" if use >= NEAR_LIMIT else "ok"
        rows.append({**r, "figure": figure, "use": float(use), "status": status})
    out = pd.DataFrame(rows, columns=["scope", "key", "metric", "limit", "figure", "use",
                                      "status"])
    order = out["status"].map({"breach": 0, "near": 1, "ok": 2})
    return out.assign(_o=order).sort_values(["_o", "use"], ascending=[True, False],
                                            kind="stable").drop(columns="_o"
                                                                ).reset_index(drop=True)


def _figure(book, r, groups, gross, equity, per_account, moves, options) -> float:
    scope, key, metric = r["scope"], r["key"], r["metric"]
    if metric == "liquidation_distance":
        if moves is None:
            raise PositionError("limits", "a liquidation_distance limit needs equity per account "
                                "(equity={...} or --equity-file)")
        found = moves["liquidating_move"].abs()
        if scope != "book":
            level = {"account": "account", "underlying": "underlying"}.get(scope)
            if level is None:
                raise PositionError("limits", "liquidation_distance is per book, account or "
                                    "underlying, not per venue")
            found = found[_matches(found.index.get_level_values(level).astype(str), key)
                          if level == "account" else
                          found.index.get_level_values(level).astype(str) == key]
        return float(found.min()) if found.notna().any() else float("inf")
    if scope == "book":
        net, grs = float(book.net_exposure(**options)), gross
    else:
        if scope not in groups:
            raise PositionError("limits", f"a {scope} limit needs a {scope} column in the book")
        table = groups[scope]
        index = table.index.map(lambda k: "" if pd.isna(k) else str(k))
        hit = table[index == key]
        net = float(hit["net"].sum()) if len(hit) else 0.0
        grs = float(hit["gross"].sum()) if len(hit) else 0.0
    if metric == "gross":
        return grs
    if metric == "net":
        return abs(net)
    if metric == "concentration":
        if scope == "book":
            under = groups.get("underlying")
            grs = float(under["gross"].max()) if under is not None and len(under) else 0.0
        return grs / gross if gross > 0 else 0.0
    base = equity
    if scope == "account":
        given = {str(k): v for k, v in (per_account or {}).items()}
        mine = [v for k, v in given.items() if _matches(np.array([k]), key)[0]]
        base = given.get(key, sum(mine) if mine else None)
    if base is None:
        raise PositionError("limits", f"a net_leverage limit on {scope} {key} needs its equity")
    return abs(net) / checked_number("equity", base, positive=True)


def limit_findings(table: pd.DataFrame | None) -> list[Finding]:
    """A "high" finding per breach, a "medium" one per figure near its limit."""
    if table is None:
        return []
    out = []
    for r in table.to_dict("records"):
        if r["status"] == "ok":
            continue
        where = "the whole book" if r["scope"] == "book" else f"{r['scope']} {r['key']}"
        out.append(Finding(
            "high" if r["status"] == "breach" else "medium",
            "limit-breach" if r["status"] == "breach" else "limit-near",
            f"{where}: {r['metric'].replace('_', ' ')} {_shown(r['metric'], r['figure'])} "
            f"against a {'floor' if r['metric'] == 'liquidation_distance' else 'limit'} of "
            f"{_shown(r['metric'], r['limit'])}, {percent(r['use'], 0)} used"
            f"{': over the limit' if r['status'] == 'breach' else ''}.",
            (where,), float(r["figure"]) if r["metric"] in ("gross", "net") else 0.0))
    return out


def _shown(metric: str, value: float) -> str:
    if metric in ("gross", "net"):
        return usd(value)
    if metric == "net_leverage":
        return f"{value:.2f}x"
    return "none" if not np.isfinite(value) else percent(value, 1)


def _matches(labels: np.ndarray, key: str) -> np.ndarray:
    """Margin pool labels that are ``key``, or account ``key`` on any venue and in any of its
    wallets (``"001"`` matches ``"Binance 001"``, ``"OKX 001"`` and ``"Binance 001
    BTC-margined"``; ``"Binance 001"`` matches every pool of that account)."""
    labels = np.asarray(labels, dtype=str)
    accounts = np.array([re.sub(r" (\S+-margined|portfolio)$", "", label) for label in labels],
                        dtype=str)
    return ((labels == key) | (accounts == key) | np.char.endswith(accounts, " " + key))
