"""Lessons 00-05, as lists of cells (kinds explained in build.py)."""

SETUP = "import exposure_kit as ek\nfrom exposure_kit import widgets"


def exercise_link(stem, title):
    """The lesson's exercises: a link in JupyterLab; in the app, where they cannot be typed
    into, where to find them."""
    return [("lab", f"## Practise\n\nThe exercises for this lesson are in "
                    f"[{title}](../exercises/{stem}.ipynb): a few questions that check your "
                    "answers and tell you which slip you made, without giving the answer away."),
            ("app", f"## Practise\n\nThis lesson has exercises that check your answers: "
                    f"*{title}*. They need JupyterLab, where you can type your answers; ask "
                    "your instructor how to open them.")]


L00 = ("00_start_here", [
    ("md", "# Start here: net exposure in crypto derivatives\n\n"
           "This series teaches one question and its traps: **once a book's long positions and "
           "short positions are set against each other, how much bet on the market's direction "
           "is left?** That leftover is the *net exposure*. A book full of positions in both "
           "directions can still be a large one-way bet, and a book that looks flat on paper can "
           "still lose heavily when markets get messy. The lessons show both, with numbers you "
           "can move yourself."),
    ("md", "## Who it is for\n\n"
           "- You are new to trading derivatives and study alone: every lesson runs from top to "
           "bottom and explains each number it prints.\n"
           "- You are in a workshop: your instructor may show the same lessons as web pages with "
           "sliders and no code.\n"
           "- You are joining a trading desk: lesson 10 loads a book of positions like your "
           "desk's and reads it the way the rest of the series taught you."),
    ("lab", "## How to use a notebook\n\n"
           "A notebook is a list of cells. Text cells (like this one) explain; code cells compute. "
           "Click a code cell and press **Shift+Enter** to run it and move to the next one, or use "
           "the menu **Run > Run All Cells** to run everything. Numbers in the text are never typed "
           "by hand: they are printed by the code cells, computed by the small Python package "
           "`exposure_kit` that comes with the series.\n\n"
           "Run the cell below. It loads the package and prints a first **book**: the list of "
           "positions a trader or a desk holds, the one lesson 01 starts from. Some code cells "
           "start with the comment `# NBVAL_CHECK_OUTPUT`: it is for the project's tests, which "
           "check that those cells still print the same numbers. You can ignore it."),
    ("app", "## How to use these pages\n\n"
            "Each lesson is one page: read it from the top. The numbers on the page are never "
            "typed by hand: they are computed by a small Python package, `exposure_kit`, that "
            "runs behind the page. Here is a first **book**: the list of positions a trader or "
            "a desk holds, the one lesson 01 starts from."),
    ("code", SETUP),
    ("check", "book = ek.sample_book('guide_example_1')\n"
              "print(book.to_frame()[['name', 'underlying', 'kind', 'side']]"
              ".assign(notional=book.exposures().abs().map(ek.usd)).to_string(index=False))\n"
              "print('net:', ek.describe_net(book.net_exposure()))"),
    ("md", "## Dashboards\n\n"
           "Each lesson has a dashboard: sliders on top, the numbers that matter under them, and a "
           "chart. Drag a slider (or click it and use the arrow keys) and everything updates. The "
           "line in italics under each dashboard suggests something to try. Here is the one from "
           "lesson 01:"),
    ("code", "widgets.NetGrossDashboard()"),
    ("md", "## The map\n\n"
           "| # | lesson | what you will see |\n|---|---|---|\n"
           "| 01 | [Net versus gross](01_net_vs_gross.ipynb) | a long and a short: what is left, and how big the book is |\n"
           "| 02 | [The formula on a real book](02_net_formula.ipynb) | net = long - short, position by position |\n"
           "| 03 | [Hedging spot with perps](03_hedging_spot_with_perps.ipynb) | too little hedge, just enough, too much; collateral that is a bet |\n"
           "| 04 | [Imperfect hedges](04_imperfect_hedges.ipynb) | a BTC long against an ETH short: correlation and beta |\n"
           "| 05 | [Leverage and margin](05_leverage_and_margin.ipynb) | low net, high gross, and how far liquidation is |\n"
           "| 06 | [Drift after price moves](06_drift_after_price_moves.ipynb) | a balanced hedge that stops being balanced |\n"
           "| 07 | [Stress and false neutrality](07_stress_and_false_neutrality.ipynb) | what a flat-looking book hides |\n"
           "| 08 | [Options and delta](08_options_and_delta.ipynb) | notional is not exposure |\n"
           "| 09 | [Relative value and funding](09_relative_value_and_funding.ipynb) | basis and funding trades turning directional |\n"
           "| 10 | [Your own book](10_your_own_book.ipynb) | load a desk's positions and read them |\n\n"
           "Take them in order: each one uses the ideas of the ones before."),
    ("lab", "## Exercises\n\n"
           "Each lesson has an exercise notebook in the `exercises` folder with the same number. "
           "You replace `____` with your answer and run the check: it says *Correct*, or names the "
           "usual mistake without giving the answer away. `hint()` gives one more hint each time "
           "you call it; `solution()` shows a worked answer when you are stuck. Start with "
           "[the exercises of lesson 01](../exercises/01_net_vs_gross.ipynb) after the lesson."),
    ("lab", "## Two ways to run the series\n\n"
            "- **JupyterLab** (`make lab` in the project folder): the full notebooks, code and "
            "all. Change any cell and run it again: nothing here can break.\n"
            "- **Web apps** (`make app`): the same lessons with the code hidden, served by Voila, "
            "for a classroom where learners only need a browser."),
    ("app", "## Exercises\n\n"
            "Each lesson has exercises that check your answers and name the usual mistake "
            "without giving the answer away. They need JupyterLab, where you can type; ask your "
            "instructor."),
    ("md", "## One convention\n\n"
           "Everywhere in the series, a long position has positive exposure and a short position "
           "negative, and amounts are in US dollars unless the page says otherwise."),
])

L01 = ("01_net_vs_gross", [
    ("md", "# 01 Net versus gross\n\n**After this lesson you can** compute a book's net exposure "
           "and its gross exposure, say which way the book leans, and explain why a book with "
           "both longs and shorts can still be a large directional bet.\n\n"
           "*Follows the guide's definition of net exposure and its first example.*"),
    ("md", "## Words first\n\n"
           "A **long** position gains when the price goes up; a **short** position gains when it "
           "goes down. The **notional** of a position is its size in dollars: a position with a "
           "notional of a thousand dollars gains or loses like a thousand dollars' worth of the "
           "coin. Crypto traders hold these positions mostly in derivatives: a "
           "**future** is a contract to buy or sell at an agreed price on a set date; a "
           "**perpetual** (perp) is a future with no end date, kept close to the market price by "
           "regular payments between longs and shorts (lesson 09 comes back to those)."),
    ("md", "## Two totals\n\n"
           "Add up the notional of every long position: that is the **long exposure**. Do the same "
           "for the shorts: the **short exposure** (a size, so a positive number).\n\n"
           "- **Net exposure = long - short.** What is left of the bet on direction once the two "
           "sides cancel as far as they can. Positive: the book gains when prices rise; negative: "
           "when they fall.\n"
           "- **Gross exposure = long + short.** How big the book is, whatever the direction. "
           "Margin, fees, funding and the damage when a hedge fails all scale with this one."),
    ("code", SETUP),
    ("md", "## The guide's first book\n\nA trader is long BTC perpetuals and short ETH futures:"),
    ("code", "book = ek.Book.from_records([\n"
             "    {'name': 'BTC-PERP', 'underlying': 'BTC', 'kind': 'perp', 'side': 'long', 'notional': 150_000},\n"
             "    {'name': 'ETH-FUT', 'underlying': 'ETH', 'kind': 'future', 'side': 'short', 'notional': 100_000},\n"
             "])\nbook.to_frame()[['name', 'underlying', 'kind', 'side', 'notional']].style.format({'notional': ek.usd}).hide()"),
    ("md", "**Predict first.** The book holds a long and a short. Is it **hedged**, meaning that "
           "one side cancels the other so that price moves hardly change the book's value? "
           "Decide before you read on."),
    ("check", "print('long exposure :', ek.usd(book.long_exposure()))\n"
              "print('short exposure:', ek.usd(book.short_exposure()))\n"
              "print('net exposure  :', ek.usd(book.net_exposure()), '->', ek.describe_net(book.net_exposure()))\n"
              "print('gross exposure:', ek.usd(book.gross_exposure()))"),
    ("md", "Having a short does not make a book flat. The short only cancels as much of the long "
           "as its own size, and the rest stays a bet that prices rise. Meanwhile the gross is much "
           "larger than the net: the book is big, and only part of that size is the bet on "
           "direction that the net describes."),
    ("md", "## How strongly does it lean?\n\n"
           "Dividing net by gross gives a number between -1 (all short) and +1 (all long). Near "
           "zero the sides nearly cancel; near either end, the book is mostly a one-way bet. "
           "The book's summary gathers the numbers, including the *bias*: long, short, or neutral when "
           "the net is within 5 % of the gross."),
    ("check", "s = book.summary()\n"
              "print('net / gross:', ek.percent(s.net_to_gross))\n"
              "print('bias       :', s.bias)"),
    ("md", "## Try it\n\nMove the sliders. Watch the net bar and the gross bar: they answer "
           "different questions. The chart draws the short below zero because it counts against "
           "the net."),
    ("code", "widgets.NetGrossDashboard(long=150_000, short=100_000)"),
    ("md", "## Key points\n\n"
           "- Net exposure = long - short: the directional bet left after offsets.\n"
           "- Gross exposure = long + short: the size of the book, which drives margin and costs.\n"
           "- Holding both longs and shorts does not make a book neutral; only their sizes decide.\n"
           "- The same net can come with a small or a very large gross. Always read the two together."),
    *exercise_link("01_net_vs_gross", "exercises 01, net versus gross"),
])

L02 = ("02_net_formula", [
    ("md", "# 02 The formula on a real book\n\n**After this lesson you can** apply "
           "net = long - short to a book of several positions, group it by asset, and follow each "
           "position's contribution from the long total down to the net.\n\n"
           "*Follows the guide's section on how net exposure works, with its three-position "
           "example.*"),
    ("md", "## Sum each side, then subtract\n\n"
           "With many positions, first add up every long, then every short, and subtract the "
           "second total from the first. The assets do not need to match: in this simple "
           "notional view a dollar of ETH short cancels a dollar of BTC long. Lesson 04 shows "
           "why that is only an estimate. A **quarterly future** is a future that expires at the "
           "end of a quarter."),
    ("code", SETUP),
    ("code", "book = ek.sample_book('guide_example_2')\n"
             "book.to_frame()[['name', 'underlying', 'kind', 'side', 'notional']].style.format({'notional': ek.usd}).hide()"),
    ("md", "**Predict first.** Two of the three positions are shorts. Will the book be net "
           "long, net short or flat? By how much?"),
    ("check", "long, short = book.long_exposure(), book.short_exposure()\n"
              "print('long  =', ek.usd(long))\n"
              "print('short =', ek.usd(short), '(the two shorts added together)')\n"
              "print('net   =', ek.usd(long - short), '->', ek.describe_net(book.net_exposure()))\n"
              "print('gross =', ek.usd(book.gross_exposure()))"),
    ("md", "After both shorts are counted, the book still behaves like a long position of the "
           "size printed above. The most common slip is to add a short instead of subtracting it."),
    ("md", "## Per asset\n\nThe same sums per underlying asset show where the bet sits. Here the "
           "BTC positions are net long while the ETH position is net short: the book's small net "
           "is partly one asset set against another."),
    ("check", "print(book.by('underlying').map(ek.usd).to_string())"),
    ("md", "## A waterfall from the positions to the net\n\nEach bar starts where the previous one "
           "ended: longs step up, shorts step down, and the last bar is the net."),
    ("lab", "Every chart function in `exposure_kit.plots` returns the chart, so it shows when "
            "it is the last line of a cell."),
    ("code", "from exposure_kit import plots\nplots.waterfall(book)"),
    ("md", "## Try it\n\nChange a size or flip a side and see the net move."),
    ("code", "widgets.BookDashboard(book)"),
    ("md", "## Key points\n\n"
           "- Net = (sum of longs) - (sum of shorts), whatever the number of positions.\n"
           "- Subtract the shorts; adding them gives the gross, not the net.\n"
           "- Grouping by asset shows which part of a small net is one asset set against another.\n"
           "- Flipping one position's side changes the net by twice its size."),
    *exercise_link("02_net_formula", "exercises 02, the formula"),
])

L03 = ("03_hedging_spot_with_perps", [
    ("md", "# 03 Hedging spot with perps\n\n**After this lesson you can** size a short perpetual "
           "against coins you hold, tell an under-hedge from an over-hedge, and spot the long "
           "exposure hidden in coin posted as margin.\n\n"
           "*Follows the guide's section on how traders use net exposure: a spot holder shorting "
           "perpetuals.*"),
    ("md", "## The set-up\n\n**Spot** means owning the coin itself. A holder of BTC who fears a "
           "fall, but does not want to sell, can sell (go short) a BTC perpetual of similar size: if BTC "
           "falls, the short gains what the coins lose. The **hedge ratio** is the short's size "
           "divided by the holding's: 100 % cancels the bet, less leaves the book long, more "
           "turns it short."),
    ("code", SETUP),
    ("code", "holding = ek.Book([ek.Position('BTC held', 'BTC', 'spot', 'long', quantity=2, price=50_000)])\n"
             "print('BTC held:', ek.usd(holding.net_exposure()))"),
    ("md", "**Predict first.** The trader hedges 50 %, then 100 %, then 130 %. Which of the three "
           "leaves the book short?"),
    ("check", "for ratio in (0.5, 1.0, 1.3):\n"
              "    hedged = ek.with_hedge(holding, 'BTC', ratio)\n"
              "    status = ek.hedge_status(ek.hedge_ratio(hedged, 'BTC'))\n"
              "    print(f'{ratio:>4.0%} hedge: {ek.describe_net(hedged.net_exposure()):>20}  ({status})')"),
    ("md", "Too small a short leaves part of the holding exposed; too large a short is a new bet "
           "in the other direction. Both are visible at once in the net."),
    ("md", "## Collateral is a position too\n\n"
           "**Collateral** is what an account posts as margin so it can hold derivatives. Many "
           "accounts post coin, not dollars. Coin held as margin rises and falls with its price "
           "exactly like coin held on purpose, so it is long exposure. Traders who size the "
           "hedge on their holding alone leave it out."),
    ("code", "with_margin = ek.with_hedge(holding, 'BTC', 1.0) + ek.Book([\n"
             "    ek.Position('BTC posted as margin', 'BTC', 'collateral', 'long', quantity=0.5, price=50_000)])\n"
             "with_margin.to_frame()[['name', 'kind', 'side']].assign(\n"
             "    exposure=with_margin.exposures().map(ek.usd).to_numpy()).style.hide()"),
    ("md", "**Predict first.** The hedge matches the holding exactly. Is this account flat?"),
    ("check", "print('net:', ek.describe_net(with_margin.net_exposure()))\n"
              "print('status:', ek.hedge_status(ek.hedge_ratio(with_margin, 'BTC')))\n"
              "print('extra short needed:', ek.usd(-ek.hedge_notional(with_margin, 'BTC')))"),
    ("md", "The margin coins are a long nobody chose. The last line is the extra short that "
           "brings the whole account, margin included, back to flat."),
    ("md", "## Try it\n\nSlide the hedge ratio from 0 % to 150 %, then add collateral."),
    ("code", "widgets.HedgeRatioDashboard(spot_notional=100_000, ratio=0.5)"),
    ("md", "## Key points\n\n"
           "- Hedge ratio = short size / long size on the same asset.\n"
           "- Below 100 % the book stays long (under-hedged); above, it turns short (over-hedged).\n"
           "- Coin posted as collateral is long exposure: count it when sizing the hedge."),
    *exercise_link("03_hedging_spot_with_perps", "exercises 03, hedging spot with perps"),
])

L04 = ("04_imperfect_hedges", [
    ("md", "# 04 Imperfect hedges\n\n**After this lesson you can** explain why a BTC long and "
           "an ETH short do not cancel even when their notionals match, weight exposures by "
           "beta, and estimate the risk a cross-asset hedge leaves behind.\n\n"
           "*Follows the guide's points on correlation, beta and hedge quality.*"),
    ("md", "## Two assets, two prices\n\n"
           "Notional net treats a dollar of ETH short as a perfect offset to a dollar of BTC long. "
           "It is perfect only if the two prices always move by the same percentage. They do not: "
           "ETH usually moves more than BTC (it has a higher **volatility**, the size of its "
           "typical moves), and the two are **correlated** but not tied: correlation is 1 when "
           "they always move together and 0 when they are unrelated."),
    ("code", SETUP),
    ("code", "book = ek.sample_book('guide_example_1')   # BTC perp long, ETH future short"),
    ("md", "## Beta: how far ETH moves when BTC moves\n\n"
           "**Beta** condenses both facts into one number: ETH's beta to BTC is the correlation "
           "times ETH's volatility divided by BTC's volatility. A beta of 1.2 says that when BTC "
           "moves 1 %, ETH tends to move 1.2 %. A beta above 1 means a dollar of ETH short "
           "offsets more than a dollar of BTC long. The numbers below take a correlation of 0.8 and "
           "yearly volatilities of 60 % for BTC and 90 % for ETH, typical recent values."),
    ("check", "correlation, btc_vol, eth_vol = 0.8, 0.60, 0.90\n"
              "beta = correlation * eth_vol / btc_vol\n"
              "print(f'ETH beta to BTC: {beta:.2f}')\n"
              "print('notional net     :', ek.describe_net(book.net_exposure()))\n"
              "print('beta-adjusted net:', ek.describe_net(book.net_exposure(measure='beta', betas={'ETH': beta})))"),
    ("md", "**Predict first.** Suppose the correlation falls from 0.8 to 0.3 (the two coins start "
           "moving for different reasons). Does the notional net change? Does the risk left in the "
           "book go up or down?"),
    ("check", "for rho in (0.8, 0.3):\n"
              "    risk = ek.residual_risk_usd(150_000, btc_vol, eth_vol, rho, hedge_ratio=100_000 / 150_000)\n"
              "    print(f'correlation {rho}: notional net {ek.usd(book.net_exposure())}, '\n"
              "          f'one-year risk left {ek.usd(risk)}')\n"
              "print('risk of the BTC long alone:', ek.usd(ek.residual_risk_usd(150_000, btc_vol, eth_vol, 0.0, 0.0)))"),
    ("md", "The notional net does not see correlation at all. The risk left in the book (one "
           "**standard deviation** of its value over a year: the size of a typical year's gain "
           "or loss, about two years in three staying within it) grows as the link between the assets "
           "weakens; at low correlation the 'hedge' adds risk instead of removing it."),
    ("md", "## The best ratio, and how good it can be\n\n"
           "Past price changes tell which hedge size leaves the least risk: the **minimum-variance "
           "hedge ratio**, worked out from how the two prices moved together (a dollar of BTC "
           "is best hedged by that many dollars of ETH). It is roughly the correlation times "
           "BTC's volatility divided by ETH's. It is smaller than one over the beta: ETH also "
           "moves for reasons of its own, and a bigger ETH short would bring in more of that "
           "noise than it removes. The **hedge effectiveness** is the share of the BTC position's risk that this "
           "best hedge removes; it equals the squared correlation. Here both are estimated on a "
           "simulated year of daily prices (seeded, so the numbers are the same on every run)."),
    ("check", "paths = ek.price_paths({'BTC': 60_000, 'ETH': 3_000}, {'BTC': btc_vol, 'ETH': eth_vol},\n"
              "                       correlation=0.8, steps=365, seed=4)\n"
              "returns = paths.pct_change().dropna()\n"
              "print(f\"min-variance hedge ratio: {ek.min_variance_hedge_ratio(returns['BTC'], returns['ETH']):.2f}\")\n"
              "print(f\"hedge effectiveness (R squared): {ek.hedge_effectiveness(returns['BTC'], returns['ETH']):.0%}\")\n"
              "print(f'in theory: ratio {correlation * btc_vol / eth_vol:.2f}, effectiveness {correlation ** 2:.0%}')\n"
              "print(f'this book hedges {book.short_exposure() / book.long_exposure():.2f} dollars of ETH per dollar of BTC')"),
    ("md", "The estimates from one simulated year land near the theory, not on it: a year of "
           "prices is a small sample. The book's own hedge is bigger than the best ratio, so part "
           "of its ETH short adds risk instead of removing it."),
    ("md", "## Try it\n\nMove the correlation and the volatilities; the notional net stays put."),
    ("code", "widgets.CrossHedgeDashboard(short_vol=0.90)"),
    ("md", "## Key points\n\n"
           "- Offsetting one asset with another only works as well as their prices move together.\n"
           "- Beta-adjusted net weights each exposure by how much it moves with the reference asset.\n"
           "- A low notional net can hide large risk when correlation is low.\n"
           "- Hedge effectiveness (R squared) is the share of risk a hedge can remove."),
    *exercise_link("04_imperfect_hedges", "exercises 04, imperfect hedges"),
])

L05 = ("05_leverage_and_margin", [
    ("md", "# 05 Leverage and margin\n\n**After this lesson you can** compute gross and net "
           "leverage, explain why a low net can sit on high leverage, and find how far prices can "
           "move before a cross-margin account is liquidated.\n\n"
           "*Follows the guide's sections on leverage, margin use and cross-margin accounts.*"),
    ("md", "## Leverage\n\n**Equity** is what the account is worth: its collateral plus the "
           "gains and minus the losses of its positions. **Leverage** divides exposure by equity. "
           "Gross leverage (gross / equity) measures how big the book is for the money behind it; "
           "net leverage (net / equity) how big the directional bet is. The exchange asks for a "
           "**maintenance margin**, a small fraction of each position's size; when equity falls "
           "below it, the exchange closes the positions: **liquidation**."),
    ("code", SETUP),
    ("check", "book = ek.sample_book('guide_example_1')\n"
              "s = book.summary(equity=50_000)\n"
              "print(f'equity {ek.usd(s.equity)}: gross leverage {s.gross_leverage:.1f}x, net leverage {s.net_leverage:.1f}x')"),
    ("md", "## Low net, high gross\n\nNow a book built to look safe: nearly as much ETH short as "
           "BTC long, on the same equity. In **cross margin** every position shares one pool of "
           "collateral, so a loss anywhere eats the margin of everything."),
    ("code", "tight = ek.Book([\n"
             "    ek.Position('BTC perp', 'BTC', 'perp', 'long', quantity=8, price=60_000),\n"
             "    ek.Position('ETH perp', 'ETH', 'perp', 'short', quantity=155, price=3_000)])\n"
             "account = ek.MarginAccount(tight, 50_000, mode='cross', maintenance_margin_rate=0.01)"),
    ("md", "**Predict first.** The net is tiny. How large a move of one coin, on its own, would "
           "liquidate this account: more or less than 10 %?"),
    ("check", "s = tight.summary(equity=50_000)\n"
              "print('net  :', ek.describe_net(s.net))\n"
              "print(f'gross leverage: {s.gross_leverage:.1f}x, net leverage: {s.net_leverage:.2f}x')\n"
              "print('maintenance margin:', ek.usd(account.maintenance_margin()))\n"
              "print(f\"BTC move that liquidates alone: {account.liquidating_move('BTC'):+.1%}\")\n"
              "print(f\"ETH move that liquidates alone: {account.liquidating_move('ETH'):+.1%}\")"),
    ("md", "The net says the book barely cares about direction, yet a move that crypto sees "
           "often enough, in one leg only, ends the account. Leverage works on the gross."),
    ("md", "## The price that liquidates a single position\n\nFor one position in its own "
           "(**isolated**) margin, the exchanges' formula gives the price directly: here 1 BTC "
           "long at 60,000 with 6,000 of margin and a 0.5 % maintenance rate."),
    ("check", "price = ek.liquidation_price('long', 1, 60_000, 6_000, 0.005)\n"
              "print('liquidation price:', ek.usd(price, cents=True))\n"
              "print('margin left there:', ek.usd(6_000 - (60_000 - price), cents=True),\n"
              "      '= 0.5 % of the position then:', ek.usd(0.005 * price, cents=True))"),
    ("md", "Why that price: the long loses a dollar for every dollar BTC falls, and the exchange "
           "closes it when the margin left (the margin posted minus that loss) is down to the "
           "maintenance rate times the position's value at that price."),
    ("md", "## Try it\n\nLower the equity, or raise the short to match the long."),
    ("code", "widgets.LeverageDashboard(maintenance_margin_rate=0.01)"),
    ("md", "## Key points\n\n"
           "- Gross leverage = gross / equity; net leverage = net / equity.\n"
           "- A book can be nearly flat and still highly levered.\n"
           "- In cross margin all positions share the collateral: one leg's loss can liquidate all.\n"
           "- Always check how far each asset can move on its own before liquidation."),
    *exercise_link("05_leverage_and_margin", "exercises 05, leverage and margin"),
])

LESSONS = [L00, L01, L02, L03, L04, L05]
