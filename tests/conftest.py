"""Shared test set-up: a headless matplotlib, figures closed after each test, steady hypothesis,
the catalogue of named books, and the markers each folder or fixture implies.

The folders mirror the package: ``engine/`` (one file per engine module), ``inputs/`` (files read
and written), ``widgets/``, ``exercises/``, ``app/``, ``lessons/``, ``browser/`` (everything that
drives Chromium), ``setup/`` (packaging, README, set-up commands); helpers and scripts the tests
and benchmarks share sit in ``support/`` (on the path through ``pythonpath`` in pyproject.toml).

Markers (declared in pyproject.toml), so that ``pytest -m "not slow and not browser and not notebook
and not server"`` is the quick unit and doctest suite (``make check``):

- ``browser``: every test under ``browser/``, and any test that asks for the ``chromium`` fixture or
  for the sweep;
- ``server``: a test that starts the classroom server (asks for a fixture that serves one, or takes
  a folder to serve one from in a server module), and every test under ``hub/``;
- ``notebook``: an nbval cell of a stored notebook, the exercise notebooks' tests, and a test that
  runs code in a Jupyter kernel (marked where it is written);
- ``slow``: a test that builds and installs the package (``installed``), or sweeps every lesson or
  module in processes or charts of its own (marked where it is written).
"""

import inspect
import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

import exposure_kit as ek  # noqa: E402

# Same examples on every run (CI must not meet a new random case), and no deadline: the first call
# of a test pays for imports.
settings.register_profile("exposure-kit", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("exposure-kit")

TESTS = Path(__file__).resolve().parent


# ----- the catalogue of named books ---------------------------------------------------------------
def _guide_book() -> ek.Book:
    # The guide's first example: long $150,000 of BTC perpetuals, short $100,000 of ETH futures.
    return ek.Book.from_records([
        {"name": "BTC-PERP", "underlying": "BTC", "kind": "perp", "side": "long", "notional": 150_000},
        {"name": "ETH-FUT", "underlying": "ETH", "kind": "future", "side": "short",
         "notional": 100_000},
    ])


def _guide_layered_book() -> ek.Book:
    # The guide's second example: long BTC perps $120,000; short ETH futures $70,000; short BTC
    # quarterly futures $20,000.
    return ek.Book([
        ek.Position("BTC-PERP", "BTC", "perp", "long", notional=120_000),
        ek.Position("ETH-FUT", "ETH", "future", "short", notional=70_000),
        ek.Position("BTC-QUARTERLY", "BTC", "future", "short", notional=20_000),
    ])


def _hedged_pair(inverse: bool = False) -> ek.Book:
    """One BTC at 60,000, hedged with a linear short of 1 BTC or an inverse short of $60k face."""
    hedge = ({"name": "hedge", "underlying": "BTC", "kind": "perp", "side": "short",
              "quantity": 600, "contract_size": 100, "inverse": True, "price": 60_000,
              "entry_price": 60_000} if inverse else
             {"name": "hedge", "underlying": "BTC", "kind": "perp", "side": "short",
              "quantity": 1, "price": 60_000, "entry_price": 60_000})
    return ek.Book.from_records([{"name": "spot", "underlying": "BTC", "kind": "spot",
                                  "side": "long", "quantity": 1, "price": 60_000}, hedge])


def _spot_book(notional: float = 100_000.0, price: float = 60_000.0) -> ek.Book:
    # $100,000 of BTC held at 60,000, nothing against it.
    return ek.Book.from_records([{"name": "spot", "underlying": "BTC", "kind": "spot",
                                  "side": "long", "notional": notional, "price": price}])


def _options_book() -> ek.Book:
    # Every kind at once: 2 BTC spot at 50,000, an inverse short of 600 x $100 entered at 40,000,
    # 10 ETH futures short at 3,000, a priced BTC call (K 55,000, 0.25 y, 60 % vol), an ETH put
    # short at a stated delta of -0.4, and 4 ETH held as collateral.
    return ek.Book.from_records([
        {"name": "spot", "underlying": "BTC", "kind": "spot", "side": "long", "quantity": 2,
         "price": 50_000},
        {"name": "inv", "underlying": "BTC", "kind": "perp", "side": "short", "quantity": 600,
         "contract_size": 100, "inverse": True, "price": 50_000, "entry_price": 40_000},
        {"name": "eth", "underlying": "ETH", "kind": "future", "side": "short", "quantity": 10,
         "price": 3_000},
        {"name": "call", "underlying": "BTC", "kind": "option", "side": "long", "quantity": 1,
         "price": 50_000, "strike": 55_000, "years": 0.25, "volatility": 0.6,
         "option_type": "call"},
        {"name": "put", "underlying": "ETH", "kind": "option", "side": "short", "quantity": 5,
         "price": 3_000, "delta": -0.4, "option_type": "put"},
        {"name": "coin", "underlying": "ETH", "kind": "collateral", "side": "long", "quantity": 4,
         "price": 3_000}])


#: Every named book the tests share, by name: call the builder for a fresh book.
BOOKS = {
    "guide": _guide_book,
    "guide_layered": _guide_layered_book,
    "hedged_pair": _hedged_pair,
    "inverse_hedged_pair": lambda: _hedged_pair(inverse=True),
    "spot": _spot_book,
    "options": _options_book,
    "desk": lambda: ek.sample_book("desk_book"),
}


@pytest.fixture
def books():
    """The catalogue itself, for a test that needs a builder with arguments or several books."""
    return BOOKS


@pytest.fixture
def guide_book():
    return _guide_book()


@pytest.fixture
def guide_layered_book():
    return _guide_layered_book()


@pytest.fixture
def hedged_pair():
    return _hedged_pair()


@pytest.fixture
def inverse_hedged_pair():
    return _hedged_pair(inverse=True)


@pytest.fixture
def spot_book():
    return _spot_book()


@pytest.fixture
def options_book():
    return _options_book()


@pytest.fixture
def desk_book():
    return ek.sample_book("desk_book")


# ----- the browser ---------------------------------------------------------------------------------
@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium: skipped when missing, failed when missing under ``CI=true``."""
    import browser_support
    return browser_support.require_chromium()


# ----- markers by folder and fixture -----------------------------------------------------------------
BROWSER_FIXTURES = {"chromium", "sweep"}
SERVER_FIXTURES = {"server", "kernel_id", "classroom"}
# In these modules every test that takes a fixture serves the lessons from a folder it is given;
# the fixture-free ones check a server part on its own.
SERVER_MODULES = {"test_app_server.py", "test_app_limits.py", "test_instructor_view.py"}
SLOW_FIXTURES = {"installed"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath)).resolve()
        fixtures = set(getattr(item, "fixturenames", ()))      # with those fixtures need
        asked = set(inspect.signature(item.function).parameters) if hasattr(item, "function") else set()
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
            continue
        if TESTS / "browser" in path.parents or fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if (fixtures & SERVER_FIXTURES or (path.name in SERVER_MODULES and asked)
                or TESTS / "hub" in path.parents):
            item.add_marker(pytest.mark.server)
        if fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
