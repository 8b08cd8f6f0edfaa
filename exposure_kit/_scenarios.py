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
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ._book import DEFAULT_MEASURE, Book, ExposureSummary
from ._errors import PositionError
from ._format import percent, usd
from ._instruments import black76_delta, black76_price
from ._margin import funding_payment

__all__ = ["shock_pnl", "shock_exposures", "scenario_grid", "ScenarioGrid", "ScenarioResult",
           "stress_scenarios", "stress_test"]

_OPTIONS = ("measure", "betas", "denomination", "inverse", "reference")


# ----- the vectorised core: exposures and P&L per position at price factors ---------------------
def _split_options(options: Mapping[str, Any], book: Book | None = None) -> dict[str, Any]:
    """The exposure options with their defaults; ``inverse`` defaults to the book's reading."""
    unknown = set(options) - set(_OPTIONS)
    if unknown:
        raise TypeError(f"unexpected options: {', '.join(sorted(unknown))}")
    return {"measure": options.get("measure", DEFAULT_MEASURE), "betas": options.get("betas"),
            "denomination": options.get("denomination", "usd"),
            "inverse": options.get("inverse", book._reading if book is not None else "face"),
            "reference": options.get("reference", "BTC")}


def _model_rows(book: Book) -> np.ndarray:
    """Option rows valued with Black-76 (no ``delta`` given); kept with the book, which never
    changes, since every revaluation asks for them."""
    rows = book.__dict__.get("_model_rows")
    if rows is None:
        option = (book._frame["kind"] == "option").to_numpy()
        rows = book.__dict__["_model_rows"] = option & np.isnan(book._numbers("delta"))
    return rows


def _black76_at(book: Book, rows: np.ndarray, factors: np.ndarray, what: str) -> np.ndarray:
    """Black-76 delta or price of the option ``rows`` at ``price x factors[..., rows]``."""
    out = np.zeros(factors[..., rows].shape)
    fn = black76_delta if what == "delta" else black76_price
    kinds = book._frame["option_type"].to_numpy()[rows]
    cols = {k: v[rows] for k, v in book._option_columns.items()}
    for option_type in ("call", "put"):
        pick = kinds == option_type
        if pick.any():
            out[..., pick] = fn(cols["price"][pick] * factors[..., rows][..., pick],
                                cols["strike"][pick], cols["years"][pick],
                                cols["volatility"][pick], option_type, cols["rate"][pick])
    return out


def _model_prices_now(book: Book) -> np.ndarray:
    """Black-76 price of each model option row at today's price (0 elsewhere), kept with the
    book: a book never changes, and a search over moves asks for it many times."""
    cached = book.__dict__.get("_model_prices_now")
    if cached is None:
        model = _model_rows(book)
        cached = np.zeros(len(book))
        cached[model] = _black76_at(book, model, np.ones(len(book)), "price")
        book.__dict__["_model_prices_now"] = cached
    return cached


def _factors(book: Book, factors) -> np.ndarray:
    f = np.asarray(factors, dtype=float)
    if f.shape[-1:] != (len(book),):
        raise PositionError("factors", f"need one factor per position ({len(book)}), got shape "
                            f"{f.shape}")
    if not np.all(np.isfinite(f)) or np.any(f <= 0):
        raise PositionError("factors", "price factors must be positive finite numbers")
    return f


def exposures_at(book: Book, factors, **options: Any) -> np.ndarray:
    """Signed exposure per position at prices ``price x factors`` (shape of ``factors``).

    The same numbers as ``book.revalue(factors).exposures(**options)`` without building a book:
    linear rows and inverse rows under ``"coin_pnl"`` scale with the factor, inverse rows under
    ``"face"`` keep their face, model options get a new Black-76 delta.
    """
    f = _factors(book, factors)
    o = _split_options(options, book)
    signed = book._side_signed(o["inverse"])
    book._signed(o["measure"], o["betas"], o["denomination"], o["inverse"], o["reference"])
    growth = np.where(book._inverse & (o["inverse"] == "face"), 1.0, f)
    exposure = signed * growth
    if o["measure"] == "notional":
        exposure = exposure * book._direction
    else:
        delta = np.broadcast_to(book._option_delta, f.shape).copy()
        model = _model_rows(book)
        if model.any():
            delta[..., model] = _black76_at(book, model, f, "delta")
        adjust = model & book._coin_settled
        if adjust.any():          # premium-adjusted: less the premium in coin at the new price
            premium = book._model_premiums(adjust, f)[..., adjust]
            delta[..., adjust] -= premium / (book._numbers("price")[adjust] * f[..., adjust])
        exposure = exposure * delta
    if o["measure"] == "beta":
        exposure = exposure * book._betas(o["betas"], o["reference"])
    if o["denomination"] == "coin":
        exposure = exposure / (book._numbers("price") * f)
    return exposure


def pnl_at(book: Book, factors, inverse: str | None = None) -> np.ndarray:
    """USD P&L per position when prices move from ``price`` to ``price x factors``.

    Conventions as in the module docstring.
    """
    f = _factors(book, factors)
    signed = book._side_signed(book._reading if inverse is None else inverse)
    pnl = signed * (f - 1.0)
    option = (book._frame["kind"] == "option").to_numpy()
    if option.any():
        pnl = pnl * np.where(option, book._option_delta, 1.0)
        model = _model_rows(book)
        if model.any():
            units = book._usd[model] / book._numbers("price")[model]
            now = _model_prices_now(book)[model]
            later = _black76_at(book, model, f, "price")
            pnl = np.array(pnl, dtype=float, copy=True)
            pnl[..., model] = book._sign[model] * units * (later - now)
    return pnl


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
    return pd.Series(values, index=pd.Index(book._frame["name"], name="name"), name="exposure")


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
    rows = (book._frame["underlying"] == underlying).to_numpy()
    f = np.ones((len(moves), len(book)))
    f[:, rows] = 1.0 + moves[:, None]
    sub = f[:, rows]
    if not rows.any():
        return np.zeros(len(moves)), np.zeros(len(moves))
    part = _rows_book(book, rows)
    return (exposures_at(part, sub, **options).sum(axis=1),
            pnl_at(part, sub, inverse).sum(axis=1))


def _rows_book(book: Book, rows: np.ndarray) -> Book:
    """The positions ``rows`` as a book of their own (already clean, so no re-validation)."""
    part = Book.__new__(Book)
    part._frame = book._frame.loc[rows].reset_index(drop=True)
    part._inverse = book._inverse[rows]
    part._sign = book._sign[rows]
    part._usd = book._usd[rows]
    part._reading = book._reading
    return part


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
    options = _split_options(options, book)
    if options["denomination"] == "coin" and len(book.underlyings) > 1:
        raise PositionError("denomination", "a grid's net adds every underlying, and coins of "
                            "different assets do not add: use USD, or a book of one underlying")
    inverse = options["inverse"]
    net_x, pnl_x = _axis(book, x, mx, inverse, options)
    net_y, pnl_y = _axis(book, y, my, inverse, options)
    other = ~book._frame["underlying"].isin([x, y]).to_numpy()
    net_other = float(exposures_at(_rows_book(book, other), np.ones(other.sum()),
                                   **options).sum()) if other.any() else 0.0
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
    return book._frame["underlying"].map(per_underlying).fillna(default).to_numpy(dtype=float)


def _correlation_break(book: Book, nets: pd.Series, move: float) -> tuple[np.ndarray, str]:
    shift = _against(nets.to_numpy()) * move
    shift[nets.to_numpy() == 0] = 0.0
    text = (f"Every asset the book is net long falls {percent(move, 0)} while every asset it is "
            f"net short rises {percent(move, 0)}: the hedge leg moves the other way.")
    return 1.0 + _per_row(book, pd.Series(shift, index=nets.index)), text


def _basis_widens(book: Book, basis: float, options) -> tuple[np.ndarray, str]:
    kind = book._frame["kind"].to_numpy()
    under = book._frame["underlying"].to_numpy()
    has_future = pd.Series(kind == "future").groupby(under).transform("any").to_numpy()
    mixed = pd.Series(kind).groupby(under).transform("nunique").to_numpy() > 1
    legs = mixed & np.where(has_future, kind == "future", kind == "perp")
    signed = exposures_at(book, np.ones(len(book)), **options)
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
    factors = np.where(book._frame["underlying"].to_numpy() == biggest, 1.0 + move, 1.0)
    text = (f"{biggest}, the largest leg, gaps {percent(move, 0)} at once while everything else "
            "stays where it was.")
    return factors, text


def _funding_cash(book: Book, rate: float, periods: int) -> tuple[float, str]:
    perp = (book._frame["kind"] == "perp").to_numpy()
    signed = np.where(perp, book._side_signed("face"), 0.0)
    under = book._frame["underlying"].to_numpy()
    perp_net = pd.Series(signed).groupby(under).sum()
    # longs pay when the rate is positive: give each asset the sign that makes its net perp pay
    rates = _per_row(book, pd.Series(np.sign(perp_net.to_numpy()) * rate, index=perp_net.index))
    cash = float(np.sum(funding_payment(signed, rates))) * periods
    text = (f"Funding turns against every perp position's net side at {percent(rate, 3)} a period "
            f"for {periods} periods; prices do not move.")
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
        if not isinstance(value, (int, float, np.number)) or not 0 <= value < 1:
            raise PositionError(name, f"must be a number in [0, 1), got {value!r}")
    if not isinstance(funding_periods, (int, np.integer)) or funding_periods < 0:
        raise PositionError("funding_periods", f"must be a whole number >= 0, got "
                            f"{funding_periods!r}")
    options = _split_options(options, book)
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


def _result(book, name, text, factors, cash, before, equity, options) -> ScenarioResult:
    pnl = float(pnl_at(book, factors, options["inverse"]).sum()) + cash
    after_equity = None if equity is None else equity + pnl
    summary_options = {k: v for k, v in options.items() if v is not None}
    after = book.revalue(factors).summary(after_equity if (after_equity or 0) > 0 else None,
                                          **summary_options)
    exposures = pd.Series(exposures_at(book, factors, **options),
                          index=pd.Index(book._frame["name"], name="name"), name="exposure")
    names = book._frame["name"].to_numpy()
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
