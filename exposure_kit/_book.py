"""Positions and books: signed exposure per position and its sums, vectorised over a DataFrame.

A :class:`Book` holds its positions as the engine kernel's rows (:class:`._kernel.Rows`), built
once; the formulas (exposure, P&L, Black-76 over rows, the long/short sums) are the kernel's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._errors import PositionError, checked_number
from ._kernel import CASH_KINDS, DEFAULT_MEASURE, MEASURES, STABLECOINS, Rows, sides, sides_by, sides_table

__all__ = ["Position", "Book", "ExposureSummary", "MEASURES", "DEFAULT_MEASURE", "check_equity",
           "STABLECOINS"]


@dataclass(frozen=True)
class Position:
    """One position. Give either ``notional`` (USD) or ``quantity`` with ``price``.

    Parameters
    ----------
    name : str
        A label, e.g. ``"BTC-PERP"``.
    underlying : str
        The asset whose price drives the position, e.g. ``"BTC"``.
    kind : {"spot", "perp", "future", "option", "collateral"}
        ``"collateral"`` is coin held as margin: it is long exposure like spot. A stablecoin
        held (see :data:`STABLECOINS`) is cash instead: no exposure, its face in equity.
    side : {"long", "short"}
    notional : float, optional
        Size in USD (a positive number; the side gives the sign).
    quantity : float, optional
        Number of contracts (or coins, for spot), positive.
    price : float, optional
        Price of the underlying in USD (the forward, for an option).
    contract_size : float, optional
        Coin per contract for linear contracts (default 1), USD face per contract for inverse ones.
    inverse : bool, default False
        A coin-margined contract whose USD face stays fixed as the price moves.
    entry_price : float, optional
        Entry price; needed for inverse positions under ``inverse="coin_pnl"``.
    strike, years, volatility, option_type, rate, delta : optional
        Option fields: Black-76 inputs, or a ``delta`` given directly.
    premium : float, optional
        The option's own price (its mark) in USD per unit of underlying. An option settled in
        its underlying's coin (a ``settle`` column equal to the underlying, as ccxt books carry,
        e.g. Deribit's) counts at the premium-adjusted delta ``delta - premium / price`` (the
        premium from Black-76 when not given); a :class:`MarginAccount` counts the mark in
        equity.
    beta : float, optional
        This position's beta to the reference asset; overrides ``betas`` given per underlying.
    extra : dict
        Any other columns (venue, account, tags): kept and written back out.

    Examples
    --------
    >>> Position("BTC-PERP", "BTC", "perp", "long", notional=150_000).notional
    150000
    """

    name: str
    underlying: str
    kind: str
    side: str
    notional: float | None = None
    quantity: float | None = None
    price: float | None = None
    contract_size: float | None = None
    inverse: bool = False
    entry_price: float | None = None
    strike: float | None = None
    years: float | None = None
    volatility: float | None = None
    option_type: str | None = None
    rate: float | None = None
    delta: float | None = None
    premium: float | None = None
    beta: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """The position as a flat dict, without the fields left empty."""
        record = {k: v for k, v in asdict(self).items() if k != "extra" and v is not None}
        if not self.inverse:
            record.pop("inverse")
        record.update(self.extra)
        return record


_POSITION_FIELDS = tuple(f.name for f in fields(Position) if f.name != "extra")


@dataclass(frozen=True)
class ExposureSummary:
    """The headline numbers of a book, in the measure and denomination they were asked in.

    ``short`` is the size of the short side (positive). Leverage is ``None`` when no equity was
    given. ``bias`` is ``"neutral"`` when ``|net| <= neutral_band x gross``.
    """

    long: float
    short: float
    net: float
    gross: float
    net_to_gross: float
    gross_leverage: float | None
    net_leverage: float | None
    bias: str
    equity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The summary as a plain dict."""
        return asdict(self)

    def __str__(self) -> str:
        lines = [f"long  {self.long:>16,.2f}", f"short {self.short:>16,.2f}",
                 f"net   {self.net:>16,.2f}  ({self.bias})", f"gross {self.gross:>16,.2f}",
                 f"net / gross {self.net_to_gross:>10.1%}"]
        if self.equity is not None:
            lines += [f"equity {self.equity:>15,.2f}",
                      f"gross leverage {self.gross_leverage:>7.2f}x",
                      f"net leverage {self.net_leverage:>9.2f}x"]
        return "\n".join(lines)


def check_equity(equity: float | None) -> float | None:
    """Return ``equity`` as a float (``None`` stays ``None``); it must be positive and finite."""
    return None if equity is None else checked_number("equity", equity, positive=True)


class Book:
    """A set of positions whose long and short exposures are set against each other.

    Parameters
    ----------
    positions : iterable of Position or dict
        The positions. See :meth:`from_records` and :meth:`from_frame` for other ways in.

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long",
    ...      "notional": 150_000},
    ...     {"name": "ETH-FUT", "underlying": "ETH", "kind": "future", "side": "short",
    ...      "notional": 100_000}])
    >>> book.net_exposure(), book.gross_exposure()
    (50000.0, 250000.0)
    """

    def __init__(self, positions: Iterable[Position | Mapping[str, Any]] = ()) -> None:
        records = [p.to_record() if isinstance(p, Position) else dict(p) for p in positions]
        self._rows = Rows.cleaned(pd.DataFrame.from_records(records) if records else
                                  pd.DataFrame(columns=["name", "underlying", "kind", "side",
                                                        "notional"]))

    @classmethod
    def from_rows(cls, rows: Rows) -> "Book":
        """A book over kernel rows that are clean already (no validation again)."""
        book = cls.__new__(cls)
        book._rows = rows
        return book

    @property
    def rows(self) -> Rows:
        """The engine kernel's rows of this book (:class:`exposure_kit._kernel.Rows`): the
        arrays the analytics modules compute on. Read-only by convention."""
        return self._rows

    @property
    def inverse_reading(self) -> str:
        """How inverse contracts count by default: ``"face"`` or ``"coin_pnl"`` (see
        :meth:`reading`)."""
        return self._rows.reading

    def part(self, rows) -> "Book":
        """The positions ``rows`` (a boolean mask, one per position) as a book of their own,
        with this book's reading.

        Examples
        --------
        >>> book = Book([Position("a", "BTC", "perp", "long", notional=3.0),
        ...              Position("b", "ETH", "perp", "short", notional=1.0)])
        >>> book.part([False, True]).net_exposure()
        -1.0
        """
        return Book.from_rows(self._rows.subset(np.asarray(rows, dtype=bool)))

    def with_stablecoins(self, coins: Iterable[str]) -> "Book":
        """The same book with ``coins`` held (collateral or spot) counted as cash too: a
        ``cash`` column set true on their rows (the column is kept when written out).

        Examples
        --------
        >>> book = Book.from_records([{"name": "m", "underlying": "USD1", "kind": "collateral",
        ...                            "side": "long", "quantity": 1_000, "price": 1.0}])
        >>> book.net_exposure(), book.with_stablecoins(["usd1"]).net_exposure()
        (1000.0, 0.0)
        """
        keys = {str(c).strip().upper() for c in coins}
        frame = self.to_frame()
        hit = frame["underlying"].isin(keys) & frame["kind"].isin(CASH_KINDS)
        if "cash" in frame.columns:
            frame["cash"] = np.where(hit, True, frame["cash"].to_numpy(dtype=object))
        else:
            frame["cash"] = np.where(hit, True, None)
        return Book.from_frame(frame).reading(self._rows.reading)

    def cash(self) -> pd.Series:
        """USD held as stablecoins (cash, at face) per position; 0 for every other position.

        Examples
        --------
        >>> book = Book.from_records([
        ...     {"name": "margin", "underlying": "USDT", "kind": "collateral", "side": "long",
        ...      "quantity": 200_000, "price": 1.0},
        ...     {"name": "perp", "underlying": "BTC", "kind": "perp", "side": "long",
        ...      "notional": 100_000}])
        >>> book.cash().tolist(), book.net_exposure()
        ([200000.0, 0.0], 100000.0)
        """
        rows = self._rows
        values = np.where(rows.cash, rows.sign * rows.usd, 0.0)
        return pd.Series(values, index=pd.Index(rows.frame["name"], name="name"), name="cash")

    # ----- ways in and out -------------------------------------------------------------------
    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> "Book":
        """Build a book from dicts, one per position (keys as in :class:`Position`).

        Examples
        --------
        >>> Book.from_records([{"underlying": "BTC", "kind": "spot", "side": "long",
        ...                     "quantity": 2, "price": 60_000}]).net_exposure()
        120000.0
        """
        return cls(records)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "Book":
        """Build a book from a DataFrame with one row per position; every column is kept.

        Errors name the row by the frame's index label.

        Examples
        --------
        >>> df = pd.DataFrame({"underlying": ["BTC"], "kind": ["perp"], "side": ["short"],
        ...                    "notional": [1_000.0], "venue": ["X"]})
        >>> Book.from_frame(df).to_frame()["venue"].tolist()
        ['X']
        """
        return cls.from_rows(Rows.cleaned(frame))

    def to_frame(self) -> pd.DataFrame:
        """The positions as a DataFrame, every input column kept (a copy).

        Examples
        --------
        >>> Book([Position("A", "BTC", "perp", "long", notional=5.0)]).to_frame().shape
        (1, 5)
        """
        return self._rows.frame.copy()

    @property
    def positions(self) -> list[Position]:
        """The positions as :class:`Position` objects."""
        out = []
        for record in self._rows.frame.to_dict("records"):
            known = {k: _none_if_nan(record.pop(k)) for k in _POSITION_FIELDS if k in record}
            known["inverse"] = bool(known.get("inverse") or False)
            out.append(Position(**known, extra=record))
        return out

    def __len__(self) -> int:
        return len(self._rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Book):
            return NotImplemented
        # the same positions and columns, in any column order
        a, b = self._rows.frame, other._rows.frame
        return set(a.columns) == set(b.columns) and a.equals(b[list(a.columns)])

    def __add__(self, other: "Book") -> "Book":
        if not isinstance(other, Book):
            return NotImplemented
        return Book.from_frame(pd.concat([self._rows.frame, other._rows.frame], ignore_index=True)
                               ).reading(self._rows.reading)

    def reading(self, inverse: str) -> "Book":
        """The same positions, read by default with ``inverse`` (``"face"`` or ``"coin_pnl"``).

        A coin-margined account that keeps its inverse contracts' P&L in coin reads them as
        ``"coin_pnl"``; one that sweeps it to USD as ``"face"``. Books made from this one
        (``shock``, ``revalue``, ``resized``, ``+``) keep the reading.

        Examples
        --------
        >>> book = Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "short",
        ...     "quantity": 500, "contract_size": 100, "inverse": True, "price": 35_000,
        ...     "entry_price": 50_000}])
        >>> book.net_exposure(), book.reading("coin_pnl").net_exposure()
        (-50000.0, -35000.0)
        """
        return Book.from_rows(self._rows.with_reading(inverse))

    def __repr__(self) -> str:
        return f"<Book: {len(self)} positions, net {self.net_exposure():,.0f} USD>"

    def _repr_html_(self) -> str:
        return self._rows.frame._repr_html_()

    @property
    def underlyings(self) -> list[str]:
        """The distinct underlyings, in order of first appearance."""
        return list(pd.unique(self._rows.frame["underlying"]))

    # ----- exposure ----------------------------------------------------------------------------
    def exposures(self, measure: str = DEFAULT_MEASURE, *, betas: Mapping[str, float] | None = None,
                  denomination: str = "usd", inverse: str | None = None,
                  reference: str = "BTC") -> pd.Series:
        """Signed exposure per position: long positive, short negative.

        Parameters
        ----------
        measure : {"delta", "notional", "beta"}, default "delta"
            ``"delta"``: options at delta x notional (a long put is short), others at notional.
            ``"notional"``: every position at its face notional, an option signed by the
            direction of its delta (a long put or a short call is short, never long).
            ``"beta"``: the delta exposure times each position's beta to ``reference``.
        betas : dict, optional
            Beta per underlying for ``measure="beta"``; the reference asset has beta 1 unless given.
            A ``beta`` column overrides it per position.
        denomination : {"usd", "coin"}
            ``"coin"`` divides each exposure by its underlying's price (units of the underlying).
        inverse : {"face", "coin_pnl"}, optional
            How an inverse contract counts. ``"face"``: its USD face (fixed as the price moves;
            coin exposure face / price), for an account that sweeps the coin P&L to USD.
            ``"coin_pnl"``: an account that keeps the contract's P&L in coin, whose coin exposure
            stays face / entry_price (USD exposure that times price). By default the book's
            reading (:meth:`reading`): ``"face"``, or ``"coin_pnl"`` for a
            :class:`MarginAccount`'s book.
        reference : str, default "BTC"
            The asset betas refer to.

        Returns
        -------
        pandas.Series
            Indexed by position name.

        Examples
        --------
        >>> book = Book.from_records([{"name": "inv", "underlying": "BTC", "kind": "perp",
        ...     "side": "short", "quantity": 1000, "contract_size": 100, "inverse": True,
        ...     "price": 50_000.0}])
        >>> book.exposures().tolist(), book.exposures(denomination="coin").tolist()
        ([-100000.0], [-2.0])
        """
        values = self._rows.exposures_at(measure=measure, betas=betas, denomination=denomination,
                                         inverse=inverse, reference=reference)
        return pd.Series(values, index=pd.Index(self._rows.frame["name"], name="name"),
                         name="exposure")

    def _signed_with(self, options: Mapping[str, Any]) -> np.ndarray:
        """Signed exposures for the keyword options of :meth:`exposures`."""
        return self._rows.exposures_at(**self._rows.options_of(options))

    def _sides(self, options: Mapping[str, Any]) -> tuple[float, float]:
        if options.get("denomination") == "coin" and len(self.underlyings) > 1:
            raise PositionError("denomination", "coin sums need a single underlying (1 BTC and "
                                "10 ETH do not add up to 11 of anything); use "
                                "by('underlying', denomination='coin') for a mixed book")
        return sides(self._signed_with(options))

    def long_exposure(self, **options: Any) -> float:
        """Sum of the long exposures. Options as in :meth:`exposures`.

        Examples
        --------
        >>> Book([Position("a", "BTC", "perp", "long", notional=10.0)]).long_exposure()
        10.0
        """
        return self._sides(options)[0]

    def short_exposure(self, **options: Any) -> float:
        """Size of the short side, a positive number. Options as in :meth:`exposures`.

        Examples
        --------
        >>> Book([Position("a", "BTC", "perp", "short", notional=10.0)]).short_exposure()
        10.0
        """
        return self._sides(options)[1]

    def net_exposure(self, **options: Any) -> float:
        """Long minus short: positive for a net long book. Options as in :meth:`exposures`.

        Examples
        --------
        >>> Book([Position("a", "BTC", "perp", "short", notional=10.0)]).net_exposure()
        -10.0
        """
        long, short = self._sides(options)
        return long - short

    def gross_exposure(self, **options: Any) -> float:
        """Long plus short: the size of the book regardless of direction.

        Examples
        --------
        >>> Book([Position("a", "BTC", "perp", "short", notional=10.0)]).gross_exposure()
        10.0
        """
        long, short = self._sides(options)
        return long + short

    def net_to_gross(self, **options: Any) -> float:
        """Net over gross, between -1 (all short) and 1 (all long); 0 for an empty book.

        Examples
        --------
        >>> Book([Position("a", "BTC", "perp", "long", notional=3.0),
        ...       Position("b", "ETH", "perp", "short", notional=1.0)]).net_to_gross()
        0.5
        """
        long, short = self._sides(options)
        return (long - short) / (long + short) if long + short > 0 else 0.0

    def summary(self, equity: float | None = None, *, neutral_band: float = 0.05,
                **options: Any) -> ExposureSummary:
        """Long, short, net, gross, net/gross, leverage and bias in one object.

        Parameters
        ----------
        equity : float, optional
            Account equity in USD; gives gross and net leverage (exposure / equity).
        neutral_band : float, default 0.05
            The book counts as neutral when ``|net| <= neutral_band x gross``.
        **options
            As in :meth:`exposures`.

        Returns
        -------
        ExposureSummary

        Examples
        --------
        >>> s = Book([Position("a", "BTC", "perp", "long", notional=150_000),
        ...           Position("b", "ETH", "future", "short", notional=100_000)]
        ...          ).summary(equity=50_000)
        >>> s.net, s.gross_leverage, s.bias
        (50000.0, 5.0, 'long')
        """
        equity = check_equity(equity)
        if not 0 <= neutral_band < 1:
            raise PositionError("neutral_band", f"must lie in [0, 1), got {neutral_band!r}")
        long, short = self._sides(options)
        net, gross = long - short, long + short
        bias = "neutral" if abs(net) <= neutral_band * gross else ("long" if net > 0 else "short")
        return ExposureSummary(
            long=long, short=short, net=net, gross=gross,
            net_to_gross=net / gross if gross > 0 else 0.0,
            gross_leverage=None if equity is None else gross / equity,
            net_leverage=None if equity is None else net / equity,
            bias=bias, equity=equity)

    def by(self, column: str = "underlying", **options: Any) -> pd.DataFrame:
        """Long, short, net and gross per value of a column (underlying, venue, kind, ...).

        A missing value forms its own group, so no position is left out.

        Examples
        --------
        >>> Book([Position("a", "BTC", "perp", "long", notional=3.0),
        ...       Position("b", "BTC", "spot", "short", notional=1.0)]).by()["net"].tolist()
        [2.0]
        """
        frame = self._rows.frame
        if column not in frame.columns:
            raise PositionError(column, f"no such column; the book has {', '.join(frame)}")
        signed = self._signed_with(options)
        codes, keys = pd.factorize(frame[column], sort=True, use_na_sentinel=False)
        if options.get("denomination") == "coin":
            self._check_one_coin_per(codes, keys, column)
        long, short = sides_by(codes, len(keys), signed)
        return sides_table(long, short, pd.Index(keys, name=column))

    def _check_one_coin_per(self, codes: np.ndarray, keys, column: str) -> None:
        """Refuse coin sums over groups that hold more than one coin (1 BTC + 10 ETH is no number)."""
        coins = pd.Series(self._rows.frame["underlying"].to_numpy()).groupby(codes).nunique()
        mixed = coins[coins > 1]
        if len(mixed):
            raise PositionError("denomination", f"coin sums need one underlying per group, but "
                                f"{column} {keys[mixed.index[0]]!r} holds several; use "
                                "by('underlying', denomination='coin') or USD")

    def shock(self, moves: Mapping[str, float], on: str = "underlying") -> "Book":
        """A new book revalued after relative price moves.

        Linear positions scale with the price; inverse ones keep their USD face; option deltas
        are recomputed (a ``delta`` given directly is kept as it is); entry prices stay.

        Parameters
        ----------
        moves : dict
            Relative move per value of ``on``, e.g. ``{"BTC": -0.20}`` for a 20 % fall.
        on : str, default "underlying"
            The column the keys refer to; ``"name"`` moves single instruments (a future
            against its spot, for basis).

        Returns
        -------
        Book

        Examples
        --------
        >>> Book([Position("a", "BTC", "spot", "long", quantity=1, price=100.0)]
        ...      ).shock({"BTC": -0.2}).net_exposure()
        80.0
        """
        return self.revalue(self.move_factors(moves, on))

    def revalue(self, factors) -> "Book":
        """A new book with each position's price multiplied by its factor (one per position).

        The engine of :meth:`shock`: linear notionals scale with the factor, inverse ones keep
        their USD face, entry prices stay, an option's ``premium`` moves by its Black-76 change.

        Examples
        --------
        >>> book = Book([Position("a", "BTC", "spot", "long", notional=100.0)])
        >>> book.revalue([1.5]).net_exposure()
        150.0
        """
        return Book.from_rows(self._rows.revalued(factors))

    def resized(self, notionals, sides=None) -> "Book":
        """A new book whose positions have these USD notionals (and, if given, these sides).

        Sizes given by quantity are scaled so that the USD notional (face, for inverse
        contracts) becomes the one asked; prices and everything else stay.

        Parameters
        ----------
        notionals : array-like
            One non-negative USD notional per position, in the book's order.
        sides : array-like of {"long", "short"}, optional

        Examples
        --------
        >>> book = Book([Position("a", "BTC", "spot", "long", quantity=2, price=50_000)])
        >>> book.resized([150_000], ["short"]).net_exposure()
        -150000.0
        """
        target = np.asarray(notionals, dtype=float)
        if target.shape != (len(self),):
            raise PositionError("notionals", f"need one per position ({len(self)}), "
                                f"got shape {target.shape}")
        frame = self._rows.frame.copy()
        current = self._rows.usd
        for column in ("notional", "quantity"):
            if column in frame.columns:
                values = frame[column].to_numpy(dtype=float)
                with np.errstate(divide="ignore", invalid="ignore"):
                    scaled = np.where(current > 0, values * target / current, np.nan)
                frame[column] = np.where(np.isnan(values), np.nan, scaled)
        if "notional" not in frame.columns:
            frame["notional"] = np.nan
        stuck = (current == 0) | ~np.isfinite(current)     # nothing to scale: give the notional
        notional = frame["notional"].to_numpy(dtype=float)
        frame["notional"] = np.where(stuck, target, notional)
        if "quantity" in frame.columns:
            frame["quantity"] = np.where(stuck, np.nan, frame["quantity"].to_numpy(dtype=float))
        if sides is not None:
            frame["side"] = list(sides)
        return Book.from_frame(frame).reading(self._rows.reading)

    def move_factors(self, moves: Mapping[str, float], on: str = "underlying") -> np.ndarray:
        """One plus the move each position gets from ``moves`` keyed by column ``on``."""
        frame = self._rows.frame
        if on not in frame.columns:
            raise PositionError(on, "no such column to move prices on")
        keys = frame[on].astype(str).to_numpy()
        if on == "underlying":
            moves = {str(k).upper(): v for k, v in moves.items()}
        known = set(keys)
        factor = np.ones(len(frame))
        for key, move in moves.items():
            if key not in known:
                raise PositionError("moves", f"{key!r} is not a value of {on!r} in this book")
            factor[keys == key] = 1.0 + _move(key, move)
        return factor


def _move(key: str, move: Any) -> float:
    """A relative price move, a number above -1 (-100 %); booleans refused."""
    why = f"the move of {key} must be a finite number above -1 (-100 %), got {move!r}"
    try:
        value = checked_number("moves", move)
    except PositionError:
        raise PositionError("moves", why) from None
    if value <= -1:
        raise PositionError("moves", why)
    return value


def _none_if_nan(value: Any) -> Any:
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
