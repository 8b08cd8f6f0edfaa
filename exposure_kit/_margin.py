"""Margin arithmetic: liquidation prices (USD(T)- and coin-margined, by venue), accounts, and
each account's risk in a book (funding is in :mod:`._funding`)."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ._book import STABLECOINS, Book, check_equity
from ._brackets import VENUES, bracket_maintenance, read_brackets
from ._errors import PositionError, checked_number
from ._funding import funding_payment  # noqa: F401  (lessons' exercises import it from here)
from ._scenarios import stress_scenarios

__all__ = ["liquidation_price", "coin_margined_liquidation_price", "MarginAccount",
           "MARGIN_MODES", "VENUES", "initial_margin", "account_risk", "margin_pools",
           "wallet_name"]

MARGIN_MODES = ("cross", "isolated")
_DERIVATIVES = ("perp", "future", "option")
#: Deribit's standard maintenance margin for short BTC and ETH options, per unit, in coin:
#: 0.075 (plus the option's mark); see :class:`MarginAccount`.
_DERIBIT_MM = 0.075
#: A liquidating move is found to this relative precision (a part in 10^11).
_ROOT_TOLERANCE = 1e-11


def liquidation_price(side: str, quantity: float, entry_price: float, wallet_balance: float,
                      maintenance_margin_rate: float, maintenance_amount: float = 0.0,
                      other_maintenance: float = 0.0, other_unrealized_pnl: float = 0.0,
                      venue: str = "binance") -> float:
    """Price at which a USD(T)-margined position in one-way mode is liquidated.

    The account is liquidated when its margin balance falls to its maintenance margin. Venues
    differ in the price they charge maintenance at:

    - ``venue="binance"`` (Binance USDS-M): at the liquidation price itself,
      ``WB - other_mm + other_upnl + side q (P - EP) = q P mmr - cum``, so
      ``P = (WB - other_mm + other_upnl + cum - side q EP) / (q mmr - side q)``;
    - ``venue="bybit"`` (Bybit USDT contracts): at the entry price, ``MM = q EP mmr - cum``, so
      ``P = EP - side (WB - other_mm + other_upnl - MM) / q``; Bybit's own example, 1 BTC long at
      20,000 with 400 of margin and 0.5 %, gives 20,000 - (400 - 100) = 19,700, where the
      Binance form gives 19,698.49.

    With the two ``other`` terms at 0 it is the isolated-margin price (``wallet_balance`` is
    then the position's isolated margin); in cross margin they carry the rest of the account.

    Parameters
    ----------
    side : {"long", "short"}
    quantity : float
        Position size in coin (positive).
    entry_price : float
    wallet_balance : float
        Cross wallet balance, or the isolated margin of the position.
    maintenance_margin_rate : float
        As a fraction, e.g. 0.004 for 0.4 %.
    maintenance_amount : float, default 0
        The bracket's maintenance amount (``cum``; Bybit's "maintenance margin deduction").
    other_maintenance : float, default 0
        Maintenance margin of every other position of the cross account.
    other_unrealized_pnl : float, default 0
        Unrealised PnL of every other position of the cross account.
    venue : {"binance", "bybit"}, default "binance"

    Returns
    -------
    float
        The liquidation price; 0.0 when no positive price liquidates the position (a long
        covered by its margin).

    Examples
    --------
    A 10x isolated long of 1 BTC at 10,000 with 1,000 of margin and a 0.5 % maintenance rate:

    >>> round(liquidation_price("long", 1, 10_000, 1_000, 0.005), 2)
    9045.23
    >>> round(liquidation_price("long", 1, 20_000, 400, 0.005, venue="bybit"), 2)
    19700.0
    """
    if venue not in VENUES:
        raise PositionError("venue", f"{venue!r} is not one of {', '.join(VENUES)}")
    q = checked_number("quantity", quantity, positive=True)
    s, ep, margin, mmr, cum = _liquidation_inputs(side, entry_price, wallet_balance,
                                                  maintenance_margin_rate, maintenance_amount,
                                                  other_maintenance, other_unrealized_pnl)
    if venue == "bybit":
        price = ep - s * (margin - (q * ep * mmr - cum)) / q
    else:
        price = (margin + cum - s * q * ep) / (q * mmr - s * q)
    return max(price, 0.0)


def coin_margined_liquidation_price(side: str, face: float, entry_price: float,
                                    wallet_balance: float, maintenance_margin_rate: float,
                                    maintenance_amount: float = 0.0,
                                    other_maintenance: float = 0.0,
                                    other_unrealized_pnl: float = 0.0) -> float:
    """Price at which a coin-margined (inverse) position in one-way mode is liquidated.

    Binance's COIN-M form: balance and requirement are in coin, the requirement charged at the
    liquidation price. With ``F`` the USD face (contracts x contract size),
    ``WB - TMM + UPNL + side F (1/EP - 1/P) = F mmr / P - cum``, so
    ``P = F (mmr + side) / (WB - TMM + UPNL + cum + side F / EP)``.

    Parameters
    ----------
    side : {"long", "short"}
    face : float
        USD face of the position (contracts x USD per contract), positive.
    entry_price : float
    wallet_balance : float
        In coin: the cross wallet balance, or the isolated margin of the position.
    maintenance_margin_rate : float
    maintenance_amount : float, default 0
        The bracket's maintenance amount, in coin.
    other_maintenance, other_unrealized_pnl : float, default 0
        In coin, the rest of a cross account (0 in isolated mode).

    Returns
    -------
    float
        A long is liquidated at or below it, a short at or above it: ``inf`` means a long is
        liquidated at any price, a short at none (its coin covers it, as a short of ``F`` face
        against ``F / EP`` coin of margin is).

    Examples
    --------
    Binance's COIN-M cross example: 101 BTC wallet, long $10M at 45,000, tier rate 12.5 %,
    maintenance amount 11.605 BTC; its calculator gives 33,599.40 (to its 0.1 tick):

    >>> round(coin_margined_liquidation_price("long", 10_000_000, 45_000, 101, 0.125, 11.605), 1)
    33599.4
    """
    f = checked_number("face", face, positive=True)
    s, ep, margin, mmr, cum = _liquidation_inputs(side, entry_price, wallet_balance,
                                                  maintenance_margin_rate, maintenance_amount,
                                                  other_maintenance, other_unrealized_pnl)
    denominator = margin + cum + s * f / ep
    if s * denominator <= 0:
        return float("inf")
    return f * (mmr + s) / denominator


def _liquidation_inputs(side, entry_price, wallet_balance, maintenance_margin_rate,
                        maintenance_amount, other_maintenance, other_unrealized_pnl):
    """The checked inputs both liquidation formulas share: the side's sign, the entry price,
    the margin left for this position (wallet less other maintenance plus other P&L), the
    maintenance rate and amount."""
    if side not in ("long", "short"):
        raise PositionError("side", f"{side!r} is not one of long, short")
    ep = checked_number("entry_price", entry_price, positive=True)
    wb = checked_number("wallet_balance", wallet_balance)
    mmr = _rate(maintenance_margin_rate)
    cum = checked_number("maintenance_amount", maintenance_amount)
    other_mm = checked_number("other_maintenance", other_maintenance, non_negative=True)
    other_pnl = checked_number("other_unrealized_pnl", other_unrealized_pnl)
    return (1.0 if side == "long" else -1.0), ep, wb - other_mm + other_pnl, mmr, cum


def _rate(value: float) -> float:
    mmr = checked_number("maintenance_margin_rate", value, non_negative=True)
    if mmr >= 1:
        raise PositionError("maintenance_margin_rate", f"must be below 1, got {mmr!r}")
    return mmr


def initial_margin(notional: float, leverage: float) -> float:
    """The margin a venue asks to open a position: ``|notional| / leverage``.

    ``leverage`` is the venue's leverage *setting* for the position (10 for "10x"); it fixes
    the initial margin only. The book's own leverage is gross exposure over equity, whatever
    the setting says.

    Parameters
    ----------
    notional : float
        Position notional in USD (its sign is ignored).
    leverage : float
        The leverage setting, at least 1.

    Returns
    -------
    float

    Examples
    --------
    A $60,000 position at a 10x setting needs $6,000 to open:

    >>> initial_margin(60_000, 10)
    6000.0
    """
    size = abs(checked_number("notional", notional))
    setting = checked_number("leverage", leverage, positive=True)
    if setting < 1:
        raise PositionError("leverage", f"must be at least 1, got {leverage!r}")
    return size / setting


class MarginAccount:
    """An account valued in USD: a wallet, coin collateral and positions with maintenance margin.

    It is one margin pool: every position given nets with every other. Venues margin an
    account's wallets apart (linear contracts in a USD wallet, inverse ones in a wallet per
    coin: :func:`margin_pools`), so give it one pool's positions (``book.part(...)``), as
    :func:`account_risk` does for every pool of a book; a book that mixes wallets here is read
    as one portfolio-margin pool.

    Equity (the margin balance) is ``wallet + value of coin held (collateral and spot) +
    unrealised P&L of futures and perps + mark value of options`` (a long option adds its
    value, a short one owes it). The account is liquidated when equity falls to the maintenance
    margin (margin ratio ``maintenance / equity`` reaches 100 %); :func:`liquidation_price` and
    :func:`coin_margined_liquidation_price` are the one-position cases.

    Maintenance margin per position:

    - perps and futures: ``rate x notional - maintenance amount``, from ``brackets`` (tiers per
      underlying, as venues publish them) or else the ``mmr`` column or
      ``maintenance_margin_rate`` with no amount. ``venue="binance"`` takes the notional at the
      price examined, so a liquidation price is solved with the tier at that price;
      ``venue="bybit"`` takes the position value at the entry price. Coin-margined (inverse)
      contracts hold their margin in coin: their requirement is counted in coin and valued at
      the current price, as the venues do;
    - options, by Deribit's standard margin rule for its coin-settled BTC and ETH options (in
      coin per unit of underlying, valued at the current price; Deribit knowledge base,
      "Margin" > inverse options, as also set out in TSLab's "Deribit Margin Requirements
      Calculation"): a long option needs none; a short call ``0.075 + mark``; a short put
      ``max(0.075, 0.075 x mark) + mark``. Other venues' option rules differ.

    Unrealised P&L runs from ``entry_price`` (the current price where none is given). Inverse
    contracts keep their P&L in coin, valued at the current price: the account reads them as
    ``inverse="coin_pnl"``, and so does :attr:`book`. An option's mark is its ``premium`` (USD per
    unit of underlying) when given, else its Black-76 price; it moves with Black-76 (or with its
    delta when only a delta is given, starting from a mark of 0 when no premium is given).

    Parameters
    ----------
    book : Book
    wallet_balance : float
        USD (stablecoin) in the account: the cross wallet, or in isolated mode the total of the
        positions' isolated margins unless ``isolated_margin`` says otherwise.
    collateral : dict, optional
        Coin held as margin, ``{"BTC": 1.5}``; it is long exposure and is added to
        :attr:`book` as a ``collateral`` position. A stablecoin (:data:`STABLECOINS`,
        ``{"USDT": 50_000}``) is cash: it counts at face in equity, with no exposure.
    prices : dict, optional
        Prices of collateral coins that the book does not price.
    mode : {"cross", "isolated"}
        ``"isolated"``: each derivative has its own margin and is liquidated on its own.
    maintenance_margin_rate : float, default 0.005
        Used for positions without an ``mmr`` column value or a bracket table.
    isolated_margin : dict, optional
        Isolated USD margin per position name; by default ``wallet_balance`` is split across the
        derivatives in proportion to their notional.
    isolated_collateral : dict, optional
        Isolated margin held in the position's own coin, per position name (coin-margined
        isolated positions): ``{"BTCUSD_PERP": 1.0}`` is 1 BTC whose value moves with BTC.
    venue : {"binance", "bybit"}, default "binance"
        Which price the maintenance margin of futures and perps is charged at (see above).
    brackets : DataFrame, path or "example", optional
        Maintenance tiers (see :func:`read_brackets`); ``"example"`` is the sample table shipped
        with the package. Underlyings the table lacks use the flat rate.

    Examples
    --------
    A 10x isolated long of 1 BTC at 10,000 with 1,000 of margin is liquidated 9.55 % lower, at
    the price :func:`liquidation_price` gives (9,045.23):

    >>> book = Book.from_records([{"name": "long", "underlying": "BTC", "kind": "perp",
    ...     "side": "long", "quantity": 1, "price": 10_000, "entry_price": 10_000}])
    >>> account = MarginAccount(book, 1_000, mode="isolated")
    >>> round(10_000 * (1 + account.liquidating_move("BTC")), 2)
    9045.23
    """

    def __init__(self, book: Book, wallet_balance: float, *,
                 collateral: Mapping[str, float] | None = None,
                 prices: Mapping[str, float] | None = None, mode: str = "cross",
                 maintenance_margin_rate: float = 0.005,
                 isolated_margin: Mapping[str, float] | None = None,
                 isolated_collateral: Mapping[str, float] | None = None,
                 venue: str = "binance", brackets: Any = None) -> None:
        if not isinstance(book, Book):
            raise PositionError("book", f"must be a Book, got {type(book).__name__}")
        if mode not in MARGIN_MODES:
            raise PositionError("mode", f"{mode!r} is not one of {', '.join(MARGIN_MODES)}")
        if venue not in VENUES:
            raise PositionError("venue", f"{venue!r} is not one of {', '.join(VENUES)}")
        self.mode, self.venue = mode, venue
        self.wallet_balance = checked_number("wallet_balance", wallet_balance)
        rate = checked_number("maintenance_margin_rate", maintenance_margin_rate, non_negative=True)
        if rate >= 1:
            raise PositionError("maintenance_margin_rate", f"must be below 1, got {rate!r}")
        extra = _collateral_book(book, collateral, prices) if collateral else None
        self._book = _with_entries(book + extra if extra is not None else book)
        self._brackets = None if brackets is None else read_brackets(
            None if isinstance(brackets, str) and brackets == "example" else brackets)
        self._mmr = _rates(self._book, rate)
        kind = self._book.rows.frame["kind"].to_numpy()
        self._derivative = np.isin(kind, _DERIVATIVES)
        self._option = kind == "option"
        self._mark = _option_marks(self._book, self._option)
        self._base_value = _base_values(self._book, self._derivative, self._mark)
        self._factors = np.ones(len(self._book))
        self._paid_in = 0.0
        self._isolated, self._isolated_coin = (
            self._isolated_margins(isolated_margin, isolated_collateral) if mode == "isolated"
            else (np.zeros(len(self._book)), np.zeros(len(self._book))))

    # ----- state at price factors -------------------------------------------------------------
    def _pnl(self, factors: np.ndarray) -> np.ndarray:
        return self._book.rows.pnl_at(factors, "coin_pnl")

    def _values(self, factors: np.ndarray, pnl: np.ndarray | None = None) -> np.ndarray:
        return self._base_value + (self._pnl(factors) if pnl is None else pnl)

    def _maintenance(self, factors: np.ndarray, pnl: np.ndarray | None = None) -> np.ndarray:
        """USD maintenance per row at ``factors``; ``pnl`` (of :meth:`_pnl`) saves repricing
        the options when the caller has it already."""
        book = self._book
        # the price the venue charges maintenance at, relative to the book's price
        if self.venue == "binance":
            charged = factors
        else:
            ratio = book.rows.numbers("entry_price") / book.rows.numbers("price")
            charged = np.broadcast_to(np.where(np.isnan(ratio), 1.0, ratio), np.shape(factors))
        notional = np.where(book.rows.inverse, book.rows.usd, book.rows.usd * charged)
        required = self._flat_or_tiered(notional, book.rows.numbers("price") * charged)
        required = np.where(book.rows.inverse, required * factors / charged, required)   # coin margin
        price = book.rows.numbers("price") * factors
        required = np.where(self._option, self._option_maintenance(factors, price, pnl), required)
        return np.where(self._derivative, required, 0.0)

    def _flat_or_tiered(self, notional: np.ndarray, at: np.ndarray) -> np.ndarray:
        """USD maintenance of a USD ``notional`` charged at price ``at``: the flat rate, or the
        bracket tiers (coin tiers count the notional in coin, ``notional / at``)."""
        required = self._mmr * notional
        if self._brackets is None:
            return required
        under = self._book.rows.frame["underlying"].to_numpy()
        for key in set(under[self._derivative & ~self._option]) & set(self._brackets["underlying"]):
            rows = under == key
            tiers = self._brackets[self._brackets["underlying"] == key]
            n, p = notional[..., rows], at[..., rows]
            if tiers["unit"].iat[0] == "coin":
                tiered = bracket_maintenance(tiers, key, n / p) * p
            else:
                tiered = bracket_maintenance(tiers, key, n)
            required = np.array(required, dtype=float, copy=True)
            required[..., rows] = tiered
        return required

    def _option_maintenance(self, factors: np.ndarray, price: np.ndarray,
                            pnl: np.ndarray | None = None) -> np.ndarray:
        """Deribit's standard margin for short options, in USD; long options need none."""
        out = np.zeros(np.shape(price))
        short = self._short_options
        if not short.any():
            return out
        units = (self._book.rows.usd / self._book.rows.numbers("price"))[short]
        mark = self._marks_at(factors, pnl)[..., short]
        at = price[..., short]
        put = self._puts[short]
        per_unit = np.where(put, np.maximum(_DERIBIT_MM * at, _DERIBIT_MM * mark) + mark,
                            _DERIBIT_MM * at + mark)
        out[..., short] = units * per_unit
        return out

    @cached_property
    def _puts(self) -> np.ndarray:
        return (self._book.rows.frame["option_type"] == "put").to_numpy()

    @cached_property
    def _short_options(self) -> np.ndarray:
        return self._option & (self._book.rows.sign < 0)

    def _marks_at(self, factors: np.ndarray, pnl: np.ndarray | None = None) -> np.ndarray:
        """USD mark per unit of underlying of each option row at the price factors."""
        units = self._book.rows.usd / self._book.rows.numbers("price")
        pnl = self._pnl(factors) if pnl is None else pnl
        with np.errstate(divide="ignore", invalid="ignore"):
            change = pnl / (self._book.rows.sign * units)
        return np.maximum(self._mark + np.where(self._option, np.nan_to_num(change), 0.0), 0.0)

    def _margins_at(self, factors: np.ndarray) -> np.ndarray:
        return self._isolated + self._isolated_coin * self._book.rows.numbers("price") * factors

    def _buffers(self, factors: np.ndarray) -> np.ndarray:
        """Equity less maintenance: one number per scenario (cross) or per position (isolated,
        derivatives only; other rows +inf)."""
        pnl = self._pnl(factors)
        values = self._values(factors, pnl)
        maintenance = self._maintenance(factors, pnl)
        if self.mode == "cross":
            return self.wallet_balance + self._paid_in + values.sum(-1) - maintenance.sum(-1)
        return np.where(self._derivative, self._margins_at(factors) + values - maintenance,
                        np.inf)

    def _isolated_margins(self, isolated_margin, isolated_collateral):
        names = self._book.rows.frame["name"].astype(str).to_numpy()
        if isolated_margin is None and isolated_collateral is None:
            notional = np.where(self._derivative, np.abs(self._book.rows.usd), 0.0)
            total = notional.sum()
            usd = self.wallet_balance * notional / total if total > 0 else notional
            return usd, np.zeros(len(names))
        return (self._per_name(isolated_margin, "isolated_margin", names),
                self._per_name(isolated_collateral, "isolated_collateral", names))

    def _per_name(self, amounts, field_name: str, names: np.ndarray) -> np.ndarray:
        out = np.zeros(len(names))
        for name, amount in (amounts or {}).items():
            hit = (names == str(name)) & self._derivative
            if not hit.any():
                raise PositionError(field_name, f"{name!r} is not a derivative position "
                                    "of this book")
            out[hit] = checked_number(field_name, amount, non_negative=True)
        return out

    # ----- what a learner asks ------------------------------------------------------------------
    @property
    def book(self) -> Book:
        """The positions at current prices, coin collateral included, reading inverse contracts
        as this account holds them (``inverse="coin_pnl"``: the coin P&L stays in coin)."""
        return self._book.revalue(self._factors).reading("coin_pnl")

    def equity(self) -> float:
        """Margin balance in USD: wallet, coin held, unrealised P&L."""
        return float(self.wallet_balance + self._paid_in + self._values(self._factors).sum())

    def maintenance_margin(self) -> float:
        """USD the venue requires the equity to stay above."""
        return float(self._maintenance(self._factors).sum())

    def margin_ratio(self) -> float:
        """Maintenance margin over equity; liquidation at 1 (100 %). In isolated mode, that of
        the worst position. ``inf`` when the equity is gone."""
        if self.mode == "cross":
            equity, maintenance = self.equity(), self.maintenance_margin()
        else:
            buffers = self._buffers(self._factors)
            if not self._derivative.any():
                return 0.0
            i = int(np.argmin(np.where(self._derivative, buffers, np.inf)))
            maintenance = float(self._maintenance(self._factors)[i])
            equity = maintenance + float(buffers[i])
        if equity <= 0:
            return float("inf")
        return maintenance / equity

    def distance_to_liquidation(self) -> float:
        """USD the equity can lose before liquidation (equity less maintenance); in isolated mode,
        that of the position closest to it. Negative when liquidated."""
        return float(np.min(self._buffers(self._factors)))

    def is_liquidated(self) -> bool:
        """Whether equity is at or below the maintenance margin."""
        return self.distance_to_liquidation() <= 0

    def liquidating_move(self, underlying: str) -> float | None:
        """The smallest relative move of ``underlying`` (all else unchanged) that liquidates the
        account, signed: ``-0.25`` is a 25 % fall. 0 when already liquidated, ``None`` when no
        move of that asset alone does it (between -99.9 % and +100,000 %).

        Examples
        --------
        $60k of USD margin under a 2 BTC long at 60,000 (mmr 0.5 %): equity
        ``60k + 120k x m`` meets maintenance ``600 (1 + m)`` at ``m = -59,400 / 119,400``.

        >>> book = Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
        ...                            "quantity": 2, "price": 60_000}])
        >>> round(MarginAccount(book, 60_000).liquidating_move("BTC"), 6)
        -0.497487
        """
        key = str(underlying).strip().upper()
        rows = (self._book.rows.frame["underlying"] == key).to_numpy()
        if not rows.any():
            raise PositionError("underlying", f"{underlying!r} is not in this account")
        if self.is_liquidated():
            return 0.0
        found = [m for m in (self._root(rows, -1), self._root(rows, 1)) if m is not None]
        return min(found, key=abs) if found else None

    def _at_move(self, rows: np.ndarray, moves: np.ndarray) -> np.ndarray:
        factors = np.where(rows, self._factors * (1.0 + moves[:, None]), self._factors)
        buffers = self._buffers(factors)
        return buffers if buffers.ndim == 1 else buffers.min(axis=1)

    def _part(self, keep: np.ndarray, cash: bool) -> "MarginAccount":
        """The account's rows ``keep`` alone (cross margin: each row adds its value less its
        maintenance), with the wallet and cash when ``cash``, else none."""
        part = object.__new__(MarginAccount)
        part.__dict__.update({k: v for k, v in self.__dict__.items()
                              if k not in ("_puts", "_short_options", "_split")})
        part._book = self._book.part(keep)
        for name in ("_mmr", "_derivative", "_option", "_mark", "_base_value", "_factors",
                     "_isolated", "_isolated_coin"):
            setattr(part, name, getattr(self, name)[keep])
        if not cash:
            part.wallet_balance, part._paid_in = 0.0, 0.0
        return part

    def _evaluator(self, rows: np.ndarray, direction: int, top: float):
        """The buffer as a function of the move of ``rows``, and its root when it is affine.

        In cross margin without brackets, every row but an option's adds a value less a
        maintenance that is affine in the move (linear contracts' value and maintenance scale
        with the price; inverse ones' coin P&L and coin maintenance too): three evaluations of
        those rows give their line (the third checks it), and only the option rows are priced
        at each move. Returns (evaluate, solved): ``solved`` is ``(root,)`` (root None when no
        move in this direction liquidates) when the whole buffer is affine, else None."""
        def plain(moves):
            return self._at_move(rows, moves)
        if self.mode != "cross" or self._brackets is not None:
            return plain, None
        options = self._option & rows
        key = rows.tobytes()
        if getattr(self, "_split", (None,))[0] != key:          # both directions share it
            self._split = (key, self._part(~options, cash=True), self._part(options, cash=False))
        _, rest, part = self._split
        points = np.array([0.0, direction * 0.5, direction * top])
        values = rest._at_move(rows[~options], points)
        slope = (values[1] - values[0]) / points[1]
        line = values[0] + slope * points[2]
        if not np.isclose(values[2], line, rtol=1e-9, atol=1e-9 * abs(values[0]) + 1e-9):
            return plain, None
        if not options.any():
            move = -values[0] / slope if slope != 0 else 0.0
            return plain, (float(move) if move * direction > 0 and abs(move) <= top else None,)
        every = np.ones(int(options.sum()), dtype=bool)

        def split(moves):
            moves = np.asarray(moves, dtype=float)
            return values[0] + slope * moves + part._at_move(every, moves)
        return split, None

    def _root(self, rows: np.ndarray, direction: int) -> float | None:
        top = 0.999 if direction < 0 else 1000.0
        evaluate, solved = self._evaluator(rows, direction, top)
        if solved is not None:
            return solved[0]
        # steps of about 5 % of the move (down) and 8 % (up); a move under 0.01 % is found
        # between 0 and the first point
        grid = direction * np.geomspace(1e-4, top, 180 if direction < 0 else 200)
        hit = np.flatnonzero(evaluate(grid) <= 0)
        if not hit.size:
            return None
        k = int(hit[0])
        safe, liquid = (0.0 if k == 0 else grid[k - 1]), grid[k]
        # Narrow the bracket 64 points at a time, one vectorised evaluation per step, to a
        # part in 10^11 of the move (about 6 steps instead of 40 bisection calls).
        while abs(liquid - safe) > _ROOT_TOLERANCE * max(abs(liquid), 1e-300):
            points = np.linspace(safe, liquid, 66)[1:-1]
            inside = np.flatnonzero(evaluate(points) <= 0)
            j = int(inside[0]) if inside.size else len(points)
            new_safe = safe if j == 0 else points[j - 1]
            new_liquid = liquid if j == len(points) else points[j]
            if (new_safe, new_liquid) == (safe, liquid):
                break
            safe, liquid = new_safe, new_liquid
        return float(liquid)

    def after(self, moves: Mapping[str, float], on: str = "underlying",
              cash: float = 0.0) -> "MarginAccount":
        """The account after prices move by ``moves`` (keys are values of column ``on``) and
        ``cash`` (funding, fees) is paid in (negative: out).

        Examples
        --------
        >>> book = Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
        ...                            "quantity": 2, "price": 60_000}])
        >>> MarginAccount(book, 60_000).after({"BTC": -0.1}).equity()
        48000.0
        """
        new = object.__new__(MarginAccount)
        new.__dict__.update(self.__dict__)
        new.__dict__.pop("_split", None)           # the parts carry this account's prices
        new._factors = self._factors * self._book.move_factors(moves, on)
        new._paid_in = self._paid_in + checked_number("cash", cash)
        return new

    def after_scenario(self, scenario: Any) -> "MarginAccount":
        """The account after a :class:`ScenarioResult` (its moves and its cash)."""
        return self.after(scenario.moves, on=scenario.on, cash=scenario.cash)

    @property
    def cash_paid(self) -> float:
        """USD paid in (funding, fees) since the account was opened by :meth:`after`; negative:
        paid out."""
        return self._paid_in

    def row_buffers(self) -> np.ndarray:
        """USD each position adds to the margin buffer now: its value in equity less its
        maintenance (one number per row of :attr:`book`; the wallet not included).

        Examples
        --------
        >>> book = Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
        ...                            "quantity": 2, "price": 60_000}])
        >>> MarginAccount(book, 60_000).after({"BTC": -0.1}).row_buffers().round(2).tolist()
        [-12540.0]
        """
        return self._values(self._factors) - self._maintenance(self._factors)

    def report(self) -> dict[str, float]:
        """Equity, maintenance margin, margin ratio and distance to liquidation in one dict."""
        return {"equity": self.equity(), "maintenance_margin": self.maintenance_margin(),
                "margin_ratio": self.margin_ratio(),
                "distance_to_liquidation": self.distance_to_liquidation(),
                "liquidated": self.is_liquidated()}

    def stress(self, **kwargs: Any) -> pd.DataFrame:
        """:meth:`report` now and after each of :func:`stress_scenarios` (keyword arguments go
        to it), one row each.

        Examples
        --------
        >>> book = Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
        ...                            "quantity": 2, "price": 60_000}])
        >>> bool(MarginAccount(book, 20_000).stress(gap=0.3).loc["one leg gaps", "liquidated"])
        True
        """
        rows = {"now": self.report()}
        for scenario in stress_scenarios(self.book, **kwargs):
            rows[scenario.name] = self.after_scenario(scenario).report()
        return pd.DataFrame.from_dict(rows, orient="index")

    def __repr__(self) -> str:
        return (f"<MarginAccount {self.mode}: equity {self.equity():,.2f}, maintenance "
                f"{self.maintenance_margin():,.2f}, margin ratio {self.margin_ratio():.2%}>")


def _collateral_book(book: Book, collateral, prices) -> Book:
    if not collateral:
        return Book()
    if not isinstance(collateral, Mapping):
        raise PositionError("collateral", "must be a dict of coin -> quantity")
    known = {str(k).strip().upper(): v for k, v in (prices or {}).items()}
    frame = book.rows.frame
    records = []
    for coin, quantity in collateral.items():
        key = str(coin).strip().upper()
        price = known.get(key)
        if price is None and "price" in frame.columns:
            found = frame.loc[frame["underlying"] == key, "price"].dropna()
            price = float(found.iloc[0]) if len(found) else None
        if price is None and key in STABLECOINS:
            price = 1.0                                     # cash: counted at face
        if price is None:
            raise PositionError("prices", f"no price for the collateral {key}: give prices={{...}}")
        records.append({"name": f"{key} collateral", "underlying": key, "kind": "collateral",
                        "side": "long", "quantity": checked_number("collateral", quantity,
                                                            non_negative=True),
                        "price": checked_number("prices", price, positive=True)})
    return Book.from_records(records)


def _with_entries(book: Book) -> Book:
    """Fill missing entry prices of derivatives with the current price (no unrealised P&L)."""
    frame = book.to_frame()
    if len(frame) == 0:
        return book
    inverse = book.rows.inverse
    price = book.rows.numbers("price")
    if np.any(inverse & np.isnan(price)):
        i = int(np.flatnonzero(inverse & np.isnan(price))[0])
        raise PositionError("price", "is missing: an inverse contract's coin P&L is valued at "
                            "the current price", row=i, name=frame["name"].iat[i])
    entry = book.rows.numbers("entry_price")
    if not np.isnan(entry).any():
        return book
    frame["entry_price"] = np.where(np.isnan(entry), price, entry)
    return Book.from_frame(frame)


def _rates(book: Book, default: float) -> np.ndarray:
    if "mmr" not in book.rows.frame.columns:
        return np.full(len(book), default)
    raw = pd.to_numeric(book.rows.frame["mmr"], errors="coerce").to_numpy(dtype=float)
    given = book.rows.frame["mmr"].notna().to_numpy()
    bad = given & (~np.isfinite(raw) | (raw < 0) | (raw >= 1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise PositionError("mmr", f"must be a rate in [0, 1), got {book.rows.frame['mmr'].iat[i]!r}",
                            row=i, name=book.rows.frame["name"].iat[i])
    return np.where(given, raw, default)


def _base_values(book: Book, derivative: np.ndarray, mark: np.ndarray) -> np.ndarray:
    """USD value each row adds to equity now: coin held at market, futures' unrealised P&L
    since entry (linear ``q (P - EP)``, inverse ``F (P / EP - 1)`` in coin valued at ``P``), and
    options' mark value (``+`` long, ``-`` short)."""
    signed = book.rows.sign * book.rows.usd
    ratio = book.rows.numbers("price") / book.rows.numbers("entry_price")
    ratio = np.where(np.isnan(ratio), 1.0, ratio)
    upnl = np.where(book.rows.inverse, signed * (ratio - 1.0), signed * (1.0 - 1.0 / ratio))
    option = book.rows.option
    units = book.rows.usd / book.rows.numbers("price")
    return np.where(derivative, np.where(option, book.rows.sign * units * mark, upnl), signed)


def _option_marks(book: Book, option: np.ndarray) -> np.ndarray:
    """USD mark per unit of underlying now: ``premium`` when given, else Black-76, else 0."""
    if not option.any():
        return np.zeros(len(book))
    mark = book.rows.model_prices_now          # Black-76 for the model rows, 0 elsewhere
    premium = book.rows.numbers("premium")
    return np.where(option & ~np.isnan(premium), premium, mark)


# ----- per-account risk of a book ---------------------------------------------------------------
def _leading_zero_hint(lacking: Sequence[str], extra: Sequence[str]) -> str:
    """Name the equity file's accounts that differ from the book's only by leading zeros."""
    def bare(label: str) -> str:
        return re.sub(r"(^|\s)0+(?=\d)", r"\1", label)
    pairs = [(a, e) for a in lacking for e in extra if bare(a) == bare(e)]
    if not pairs:
        return ""
    said = ", ".join(f"{e!r} for {a!r}" for a, e in pairs)
    return (f"; the equity gives {said}: the leading zeros were probably lost in a "
            "spreadsheet (keep the account column as text)")


def _text(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: "" if pd.isna(v) else str(v).strip()).to_numpy()


#: The wallet of a stablecoin-margined (linear) position: USDT, USDC, ... counted as one.
USD_WALLET = "USD"
#: The wallet named for an account in portfolio margin: every position in one pool.
PORTFOLIO = "portfolio"
#: Venues whose default account margins every contract in one pool: Bybit's unified trading
#: account 2.0 (inverse contracts joined it from 13 Sep 2024; "in cross margin and portfolio
#: margin modes, margin is shared among all trades", Bybit v5 docs "Different Account Modes",
#: read 2026-12). Under Bybit's UTA 1.0 inverse contracts sit apart: give that account's equity
#: per wallet and it is split.
_UNIFIED_VENUES = ("bybit",)


def wallet_name(text: Any) -> str:
    """A wallet as the equity file may name it, in the form the pools use: ``"USD"`` for
    stablecoin-margined (USDT, USDC, ..., "linear", "USD-margined"), a coin (``"BTC"``, also
    "BTC-margined"), or ``"portfolio"`` (portfolio margin: one pool).

    Examples
    --------
    >>> [wallet_name(w) for w in ("USDT", "linear", "btc-margined", "PM", "Portfolio margin")]
    ['USD', 'USD', 'BTC', 'portfolio', 'portfolio']
    """
    word = str(text).strip()
    upper = re.sub(r"[\s_-]*MARGINED$", "", word.upper()).strip()
    if upper in ("PM", "PORTFOLIO", "PORTFOLIO MARGIN", "PORTFOLIO-MARGIN", "UNIFIED"):
        return PORTFOLIO
    if upper in (*STABLECOINS, "LINEAR", "USD"):
        return USD_WALLET
    if not re.fullmatch(r"[A-Z0-9]{2,12}", upper):
        raise PositionError("wallet", f"{word!r} is not a wallet: give USD (or USDT, USDC) for "
                            "stablecoin-margined contracts, the coin (BTC) for coin-margined "
                            "ones, or portfolio")
    return upper


def _pool_suffix(wallet: str) -> str:
    return PORTFOLIO if wallet == PORTFOLIO else f"{wallet}-margined"


def _row_wallets(book: Book, bases: np.ndarray, venues: np.ndarray,
                 modes: Mapping[str, str]) -> np.ndarray:
    """Each row's wallet by the settle coin: inverse contracts (and options settled in their
    coin) in their coin's wallet, other contracts and spot in the USD one; coin collateral in its
    coin's wallet where the account has one, else with the USD one; every row of an
    account that pools (portfolio margin, a unified venue) in one pool."""
    frame = book.rows.frame
    under = frame["underlying"].astype(str).str.strip().str.upper().to_numpy()
    coin = np.asarray(book.rows.inverse, dtype=bool) | book.rows.coin_settled
    wallets = np.where(coin, under, USD_WALLET).astype(object)
    held = (frame["kind"].to_numpy() == "collateral") & ~np.asarray(book.rows.cash, bool)
    if held.any() and coin.any():
        pools = pd.MultiIndex.from_arrays([bases[coin], under[coin]]).unique()
        inside = pd.MultiIndex.from_arrays([bases[held], under[held]]).isin(pools)
        wallets[np.flatnonzero(held)[inside]] = under[held][inside]
    unified = np.array([any(u in v.lower() for u in _UNIFIED_VENUES) for v in venues])
    mode = pd.Series(bases).map(modes).to_numpy()
    pooled = np.where(pd.isna(mode), unified, mode == PORTFOLIO).astype(bool)
    wallets[pooled] = PORTFOLIO
    return wallets


def _account_bases(book: Book, column: str) -> tuple[np.ndarray, np.ndarray]:
    """``"Binance 001"`` (venue and account) per row, and the venues."""
    frame = book.rows.frame
    if column not in frame.columns:
        raise PositionError(column, "the book has no such column: per-account margin needs "
                            "one account per position")
    names = _text(frame[column])
    if "venue" not in frame.columns:
        return names, np.full(len(names), "", dtype=object)
    venues = _text(frame["venue"])
    return (np.array([f"{v} {a}" if v else a for v, a in zip(venues, names)], dtype=object),
            venues)


def _pool_labels(bases: np.ndarray, wallets: np.ndarray) -> np.ndarray:
    """``"Binance 001"`` for an account that is one USD-margined (or unified) pool;
    ``"Binance 001 USD-margined"`` and ``"Binance 001 BTC-margined"`` for one whose wallets are
    margined apart; a coin-margined pool always says its coin (its wallet is held in it)."""
    pairs = pd.DataFrame({"base": bases, "wallet": wallets}).drop_duplicates()
    many = set(pairs["base"][pairs.duplicated("base", keep=False)])
    named = {(b, w): f"{b} {_pool_suffix(w)}" if b in many or w not in (USD_WALLET, PORTFOLIO)
             else b for b, w in pairs.itertuples(index=False)}
    return np.array([named[(b, w)] for b, w in zip(bases, wallets)], dtype=object)


def margin_pools(book: Book, column: str = "account",
                 portfolio_margin: Sequence[Any] = ()) -> pd.Series:
    """The margin pool of each position: where its margin nets with other positions'.

    Margin nets only inside one pool: one venue, one account and, where the venue margins them
    apart, one wallet. Read from each row: a stablecoin-margined (linear) contract sits in the
    account's USD wallet (Binance USDS-M, OKX's and Deribit's USDT/USDC margin, BitMEX's USDT
    wallet), an inverse (coin-margined) one in its coin's wallet, one per coin (Binance COIN-M,
    BitMEX's XBT wallet, Deribit's BTC and ETH), coin collateral in the coin's wallet where the
    account trades that coin inverse, and spot with the USD wallet. A Bybit account is one
    pool (its unified trading account 2.0 shares margin among all trades) and so is an account
    in portfolio margin.

    Parameters
    ----------
    book : Book
        With an ``account`` column (and usually ``venue``).
    column : str, default "account"
    portfolio_margin : sequence
        Accounts in portfolio margin: ``"Binance 001"`` or ``("Binance", "001")``.

    Returns
    -------
    Series of str
        Per position: ``"Binance 001"`` for an account that is one pool, else
        ``"Binance 001 USD-margined"``, ``"Binance 001 BTC-margined"``, ...

    Examples
    --------
    >>> book = Book.from_records([
    ...     {"underlying": "BTC", "kind": "perp", "side": "long", "notional": 120_000,
    ...      "account": "001", "venue": "Binance"},
    ...     {"underlying": "BTC", "kind": "perp", "side": "short", "quantity": 1_200,
    ...      "contract_size": 100, "inverse": True, "price": 60_000, "account": "001",
    ...      "venue": "Binance"}])
    >>> margin_pools(book).tolist()
    ['Binance 001 USD-margined', 'Binance 001 BTC-margined']
    >>> margin_pools(book, portfolio_margin=["Binance 001"]).tolist()
    ['Binance 001', 'Binance 001']
    """
    modes = {_key_base(k): PORTFOLIO for k in portfolio_margin}
    return pd.Series(_margin_account_labels(book, column, modes), index=book.exposures().index,
                     name="pool")


def _key_base(key: Any) -> str:
    if isinstance(key, tuple):
        return " ".join(str(k).strip() for k in key if str(k).strip())
    return str(key).strip()


def _margin_account_labels(book: Book, column: str = "account",
                           modes: Mapping[str, str] | None = None) -> np.ndarray:
    """The margin pool of each row (see :func:`margin_pools`); ``modes`` maps an account
    (``"Binance 001"``) to ``"portfolio"`` (one pool) or ``"split"`` (by wallet)."""
    bases, venues = _account_bases(book, column)
    return _pool_labels(bases, _row_wallets(book, bases, venues, modes or {}))


def _equity_keys(equity: Mapping[Any, float]) -> list[tuple[str, str | None, float]]:
    """``(account, wallet or None, amount)`` per key: ``(venue, account)``, ``(venue, account,
    wallet)``, a label ``"Binance 001"`` / ``"Binance 001 BTC-margined"`` / ``"Binance 001
    portfolio"``, or an account alone."""
    out = []
    for key, value in equity.items():
        if isinstance(key, tuple) and len(key) == 3:
            out.append((_key_base(key[:2]), wallet_name(key[2]), value))
            continue
        if isinstance(key, tuple) and len(key) == 2:
            out.append((_key_base(key), None, value))
            continue
        label = str(key).strip()
        match = re.fullmatch(r"(?P<base>.+?)\s+(?P<wallet>portfolio|\S+-margined)", label,
                             flags=re.IGNORECASE)
        if match:
            out.append((match["base"], wallet_name(match["wallet"]), value))
        else:
            out.append((label, None, value))
    return out


def _equity_per_label(book: Book, equity: Mapping[Any, float],
                      column: str) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """The pool of each row and ``equity`` keyed by pool label. An account is given one
    equity (it is one pool), one per wallet (its wallets margined apart) or one marked
    portfolio (all its wallets pooled); an account alone serves when it is on one venue
    (refused, naming its venues, when it spans several)."""
    bases, venues = _account_bases(book, column)
    names = _text(book.rows.frame[column])
    known_bases = set(bases)
    keys = []
    for base, wallet, value in _equity_keys(equity):
        if base not in known_bases and (names == base).any():
            on = sorted(set(venues[names == base]))
            if len(on) > 1:
                raise PositionError("equity", f"account {base!r} is on {len(on)} venues "
                                    f"({', '.join(on)}) and margin never nets across "
                                    "venues: give its equity per venue (venue,account,equity)")
            base = f"{on[0]} {base}" if on[0] else base
        keys.append((base, wallet, value))
    modes = {b: PORTFOLIO if w == PORTFOLIO else "split" for b, w, _ in keys if w is not None}
    wallets = _row_wallets(book, bases, venues, modes)
    labels = _pool_labels(bases, wallets)
    known = set(labels)
    pools_of: dict[str, dict[str, str]] = {}
    for b, w, label in pd.DataFrame({"b": bases, "w": wallets, "l": labels}).drop_duplicates(
            ["b", "w"]).itertuples(index=False):
        pools_of.setdefault(b, {})[w] = label
    out: dict[str, float] = {}
    for base, wallet, value in keys:
        pools = pools_of.get(base, {})
        if wallet is None or wallet == PORTFOLIO:
            if len(pools) > 1:
                said = ", ".join(_pool_suffix(w) for w in sorted(pools))
                raise PositionError("equity", f"{base!r} margins its positions in "
                                    f"{len(pools)} pools ({said}), which never net: "
                                    "give an equity per wallet (venue,account,wallet,equity) "
                                    "or mark the account's one equity as portfolio margin "
                                    "(wallet portfolio)")
            label = next(iter(pools.values())) if pools else base
        else:
            label = pools.get(wallet, f"{base} {_pool_suffix(wallet)}")   # unknown: named below
        if label in out:
            raise PositionError("equity", f"{label!r} is given twice")
        out[label] = check_equity(value)
    lacking = sorted(known - set(out))
    extra = sorted(set(out) - known)
    if lacking:
        raise PositionError("equity", f"no equity given for account(s) "
                            f"{', '.join(repr(a) for a in lacking)} of the book"
                            f"{_leading_zero_hint(lacking, extra)}")
    if extra:
        raise PositionError("equity", f"account(s) {', '.join(repr(a) for a in extra)} have an "
                            "equity but no position in the book")
    return labels, wallets, out


def account_risk(book: Book, equity: Mapping[Any, float], *, warn_distance: float = 0.20,
                 column: str = "account", maintenance_margin_rate: float = 0.005,
                 venue: str = "binance", brackets: Any = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each margin pool's margin (cross margin) and, per underlying, the move that
    liquidates it.

    Margin nets only inside one pool (:func:`margin_pools`): never across venues (when the book
    has a ``venue`` column, ``"Binance 001"`` is account 001 on Binance), nor across the wallets
    a venue margins apart: ``"Binance 001 USD-margined"`` holds the linear contracts,
    ``"Binance 001 BTC-margined"`` the BTC inverse ones. A coin-margined pool's wallet is held
    in its coin: what its equity holds beyond its rows' value moves with that coin (and counts
    in its ``net``).

    Parameters
    ----------
    book : Book
        A book with an ``account`` column (and usually a ``venue`` one).
    equity : dict
        Equity (margin balance, USD today) per margin pool, keyed by ``(venue, account)``,
        ``(venue, account, wallet)`` (wallet ``"USD"``, a coin, or ``"portfolio"`` for an
        account in portfolio margin: one pool), a label (``"Binance 001"``, ``"Binance 001
        BTC-margined"``), or the account alone when that account is on one venue (an account
        on several venues is refused, naming them, and so is one equity for an account whose
        positions sit in several pools). Every pool of the book must have one and every pool
        given must be in the book: a mismatch is named, never ignored.
    warn_distance : float, default 0.20
        A liquidating move smaller than this (20 %) is flagged.
    maintenance_margin_rate, venue, brackets
        The margin rule, as in :class:`MarginAccount`: a flat rate (default 0.5 %) for the
        positions without an ``mmr`` value or a bracket tier, the venue whose rule charges it
        (``"binance"``: at the price examined; ``"bybit"``: at the entry price), and a bracket
        table (a path, a DataFrame or ``"example"``).

    Returns
    -------
    (accounts, moves) : tuple of DataFrame
        ``accounts``: ``equity``, ``maintenance``, ``margin_ratio``, ``positions`` per margin
        pool. ``moves``: one row per pool and underlying: ``net`` (delta),
        ``liquidating_move`` (signed fraction, NaN when no move of that asset alone liquidates)
        and ``warning``. Each is what :class:`MarginAccount` gives for that account's positions;
        it is computed for all accounts at once (see Notes).

    Notes
    -----
    Equity and maintenance are group sums over every row's value and maintenance. In cross
    margin each row adds its value less its maintenance to the buffer, and a row that is not an
    option (with no bracket tiers) adds an amount affine in its price: a move ``m`` of one asset
    brings the buffer ``C + S m``, which reaches 0 at ``m = -C / S``. Only the accounts and assets
    with options (or tiers) are searched as :meth:`MarginAccount.liquidating_move` does.

    Examples
    --------
    $60k of equity under a 2 BTC long at 60,000 (maintenance 0.5 %) is liquidated by a
    49.75 % fall: equity 60k + 120k m meets maintenance 600 (1 + m) at m = -59,400 / 119,400.

    >>> book = Book.from_records([{"underlying": "BTC", "kind": "perp", "side": "long",
    ...                            "quantity": 2, "price": 60_000, "account": "A"}])
    >>> accounts, moves = account_risk(book, {"A": 60_000})
    >>> round(float(moves.loc[("A", "BTC"), "liquidating_move"]), 6)
    -0.497487
    """
    warn = checked_number("warn_distance", warn_distance, positive=True)
    rule = {"maintenance_margin_rate": maintenance_margin_rate, "venue": venue,
            "brackets": brackets}
    labels, wallets, given = _equity_per_label(book, equity, column)
    whole = MarginAccount(book, 0.0, **rule)
    ones = np.ones(len(book))
    value, maintenance = whole._values(ones), whole._maintenance(ones)
    codes, order = pd.factorize(labels, sort=True)
    k = len(order)
    held = np.bincount(codes, weights=value, minlength=k)
    required = np.bincount(codes, weights=maintenance, minlength=k)
    total = np.array([given[name] for name in order])
    wallet = total - held
    accounts = pd.DataFrame({"equity": wallet + held, "maintenance": required,
                             "margin_ratio": required / total,
                             "positions": np.bincount(codes, minlength=k)},
                            index=pd.Index(order, name="account"))
    # a coin-margined pool's wallet is coin: beyond its rows' value it moves with its coin
    first = np.zeros(k, dtype=int)
    first[codes[::-1]] = np.arange(len(book))[::-1]
    coin = np.asarray(wallets, dtype=object)[first] if len(book) else np.array([], dtype=object)
    coin = np.where(np.isin(coin, (USD_WALLET, PORTFOLIO)), "", coin)
    moves = _moves(book, whole, codes, order, wallet + held - required, rule,
                   np.where(coin != "", wallet, 0.0), coin)
    moves["warning"] = np.isfinite(moves["liquidating_move"]) & (moves["liquidating_move"].abs()
                                                                  < warn)
    return accounts, moves


def _moves(book: Book, whole: MarginAccount, codes: np.ndarray, order: np.ndarray,
           buffer: np.ndarray, rule: Mapping[str, Any], coin_wallet: np.ndarray,
           pool_coin: np.ndarray) -> pd.DataFrame:
    """One row per margin account and underlying: net delta and the liquidating move.
    ``buffer`` is each account's equity less maintenance now; ``coin_wallet`` the USD value of
    the wallet a coin-margined pool holds in ``pool_coin`` beyond its rows (long that coin)."""
    frame = book.rows.frame
    under = frame["underlying"].to_numpy()
    ones = np.ones(len(book))
    now = whole._values(ones) - whole._maintenance(ones)
    later = whole._values(2 * ones) - whole._maintenance(2 * ones)
    slope = later - now                       # per row: the buffer added by a +100 % move
    searched = book.rows.option.copy()
    if whole._brackets is not None:           # tiers are piecewise in the notional
        searched |= whole._derivative & np.isin(under, whole._brackets["underlying"])
    net = book.exposures("delta").to_numpy()
    pairs = pd.DataFrame({"code": codes, "underlying": under, "net": net,
                          "slope": np.where(searched, 0.0, slope),
                          "searched": np.where(searched, now, 0.0), "first": np.arange(len(book))})
    grouped = pairs.groupby(["code", "underlying"], sort=False).agg(
        net=("net", "sum"), slope=("slope", "sum"), searched=("searched", "sum"),
        first=("first", "min"))
    # accounts in label order; within one, underlyings in order of first appearance
    grouped = grouped.reset_index().sort_values(["code", "first"], kind="stable")
    c = grouped["code"].to_numpy()
    base = buffer[c]
    held = np.where(grouped["underlying"].to_numpy() == pool_coin[c], coin_wallet[c], 0.0)
    s = grouped["slope"].to_numpy() + held
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(s != 0, -base / np.where(s != 0, s, 1.0), np.nan)
    inside = ((root < 0) & (root >= -0.999)) | ((root > 0) & (root <= 1000.0))
    move = np.where(base <= 0, 0.0, np.where(inside, root, np.nan))
    keys = pd.MultiIndex.from_arrays([c, grouped["underlying"].to_numpy()])
    group = keys.get_indexer(pd.MultiIndex.from_arrays([codes, under]))
    active = np.zeros(len(grouped), dtype=bool)
    active[np.unique(group[searched])] = True
    active &= base > 0
    rows = searched & active[group]
    if rows.any():
        which = np.flatnonzero(active)
        local = np.searchsorted(which, group[rows])            # 0..len(which)-1 per row
        constant = base[which] - grouped["searched"].to_numpy()[which]
        move[which] = _searched_moves(MarginAccount(book.part(rows), 0.0, **rule), local,
                                      constant, s[which])
    return pd.DataFrame({"net": grouped["net"].to_numpy(dtype=float) + held,
                         "liquidating_move": move},
                        index=pd.MultiIndex.from_arrays(
                            [np.asarray(order)[c], grouped["underlying"].to_numpy()],
                            names=["account", "underlying"]))


def _searched_moves(part: MarginAccount, group: np.ndarray, constant: np.ndarray,
                    slope: np.ndarray) -> np.ndarray:
    """The liquidating move of each group (an account and an asset) whose buffer is not affine
    in the move: ``constant + slope x m`` from its other rows plus the value less maintenance of
    its rows in ``part`` (options, tiered rows; ``group`` gives each one's group), all moved by
    ``m``. Searched as :meth:`MarginAccount.liquidating_move` searches, for every group at once:
    the same grid of moves down and up, the first point that liquidates, then the bracket
    halved to a part in 10^11. NaN where no move in -99.9 %..+100,000 % liquidates."""
    k = len(constant)
    perm = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[perm]) != 0])

    def buffers(moves: np.ndarray) -> np.ndarray:          # moves: (points, k)
        f = 1.0 + moves[:, group]
        rows = part._values(f) - part._maintenance(f)
        return constant + slope * moves + np.add.reduceat(rows[:, perm], starts, axis=1)

    found = []
    for direction in (-1, 1):
        top = 0.999 if direction < 0 else 1000.0
        grid = direction * np.geomspace(1e-4, top, 180 if direction < 0 else 200)
        hit = buffers(np.repeat(grid[:, None], k, axis=1)) <= 0
        some = hit.any(axis=0)
        first = hit.argmax(axis=0)
        liquid = grid[first]
        safe = np.where(first == 0, 0.0, grid[np.maximum(first - 1, 0)])
        for _ in range(200):
            open_ = some & (np.abs(liquid - safe)
                            > _ROOT_TOLERANCE * np.maximum(np.abs(liquid), 1e-300))
            if not open_.any():
                break
            mid = np.where(open_, 0.5 * (safe + liquid), liquid)
            down = open_ & (buffers(mid[None, :])[0] <= 0)
            liquid = np.where(down, mid, liquid)
            safe = np.where(open_ & ~down, mid, safe)
        found.append(np.where(some, liquid, np.nan))
    down, up = found
    return np.where(np.isnan(up) | (np.abs(down) <= np.abs(up)), down, up)
