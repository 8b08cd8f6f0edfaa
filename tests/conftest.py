"""Shared test set-up: a headless matplotlib, figures closed after each test, steady hypothesis."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Same examples on every run (CI must not meet a new random case), and no deadline: the first call
# of a test pays for imports.
settings.register_profile("exposure-kit", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("exposure-kit")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
