"""The engine kernel: hand-worked numbers over its rows, and guards on the package's structure.

- no module outside ``_kernel.py`` and ``_book.py`` reads or writes a private attribute of a
  Book or of the kernel's rows;
- the package's import graph (function-level imports included) has no cycle;
- the kernel's exposure, P&L and subsets on a linear long, an inverse short and a coin-settled
  option, worked by hand;
- numbers given as booleans are refused, as every other number check does.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import exposure_kit as ek
from exposure_kit._kernel import Rows, sides, sides_by, sides_per_step

PACKAGE = Path(ek.__file__).resolve().parent
OWNERS = {"_kernel.py", "_book.py"}


# ----- guards -------------------------------------------------------------------------------
def _private_names() -> set[str]:
    """Private (not dunder) attribute names of Book and of the kernel's rows, instances
    included, and ``_`` + each public name of the rows (the names a Book held before the
    kernel: ``_frame``, ``_usd``, ``_numbers``, ...). IPython's ``_repr_*_`` hooks are not
    private state."""
    book = ek.Book.from_records([{"name": "c", "underlying": "BTC", "kind": "option",
                                  "side": "long", "quantity": 1, "price": 100.0,
                                  "strike": 100.0, "years": 1.0, "volatility": 0.5,
                                  "option_type": "call"}])
    book.exposures()
    book.rows.pnl_at(np.ones(1))
    found = set()
    for owner in (ek.Book, book, Rows, book.rows):
        found |= set(vars(owner))
    found |= {"_" + name for owner in (Rows, book.rows) for name in vars(owner)
              if not name.startswith("_")}
    return {n for n in found if n.startswith("_") and not n.startswith("__")
            and not n.startswith("_repr_")}


def reach_ins(root: Path = PACKAGE) -> list[str]:
    """``file:line name`` of every ``<x>._name`` outside the owners where ``_name`` is private to
    Book or the kernel; ``self._name`` in another class is that class's own state."""
    names = _private_names()
    hits = []
    for path in sorted(root.rglob("*.py")):
        if path.name in OWNERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "__new__" and \
                    isinstance(node.value, ast.Name) and node.value.id == "Book":
                hits.append(f"{path.relative_to(root)}:{node.lineno} Book.__new__")
                continue                      # a book built by hand, past its validation
            if not isinstance(node, ast.Attribute) or node.attr not in names:
                continue
            if isinstance(node.value, ast.Name) and node.value.id == "self":
                continue
            hits.append(f"{path.relative_to(root)}:{node.lineno} {ast.unparse(node)}")
    return hits


def test_no_module_reaches_into_a_book_or_the_kernel():
    hits = reach_ins()
    print(f"private reach-ins into Book / the kernel outside them: {len(hits)}")
    assert hits == []


def test_the_guard_sees_a_reach_in(tmp_path):
    (tmp_path / "_bad.py").write_text("def f(book):\n    return book._rows, book._frame\n"
                                      "def g():\n    return Book.__new__(Book)\n")
    (tmp_path / "_fine.py").write_text("class A:\n    def f(self):\n        return self._frame\n")
    assert sorted(h.split()[1] for h in reach_ins(tmp_path)) == [
        "Book.__new__", "book._frame", "book._rows"]


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, at any depth (lazy imports included). An
    import of ``pkg.mod`` is an edge to ``pkg.mod`` only (not to ``pkg``'s ``__init__``)."""
    files = {_module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                           for a in node.names]
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


#: The one cycle left, outside the engine: the lesson predictions subclass ``Prediction``, whose
#: ``for_lesson`` looks them up by lesson (a registry, imported when first asked for).
KNOWN_CYCLES = [
    ["exposure_kit.widgets._lesson_predictions", "exposure_kit.widgets._predict"],
]
ENGINE = ("_kernel", "_book", "_scenarios", "_margin", "_funding", "_expiries", "_paths",
          "_replay", "_snapshots", "_hedging", "_diagnostics", "_changes", "_instruments")


def test_the_engine_imports_have_no_cycle():
    graph = import_graph()
    assert {"exposure_kit._book", "exposure_kit._kernel",
            "exposure_kit.widgets._stress"} <= set(graph)
    assert "exposure_kit._kernel" in graph["exposure_kit._book"]
    engine = {f"exposure_kit.{m}" for m in ENGINE}
    assert engine <= set(graph)
    found = cycles(graph)
    assert [c for c in found if engine & set(c)] == []
    assert sorted(found) == sorted(KNOWN_CYCLES), found     # no new cycle anywhere


def test_the_cycle_finder_finds_a_lazy_cycle(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from . import a\n")
    (pkg / "a.py").write_text("from .b import f\n")
    (pkg / "b.py").write_text("def f():\n    from .a import g\n")
    (pkg / "c.py").write_text("from . import a\n")
    assert cycles(import_graph(pkg)) == [["pkg.a", "pkg.b"]]


# ----- the kernel, worked by hand -----------------------------------------------------------
def _rows(*records) -> Rows:
    return Rows.cleaned(pd.DataFrame.from_records(list(records)))


LINEAR_LONG = {"name": "lin", "underlying": "BTC", "kind": "perp", "side": "long",
               "quantity": 2, "price": 60_000.0}
# 500 contracts of $100 face: $50,000 of face, entered at 50,000, BTC now at 35,000
INVERSE_SHORT = {"name": "inv", "underlying": "BTC", "kind": "perp", "side": "short",
                 "quantity": 500, "contract_size": 100, "inverse": True, "price": 35_000.0,
                 "entry_price": 50_000.0}


def test_a_linear_long():
    rows = _rows(LINEAR_LONG)
    # 2 BTC at 60,000 is $120,000 long; 10 % up makes $12,000 and the long is $132,000
    assert rows.usd.tolist() == [120_000.0]
    assert rows.exposures_at().tolist() == [120_000.0]
    assert rows.exposures_at(denomination="coin").tolist() == pytest.approx([2.0])
    assert rows.exposures_at(np.array([1.1])).tolist() == pytest.approx([132_000.0])
    assert rows.pnl_at(np.array([1.1])).tolist() == pytest.approx([12_000.0])
    assert rows.exposures_at(measure="beta", betas={"BTC": 1.0}).tolist() == [120_000.0]


def test_an_inverse_short():
    rows = _rows(INVERSE_SHORT)
    # at face: -$50,000 whatever the price; in coin 50,000 / 35,000 = 1.428571 BTC short
    assert rows.exposures_at().tolist() == [-50_000.0]
    assert rows.exposures_at(np.array([1.1])).tolist() == [-50_000.0]
    assert rows.exposures_at(denomination="coin").tolist() == pytest.approx([-50_000 / 35_000])
    # keeping the coin P&L: 50,000 / 50,000 = 1 BTC short, $35,000 at 35,000
    assert rows.exposures_at(inverse="coin_pnl").tolist() == pytest.approx([-35_000.0])
    # BTC 10 % up: at face -50,000 x 0.1 = -5,000; in coin -1 BTC x 3,500 = -3,500
    assert rows.pnl_at(np.array([1.1])).tolist() == pytest.approx([-5_000.0])
    assert rows.pnl_at(np.array([1.1]), "coin_pnl").tolist() == pytest.approx([-3_500.0])
    assert rows.with_reading("coin_pnl").exposures_at().tolist() == pytest.approx([-35_000.0])


def test_a_coin_settled_option():
    # 10 BTC calls at the money, a year, 20 % volatility, no rate: d1 = 0.1, d2 = -0.1,
    # N(0.1) = 0.5398278, N(-0.1) = 0.4601722 (normal table). Black-76 delta N(d1); price per
    # BTC 60,000 (N(d1) - N(d2)) = 4,779.34, on a face of 10 x 60,000 = $600,000.
    # Settled in BTC or in USDC, the option is worth its Black-76 USD price, so in a USD book
    # its delta is N(d1) either way. Only a coin-denominated view takes the premium in coin off:
    # N(d1) - price / F = N(d2) here, the "Net Transaction Delta" Deribit sums into its "Delta
    # Total" (Deribit API v2, account summary: "Net Transaction Delta = Black Scholes Delta -
    # Mark Price of Options"; "treat your delta as Equity + Delta Total" for USD P&L, i.e. the
    # premium held in coin adds back the price / F the adjustment took off).
    option = {"name": "call", "underlying": "BTC", "kind": "option", "side": "long",
              "quantity": 10, "price": 60_000.0, "strike": 60_000.0, "years": 1.0,
              "volatility": 0.2, "option_type": "call"}
    usd_settled = _rows(option)
    coin_settled = _rows({**option, "settle": "BTC"})
    assert usd_settled.model_prices_now.tolist() == pytest.approx([4_779.34], abs=0.01)
    assert usd_settled.exposures_at().tolist() == pytest.approx([600_000 * 0.5398278], abs=0.1)
    assert coin_settled.exposures_at().tolist() == pytest.approx([600_000 * 0.5398278], abs=0.1)
    # in coin: USD-settled 10 x N(d1) BTC; coin-settled 10 x N(d2) BTC
    assert usd_settled.exposures_at(denomination="coin").tolist() == pytest.approx(
        [10 * 0.5398278], abs=1e-6)
    assert coin_settled.exposures_at(denomination="coin").tolist() == pytest.approx(
        [10 * 0.4601722], abs=1e-6)
    assert coin_settled.exposures_at(measure="notional").tolist() == [600_000.0]
    # a 10 % rise: 10 x (Black-76 at 66,000 - 4,779.34). At F = 66,000: d1 = ln(1.1)/0.2 + 0.1
    # = 0.576551, d2 = 0.376551; N = 0.717879 and 0.646746 (normal table):
    # 66,000 x 0.717879 - 60,000 x 0.646746 = 8,575.25 a coin (8,575.21 unrounded)
    assert usd_settled.pnl_at(np.array([1.1])).tolist() == pytest.approx(
        [10 * (8_575.21 - 4_779.34)], abs=1.0)
    # at the moved price, the USD delta is still plain N(d1) = 0.717879, settled in coin or not
    assert coin_settled.exposures_at(np.array([1.1])).tolist() == pytest.approx(
        [660_000 * 0.717879], abs=1.0)
    # and in coin, N(d1) - price / F = 0.717879 - 8,575.21 / 66,000 = 0.587951 a BTC
    assert coin_settled.exposures_at(np.array([1.1]), denomination="coin").tolist() == \
        pytest.approx([10 * 0.587951], abs=1e-5)


def test_a_coin_settled_put_out_of_the_money():
    # A short Deribit-style BTC put, K = 50,000, F = 60,000, half a year, 70 %: by hand,
    # d1 = (ln(60/50) + 0.7^2 x 0.5 / 2) / (0.7 sqrt(0.5)), N from math.erf written here.
    def n(x):
        return 0.5 * (1 + math.erf(x / math.sqrt(2)))
    sigma_t = 0.7 * math.sqrt(0.5)
    d1 = (math.log(60_000 / 50_000) + sigma_t ** 2 / 2) / sigma_t
    d2 = d1 - sigma_t
    put = 50_000 * n(-d2) - 60_000 * n(-d1)             # Black-76 USD price per BTC
    rows = _rows({"name": "put", "underlying": "BTC", "kind": "option", "side": "short",
                  "quantity": 4, "price": 60_000.0, "strike": 50_000.0, "years": 0.5,
                  "volatility": 0.7, "option_type": "put", "settle": "BTC"})
    # USD book: short 4 puts of plain delta N(d1) - 1 on $240,000 of face: long exposure
    assert rows.exposures_at().tolist() == pytest.approx([-240_000 * (n(d1) - 1)], rel=1e-9)
    # coin view: (N(d1) - 1 - put / F) per BTC, short 4
    assert rows.exposures_at(denomination="coin").tolist() == pytest.approx(
        [-4 * (n(d1) - 1 - put / 60_000)], rel=1e-9)


def test_subsets_and_sums():
    rows = _rows(LINEAR_LONG, INVERSE_SHORT)
    part = rows.with_reading("coin_pnl").subset(np.array([False, True]))
    assert len(part) == 1 and part.reading == "coin_pnl"
    assert part.exposures_at().tolist() == pytest.approx([-35_000.0])
    signed = rows.exposures_at()                        # +120,000 and -50,000
    assert sides(signed) == (120_000.0, 50_000.0)
    assert [a.tolist() for a in sides_per_step(np.vstack([signed, -signed]))] == [
        [120_000.0, 50_000.0], [50_000.0, 120_000.0]]
    assert [a.tolist() for a in sides_by(np.array([0, 1]), 2, signed)] == [
        [120_000.0, 0.0], [0.0, 50_000.0]]
    book = ek.Book.from_records([LINEAR_LONG, INVERSE_SHORT])
    assert book.part([True, False]).net_exposure() == 120_000.0
    assert book.reading("coin_pnl").part([False, True]).inverse_reading == "coin_pnl"


def test_a_book_and_its_kernel_agree():
    book = ek.Book.from_records([LINEAR_LONG, INVERSE_SHORT])
    moved = book.shock({"BTC": 0.1})
    # the linear long grows to 132,000, the inverse short stays at its face
    assert moved.exposures().tolist() == pytest.approx([132_000.0, -50_000.0])
    assert book.rows.exposures_at(book.move_factors({"BTC": 0.1})).tolist() == pytest.approx(
        moved.exposures().tolist())


# ----- number checks: booleans are no numbers -----------------------------------------------
def test_a_move_given_as_true_is_refused():
    book = ek.Book.from_records([LINEAR_LONG])
    with pytest.raises(ek.PositionError, match="moves") as caught:
        book.shock({"BTC": True})
    assert caught.value.field == "moves"


def test_a_rebalancing_threshold_given_as_true_is_refused():
    book = ek.Book.from_records([LINEAR_LONG])
    paths = pd.DataFrame({"BTC": [100.0, 110.0]})
    with pytest.raises(ek.PositionError, match="threshold") as caught:
        ek.rebalance_path(book, paths, threshold=True)
    assert caught.value.field == "threshold"
    assert ek.rebalance_path(book, paths, threshold=1.0).count == 1     # a number is taken


def test_a_liquidation_quantity_given_as_true_is_refused():
    with pytest.raises(ek.PositionError, match="quantity") as caught:
        ek.liquidation_price("long", True, 20_000, 400, 0.005)
    assert caught.value.field == "quantity"
    # Bybit's example with 1 BTC long at 20,000, 400 of margin, 0.5 %: Binance's rule gives
    # (400 - 20,000) / (0.005 - 1) = 19,698.49
    assert ek.liquidation_price("long", 1, 20_000, 400, 0.005) == pytest.approx(19_698.49,
                                                                                abs=0.01)


@pytest.mark.parametrize("call, field", [
    (lambda b: ek.stress_scenarios(b, move=True), "move"),
    (lambda b: ek.stress_scenarios(b, funding_periods=True), "funding_periods"),
    (lambda b: b.exposures(measure="beta", betas={"BTC": True}), "betas"),
    (lambda b: ek.replay_book(b, ek.sample_prices(), cost=True), "cost"),
])
def test_other_booleans_are_refused(call, field):
    with pytest.raises(ek.PositionError) as caught:
        call(ek.Book.from_records([LINEAR_LONG]))
    assert caught.value.field == field


def test_hand_worked_normal_values_hold():
    # the table values used above
    def n(x):
        return 0.5 * (1 + math.erf(x / math.sqrt(2)))
    assert (round(n(0.1), 7), round(n(0.576551), 6), round(n(0.376551), 6)) == (
        0.5398278, 0.717879, 0.646746)


def test_stablecoins_held_are_no_exposure_under_a_move_either():
    # $200,000 of USDT margin under a $100,000 BTC perp long: the net is the perp's $100,000,
    # today and under any move (before the kernel, grids and paths counted the USDT as a long)
    book = ek.Book.from_records([
        {"name": "margin", "underlying": "USDT", "kind": "collateral", "side": "long",
         "quantity": 200_000, "price": 1.0},
        {"name": "perp", "underlying": "BTC", "kind": "perp", "side": "long",
         "notional": 100_000}])
    assert book.net_exposure() == 100_000.0
    grid = ek.scenario_grid(book, "BTC", "ETH", [0.0, 0.1])
    assert grid.net.loc[0.0].tolist() == pytest.approx([100_000.0, 110_000.0])
    assert ek.shock_exposures(book, {"BTC": 0.1}).tolist() == pytest.approx([0.0, 110_000.0])
    path = ek.exposure_path(book, pd.DataFrame({"BTC": [100.0, 90.0], "USDT": [1.0, 1.0]}))
    assert path["net"].tolist() == pytest.approx([100_000.0, 90_000.0])
