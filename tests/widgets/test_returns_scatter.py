"""The scatter behind lesson 05's beta: the days' returns as dots, the fitted line's slope is beta."""

import numpy as np
import pandas as pd
import pytest

import exposure_kit as ek
from exposure_kit import plots

# Simple returns chosen by hand: BTC +1 %, -2 %, +3 %, 0 %; ETH +1 %, +3 %, -1 %, +2 %.
BTC = [0.01, -0.02, 0.03, 0.0]
ETH = [0.01, 0.03, -0.01, 0.02]


def closes(returns, start):
    return list(start * np.cumprod([1.0] + [1 + r for r in returns]))


@pytest.fixture
def prices():
    return pd.DataFrame({"BTC": closes(BTC, 100.0), "ETH": closes(ETH, 10.0)},
                        index=pd.date_range("2024-01-01", periods=5, name="date"))


def test_the_dots_are_the_days_and_the_slope_is_covariance_over_variance(prices):
    # means: BTC 0.005, ETH 0.0125. Deviations BTC 0.005, -0.025, 0.025, -0.005;
    # ETH -0.0025, 0.0175, -0.0225, 0.0075. Sum of products -0.00105, sum of squares 0.0013:
    # slope -0.00105 / 0.0013 = -21/26 = -0.8077. Through the means, the line at BTC -2 % is
    # 0.0125 + 21/26 x 0.025 = 0.032692, at +3 % it is 0.0125 - 21/26 x 0.025 = -0.007692.
    ax = plots.returns_scatter(prices, "ETH", "BTC", method="simple")
    np.testing.assert_allclose(ax.collections[0].get_offsets(), np.column_stack([BTC, ETH]))
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == pytest.approx([-0.02, 0.03])
    assert list(line.get_ydata()) == pytest.approx([0.032692, -0.007692], abs=1e-6)
    assert "-0.81" in line.get_label()
    assert "ETH" in ax.get_ylabel() and "BTC" in ax.get_xlabel()


def test_a_window_keeps_the_last_days_only():
    # log returns worked from the closes directly: ln(close / previous close), the last 90 days
    history = ek.sample_prices()
    by_hand = np.log(history / history.shift()).iloc[-90:]
    ax = plots.returns_scatter(history, "ETH", "BTC", window=90)
    np.testing.assert_allclose(ax.collections[0].get_offsets(), by_hand[["BTC", "ETH"]])
    assert f"{history.index[-1]:%d %b %Y}" in ax.get_title()


def test_the_slope_is_the_lessons_beta_and_the_chart_saves(tmp_path):
    history = ek.sample_prices()
    ax = plots.returns_scatter(history, "ETH", "BTC", window=365)
    slope = np.polyfit(*ax.collections[0].get_offsets().T, 1)[0]   # least squares, independently
    assert slope == pytest.approx(ek.hedge_estimates(history, "ETH", "BTC", window=365).beta.value)
    assert len(ax.collections[0].get_offsets()) == 365
    ax.figure.savefig(tmp_path / "scatter.png")
    assert (tmp_path / "scatter.png").stat().st_size > 10_000


def test_a_missing_coin_is_named(prices):
    with pytest.raises(ValueError, match="SOL"):
        plots.returns_scatter(prices, "SOL", "BTC")
