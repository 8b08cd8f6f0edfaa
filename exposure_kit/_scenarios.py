"""What a price move does to a book: P&L, exposures after the move, grids and named stresses.

Every function here works on *price factors*: one plus the relative move, one per position (or
a matrix of them, one row per scenario or path step). Linear and inverse rows are closed-form in
the factor, so whole grids and paths are a few array operations; options are repriced with
Black-76, vectorised over positions and scenarios.

P&L conventions (USD):

- linear rows (spot, collateral, linear perps and futures): ``signed notional x move``;
- inverse rows: the contract's coin P&L valued in USD at the new price. Under ``inverse="face"``
  (an account that sweeps its coin P&L to USD) a long of face ``F`` makes
  ``F (1/P0 - 1/P1) x P1 = F x move``; under ``inverse="coin_pnl"`` (an account that keeps the coin)
  it makes ``F / entry x (P1 - P0)``. Both equal the position's exposure in that convention times
  the move, as in :meth:`Book.exposures`;
- options: the change in Black-76 value when strike, years and volatility are known and no
  ``delta`` is given; otherwise the delta approximation ``delta x signed notional x move``.
  Time to expiry is held fixed: a shock is instantaneous.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ._book import Book, ExposureSummary
from ._errors import PositionError, checked_number
from ._format import percent, usd
from ._funding import funding_payment
from ._kernel import Rows
from ._periods import FUNDING_PERIODS_PER_DAY, HOURS_PER_FUNDING_PERIOD

__all__ = ["shock_pnl", "shock_exposures", "scenario_grid", "ScenarioGrid", "ScenarioResult",
           "stress_scenarios", "stress_test", "stress_grid"]

def exposures_at(book: Book, factors, **options: Any) -> np.ndarray:
    """Signed exposure per position at prices ``price x factors`` (shape of ``factors``): the
    same numbers as ``book.revalue(factors).exposures(**options)`` without building a book (the
    kernel's formula, :meth:`exposure_kit._kernel.Rows.exposures_at`)."""
    rows = book.rows
    return rows.exposures_at(factors, **rows.options_of(options))


def pnl_at(book: Book, factors, inverse: str | None = None) -> np.ndarray:
    """USD P&L per position when prices move from ``price`` to ``price x factors``.

    Conventions as in the module docstring.
    """
    return book.rows.pnl_at(factors, inverse)


# ----- single shocks ------------------------------------------------------------------------------
def shock_pnl(book: Book, moves: Mapping[str, float], on: str = "underlying", *,
              inverse: str | None = None) -> float:
    """USD profit or loss of the book when prices move at once by ``moves``.

    Parameters
    ----------
    book : Book
    moves : dict
        Relative move per value of ``on``, e.g. ``{"BTC": -0.2}``.
    on : str, default "underlying"
        The column the keys refer to (``"name"`` moves single instruments).
    inverse : {"face", "coin_pnl"}
        How inverse contracts' coin P&L is valued (see the module docstring): ``"face"`` gives
        ``face x move``, ``"coin_pnl"`` gives ``face / entry_price x price x move``. By default
        the book's reading (``"face"`` unless the book came from a :class:`MarginAccount`).

    Returns
    -------
    float

    Examples
    --------
    A $100,000 BTC long hedged by a $60,000 short loses 20 % of the $40,000 left over:

    >>> book = Book.from_records([
    ...     {"name": "spot", "underlying": "BTC", "kind": "spot", "side": "long", "notional": 100_000},
    ...     {"name": "perp", "underlying": "BTC", "kind": "perp", "side": "short", "notional": 60_000}])
    >>> round(shock_pnl(book, {"BTC": -0.2}), 2)
    -8000.0
    """
    return float(pnl_at(book, book.move_factors(moves, on), inverse).sum())


def shock_exposures(book: Book, moves: Mapping[str, float], on: str = "underlying",
                    **options: Any) -> pd.Series:
    """Signed exposure per position after the move: the same as ``book.shock(moves, on)``
    followed by ``.exposures(**options)``, computed without building a new book.

    Examples
    --------
    >>> book = Book.from_records([{"name": "spot", "underlying": "BTC", "kind": "spot",
    ...                            "side": "long", "notional": 100_000}])
    >>> shock_exposures(book, {"BTC": -0.2}).tolist()
    [80000.0]
    """
    values = exposures_at(book, book.move_factors(moves, on), **options)
    return pd.Series(values, index=pd.Index(book.rows.frame["name"], name="name"), name="exposure")


# ----- the grid --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScenarioGrid:
    """Net exposure and P&L of a book on a grid of moves of two underlyings.

    ``net`` and ``pnl`` are DataFrames indexed by the ``y`` moves (rows) with the ``x`` moves as
    columns; ``net`` is measured as asked (``measure=``, ``inverse=`` ...).
    """

    x: str
    y: str
    net: pd.DataFrame
    pnl: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Long form: one row per cell with columns ``x_move``, ``y_move``, ``net``, ``pnl``.

        Examples
        --------
        >>> book = Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
        ...                            "notional": 100.0}])
        >>> scenario_grid(book, "BTC", "ETH", [-0.1, 0.0, 0.1]).to_frame().shape
        (9, 4)
        """
        net = self.net.stack().rename("net")
        pnl = self.pnl.stack().rename("pnl")
        frame = pd.concat([net, pnl], axis=1).reset_index()
        frame.columns = ["y_move", "x_move", "net", "pnl"]
        return frame[["x_move", "y_move", "net", "pnl"]]


def _moves_array(moves, name: str) -> np.ndarray:
    values = np.asarray(moves, dtype=float).ravel()
    if values.size == 0:
        raise PositionError(name, "needs at least one move")
    if not np.all(np.isfinite(values)) or np.any(values <= -1):
        raise PositionError(name, "moves must be finite numbers above -1 (-100 %)")
    return np.round(values, 12)   # so that linspace's 0.19999999999999996 is found as 0.2


def _axis(book: Book, underlying: str, moves: np.ndarray, inverse: str, options) -> tuple:
    """Net exposure and P&L of the rows on ``underlying`` for each move (1-D arrays)."""
    rows = (book.rows.frame["underlying"] == underlying).to_numpy()
    if not rows.any():
        return np.zeros(len(moves)), np.zeros(len(moves))
    part = book.rows.subset(rows)
    sub = np.broadcast_to(1.0 + moves[:, None], (len(moves), len(part)))
    return (part.exposures_at(sub, **options).sum(axis=1), part.pnl_at(sub, inverse).sum(axis=1))


def scenario_grid(book: Book, x: str = "BTC", y: str = "ETH",
                  moves=np.linspace(-0.5, 0.5, 11), *, y_moves=None,
                  **options: Any) -> ScenarioGrid:
    """Net exposure and P&L on every cell of a grid of moves of two underlyings.

    Positions on ``x`` move by the column's move, positions on ``y`` by the row's, the rest stay.
    Each position depends on one underlying only, so a cell is the sum of an ``x`` part and a
    ``y`` part: the grid costs two sweeps of the moves, not one revaluation per cell.

    Parameters
    ----------
    book : Book
    x, y : str
        The two underlyings (they need not be in the book: a missing one just does nothing).
    moves : array-like, default -50 % to +50 % in steps of 10 %
        Relative moves of ``x`` (and of ``y`` unless ``y_moves`` is given).
    y_moves : array-like, optional
    **options
        How net exposure is measured, as in :meth:`Book.exposures`; ``inverse`` also sets the
        P&L convention of inverse contracts (see :func:`shock_pnl`).

    Returns
    -------
    ScenarioGrid

    Examples
    --------
    $150k BTC long against $100k ETH short, both falling 10 %:

    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 150_000},
    ...     {"underlying": "ETH", "kind": "future", "side": "short", "notional": 100_000}])
    >>> grid = scenario_grid(book, "BTC", "ETH", [-0.1, 0.0, 0.1])
    >>> round(float(grid.pnl.loc[-0.1, -0.1]), 2), round(float(grid.net.loc[-0.1, -0.1]), 2)
    (-5000.0, 45000.0)
    """
    x, y = str(x).strip().upper(), str(y).strip().upper()
    if x == y:
        raise PositionError("y", f"must differ from x ({x})")
    mx = _moves_array(moves, "moves")
    my = mx if y_moves is None else _moves_array(y_moves, "y_moves")
    options = book.rows.options_of(options)
    if options["denomination"] == "coin" and len(book.underlyings) > 1:
        raise PositionError("denomination", "a grid's net adds every underlying, and coins of "
                            "different assets do not add: use USD, or a book of one underlying")
    inverse = options["inverse"]
    net_x, pnl_x = _axis(book, x, mx, inverse, options)
    net_y, pnl_y = _axis(book, y, my, inverse, options)
    other = ~book.rows.frame["underlying"].isin([x, y]).to_numpy()
    net_other = float(book.rows.subset(other).exposures_at(np.ones(other.sum()), **options).sum()
                      ) if other.any() else 0.0
    columns = pd.Index(mx, name=f"{x} move")
    index = pd.Index(my, name=f"{y} move")
    net = pd.DataFrame(net_y[:, None] + net_x[None, :] + net_other, index=index, columns=columns)
    pnl = pd.DataFrame(pnl_y[:, None] + pnl_x[None, :], index=index, columns=columns)
    return ScenarioGrid(x=x, y=y, net=net, pnl=pnl)


# ----- named stress scenarios ---------------------------------------------------------------------
@dataclass(frozen=True)
class ScenarioResult:
    """One named stress: the moves, the P&L, and the exposures before and after.

    ``moves`` are relative price moves keyed by position name (``on="name"``); ``cash`` is money
    paid or received without a price move (funding), already included in ``pnl``.
    """

    name: str
    description: str
    moves: dict
    pnl: float
    before: ExposureSummary
    after: ExposureSummary
    exposures: pd.Series
    cash: float = 0.0
    on: str = "name"
    factors: np.ndarray = field(default=None, repr=False, compare=False)


def _against(net: np.ndarray) -> np.ndarray:
    """The direction of move that hurts a net position: down for longs (and flat), up for shorts."""
    return np.where(net < 0, 1.0, -1.0)


def _per_row(book: Book, per_underlying: pd.Series, default: float = 0.0) -> np.ndarray:
    return book.rows.frame["underlying"].map(per_underlying).fillna(default).to_numpy(dtype=float)


def _correlation_break(book: Book, nets: pd.Series, move: float) -> tuple[np.ndarray, str]:
    shift = _against(nets.to_numpy()) * move
    shift[nets.to_numpy() == 0] = 0.0
    text = (f"Every asset the book is net long falls {percent(move, 0)} while every asset it is "
            f"net short rises {percent(move, 0)}: the hedge leg moves the other way.")
    return 1.0 + _per_row(book, pd.Series(shift, index=nets.index)), text


def _basis_widens(book: Book, basis: float, options) -> tuple[np.ndarray, str]:
    kind = book.rows.column("kind")
    under = book.rows.column("underlying")
    has_future = pd.Series(kind == "future").groupby(under).transform("any").to_numpy()
    mixed = pd.Series(kind).groupby(under).transform("nunique").to_numpy() > 1
    legs = mixed & np.where(has_future, kind == "future", kind == "perp")
    signed = book.rows.exposures_at(np.ones(len(book)), **options)
    leg_net = pd.Series(np.where(legs, signed, 0.0)).groupby(under).sum()
    direction = _per_row(book, pd.Series(_against(leg_net.to_numpy()), index=leg_net.index))
    factors = np.where(legs, 1.0 + direction * basis, 1.0)
    text = (f"Where an asset is held in more than one kind of instrument, its futures (or its perps, "
            f"when it has no future) move {percent(basis, 0)} away from the other legs, against the "
            "book: the basis widens.")
    return factors, text


def _one_leg_gaps(book: Book, table: pd.DataFrame, gap: float) -> tuple[np.ndarray, str]:
    if table.empty:
        return np.ones(len(book)), "The book is empty, so nothing can gap."
    biggest = table["gross"].idxmax()
    move = float(_against(np.array([table.loc[biggest, "net"]]))[0]) * gap
    factors = np.where(book.rows.column("underlying") == biggest, 1.0 + move, 1.0)
    text = (f"{biggest}, the asset with the largest gross, gaps {percent(move, 0)} at once (all its "
            "positions) while everything else stays where it was.")
    return factors, text


def _funding_cash(book: Book, rate: float, periods: int) -> tuple[float, str]:
    perp = book.rows.is_kind("perp")
    signed = np.where(perp, book.rows.side_signed("face"), 0.0)
    under = book.rows.column("underlying")
    perp_net = pd.Series(signed).groupby(under).sum()
    # longs pay when the rate is positive: give each asset the sign that makes its net perp pay
    rates = _per_row(book, pd.Series(np.sign(perp_net.to_numpy()) * rate, index=perp_net.index))
    cash = float(np.sum(funding_payment(signed, rates))) * periods
    # funding is paid every 8 hours: three periods a day, said in days too
    per_day = FUNDING_PERIODS_PER_DAY
    days = f" ({periods / per_day:g} days)" if periods % per_day == 0 else ""
    text = (f"Funding turns against every perp position's net side at {percent(rate, 3)} per "
            f"{HOURS_PER_FUNDING_PERIOD}-hour period for {periods} periods{days}; prices do not "
            "move.")
    return cash, text


def stress_scenarios(book: Book, *, move: float = 0.20, basis: float = 0.05, gap: float = 0.30,
                     funding_rate: float = 0.001, funding_periods: int = 21,
                     equity: float | None = None, **options: Any) -> list[ScenarioResult]:
    """The four stresses the guide warns a low net number can hide, each against the book.

    - ``"correlation break"``: assets the book is net long fall by ``move``, assets it is net
      short rise by ``move``;
    - ``"basis widens"``: on each asset held in more than one kind of instrument, the futures
      (or the perps, when it has no future) move ``basis`` away from the other legs, in the
      direction that hurts the book's net position in them;
    - ``"one leg gaps"``: the underlying with the largest gross exposure gaps by ``gap`` against
      its net (down when flat), the rest stay;
    - ``"funding turns"``: each asset's perp funding rate takes the sign that makes the book's net
      perp position pay ``funding_rate`` per period, for ``funding_periods`` periods (21 is a week
      of 8-hour periods).

    Parameters
    ----------
    book : Book
    move, basis, gap, funding_rate : float
        Sizes of the stresses, as positive fractions.
    funding_periods : int
    equity : float, optional
        Account equity before the stress; the summaries after use ``equity + pnl``.
    **options
        How exposures are measured, as in :meth:`Book.exposures` (``inverse`` also sets the P&L
        convention of inverse contracts).

    Returns
    -------
    list of ScenarioResult

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 150_000},
    ...     {"underlying": "ETH", "kind": "future", "side": "short", "notional": 100_000}])
    >>> [round(s.pnl) for s in stress_scenarios(book)]
    [-50000, 0, -45000, -3150]
    """
    for name, value in (("move", move), ("basis", basis), ("gap", gap),
                        ("funding_rate", funding_rate)):
        _fraction(name, value)
    if isinstance(funding_periods, bool) or not isinstance(funding_periods, (int, np.integer)) \
            or funding_periods < 0:
        raise PositionError("funding_periods", f"must be a whole number >= 0, got "
                            f"{funding_periods!r}")
    options = book.rows.options_of(options)
    summary_options = {k: v for k, v in options.items() if v is not None}
    table = book.by("underlying", **summary_options)
    before = book.summary(equity, **summary_options)
    shocks = [("correlation break", *_correlation_break(book, table["net"], move)),
              ("basis widens", *_basis_widens(book, basis, options)),
              ("one leg gaps", *_one_leg_gaps(book, table, gap))]
    results = [_result(book, name, text, factors, 0.0, before, equity, options)
               for name, factors, text in shocks]
    cash, text = _funding_cash(book, funding_rate, funding_periods)
    results.append(_result(book, "funding turns", text, np.ones(len(book)), cash, before, equity,
                           options))
    return results


def _fraction(name: str, value: Any) -> float:
    """A stress size: a number in [0, 1) (booleans refused)."""
    why = f"must be a number in [0, 1), got {value!r}"
    try:
        number = checked_number(name, value)
    except PositionError:
        raise PositionError(name, why) from None
    if not 0 <= number < 1:
        raise PositionError(name, why)
    return number


def _result(book, name, text, factors, cash, before, equity, options) -> ScenarioResult:
    pnl = float(book.rows.pnl_at(factors, options["inverse"]).sum()) + cash
    after_equity = None if equity is None else equity + pnl
    summary_options = {k: v for k, v in options.items() if v is not None}
    after = book.revalue(factors).summary(after_equity if (after_equity or 0) > 0 else None,
                                          **summary_options)
    exposures = pd.Series(book.rows.exposures_at(factors, **options),
                          index=pd.Index(book.rows.frame["name"], name="name"), name="exposure")
    names = book.rows.column("name")
    moves = {str(n): float(f - 1.0) for n, f in zip(names, factors) if f != 1.0}
    return ScenarioResult(name=name, description=f"{text} P&L {usd(pnl)}.", moves=moves, pnl=pnl,
                          before=before, after=after, exposures=exposures, cash=cash,
                          factors=np.asarray(factors, dtype=float))


def stress_test(book: Book, **kwargs: Any) -> pd.DataFrame:
    """The stresses of :func:`stress_scenarios` as a table, one row per scenario.

    Columns: ``pnl``, ``net_before``, ``net_after``, ``gross_after``, ``description``.

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 150_000},
    ...     {"underlying": "ETH", "kind": "future", "side": "short", "notional": 100_000}])
    >>> round(float(stress_test(book).loc["correlation break", "pnl"]), 2)
    -50000.0
    """
    rows = [{"scenario": s.name, "pnl": s.pnl, "net_before": s.before.net,
             "net_after": s.after.net, "gross_after": s.after.gross,
             "description": s.description} for s in stress_scenarios(book, **kwargs)]
    return pd.DataFrame(rows).set_index("scenario")


# ----- the risk page's stress grid: one asset at a time, options' volatility too -------------
def _with_volatility(rows: Rows, shift: float) -> Rows:
    """The same rows with every option's volatility moved by ``shift`` (at least 1 %)."""
    volatility = rows.numbers("volatility")
    return rows.with_numbers("volatility", np.where(
        rows.option, np.maximum(volatility + shift, 0.01), volatility))


def stress_grid(book: Book, underlyings: Sequence[str] | None = None,
                moves: Sequence[float] = (-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3),
                vol_shift: float = 0.10) -> pd.DataFrame:
    """P&L when one underlying moves (rows) and, for books with options, the volatility of that
    underlying's options moves down, stays or moves up (columns).

    Parameters
    ----------
    book : Book
    underlyings : list of str, optional
        The assets to move, one at a time; the (up to) five with the largest gross exposure when
        not given.
    moves : sequence of float
        Relative price moves.
    vol_shift : float, default 0.10
        Absolute change of volatility for the ``vol down`` and ``vol up`` columns (0.10 is ten
        volatility points; a volatility never falls below 1 %). Only the options on the row's
        asset move: a row of an asset without options is the same in every column.

    Returns
    -------
    pandas.DataFrame
        Indexed by (underlying, move); one column ``P&L`` for a book without Black-76 options,
        else ``vol down``, ``vol same``, ``vol up``.

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 150_000},
    ...     {"underlying": "ETH", "kind": "future", "side": "short", "notional": 100_000}])
    >>> grid = stress_grid(book, moves=[-0.2, 0.2])
    >>> round(float(grid.loc[("BTC", -0.2), "P&L"]), 2), round(float(grid.loc[("ETH", 0.2), "P&L"]), 2)
    (-30000.0, -20000.0)
    """
    shift = checked_number("vol_shift", vol_shift, non_negative=True)
    steps = np.array([checked_number("moves", m) for m in moves], dtype=float)
    if np.any(steps <= -1):
        raise PositionError("moves", "a price cannot fall by 100 % or more")
    if underlyings is None:
        gross = book.by("underlying")["gross"].sort_values(ascending=False, kind="stable")
        underlyings = [str(u) for u in gross.index[:5]]
    under = book.rows.column("underlying")
    option = book.rows.option & ~np.isnan(book.rows.numbers("volatility"))
    columns = {"P&L": 0.0} if not option.any() else {"vol down": -shift, "vol same": 0.0,
                                                      "vol up": shift}
    index, blocks = [], []
    for name in underlyings:
        key = str(name).strip().upper()
        factors = np.where(under == key, 1.0 + steps[:, None], 1.0)
        index += [(key, float(m)) for m in steps]
        own = option & (under == key)            # the volatility of this row's asset only
        blocks.append([_pnl_with_vol(book, factors, own, v) for v in columns.values()])
    values = np.concatenate([np.column_stack(b) for b in blocks]) if blocks else \
        np.empty((0, len(columns)))
    return pd.DataFrame(values, columns=list(columns),
                        index=pd.MultiIndex.from_tuples(index, names=["underlying", "move"]))


def _pnl_with_vol(book: Book, factors: np.ndarray, option: np.ndarray, shift: float) -> np.ndarray:
    """Total P&L at ``factors`` with every option's volatility ``shift`` away from today's: the
    option rows are repriced at the new volatility, the rest do not depend on it."""
    pnl = book.rows.pnl_at(factors).sum(axis=-1)
    if shift == 0.0:
        return pnl
    model = book.rows.model_rows & option
    if not model.any():
        return pnl
    options = book.rows.subset(model)
    moved = _with_volatility(options, shift)
    ones = np.ones(len(options))
    units = options.sign * options.usd / options.numbers("price")
    rows = np.ones(len(options), dtype=bool)
    now = options.black76_at(rows, ones, "price")
    later = moved.black76_at(rows, factors[..., model], "price")
    return pnl - options.pnl_at(factors[..., model]).sum(axis=-1) + (units * (later - now)).sum(-1)
