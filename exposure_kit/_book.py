"""Positions and books: signed exposure per position and its sums, vectorised over a DataFrame."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ._errors import PositionError, checked_number
from ._instruments import black76_delta
from ._schema import clean_positions

__all__ = ["Position", "Book", "ExposureSummary", "MEASURES", "DEFAULT_MEASURE", "check_equity",
           "STABLECOINS"]

MEASURES = ("notional", "delta", "beta")
#: Headline figures count options at delta: a long put is short exposure, sized by how much of
#: the underlying it moves like. ``measure="notional"`` keeps the option's face, in its delta's
#: direction.
DEFAULT_MEASURE = "delta"
DENOMINATIONS = ("usd", "coin")
INVERSE_CONVENTIONS = ("face", "coin_pnl")
#: USD-pegged assets that count as cash when held (``collateral`` or ``spot``): at face, $1 a
#: unit, in equity and margin, with no directional exposure. Their depeg is a separate risk that
#: :func:`diagnose` names. A ``cash`` column (true/false) adds a coin to this list for its rows,
#: or takes one off (``cash=false`` counts the coin as exposure at its price).
STABLECOINS = ("USD", "USDT", "USDC", "DAI", "FDUSD", "TUSD", "USDP", "PYUSD", "USDS", "BUSD")
_CASH_KINDS = ("collateral", "spot")


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


def _check_choice(value: str, allowed: tuple[str, ...], field_name: str) -> None:
    if value not in allowed:
        raise PositionError(field_name, f"{value!r} is not one of {', '.join(allowed)}")


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

    #: How inverse contracts are read when ``inverse=`` is not given: ``"face"`` (coin P&L swept
    #: to USD) unless :meth:`reading` says otherwise.
    _reading = "face"

    def __init__(self, positions: Iterable[Position | Mapping[str, Any]] = ()) -> None:
        records = [p.to_record() if isinstance(p, Position) else dict(p) for p in positions]
        self._set_frame(pd.DataFrame.from_records(records) if records else
                        pd.DataFrame(columns=["name", "underlying", "kind", "side", "notional"]))

    def _set_frame(self, raw: pd.DataFrame) -> None:
        frame, inverse = clean_positions(raw)
        self._frame = frame.reset_index(drop=True)
        self._inverse = inverse
        self._sign = np.where(self._frame["side"].to_numpy() == "long", 1.0, -1.0)
        self._usd = self._face_notional()

    @cached_property
    def _cash(self) -> np.ndarray:
        """Rows that are cash: a stablecoin (:data:`STABLECOINS`) held as collateral or spot,
        unless a ``cash`` column says otherwise; any row whose ``cash`` column is true."""
        frame = self._frame
        held = frame["kind"].isin(_CASH_KINDS).to_numpy()
        cash = held & frame["underlying"].isin(STABLECOINS).to_numpy()
        if "cash" in frame.columns:
            flag = frame["cash"].map(_flag).to_numpy()
            cash = np.where(flag == 1, held, np.where(flag == 0, False, cash))
        return cash.astype(bool)

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
        hit = frame["underlying"].isin(keys) & frame["kind"].isin(_CASH_KINDS)
        if "cash" in frame.columns:
            frame["cash"] = np.where(hit, True, frame["cash"].to_numpy(dtype=object))
        else:
            frame["cash"] = np.where(hit, True, None)
        return Book.from_frame(frame).reading(self._reading)

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
        values = np.where(self._cash, self._sign * self._usd, 0.0)
        return pd.Series(values, index=pd.Index(self._frame["name"], name="name"), name="cash")

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
        book = cls.__new__(cls)
        book._set_frame(frame)
        return book

    def to_frame(self) -> pd.DataFrame:
        """The positions as a DataFrame, every input column kept (a copy).

        Examples
        --------
        >>> Book([Position("A", "BTC", "perp", "long", notional=5.0)]).to_frame().shape
        (1, 5)
        """
        return self._frame.copy()

    @property
    def positions(self) -> list[Position]:
        """The positions as :class:`Position` objects."""
        out = []
        for record in self._frame.to_dict("records"):
            known = {k: _none_if_nan(record.pop(k)) for k in _POSITION_FIELDS if k in record}
            known["inverse"] = bool(known.get("inverse") or False)
            out.append(Position(**known, extra=record))
        return out

    def __len__(self) -> int:
        return len(self._frame)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Book):
            return NotImplemented
        a, b = self._frame, other._frame   # the same positions and columns, in any column order
        return set(a.columns) == set(b.columns) and a.equals(b[list(a.columns)])

    def __add__(self, other: "Book") -> "Book":
        if not isinstance(other, Book):
            return NotImplemented
        return Book.from_frame(pd.concat([self._frame, other._frame], ignore_index=True)
                               ).reading(self._reading)

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
        _check_choice(inverse, INVERSE_CONVENTIONS, "inverse")
        new = Book.__new__(Book)
        new.__dict__.update(self.__dict__)
        new._reading = inverse
        return new

    def __repr__(self) -> str:
        return f"<Book: {len(self)} positions, net {self.net_exposure():,.0f} USD>"

    def _repr_html_(self) -> str:
        return self._frame._repr_html_()

    @property
    def underlyings(self) -> list[str]:
        """The distinct underlyings, in order of first appearance."""
        return list(pd.unique(self._frame["underlying"]))

    # ----- exposure ----------------------------------------------------------------------------
    def _numbers(self, field_name: str) -> np.ndarray:
        if field_name in self._frame.columns:
            return self._frame[field_name].to_numpy(dtype=float)
        return np.full(len(self._frame), np.nan)

    def _face_notional(self) -> np.ndarray:
        """Unsigned USD notional: a given notional, else quantity x size (x price if linear)."""
        notional = self._numbers("notional")
        quantity = self._numbers("quantity")
        size = self._numbers("contract_size")
        size = np.where(np.isnan(size), 1.0, size)
        price = np.where(self._cash, 1.0, self._numbers("price"))     # cash counts at face
        from_quantity = np.where(self._inverse, quantity * size, quantity * size * price)
        return np.where(np.isnan(quantity), notional, from_quantity)

    @cached_property
    def _option_delta(self) -> np.ndarray:
        """Delta per unit for each option row (1.0 elsewhere): given, or Black-76, less the coin
        premium for options settled in their underlying's coin (see :meth:`_coin_settled`)."""
        delta = np.ones(len(self._frame))
        option = (self._frame["kind"] == "option").to_numpy()
        if not option.any():
            return delta
        given = self._numbers("delta")
        model = option & np.isnan(given)
        delta[option] = given[option]
        if model.any():
            delta[model] = self._model_deltas(model)
        adjust = model & self._coin_settled
        if adjust.any():
            delta[adjust] -= self._model_premiums(adjust)[adjust] / self._numbers("price")[adjust]
        return delta

    @cached_property
    def _option_columns(self) -> dict[str, np.ndarray]:
        """The Black-76 inputs as float arrays (NaN where not given), read once per book."""
        columns = {k: self._numbers(k) for k in ("price", "strike", "years", "volatility")}
        columns["rate"] = np.nan_to_num(self._numbers("rate"), nan=0.0)
        return columns

    def _model_deltas(self, rows: np.ndarray, factors=None) -> np.ndarray:
        """Black-76 deltas of the option ``rows`` at ``price x factors``."""
        from ._scenarios import _black76_at
        f = np.ones(len(self._frame)) if factors is None else factors
        return _black76_at(self, rows, f, "delta")

    def _model_premiums(self, rows: np.ndarray, factors=None) -> np.ndarray:
        """USD premium per unit of the option ``rows`` (every row; others 0): ``premium`` when
        given, moved by the Black-76 change at ``factors``; else Black-76."""
        from ._scenarios import _black76_at
        one = np.ones(len(self._frame))
        f = one if factors is None else np.asarray(factors, dtype=float)
        out = np.zeros(np.shape(f))
        model = _black76_at(self, rows, f, "price")
        premium = self._numbers("premium")[rows]
        now = _black76_at(self, rows, one, "price")
        out[..., rows] = np.where(np.isnan(premium), model, premium + model - now)
        return out

    @cached_property
    def _coin_settled(self) -> np.ndarray:
        """Options settled in their underlying's coin (a ``settle`` column equal to the
        underlying, as ccxt books carry): their delta is premium-adjusted."""
        if "settle" not in self._frame.columns:
            return np.zeros(len(self._frame), dtype=bool)
        settle = self._frame["settle"].astype(str).str.strip().str.upper().to_numpy()
        return (self._frame["kind"] == "option").to_numpy() & (
            settle == self._frame["underlying"].to_numpy())

    def _need(self, field_name: str, rows: np.ndarray, why: str) -> np.ndarray:
        values = self._numbers(field_name)
        missing = rows & np.isnan(values)
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise PositionError(field_name, f"is missing: {why}", row=i,
                                name=self._frame["name"].iat[i])
        return values

    def _betas(self, betas: Mapping[str, float] | None, reference: str) -> np.ndarray:
        table = {str(k).upper(): v for k, v in (betas or {}).items()}
        table.setdefault(reference.upper(), 1.0)
        for key, value in table.items():
            if not isinstance(value, (int, float, np.number)) or not np.isfinite(value):
                raise PositionError("betas", f"beta of {key} must be a finite number, got {value!r}")
        codes, uniques = pd.factorize(self._frame["underlying"])
        per_underlying = np.array([table.get(u, np.nan) for u in uniques] + [np.nan])[codes]
        beta = np.where(np.isnan(self._numbers("beta")), per_underlying, self._numbers("beta"))
        missing = np.isnan(beta)
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise PositionError("beta", f"no beta for {self._frame['underlying'].iat[i]}: give "
                                "betas={...} per underlying or a beta column",
                                row=i, name=self._frame["name"].iat[i])
        return beta

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
        values = self._signed(measure, betas, denomination,
                              self._reading if inverse is None else inverse, reference)
        return pd.Series(values, index=pd.Index(self._frame["name"], name="name"), name="exposure")

    def _side_signed(self, inverse: str = "face") -> np.ndarray:
        """USD notional signed by side only (an option's face, not its direction)."""
        _check_choice(inverse, INVERSE_CONVENTIONS, "inverse")
        usd = self._usd
        if inverse == "coin_pnl" and self._inverse.any():
            why = "inverse='coin_pnl' values an inverse contract at face / entry_price"
            entry = self._need("entry_price", self._inverse, why)
            price = self._need("price", self._inverse, why)
            usd = np.where(self._inverse, usd / entry * price, usd)
        return self._sign * usd

    @cached_property
    def _direction(self) -> np.ndarray:
        """+1, or -1 for an option that gains as its underlying falls: a put, or an option given
        a negative delta. Known without pricing the option."""
        option = (self._frame["kind"] == "option").to_numpy()
        if not option.any():
            return np.ones(len(self._frame))
        given = self._numbers("delta")
        put = (self._frame["option_type"] == "put").to_numpy()
        falls = np.where(np.isnan(given), put, given < 0)
        return np.where(option & falls, -1.0, 1.0)

    def _signed(self, measure: str, betas, denomination: str, inverse: str,
                reference: str) -> np.ndarray:
        _check_choice(measure, MEASURES, "measure")
        _check_choice(denomination, DENOMINATIONS, "denomination")
        signed = self._side_signed(inverse)
        if measure == "notional":
            signed = signed * self._direction
        else:
            signed = signed * self._option_delta
        if measure == "beta":
            signed = signed * self._betas(betas, reference)
        if denomination == "coin":
            everyone = np.ones(len(self._frame), dtype=bool)
            signed = signed / self._need("price", everyone, "coin exposure divides by the price")
        return np.where(self._cash, 0.0, signed) if self._cash.any() else signed

    def _signed_with(self, options: Mapping[str, Any]) -> np.ndarray:
        """Signed exposures for the keyword options of :meth:`exposures`."""
        options = dict(options)
        signed = self._signed(options.pop("measure", DEFAULT_MEASURE), options.pop("betas", None),
                              options.pop("denomination", "usd"),
                              options.pop("inverse", None) or self._reading,
                              options.pop("reference", "BTC"))
        if options:
            raise TypeError(f"unexpected options: {', '.join(options)}")
        return signed

    def _sides(self, options: Mapping[str, Any]) -> tuple[float, float]:
        if options.get("denomination") == "coin" and len(self.underlyings) > 1:
            raise PositionError("denomination", "coin sums need a single underlying (1 BTC and "
                                "10 ETH do not add up to 11 of anything); use "
                                "by('underlying', denomination='coin') for a mixed book")
        signed = self._signed_with(options)
        long = float(signed[signed > 0].sum())
        short = float(-signed[signed < 0].sum()) + 0.0   # an empty side is 0.0, not -0.0
        return long, short

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
        if column not in self._frame.columns:
            raise PositionError(column, f"no such column; the book has {', '.join(self._frame)}")
        signed = self._signed_with(options)
        codes, keys = pd.factorize(self._frame[column], sort=True, use_na_sentinel=False)
        if options.get("denomination") == "coin":
            self._check_one_coin_per(codes, keys, column)
        n = len(keys)
        long = np.bincount(codes, weights=np.where(signed > 0, signed, 0.0), minlength=n)
        short = np.bincount(codes, weights=np.where(signed < 0, -signed, 0.0), minlength=n)
        table = pd.DataFrame({"long": long, "short": short, "net": long - short,
                              "gross": long + short},
                             index=pd.Index(keys, name=column))
        return table

    def _check_one_coin_per(self, codes: np.ndarray, keys, column: str) -> None:
        """Refuse coin sums over groups that hold more than one coin (1 BTC + 10 ETH is no number)."""
        coins = pd.Series(self._frame["underlying"].to_numpy()).groupby(codes).nunique()
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
        factor = np.asarray(factors, dtype=float)
        if factor.shape != (len(self),) or not np.all(np.isfinite(factor)) or np.any(factor <= 0):
            raise PositionError("factors", f"need one positive finite factor per position "
                                f"({len(self)}); got shape {factor.shape}")
        frame = self._frame.copy()
        if "premium" in frame.columns:          # a mark moves with its Black-76 value
            model = ((frame["kind"] == "option").to_numpy() & np.isnan(self._numbers("delta"))
                     & ~np.isnan(self._numbers("premium")))
            if model.any():
                frame["premium"] = np.where(model, self._model_premiums(model, factor),
                                            frame["premium"].to_numpy(dtype=float))
        if "price" in frame.columns:
            frame["price"] = frame["price"].to_numpy() * factor
        if "notional" in frame.columns:
            scaled = np.where(self._inverse, 1.0, factor)
            frame["notional"] = frame["notional"].to_numpy() * scaled
        # Positive finite factors keep a clean frame clean: no need to validate it again.
        book = Book.__new__(Book)
        book._frame, book._inverse, book._sign = frame, self._inverse, self._sign
        book._usd = book._face_notional()
        return book.reading(self._reading)

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
        frame = self._frame.copy()
        current = self._usd
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
        return Book.from_frame(frame).reading(self._reading)

    def move_factors(self, moves: Mapping[str, float], on: str = "underlying") -> np.ndarray:
        """One plus the move each position gets from ``moves`` keyed by column ``on``."""
        if on not in self._frame.columns:
            raise PositionError(on, "no such column to move prices on")
        keys = self._frame[on].astype(str).to_numpy()
        if on == "underlying":
            moves = {str(k).upper(): v for k, v in moves.items()}
        known = set(keys)
        factor = np.ones(len(self._frame))
        for key, move in moves.items():
            if key not in known:
                raise PositionError("moves", f"{key!r} is not a value of {on!r} in this book")
            if not isinstance(move, (int, float, np.number)) or not np.isfinite(move) or move <= -1:
                raise PositionError("moves", f"the move of {key} must be a finite number above -1 "
                                    f"(-100 %), got {move!r}")
            factor[keys == key] = 1.0 + float(move)
        return factor


def _flag(value: Any) -> int:
    """1 for a true ``cash`` value, 0 for a false one, -1 when not given."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return -1
    text = str(value).strip().lower()
    if text in ("true", "1", "1.0", "yes", "y"):
        return 1
    if text in ("false", "0", "0.0", "no", "n", ""):
        return 0 if text else -1
    raise PositionError("cash", f"{value!r} is not true or false")


def _none_if_nan(value: Any) -> Any:
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
