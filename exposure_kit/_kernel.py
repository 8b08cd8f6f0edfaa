"""The engine kernel: the rows of a book as arrays, and every formula over them.

A :class:`Rows` is built once per :class:`~exposure_kit.Book` from its cleaned positions: the
frame, the side signs, the unsigned USD face of each row, the inverse and cash flags, the option
inputs and (computed on first use, kept with the rows, which never change) the option deltas and
Black-76 prices now. The exposure formula, P&L under a move, Black-76 over rows, subsetting and
the long/short sums live here, once; :mod:`._book` and the analytics modules call them.

Price *factors* are one plus the relative move of each row (or a matrix of them, one row per
scenario or path step); ``factors=None`` is today's prices.
"""

from __future__ import annotations

import copy
from functools import cached_property
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ._errors import PositionError, checked_number
from ._instruments import black76_delta, black76_price
from ._schema import clean_positions

__all__: list[str] = []     # internal: the public API is Book's

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
CASH_KINDS = ("collateral", "spot")
#: The keyword options of :meth:`Book.exposures`, and their defaults (``inverse``: the reading).
EXPOSURE_OPTIONS = ("measure", "betas", "denomination", "inverse", "reference")


def check_choice(value: str, allowed: tuple[str, ...], field_name: str) -> None:
    """Refuse ``value`` unless it is one of ``allowed``, naming ``field_name``."""
    if value not in allowed:
        raise PositionError(field_name, f"{value!r} is not one of {', '.join(allowed)}")


class Rows:
    """The rows of a book: cleaned frame and the arrays every formula reads (internal).

    Parameters
    ----------
    frame : DataFrame
        Clean positions, indexed 0..n-1 (see :meth:`cleaned`).
    inverse : bool array
    sign : float array, optional
        +1 long, -1 short; from ``side`` when not given.
    usd : float array, optional
        Unsigned USD face per row; computed when not given.
    reading : {"face", "coin_pnl"}
        How inverse contracts count by default.
    """

    def __init__(self, frame: pd.DataFrame, inverse: np.ndarray, sign: np.ndarray | None = None,
                 usd: np.ndarray | None = None, reading: str = "face") -> None:
        self.frame = frame
        self.inverse = inverse
        self.sign = (np.where(frame["side"].to_numpy() == "long", 1.0, -1.0) if sign is None
                     else sign)
        self.reading = reading
        self.usd = self._face_notional() if usd is None else usd

    @classmethod
    def cleaned(cls, raw: pd.DataFrame, reading: str = "face") -> "Rows":
        """Rows from raw positions, validated (errors name row and field)."""
        frame, inverse = clean_positions(raw)
        return cls(frame.reset_index(drop=True), inverse, reading=reading)

    def __len__(self) -> int:
        return len(self.frame)

    # ----- columns --------------------------------------------------------------------------
    def numbers(self, field_name: str) -> np.ndarray:
        """Column ``field_name`` as floats (NaN where not given, all NaN without the column)."""
        if field_name in self.frame.columns:
            return self.frame[field_name].to_numpy(dtype=float)
        return np.full(len(self.frame), np.nan)

    def column(self, name: str) -> np.ndarray:
        """Column ``name`` as an array (objects kept)."""
        return self.frame[name].to_numpy()

    def is_kind(self, *kinds: str) -> np.ndarray:
        """Rows whose ``kind`` is one of ``kinds``."""
        kind = self.frame["kind"].to_numpy()
        return kind == kinds[0] if len(kinds) == 1 else np.isin(kind, kinds)

    def need(self, field_name: str, rows: np.ndarray, why: str) -> np.ndarray:
        """Column ``field_name`` as floats, refused when missing on any of ``rows``."""
        values = self.numbers(field_name)
        missing = rows & np.isnan(values)
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise PositionError(field_name, f"is missing: {why}", row=i,
                                name=self.frame["name"].iat[i])
        return values

    @cached_property
    def cash(self) -> np.ndarray:
        """Rows that are cash: a stablecoin (:data:`STABLECOINS`) held as collateral or spot,
        unless a ``cash`` column says otherwise; any row whose ``cash`` column is true."""
        frame = self.frame
        held = frame["kind"].isin(CASH_KINDS).to_numpy()
        cash = held & frame["underlying"].isin(STABLECOINS).to_numpy()
        if "cash" in frame.columns:
            flag = frame["cash"].map(_flag).to_numpy()
            cash = np.where(flag == 1, held, np.where(flag == 0, False, cash))
        return cash.astype(bool)

    def _face_notional(self) -> np.ndarray:
        """Unsigned USD notional: a given notional, else quantity x size (x price if linear)."""
        notional = self.numbers("notional")
        quantity = self.numbers("quantity")
        size = self.numbers("contract_size")
        size = np.where(np.isnan(size), 1.0, size)
        price = np.where(self.cash, 1.0, self.numbers("price"))     # cash counts at face
        from_quantity = np.where(self.inverse, quantity * size, quantity * size * price)
        return np.where(np.isnan(quantity), notional, from_quantity)

    # ----- options ---------------------------------------------------------------------------
    @cached_property
    def option(self) -> np.ndarray:
        """Option rows."""
        return self.is_kind("option")

    @cached_property
    def model_rows(self) -> np.ndarray:
        """Option rows valued with Black-76 (no ``delta`` given)."""
        return self.option & np.isnan(self.numbers("delta"))

    @cached_property
    def option_columns(self) -> dict[str, np.ndarray]:
        """The Black-76 inputs as float arrays (NaN where not given), read once."""
        columns = {k: self.numbers(k) for k in ("price", "strike", "years", "volatility")}
        columns["rate"] = np.nan_to_num(self.numbers("rate"), nan=0.0)
        return columns

    def black76_at(self, rows: np.ndarray, factors: np.ndarray, what: str) -> np.ndarray:
        """Black-76 ``"delta"`` or ``"price"`` of the option ``rows`` at
        ``price x factors[..., rows]`` (shape of ``factors[..., rows]``)."""
        out = np.zeros(factors[..., rows].shape)
        fn = black76_delta if what == "delta" else black76_price
        kinds = self.frame["option_type"].to_numpy()[rows]
        cols = {k: v[rows] for k, v in self.option_columns.items()}
        for option_type in ("call", "put"):
            pick = kinds == option_type
            if pick.any():
                out[..., pick] = fn(cols["price"][pick] * factors[..., rows][..., pick],
                                    cols["strike"][pick], cols["years"][pick],
                                    cols["volatility"][pick], option_type, cols["rate"][pick])
        return out

    @cached_property
    def model_prices_now(self) -> np.ndarray:
        """Black-76 price of each model option row at today's price (0 elsewhere)."""
        out = np.zeros(len(self))
        model = self.model_rows
        if model.any():
            out[model] = self.black76_at(model, np.ones(len(self)), "price")
        return out

    def model_premiums(self, rows: np.ndarray, factors=None) -> np.ndarray:
        """USD premium per unit of the option ``rows`` (every row; others 0): ``premium`` when
        given, moved by the Black-76 change at ``factors``; else Black-76."""
        one = np.ones(len(self))
        f = one if factors is None else np.asarray(factors, dtype=float)
        out = np.zeros(np.shape(f))
        model = self.black76_at(rows, f, "price")
        premium = self.numbers("premium")[rows]
        now = self.black76_at(rows, one, "price")
        out[..., rows] = np.where(np.isnan(premium), model, premium + model - now)
        return out

    @cached_property
    def coin_settled(self) -> np.ndarray:
        """Options settled in their underlying's coin (a ``settle`` column equal to the
        underlying, as ccxt books carry): premium-adjusted in a coin-denominated view."""
        if "settle" not in self.frame.columns:
            return np.zeros(len(self.frame), dtype=bool)
        settle = self.frame["settle"].astype(str).str.strip().str.upper().to_numpy()
        return self.option & (settle == self.frame["underlying"].to_numpy())

    @cached_property
    def option_delta(self) -> np.ndarray:
        """USD delta per unit for each option row (1.0 elsewhere) at today's prices."""
        return self.deltas_at(None)

    def deltas_at(self, f: np.ndarray | None, premium_adjusted: bool = False) -> np.ndarray:
        """Delta per unit of every row at prices ``price x f`` (today's when ``None``; shape of
        ``f``): 1.0 for rows that are not options; an option's given ``delta``, or Black-76.

        The USD value of a coin-settled option is its Black-76 USD price, so in a USD-measured
        book its delta is the plain one. ``premium_adjusted`` (a coin-denominated view) takes
        the premium in coin off the Black-76 delta of options settled in their underlying's
        coin: the premium itself is coin whose coin value does not move with the price."""
        one = np.ones(len(self.frame))
        delta = one.copy()
        option = self.option
        if not option.any():
            return delta if f is None else np.broadcast_to(delta, f.shape).copy()
        delta[option] = self.numbers("delta")[option]
        at = one if f is None else f
        delta = np.broadcast_to(delta, np.shape(at)).copy()
        model = self.model_rows
        if model.any():
            delta[..., model] = self.black76_at(model, at, "delta")
        adjust = model & self.coin_settled if premium_adjusted else np.zeros(len(one), bool)
        if adjust.any():          # premium-adjusted: less the premium in coin at the new price
            premium = self.model_premiums(adjust, f)[..., adjust]
            delta[..., adjust] -= premium / (self.numbers("price")[adjust] * at[..., adjust])
        return delta

    @cached_property
    def direction(self) -> np.ndarray:
        """+1, or -1 for an option that gains as its underlying falls: a put, or an option given
        a negative delta. Known without pricing the option."""
        option = self.option
        if not option.any():
            return np.ones(len(self.frame))
        given = self.numbers("delta")
        put = (self.frame["option_type"] == "put").to_numpy()
        falls = np.where(np.isnan(given), put, given < 0)
        return np.where(option & falls, -1.0, 1.0)

    def betas(self, betas: Mapping[str, float] | None, reference: str) -> np.ndarray:
        """Beta of each row to ``reference``: its ``beta`` column, else ``betas`` by underlying."""
        table = {str(k).upper(): v for k, v in (betas or {}).items()}
        table.setdefault(reference.upper(), 1.0)
        for key, value in table.items():
            try:
                checked_number("betas", value)
            except PositionError:
                raise PositionError("betas", f"beta of {key} must be a finite number, "
                                    f"got {value!r}") from None
        codes, uniques = pd.factorize(self.frame["underlying"])
        per_underlying = np.array([table.get(u, np.nan) for u in uniques] + [np.nan])[codes]
        beta = np.where(np.isnan(self.numbers("beta")), per_underlying, self.numbers("beta"))
        missing = np.isnan(beta)
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise PositionError("beta", f"no beta for {self.frame['underlying'].iat[i]}: give "
                                "betas={...} per underlying or a beta column",
                                row=i, name=self.frame["name"].iat[i])
        return beta

    # ----- the exposure formula and P&L ----------------------------------------------------
    def side_signed(self, inverse: str = "face") -> np.ndarray:
        """USD notional signed by side only (an option's face, not its direction)."""
        check_choice(inverse, INVERSE_CONVENTIONS, "inverse")
        usd = self.usd
        if inverse == "coin_pnl" and self.inverse.any():
            why = "inverse='coin_pnl' values an inverse contract at face / entry_price"
            entry = self.need("entry_price", self.inverse, why)
            price = self.need("price", self.inverse, why)
            usd = np.where(self.inverse, usd / entry * price, usd)
        return self.sign * usd

    def options_of(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """The exposure options with their defaults (``inverse``: this book's reading);
        unknown keys refused."""
        unknown = set(options) - set(EXPOSURE_OPTIONS)
        if unknown:
            raise TypeError(f"unexpected options: {', '.join(sorted(unknown))}")
        return {"measure": options.get("measure", DEFAULT_MEASURE),
                "betas": options.get("betas"),
                "denomination": options.get("denomination", "usd"),
                "inverse": options.get("inverse") or self.reading,
                "reference": options.get("reference", "BTC")}

    def exposures_at(self, factors=None, *, measure: str = DEFAULT_MEASURE, betas=None,
                     denomination: str = "usd", inverse: str | None = None,
                     reference: str = "BTC") -> np.ndarray:
        """Signed exposure per row at prices ``price x factors`` (today's when ``None``).

        The one exposure formula: USD face signed by side; linear rows and inverse rows under
        ``"coin_pnl"`` grow with the factor, inverse rows under ``"face"`` keep their face;
        options at their delta (``"notional"``: at face in their delta's direction; the plain
        Black-76 delta in USD, premium-adjusted for coin-settled options in ``"coin"``); times
        beta; over the price for coin; cash rows 0.
        """
        check_choice(measure, MEASURES, "measure")
        check_choice(denomination, DENOMINATIONS, "denomination")
        inverse = self.reading if inverse is None else inverse
        signed = self.side_signed(inverse)
        f = None if factors is None else self.checked_factors(factors)
        if f is not None:
            signed = signed * np.where(self.inverse & (inverse == "face"), 1.0, f)
        coin = denomination == "coin"
        if measure == "notional":
            signed = signed * self.direction
        elif f is None and not coin:
            signed = signed * self.option_delta
        else:
            signed = signed * self.deltas_at(f, premium_adjusted=coin)
        if measure == "beta":
            signed = signed * self.betas(betas, reference)
        if denomination == "coin":
            everyone = np.ones(len(self.frame), dtype=bool)
            price = self.need("price", everyone, "coin exposure divides by the price")
            signed = signed / (price if f is None else price * f)
        return np.where(self.cash, 0.0, signed) if self.cash.any() else signed

    def pnl_at(self, factors, inverse: str | None = None) -> np.ndarray:
        """USD P&L per row when prices move from ``price`` to ``price x factors``: linear and
        inverse rows ``exposure x move``, model options their Black-76 change in value."""
        f = self.checked_factors(factors)
        signed = self.side_signed(self.reading if inverse is None else inverse)
        pnl = signed * (f - 1.0)
        option = self.option
        if option.any():
            pnl = pnl * np.where(option, self.option_delta, 1.0)
            model = self.model_rows
            if model.any():
                units = self.usd[model] / self.numbers("price")[model]
                now = self.model_prices_now[model]
                later = self.black76_at(model, f, "price")
                pnl = np.array(pnl, dtype=float, copy=True)
                pnl[..., model] = self.sign[model] * units * (later - now)
        return pnl

    def checked_factors(self, factors) -> np.ndarray:
        """``factors`` as floats, one per row on the last axis, positive and finite."""
        f = np.asarray(factors, dtype=float)
        if f.shape[-1:] != (len(self),):
            raise PositionError("factors", f"need one factor per position ({len(self)}), got "
                                f"shape {f.shape}")
        if not np.all(np.isfinite(f)) or np.any(f <= 0):
            raise PositionError("factors", "price factors must be positive finite numbers")
        return f

    # ----- new rows from these ---------------------------------------------------------------
    def subset(self, rows: np.ndarray) -> "Rows":
        """The rows ``rows`` (a boolean mask) on their own, clean already: not validated again."""
        return Rows(self.frame.loc[rows].reset_index(drop=True), self.inverse[rows],
                    self.sign[rows], self.usd[rows], self.reading)

    def with_reading(self, reading: str) -> "Rows":
        """The same rows (and computed arrays) read by default with ``reading``."""
        check_choice(reading, INVERSE_CONVENTIONS, "inverse")
        new = copy.copy(self)
        new.reading = reading
        return new

    def with_numbers(self, name: str, values: np.ndarray) -> "Rows":
        """The same rows with the number column ``name`` set to ``values`` (an option input
        such as ``years`` or ``volatility``: the USD face does not depend on it)."""
        frame = self.frame.copy()
        frame[name] = values
        return Rows(frame, self.inverse, self.sign, self.usd, self.reading)

    def without(self, name: str) -> "Rows":
        """The same rows without column ``name`` (when it has one; an option input)."""
        return Rows(self.frame.drop(columns=[name], errors="ignore"), self.inverse, self.sign,
                    self.usd, self.reading)

    def revalued(self, factors) -> "Rows":
        """The rows with each price multiplied by its factor: linear notionals scale, inverse
        ones keep their USD face, entry prices stay, a given ``premium`` moves by its Black-76
        change."""
        factor = np.asarray(factors, dtype=float)
        if factor.shape != (len(self),) or not np.all(np.isfinite(factor)) or np.any(factor <= 0):
            raise PositionError("factors", f"need one positive finite factor per position "
                                f"({len(self)}); got shape {factor.shape}")
        frame = self.frame.copy()
        if "premium" in frame.columns:          # a mark moves with its Black-76 value
            model = self.model_rows & ~np.isnan(self.numbers("premium"))
            if model.any():
                frame["premium"] = np.where(model, self.model_premiums(model, factor),
                                            frame["premium"].to_numpy(dtype=float))
        if "price" in frame.columns:
            frame["price"] = frame["price"].to_numpy() * factor
        if "notional" in frame.columns:
            scaled = np.where(self.inverse, 1.0, factor)
            frame["notional"] = frame["notional"].to_numpy() * scaled
        # Positive finite factors keep a clean frame clean: no need to validate it again.
        return Rows(frame, self.inverse, self.sign, reading=self.reading)


# ----- the long / short / net / gross sums --------------------------------------------------
def sides(signed: np.ndarray) -> tuple[float, float]:
    """Long and short (a positive size) of one vector of signed exposures."""
    long = float(signed[signed > 0].sum())
    short = float(-signed[signed < 0].sum()) + 0.0   # an empty side is 0.0, not -0.0
    return long, short


def sides_per_step(signed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Long and short of each row of a matrix of signed exposures (one row per step)."""
    long = np.where(signed > 0, signed, 0.0).sum(axis=1)
    short = np.where(signed < 0, -signed, 0.0).sum(axis=1)
    return long, short


def sides_by(codes: np.ndarray, size: int, signed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Long and short per group, the groups given as codes ``0..size-1``."""
    long = np.bincount(codes, weights=np.where(signed > 0, signed, 0.0), minlength=size)
    short = np.bincount(codes, weights=np.where(signed < 0, -signed, 0.0), minlength=size)
    return long, short


def sides_table(long, short, index=None) -> pd.DataFrame:
    """Columns ``long``, ``short``, ``net``, ``gross`` from the two sides."""
    return pd.DataFrame({"long": long, "short": short, "net": long - short,
                         "gross": long + short}, index=index)


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
