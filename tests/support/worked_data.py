"""Published data sets the tests work examples on (kept once, used by several test modules)."""

# Hull, Table 3.3 (jet fuel hedged with heating oil futures): 15 monthly changes.
HULL_FUTURES = [0.021, 0.035, -0.046, 0.001, 0.044, -0.029, -0.026, -0.029, 0.048, -0.006,
                -0.036, -0.011, 0.019, -0.027, 0.029]
HULL_SPOT = [0.029, 0.020, -0.044, 0.008, 0.026, -0.019, -0.010, -0.007, 0.043, 0.011,
             -0.036, -0.018, 0.009, -0.032, 0.023]


# A hand-made snapshot file: two days, three positions, two venues (tests of snapshots and of the CLI).
SNAPSHOTS = """date,name,underlying,kind,side,notional,venue,equity
2024-06-02,a,BTC,perp,long,150000,Binance,50000
2024-06-01,a,BTC,perp,long,150000,Binance,50000
2024-06-01,b,ETH,future,short,100000,OKX,50000
2024-06-02,b,ETH,future,short,130000,OKX,50000
2024-06-02,c,ETH,spot,long,20000,Binance,50000
"""
