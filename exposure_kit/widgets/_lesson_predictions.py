"""The lessons' "Predict first" questions: each question, its choices, its answer and what shows
the answer, kept here beside the package's other questions (as the exercises keep theirs), so that
a lesson's code cell says only ``widgets.Prediction.for_lesson("03", "short", holding=holding)``
and nothing a learner reads in JupyterLab above the widget gives the answer away.

Each entry takes the lesson's own objects (its book, its prices) and computes the answer from
them with the package. ``gives_away`` lists sentences the lesson must not show before the
learner has answered (beyond the revealed lines and the explanation, which are checked anyway).
"""

from __future__ import annotations

from typing import Any, Callable

from .. import _format as fmt
from ._predict import Prediction

__all__ = ["lesson_prediction", "LESSON_PREDICTIONS"]

LESSON_PREDICTIONS: dict[tuple[str, str], Callable[..., Prediction]] = {}


def _entry(lesson: str, name: str):
    def register(factory: Callable[..., Prediction]) -> Callable[..., Prediction]:
        LESSON_PREDICTIONS[(lesson, name)] = factory
        return factory
    return register


def lesson_prediction(lesson: str | int, name: str, **data: Any) -> Prediction:
    """The prediction ``name`` of lesson ``lesson``, built on the lesson's objects ``data``.

    Parameters
    ----------
    lesson : str or int
        ``"03"`` or ``3``.
    name : str
        The prediction's name within the lesson (``"short"``, ``"flat"``, ...).
    **data
        The lesson's objects the question is about (its book, its prices, ...).

    Returns
    -------
    Prediction

    Examples
    --------
    >>> import exposure_kit as ek
    >>> p = lesson_prediction("01", "hedged", book=ek.sample_book("guide_example_1"))
    >>> p.result.value, p.answer
    ('', 'long')
    """
    key = (f"{int(lesson):02d}", name)
    if key not in LESSON_PREDICTIONS:
        known = ", ".join(f"{k[0]}/{k[1]}" for k in sorted(LESSON_PREDICTIONS))
        raise ValueError(f"no prediction {key[1]!r} in lesson {key[0]} (known: {known})")
    prediction = LESSON_PREDICTIONS[key](**data)
    prediction.lesson, prediction.name = key
    prediction.given = given_numbers(data)
    return prediction


_GIVEN_FIELDS = ("notional", "quantity", "price", "contract_size", "strike")


def given_numbers(data: dict[str, Any]) -> list[str]:
    """The numbers a question is about, as ``f"{v:,g}"``: each field of each position of the
    small books (and margin accounts) it is given; the page must show them before it asks.
    A book of more than ten positions is read through its summary, not line by line."""
    from .._book import Book

    found = []
    for value in data.values():
        book = getattr(value, "book", value)
        if not isinstance(book, Book) or len(book) > 10:
            continue
        for position in book.positions:
            for field in _GIVEN_FIELDS:
                number = getattr(position, field, None)
                if field == "contract_size" and not position.inverse:
                    continue
                if number is not None and len(f"{number:g}".replace(".", "")) <= 6:
                    found.append(f"{number:,g}")
    return list(dict.fromkeys(found))


def _lean(net: float, flat: str = "flat") -> str:
    return flat if abs(net) < 0.5 else ("long" if net > 0 else "short")


# ----- 01 net versus gross ---------------------------------------------------------------------
@_entry("01", "hedged")
def _hedged(book) -> Prediction:
    summary = book.summary()

    def totals() -> str:
        return (f"long exposure : {fmt.usd(book.long_exposure())}\n"
                f"short exposure: {fmt.usd(book.short_exposure())}\n"
                f"net exposure  : {fmt.describe_net(book.net_exposure())}\n"
                f"gross exposure: {fmt.usd(book.gross_exposure())}\n"
                f"net / gross   : {fmt.percent(summary.net_to_gross)}\n"
                f"bias          : {summary.bias}")

    return Prediction(
        "Is this book hedged?",
        {"hedged": "hedged: the short cancels the long",
         "long": "not hedged: it still leans long",
         "short": "not hedged: it leans short"},
        answer={"neutral": "hedged"}.get(summary.bias, summary.bias), reveal=totals,
        explain="Having a short does not make a book flat. Even counted generously, as if the "
                "short's coin moved one-for-one with the long's, the short cancels only as much "
                "of the long as its own size, and the rest stays a bet on direction. Between two "
                "different coins that cancelling is itself a bet: the matched part gains or loses "
                "whenever one coin outruns the other. The gross is much larger than the net: the "
                "book is big, and only part of it is the net bet.",
        gives_away=("leans long", f"net / gross: {fmt.percent(summary.net_to_gross)}"))


# ----- 02 the formula --------------------------------------------------------------------------
@_entry("02", "net")
def _net(book) -> Prediction:
    from .. import plots

    long, short = book.long_exposure(), book.short_exposure()

    def the_formula() -> list:
        text = (f"long  = {fmt.usd(long)}\n"
                f"short = {fmt.usd(short)} (the two shorts added together)\n"
                f"net   = {fmt.usd(long - short)} -> {fmt.describe_net(book.net_exposure())}\n"
                f"gross = {fmt.usd(book.gross_exposure())}")
        return [text, plots.waterfall(book).figure]

    return Prediction(
        "The net exposure in USD?", answer=book.net_exposure(), describe=fmt.usd, close=0.05,
        reveal=the_formula,
        explain="After both shorts are counted, the book still behaves like a long position of "
                "that size. The most common slip is to add a short instead of subtracting it. "
                "The waterfall shows the same sum: longs step up, shorts step down, the last "
                "bar is the net.")


# ----- 03 hedging spot with perps --------------------------------------------------------------
@_entry("03", "short")
def _which_short(holding, ratios=(0.5, 1.0, 1.3)) -> Prediction:
    from .._hedging import hedge_ratio, hedge_status, with_hedge

    held = holding.net_exposure()

    def three_hedges() -> str:
        lines = []
        for ratio in ratios:
            hedged = with_hedge(holding, "BTC", ratio)
            status = hedge_status(hedge_ratio(hedged, "BTC"))
            lines.append(f"{ratio:>4.0%} hedge: short {fmt.usd(ratio * held)}, "
                         f"{fmt.describe_net(hedged.net_exposure())}  ({status})")
        return "\n".join(lines)

    short_one = next(r for r in ratios if with_hedge(holding, "BTC", r).net_exposure() < 0)
    return Prediction(
        "Which hedge leaves the book net short?", {r: f"{r:.0%}" for r in ratios},
        answer=short_one, reveal=three_hedges,
        explain="Below 100 % the short is smaller than the holding: under-hedged, part of the "
                "holding is still exposed and the book stays net long. At 100 % the short is "
                "exactly as big as the holding and the book is flat. Above 100 % the short is "
                "bigger than the holding: over-hedged, the extra short is a new bet that the "
                "price falls.",
        gives_away=("exactly as big", "turns short", "over-hedged"))


@_entry("03", "flat")
def _margin_flat(with_margin) -> Prediction:
    from .._hedging import hedge_notional, hedge_ratio, hedge_status

    def margin_account() -> list:
        table = with_margin.to_frame()[["name", "kind", "side"]].assign(
            exposure=with_margin.exposures().map(fmt.usd).to_numpy())
        return [table,
                f"net: {fmt.describe_net(with_margin.net_exposure())}\n"
                f"status: {hedge_status(hedge_ratio(with_margin, 'BTC'))}\n"
                f"extra short needed: {fmt.usd(-hedge_notional(with_margin, 'BTC'))}"]

    return Prediction(
        "The short matches the 2 BTC exactly. Is this account flat?",
        {"neutral": "flat", "under-hedged": "net long", "over-hedged": "net short"},
        answer=hedge_status(hedge_ratio(with_margin, "BTC")), reveal=margin_account,
        explain="Coin held as margin rises and falls with its price exactly like coin held on "
                "purpose, so it is long exposure: a long nobody chose. Traders who size the "
                "hedge on their holding alone leave it out. The last line is the extra short "
                "that brings the whole account, margin included, back to flat. On the dashboard "
                "below, the readout's hedge ratio on all BTC divides the short by all the BTC the "
                "account holds, collateral included: with collateral it is the lower of its two "
                "ratios, and it is the one that must reach 100 % for the book to be flat.",
        gives_away=("extra short that brings", "back to flat", "long again",
                    "collateral is long exposure",
                    # a ratio on all the BTC, under the slider's: the 100 % hedge is short of flat
                    "the lower of the two", "the one that must reach 100 %"))


# ----- 04 beta and correlation -----------------------------------------------------------------
@_entry("04", "risk")
def _risk_left(book, long_vol, short_vol, correlations=(0.8, 0.3)) -> Prediction:
    from .._hedging import optimal_hedge_ratio, residual_risk_usd

    long, short = book.long_exposure(), book.short_exposure()
    held = short / long

    def risk_left(rho: float) -> float:
        return residual_risk_usd(long, long_vol, short_vol, rho, hedge_ratio=short / long)

    def two_correlations() -> str:
        lines = [f"correlation {rho}: notional net {fmt.usd(book.net_exposure())}, "
                 f"one-year risk left {fmt.usd(risk_left(rho))}" for rho in correlations]
        alone = residual_risk_usd(long, long_vol, short_vol, 0.0, 0.0)
        return "\n".join(lines + [f"risk of the BTC long alone: {fmt.usd(alone)}"])

    high, low = correlations
    # the variance left, sE² + h² sH² - 2 h ρ sE sH, is above the long's own sE² when h > 2 h*
    limit = 2 * optimal_hedge_ratio(long_vol, short_vol, low)
    verdict = ("so here the 'hedge' adds risk: the book swings more than the BTC long alone"
               if held > limit else "so here the hedge still removes some risk, if less")
    return Prediction(
        f"Correlation {high} -> {low}: what changes?",
        {"up": "the net stays the same; the risk left goes up",
         "down": "the net stays the same; the risk left goes down",
         "net": "the net changes with the correlation"},
        answer="up" if risk_left(low) > risk_left(high) else "down", reveal=two_correlations,
        explain="The notional net does not see correlation at all. The risk left grows as the "
                "link between the assets weakens. A short adds risk once it is more than twice "
                "the minimum-variance ratio (2 x correlation x BTC's volatility / ETH's): at "
                f"correlation {low} that limit is {limit:.2f} dollars of ETH per dollar of BTC "
                f"and this book hedges {held:.2f}, {verdict}. A short at the minimum-variance "
                "ratio never adds risk while the correlation is above zero.",
        gives_away=("risk left grows", "risk left goes up"))


def windows_outside(rolling, whole: float):
    """Per rolling window: is its beta more than two standard errors from the whole history's?
    About 5 % of windows are, by luck alone, when the relation never changes."""
    return (rolling["beta"] - whole).abs() > 2 * rolling["beta_se"]


def stays_near_zero(history, band: float = 0.05) -> bool:
    """Whether the net stays within ``band`` of the gross on every day of ``history``."""
    return bool((history["net_to_gross"].abs() <= band).all())


# ----- 05 hedges from price history ----------------------------------------------------------
CRASH_MONTHS = ("2022-05-01", "2022-09-30")      # the sample history's crash (ek.sample_prices)


def shares_outside(outside, months=CRASH_MONTHS) -> tuple[float, float]:
    """The share of windows outside their band among those ending outside ``months`` (calm) and
    among those ending inside them (the crash), as ``(calm, crash)``."""
    crash = outside.index.to_series().between(*months).to_numpy()
    return float(outside[~crash].mean()), float(outside[crash].mean())


def bunched(calm: float, crash: float, luck: float = 0.05) -> bool:
    """Whether the windows outside bunch in the crash months: there, at least five times what
    luck gives and five times the calm months' share. A history whose relation holds still
    puts about ``luck`` in both, swinging widely because overlapping windows share their days."""
    return crash >= 5 * luck and crash >= 5 * calm


@_entry("05", "band")
def _beta_band(prices, window=90) -> Prediction:
    from .. import plots
    from .._estimates import hedge_estimates, rolling_hedge_estimates

    rolling = rolling_hedge_estimates(prices, "ETH", "BTC", window=window)
    whole = hedge_estimates(prices, "ETH", "BTC").beta.value
    outside = windows_outside(rolling, whole)
    in_crash = outside.index.to_series().between(*CRASH_MONTHS).to_numpy()
    calm, crash = shares_outside(outside)

    def beta_over_time() -> list:
        ax = plots.rolling_beta_chart(rolling, full_window=whole)
        return [ax.figure,
                f"{window}-day beta ranged from {rolling['beta'].min():.2f} to "
                f"{rolling['beta'].max():.2f}; a typical standard error was "
                f"{rolling['beta_se'].median():.2f}\n"
                f"beta over the whole four years: {whole:.2f}\n"
                f"windows outside two standard errors: {outside.sum():,} of {len(outside):,} "
                f"({outside.mean():.1%}; luck alone: about 5%)\n"
                f"windows ending in calm months, outside: {outside[~in_crash].sum():,} of "
                f"{(~in_crash).sum():,} ({calm:.1%})\n"
                f"windows ending May to September 2022 (the crash), outside: "
                f"{outside[in_crash].sum():,} of {in_crash.sum():,} ({crash:.0%})"]

    return Prediction(
        f"Where do the {window}-day windows outside their band fall?",
        {"even": "spread over the four years: about 5 in 100 in calm months and in the crash "
                 "alike, as luck would put them",
         "bunched": "bunched: rare in calm months, far more than 5 in 100 in the crash months"},
        answer="bunched" if bunched(calm, crash) else "even", reveal=beta_over_time,
        explain="Counted over all four years, the share outside can look like luck, but it "
                "mixes two regimes and neither looks like luck. In calm months almost no window "
                "strays: the 90-day beta differs from the long-run one by less than its own "
                "noise. In the months of the crash, when the relation between the two coins "
                "changed, a large share of windows stray, which is when a hedge matters most. "
                "A ratio estimated in calm months is a guess about a crash.",
        gives_away=("the windows that stray are the crash months", "calm months, outside"))


# ----- 06 leverage and margin ------------------------------------------------------------------
@_entry("06", "move")
def _liquidating_move(account, equity) -> Prediction:
    tight = account.book
    moves = {coin: account.liquidating_move(coin) for coin in ("BTC", "ETH")}

    def liquidating_moves() -> str:
        s = tight.summary(equity=equity)
        return (f"net  : {fmt.describe_net(s.net)}\n"
                f"gross leverage: {s.gross_leverage:.1f}x, net leverage: {s.net_leverage:.2f}x\n"
                f"maintenance margin: {fmt.usd(account.maintenance_margin())}\n"
                + "\n".join(f"{coin} move that liquidates alone: {move:+.1%}"
                            for coin, move in moves.items()))

    smallest = min(abs(move) for move in moves.values())
    return Prediction(
        "How large a move of one coin alone liquidates the account?",
        {"less": "less than 10 %", "more": "more than 10 %"},
        answer="less" if smallest < 0.10 else "more", reveal=liquidating_moves,
        explain="The net says the book barely cares about direction, yet a move of one coin "
                "alone, smaller than 10 %, ends the account: the maintenance margin and the "
                "losses of a move of one leg scale with the gross, not the net. Leverage works "
                "on the gross. How often the two coins part that far is worked out further "
                "down, from the package's price history.",
        # a liquidating move printed anywhere (e.g. "BTC alone liquidates at -8.5%")
        gives_away=tuple(f"liquidates at {move:+.1%}" for move in moves.values())
        + tuple(f"{coin} alone liquidates at {move:+.1%}" for coin, move in moves.items()))


# ----- 07 drift after price moves --------------------------------------------------------------
@_entry("07", "lean")
def _lean_after(pair, moves) -> Prediction:
    moved = pair.shock(moves)
    return Prediction(
        "After the move, the book is...",
        {"long": "net long", "flat": "still flat", "short": "net short"},
        answer=_lean(moved.net_exposure()),
        reveal=lambda: f"after the move: {fmt.describe_net(moved.net_exposure())}",
        explain="The BTC held lost value while the ETH short grew: each leg moved with its own "
                "price, so the hedge sized at entry no longer matches.")


# ----- 08 inverse contracts ------------------------------------------------------------------
@_entry("08", "reading")
def _two_readings(linear_hedge, inverse_hedge, moves) -> Prediction:
    after = inverse_hedge.shock(moves)
    face, kept = after.net_exposure(inverse="face"), after.net_exposure(inverse="coin_pnl")

    def three_readings() -> str:
        return (f"linear short                         : "
                f"{fmt.describe_net(linear_hedge.shock(moves).net_exposure())}\n"
                f"inverse, coin-P&L reading (held)     : {fmt.describe_net(kept)}\n"
                f"inverse, face reading (coin left out): {fmt.describe_net(face)}")

    return Prediction(
        "The account, keeping the BTC the short paid it, is after the fall...",
        {"long": "net long", "flat": "flat", "short": "net short"},
        answer=_lean(kept), reveal=three_readings,
        explain="Counted at its face, the short did not shrink with the price: it now covers "
                "more BTC than the holding, which is what a report that leaves the coin out "
                "shows. But the short paid its profit in BTC, and the account kept it: those "
                "coins are exactly the extra long, so what the account holds is flat. The "
                "short is real only for a desk that sells that BTC for dollars as it arrives.",
        gives_away=("itself long BTC", "never changes", "too big for a holding",
                    "coin-P&L reading: flat", "the account is flat", "earns stays flat",
                    "stay equal to the holding", "exactly the value of the BTC"))


# ----- 09 stress -------------------------------------------------------------------------------
@_entry("09", "loss")
def _btc_alone(book, moves) -> Prediction:
    from .._scenarios import shock_pnl

    pnl = shock_pnl(book, moves)
    said = ", ".join(f"{coin} {move:+.0%}" for coin, move in moves.items())
    return Prediction(
        f"{said}, the other coins unchanged: the P&L in USD?", answer=pnl, describe=fmt.usd,
        close=0.25, reveal=lambda: f"{said}, the other coins unchanged: {fmt.usd(pnl)}",
        explain="A small net protects only against every coin moving by the same percentage, and "
                "not even a market-wide fall does that (lessons 04 and 05: ETH's beta to BTC is above 1). "
                "Here only BTC moves: "
                "the BTC perp long loses a fifth of its size, the BTC quarterly short wins back "
                "a fifth of its much smaller size, and the ETH short that was meant to offset "
                "the rest does not move at all.")


# ----- 10 options and delta --------------------------------------------------------------------
@_entry("10", "delta")
def _flat_by_delta(book) -> Prediction:
    from .._hedging import hedge_notional

    option = next(p for p in book.positions if p.kind == "option")
    delta_net = book.net_exposure(measure="delta")
    hedge = hedge_notional(book, measure="delta")

    def by_delta() -> str:
        from .._instruments import black76_delta
        delta = black76_delta(option.price, option.strike, option.years, option.volatility,
                              option_type=option.option_type)
        action = "buy back" if hedge > 0 else "sell more"
        perp = next(p for p in book.positions if p.kind == "perp")
        now = perp.quantity if perp.side == "long" else -perp.quantity
        after = now + hedge / perp.price
        return (f"call delta: {delta:.3f}\n"
                f"net by notional: {fmt.describe_net(book.net_exposure(measure='notional'))}\n"
                f"net by delta   : {fmt.describe_net(delta_net)}\n"
                f"to be flat by delta: {action} {fmt.usd(abs(hedge))} of the perp, "
                f"{abs(hedge) / perp.price:.2f} BTC at {fmt.usd(perp.price)}\n"
                f"the perp is then {abs(after):.2f} BTC {'short' if after < 0 else 'long'} "
                f"(was {abs(now):g} BTC): the dashboard's delta hedge")

    return Prediction(
        "Is the book flat by delta?",
        {"flat": "flat by delta too", "long": "net long by delta",
         "short": "net short by delta"},
        answer=_lean(delta_net), reveal=by_delta,
        explain="The calls are far from their strike, so they barely move with BTC, while the "
                "perp moves fully. Hedged by notional, the book is a large bet on a fall. The "
                "fix is to resize the perp to the calls' delta, not to their notional: the last "
                "two lines are the trade that does it, in dollars and in coins.",
        # the calls' delta in dollars: set beside the perp's size, it is the answer
        gives_away=("buy back", "buying back", "sell more",
                    f"delta hedge {fmt.usd(book.exposures(measure='delta').iloc[0])}"))


# ----- 11 relative value and funding -----------------------------------------------------------
@_entry("11", "flat")
def _carry_after_fall(linear, inverse, moves) -> Prediction:
    moved = inverse.shock(moves)
    face, kept = moved.net_exposure(inverse="face"), moved.net_exposure(inverse="coin_pnl")
    move = next(iter(moves.values()))

    def after_the_fall() -> str:
        return (f" linear perp after {move:+.0%}: "
                f"{fmt.describe_net(linear.shock(moves).net_exposure())}\n"
                f"inverse perp after {move:+.0%}, coin profit kept: {fmt.describe_net(kept)}\n"
                f"inverse perp after {move:+.0%}, coin profit sold for dollars (face reading): "
                f"{fmt.describe_net(face)}")

    readings = ("flat" if abs(kept) < 0.5 else "moved", "short" if face < -0.5 else "flat")
    return Prediction(
        f"With the inverse perp, after BTC falls {abs(move):.0%} the trade is...",
        {("flat", "flat"): "still flat, whichever the reading",
         ("flat", "short"): "flat if the coin profit is kept, net short if it is sold for dollars",
         ("moved", "short"): "net short, whichever the reading"},
        answer=readings, reveal=after_the_fall,
        explain="The answer depends on the reading of lesson 08. An account that keeps the "
                "inverse short's profit in BTC, the usual way on a coin-margined venue, is still "
                "flat: the coins it earned replace the value the spot lost, and the carry goes "
                "on earning funding. An account that sells that profit for dollars as it arrives "
                "holds the face reading: its short did not shrink with the price, so the trade "
                "now leans short after a fall (and long after a rise) until it is resized.")


# ----- 12 your own book ------------------------------------------------------------------------
@_entry("12", "venue")
def _biggest_venue(book) -> Prediction:
    venues = book.by("venue")
    return Prediction(
        "Which venue holds the most gross exposure?", list(venues.index),
        answer=venues["gross"].idxmax(),
        reveal=lambda: venues.sort_values("gross", ascending=False).map(fmt.usd).to_string(),
        explain="Gross adds every position on a venue at its size, long or short: it says how "
                "much of the book lives there. It is not what a failure there would cost; the "
                "next section works that out.")


def month_table(month) -> str:
    """Every day of an exposure history: long, short, net, gross, net / gross, gross leverage."""
    table = month[["long", "short", "net", "gross"]].map(fmt.usd)
    table["net / gross"] = month["net_to_gross"].map("{:+.1%}".format)
    table["gross leverage"] = month["gross_leverage"].map("{:.2f}x".format)
    table.index.name = None            # no "date" line under the header
    return table.to_string()


@_entry("12", "month")
def _month(month, band=0.05) -> Prediction:
    from .. import plots

    def the_month() -> list:
        # net / gross on its own scale: on the gross's $10M scale the net's swing looks flat
        ax = plots.net_to_gross_chart(
            month, band, title="The desk's net as a share of its gross (options at delta)")
        return [ax.figure,
                f"largest net long : {fmt.usd(month['net'].max())} on "
                f"{month['net'].idxmax():%Y-%m-%d}\n"
                f"largest net short: {fmt.usd(month['net'].min())} on "
                f"{month['net'].idxmin():%Y-%m-%d}\n"
                f"net / gross from {month['net_to_gross'].min():+.1%} to "
                f"{month['net_to_gross'].max():+.1%} (neutral band: {band:.0%})\n"
                f"net leverage from {month['net_leverage'].min():+.2f}x to "
                f"{month['net_leverage'].max():+.2f}x\n"
                f"gross leverage from {month['gross_leverage'].min():.2f}x to "
                f"{month['gross_leverage'].max():.2f}x",
                "Every day:\n" + month_table(month)]

    near = stays_near_zero(month, band)
    return Prediction(
        f"Does the net stay within {band:.0%} of the gross every day?",
        {"near": "yes: the net stays near zero", "swings": "no: the net swings away from zero"},
        answer="near" if near else "swings", reveal=the_month,
        explain=("Long and short stay large, and the net between them stays inside the neutral "
                 "band." if near else
                 "Long and short stay large, and the net between them swings from one side to "
                 "the other as prices move and the desk trades: on its worst day it is outside "
                 "the neutral band, and short."))
