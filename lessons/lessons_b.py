"""Lessons 06-10 (cell kinds explained in build.py)."""

from lessons_a import SETUP, exercise_link

L06 = ("06_drift_after_price_moves", [
    ("md", "# 06 Drift after price moves\n\n**After this lesson you can** explain why a hedge "
           "balanced when it was opened stops being balanced as prices move, tell how inverse "
           "contracts drift, and read a rebalancing rule's cost in trades.\n\n"
           "*Follows the guide's advice to watch how net exposure changes after price moves.*"),
    ("md", "## Sizes move with prices\n\nA position's notional is its quantity times the price. "
           "When prices move, notionals move, and two legs that matched at entry match only if "
           "both prices move by the same percentage. A BTC long hedged with an ETH short drifts "
           "whenever BTC and ETH move differently."),
    ("code", SETUP),
    ("code", "pair = ek.Book([\n"
             "    ek.Position('BTC held', 'BTC', 'spot', 'long', quantity=2, price=50_000),\n"
             "    ek.Position('ETH perp', 'ETH', 'perp', 'short', quantity=100_000 / 3_000, price=3_000)])\n"
             "print('at entry:', ek.describe_net(pair.net_exposure()))"),
    ("md", "**Predict first.** BTC falls 20 % while ETH rises 10 %. Which way does the book lean now?"),
    ("check", "moved = pair.shock({'BTC': -0.20, 'ETH': 0.10})\n"
              "print('after the move:', ek.describe_net(moved.net_exposure()))"),
    ("md", "## Inverse contracts: the same hedge, two readings\n\n"
           "The contracts so far were **linear**: sized and settled in dollars (or a dollar "
           "stablecoin), so a position's notional is its quantity times the price. An **inverse** "
           "(coin-margined) contract is sized in dollars of *face value* but pays "
           "its gains and losses (its **P&L**, profit and loss) in the coin itself. Hedge 2 BTC with an inverse short of the same dollar size "
           "and let BTC fall 20 %. What the book's net is depends on what happens to the short's "
           "profit, paid in BTC:\n\n"
           "- **face view**: count the short at its dollar face, which never changes. It is also "
           "what the account really holds when the profit is **swept to USD**, converted to "
           "dollars as it comes in;\n"
           "- **coin P&L kept**: the account keeps the BTC it earned, which is itself long BTC."),
    ("code", "held = ek.Book([ek.Position('BTC held', 'BTC', 'spot', 'long', quantity=2, price=50_000)])\n"
             "linear_hedge = ek.with_hedge(held, 'BTC', 1.0)   # a linear perp short of the same size\n"
             "inverse_hedge = held + ek.Book([\n"
             "    ek.Position('BTC inverse perp', 'BTC', 'perp', 'short', quantity=1_000, contract_size=100,\n"
             "                inverse=True, price=50_000, entry_price=50_000)])   # 1,000 x $100 face\n"
             "after = inverse_hedge.shock({'BTC': -0.20})"),
    ("md", "**Predict first.** After the fall, is the inverse-hedged book net long, net short or "
           "flat? Does your answer depend on the reading?"),
    ("check", "print('linear short       :', ek.describe_net(linear_hedge.shock({'BTC': -0.20}).net_exposure()))\n"
              "print('inverse, face view :', ek.describe_net(after.net_exposure(inverse='face')))\n"
              "print('inverse, coin kept :', ek.describe_net(after.net_exposure(inverse='coin_pnl')))"),
    ("md", "The face view says the book went net short. An account that keeps the short's BTC "
           "profit is still flat: the coins it earned are exactly the extra long. A desk that "
           "sweeps that profit into dollars as it arrives holds the face-view book for real: its "
           "hedge is now too big for a holding worth less. Which reading is yours depends on what "
           "the account does with the coin it earns, so ask the desk: kept in coin, read the "
           "coin-P&L view; swept to dollars (or simply not counted), read the face view. Along "
           "a price path the two readings separate step by step:"),
    ("check", "paths = ek.price_paths({'BTC': 50_000}, {'BTC': 0.6}, steps=90, seed=3)\n"
              "swept = ek.exposure_path(inverse_hedge, paths, inverse='face')\n"
              "kept = ek.exposure_path(inverse_hedge, paths, inverse='coin_pnl')\n"
              "print('BTC price at day 90:', ek.usd(paths['BTC'].iloc[-1]))\n"
              "print('net at day 90, swept to USD:', ek.describe_net(swept['net'].iloc[-1]))\n"
              "print('net at day 90, coin kept   :', ek.describe_net(kept['net'].iloc[-1]))"),
    ("md", "## Rebalancing\n\nA desk that wants to stay flat trades the hedge back now and then: "
           "on a schedule, or when the net drifts past a threshold. Each rule is a trade-off "
           "between drift and the number of trades."),
    ("check", "paths2 = ek.price_paths({'BTC': 50_000, 'ETH': 3_000}, {'BTC': 0.6, 'ETH': 0.8},\n"
              "                        correlation=0.8, steps=180, seed=1)\n"
              "held = ek.exposure_path(pair, paths2)\n"
              "rule = ek.rebalance_path(pair, paths2, threshold=10_000, hedge_underlying='ETH')\n"
              "print('largest drift, never rebalanced:', ek.usd(held['net'].abs().max()))\n"
              "print('largest drift, rebalanced past $10,000:', ek.usd(rule.exposure['net'].abs().max()))\n"
              "print('trades needed:', rule.count)"),
    ("md", "## Try it\n\nMove BTC and ETH separately, switch the hedge, change the simulated path."),
    ("code", "widgets.DriftDashboard()"),
    ("md", "## Key points\n\n"
           "- A hedge sized at entry drifts as soon as its legs move by different percentages.\n"
           "- Inverse contracts: the face view (what a book swept to USD holds) and the coin-P&L "
           "view differ after a move; know which one your account is.\n"
           "- Rebalancing keeps the net near target at the cost of trades."),
    *exercise_link("06_drift_after_price_moves", "exercises 06, drift"),
])

L07 = ("07_stress_and_false_neutrality", [
    ("md", "# 07 Stress and false neutrality\n\n**After this lesson you can** stress a book "
           "that looks flat, read a scenario grid, and name what its net number hides.\n\n"
           "*Follows the guide's sections on risks, limitations and false neutrality.*"),
    ("md", "## A book that looks hedged\n\nBelow, BTC perps are long and, against them, ETH "
           "futures and a BTC quarterly future are short. The **basis** is the gap between a "
           "future's price and the spot price; it changes, so a future is not the same thing as "
           "spot. **Funding** is the regular payment between the longs and shorts of a perp "
           "(lesson 09): when it turns against the book, it costs money every eight hours."),
    ("code", SETUP),
    ("code", "book = ek.Book([\n"
             "    ek.Position('BTC perp', 'BTC', 'perp', 'long', quantity=2.5, price=60_000),\n"
             "    ek.Position('ETH future', 'ETH', 'future', 'short', quantity=33.4, price=3_000),\n"
             "    ek.Position('BTC quarterly', 'BTC', 'future', 'short', quantity=0.8, price=61_500)])\n"
             "print(book.summary(equity=50_000))\n"
             "prices = book.to_frame().set_index('name')['price']\n"
             "print('basis: the BTC quarterly trades', ek.usd(prices['BTC quarterly'] - prices['BTC perp']), 'above the perp')"),
    ("md", "The summary calls the book *neutral*: its net is within 5 % of its gross. The rest "
           "of this lesson shows why that label misleads."),
    ("md", "**Predict first.** The net is a small fraction of the gross. If BTC falls 20 % and "
           "ETH does not, roughly how much does the book lose?"),
    ("check", "print('BTC -20%, ETH unchanged:', ek.usd(ek.shock_pnl(book, {'BTC': -0.20})))\n"
              "import textwrap\n"
              "stresses = ek.stress_test(book)\n"
              "print(stresses[['pnl', 'net_after']].map(ek.usd).to_string())\n"
              "for name, moves in stresses['description'].items():\n"
              "    print(textwrap.fill(f'- {name}: {moves}', 90, subsequent_indent='  '))"),
    ("md", "Each named stress is something the guide warns about: the hedge leg moving the "
           "other way (correlation breaks), the future drifting from spot (basis widens), one "
           "leg gapping on its own, funding turning against the book."),
    ("md", "## Every combination\n\nThe grid shows the profit or loss for BTC and ETH moves of "
           "up to 30 % each, one asset along each axis. A truly flat book would be white "
           "everywhere. Here it is dark red (losses) where BTC falls while ETH rises, and dark "
           "blue (gains) the other way round: the book is a bet on BTC against ETH."),
    ("code", "from exposure_kit import plots\nimport numpy as np\n"
             "grid = ek.scenario_grid(book, 'BTC', 'ETH', np.linspace(-0.3, 0.3, 7))\n"
             "plots.scenario_heatmap(grid.pnl)"),
    ("md", "## What the diagnostics say\n\nThe package's diagnostics list the ways a small net "
           "can mislead, in plain words."),
    ("check", "for finding in ek.diagnose(book, equity=50_000):\n"
              "    print(textwrap.fill(f'[{finding.severity}] {finding.message}', 90, subsequent_indent='  '))"),
    ("md", "## When the account is cross-margined\n\nIn lesson 05 all positions shared one pool of "
           "collateral, and the exchange closed everything once the equity fell to the "
           "maintenance margin. Put this book in such an account, with the equity used above and "
           "a 1 % maintenance rate. Set the worst stress against the equity, then ask how far ETH "
           "alone would have to rise to end the account:"),
    ("check", "account = ek.MarginAccount(book, 50_000, mode='cross', maintenance_margin_rate=0.01)\n"
              "worst = ek.stress_test(book)['pnl'].min()\n"
              "print('worst named stress:', ek.usd(worst), f'= {-worst / 50_000:.0%} of the equity')\n"
              "print('maintenance margin:', ek.usd(account.maintenance_margin()))\n"
              "print(f\"ETH rise that liquidates on its own: {account.liquidating_move('ETH'):+.1%}\")"),
    ("md", "A book whose net is a fraction of a percent of its gross can lose most of its "
           "equity in one bad day, and the account survives only as long as ETH and BTC do not "
           "part ways by more than the move printed last. The net figure shows none of this."),
    ("md", "## Try it\n\nWiden the moves, switch between P&L and net exposure, change the equity."),
    ("code", "widgets.StressDashboard()"),
    ("md", "## Key points\n\n"
           "- A small net says nothing about correlation, basis or gaps.\n"
           "- Stress each leg on its own and both against each other.\n"
           "- Read net together with gross, equity and the diagnostics before calling a book hedged."),
    *exercise_link("07_stress_and_false_neutrality", "exercises 07, stress"),
])

L08 = ("08_options_and_delta", [
    ("md", "# 08 Options and delta\n\n**After this lesson you can** say why an option's "
           "notional overstates its exposure, compute delta-adjusted exposure, and hedge an "
           "option book by delta instead of notional.\n\n"
           "*Follows the guide's point that traders adjust net exposure for delta.*"),
    ("md", "## Delta\n\nA **call option** gives the right to buy the coin at a set price, the "
           "**strike**, up to its expiry. It does not move one-for-one with the coin: its "
           "**delta** is how much it moves per unit of the coin, between 0 (far below the "
           "strike) and 1 (far above). The **delta-adjusted exposure** is delta times notional. "
           "We compute delta with the Black-76 model from the price, strike, time to expiry and "
           "volatility."),
    ("code", SETUP),
    ("code", "book = ek.Book([\n"
             "    ek.Position('BTC calls', 'BTC', 'option', 'long', quantity=10, price=60_000, strike=90_000,\n"
             "                years=0.25, volatility=0.6, option_type='call'),   # 3 months, 60 % volatility\n"
             "    ek.Position('BTC perp hedge', 'BTC', 'perp', 'short', quantity=10, price=60_000)])\n"
             "book.to_frame()[['name', 'kind', 'side', 'quantity', 'price', 'strike']].style.format(\n"
             "    {'price': ek.usd, 'strike': ek.usd, 'quantity': '{:g} BTC'}, na_rep='').hide()"),
    ("md", "**Predict first.** Calls on 10 BTC are hedged with a short perp on 10 BTC. By "
           "notional, the book is flat. Is it flat by delta?"),
    ("check", "print(f\"call delta: {ek.black76_delta(60_000, 90_000, 0.25, 0.6):.3f}\")\n"
              "print('net by notional:', ek.describe_net(book.net_exposure()))\n"
              "print('net by delta   :', ek.describe_net(book.net_exposure(measure='delta')))"),
    ("md", "The calls are far from their strike, so they barely move with BTC, while the perp "
           "moves fully. Hedged by notional, the book is a large short bet."),
    ("check", "hedge = ek.hedge_notional(book, measure='delta')\n"
              "print('to be flat by delta, add:', ek.usd(hedge), '(positive: buy back some of the short)')"),
    ("md", "## Try it\n\nMove the strike, the volatility, the time and the spot."),
    ("code", "widgets.OptionDeltaDashboard(strike=90_000, hedge_coins=10)"),
    ("md", "## Key points\n\n"
           "- An option's notional is not its exposure; delta x notional is.\n"
           "- Delta changes as the price, time and volatility change, so a delta hedge drifts.\n"
           "- Hedging options by notional can leave a large directional bet."),
    *exercise_link("08_options_and_delta", "exercises 08, options and delta"),
])

L09 = ("09_relative_value_and_funding", [
    ("md", "# 09 Relative value and funding\n\n**After this lesson you can** explain a "
           "cash-and-carry trade, compute the funding it earns or pays, and see how it can drift "
           "into a directional position.\n\n"
           "*Follows the guide's paragraph on relative-value desks and funding capture.*"),
    ("md", "## The trade\n\nBuy BTC spot and sell the same size of BTC perpetual: a "
           "**cash-and-carry** trade. It is a *relative-value* trade: it bets on the gap between "
           "two prices, not on the direction of either. The net is zero; the aim is income. **Funding** is the payment that keeps a perp near spot: every "
           "eight hours, when the rate is positive, longs pay shorts notional x rate; when it is "
           "negative, shorts pay longs. The "
           "**basis** is the perp's premium over spot."),
    ("code", SETUP),
    ("code", "spot = ek.Position('BTC spot', 'BTC', 'spot', 'long', quantity=2, price=50_000)   # $100,000\n"
             "linear = ek.Book([spot,\n"
             "    ek.Position('BTC perp', 'BTC', 'perp', 'short', quantity=2, price=50_000)])\n"
             "inverse = ek.Book([spot,   # 1,000 contracts of $100 face: $100,000\n"
             "    ek.Position('BTC perp', 'BTC', 'perp', 'short', quantity=1_000, contract_size=100,\n"
             "                inverse=True, price=50_000, entry_price=50_000)])"),
    ("check", "perp = linear.exposures().loc['BTC perp']\n"
              "print('net:', ek.describe_net(linear.net_exposure()))\n"
              "for rate in (0.0001, -0.0003):\n"
              "    cash = ek.funding_payment(perp, rate)\n"
              "    verb = 'receives' if cash >= 0 else 'pays'\n"
              "    print(f'funding at {rate:+.2%} per 8h: the short {verb} {ek.usd(abs(cash), cents=True)}')"),
    ("md", "**Predict first.** The same trade built with an inverse perp. BTC falls 30 %. Still "
           "flat?"),
    ("check", "for name, book in (('linear', linear), ('inverse', inverse)):\n"
              "    print(f'{name:>7} perp after -30%:', ek.describe_net(book.shock({'BTC': -0.30}).net_exposure()))"),
    ("md", "Counted at its face, the inverse short did not shrink with the price, so the trade "
           "meant to earn funding is now a bet that BTC falls (unless the account keeps the coin "
           "profit, as lesson 06 showed). A widening basis moves the perp against the spot:"),
    ("check", "print('basis widens 2%:', ek.usd(ek.shock_pnl(linear, {'BTC perp': 0.02}, on='name')))"),
    ("md", "## Try it\n\nMove the funding rate, the basis and BTC; switch the perp to inverse."),
    ("code", "widgets.FundingBasisDashboard()"),
    ("md", "## Key points\n\n"
           "- A carry trade is flat by design but not free of risk: funding can turn, the basis can widen.\n"
           "- Positive funding: longs pay, shorts receive.\n"
           "- Legs with different contract types drift apart as prices move; check the net after each move."),
    *exercise_link("09_relative_value_and_funding", "exercises 09, relative value"),
])

L10 = ("10_your_own_book", [
    ("md", "# 10 Your own book\n\n**After this lesson you can** load a desk's positions from a "
           "file, read their summary and groupings, and list what the diagnostics find.\n\n"
           "*Follows the guide's closing advice: watch net with gross, equity, margin mode and "
           "false neutrality.*"),
    ("md", "## A sample desk\n\nThe package ships a made-up desk book of 200 positions over five "
           "venues: spot, linear and inverse perps and futures, collateral and a few options."),
    ("code", SETUP),
    ("check", "book = ek.sample_book('desk_book')\n"
              "print(len(book), 'positions')\n"
              "print(book.summary(equity=2_000_000))"),
    ("md", "The desk is far from hedged: compare its net with its gross, and its net leverage "
           "(net over equity) with 1.\n\n"
           "**Predict first.** Which venue holds the most gross exposure?"),
    ("check", "print(book.by('venue').sort_values('gross', ascending=False).map(ek.usd).to_string())"),
    ("md", "## What the diagnostics find\n\nThe same checks as in lesson 07, on the whole desk. "
           "Each finding names the asset and the kinds of instrument involved (a future's or an "
           "option's six-digit code is its expiry date, as YYMMDD); the most severe come first."),
    ("check", "import textwrap\n"
              "for finding in ek.diagnose(book, equity=2_000_000):\n"
              "    print(textwrap.fill(f'[{finding.severity}] {finding.message}', 90, subsequent_indent='  '))"),
    ("md", "## Loading your own\n\nA CSV with one line per position: `underlying`, `kind`, "
           "`side`, and a size (`notional` in USD, or `quantity` with `price`); inverse "
           "contracts add `inverse=true` and their USD `contract_size`; any other column is kept. "
           "A bad value stops the load and names the line and the field:"),
    ("code", "import io\n"
             "csv = io.StringIO('name,underlying,kind,side,quantity,price,venue\\n'\n"
             "                  'BTC perp,BTC,perp,long,2,60000,Binance\\n'\n"
             "                  'ETH perp,ETH,perp,sell,30,3000,OKX\\n')\n"
             "try:\n    ek.read_positions(csv)\nexcept ValueError as error:\n    print(error)"),
    ("lab", "Replace `sell` by `short` and it loads. For your own file: "
           "`book = ek.read_positions('my_book.csv')`; from an exchange through ccxt: "
           "`book = ek.from_ccxt_positions(exchange.fetch_positions())`. From a terminal: "
           "`exposure-kit report my_book.csv --equity 1000000 --by venue`."),
    ("app", "The file's third line said `sell` where a side must be `long` or `short`, so the "
            "load stopped and said where. Your instructor can load your desk's own file the "
            "same way."),
    ("md", "## Try it\n\nGroup by venue, kind or account; switch to delta; set the equity."),
    ("code", "widgets.BookExplorer(book, equity=2_000_000)"),
    ("md", "## Key points\n\n"
           "- Load, then read net with gross, leverage and the groupings.\n"
           "- The diagnostics name what a small net hides; read each finding.\n"
           "- Errors name the line and the field: fix the file, never drop rows."),
    *exercise_link("10_your_own_book", "exercises 10, your own book"),
])

LESSONS = [L06, L07, L08, L09, L10]
