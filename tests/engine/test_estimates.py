"""Beta, correlation, volatility and their standard errors from a price history, against numpy on
the same returns; rolling estimates against one-window estimates."""


import numpy as np
import pytest

import exposure_kit as ek


# ----- beta, correlation and their standard errors against numpy -----------------------------
def test_estimates_match_numpy_on_the_same_returns():
    prices = ek.sample_prices()
    est = ek.hedge_estimates(prices, "ETH", "BTC", window=250)
    returns = np.log(prices.to_numpy()[-251:])
    eth, btc = np.diff(returns[:, 1]), np.diff(returns[:, 0])
    slope, intercept = np.polyfit(btc, eth, 1)
    assert est.beta.value == pytest.approx(slope, rel=1e-10)
    assert est.correlation.value == pytest.approx(np.corrcoef(eth, btc)[0, 1], rel=1e-12)
    assert est.effectiveness.value == pytest.approx(np.corrcoef(eth, btc)[0, 1] ** 2, rel=1e-12)
    assert est.volatility.value == pytest.approx(np.std(eth, ddof=1) * np.sqrt(365), rel=1e-12)
    # the slope's standard error as least squares gives it: (X'X)^-1 s^2 with s^2 over n - 2
    design = np.column_stack([np.ones_like(btc), btc])
    residual = eth - design @ np.array([intercept, slope])
    cov = np.linalg.inv(design.T @ design) * (residual @ residual) / (len(eth) - 2)
    assert est.beta.standard_error == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-8)
    n, r = 250, est.correlation.value
    assert est.correlation.standard_error == pytest.approx((1 - r * r) / np.sqrt(n - 3))
    assert str(est.start.date()) == str(prices.index[-251].date())


def test_rolling_estimates_equal_one_window_estimates():
    prices = ek.sample_prices()
    rolling = ek.rolling_hedge_estimates(prices, "ETH", window=60)
    for day in ("2021-06-30", "2022-05-31", "2024-12-31"):
        one = ek.hedge_estimates(prices, "ETH", window=60, end=day)
        assert rolling.loc[day, "beta"] == pytest.approx(one.beta.value, rel=1e-12)
        assert rolling.loc[day, "beta_se"] == pytest.approx(one.beta.standard_error, rel=1e-12)
