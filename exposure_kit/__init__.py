"""exposure_kit: net exposure in crypto derivatives, for learners and desks.

The public names live in private modules, one job each, and are gathered here. The heavier
front-end modules (``plots``, ``widgets``, ``exercises``) load on first use, so that
``import exposure_kit`` stays quick.
"""

import importlib

from . import _book, _brackets, _diagnostics, _errors, _format, _hedging, _instruments, _io, _margin, _paths, _report, _scenarios
from . import _estimates, _prices, _replay, _snapshots  # price history, estimates from it, books replayed on it
from ._book import *  # noqa: F401,F403
from ._brackets import *  # noqa: F401,F403
from ._diagnostics import *  # noqa: F401,F403
from ._errors import *  # noqa: F401,F403
from ._format import *  # noqa: F401,F403
from ._hedging import *  # noqa: F401,F403
from ._instruments import *  # noqa: F401,F403
from ._io import *  # noqa: F401,F403
from ._margin import *  # noqa: F401,F403
from ._paths import *  # noqa: F401,F403
from ._report import *  # noqa: F401,F403
from ._scenarios import *  # noqa: F401,F403
from ._prices import *  # noqa: F401,F403
from ._estimates import *  # noqa: F401,F403
from ._replay import *  # noqa: F401,F403
from ._snapshots import *  # noqa: F401,F403
from . import _expiries, _funding  # expiries and the delta ladder; funding
from ._expiries import *  # noqa: F401,F403
from ._funding import *  # noqa: F401,F403
from . import _changes, _limits  # the risk page's limits and day-to-day changes
from ._changes import *  # noqa: F401,F403
from ._limits import *  # noqa: F401,F403

__version__ = "0.1.0"

_SUBMODULES = ("plots", "widgets", "exercises")

__all__ = sorted({
    *_book.__all__, *_brackets.__all__, *_errors.__all__, *_format.__all__, *_hedging.__all__, *_instruments.__all__, *_margin.__all__,
    *_scenarios.__all__, *_paths.__all__, *_diagnostics.__all__, *_io.__all__, *_report.__all__,
    *_prices.__all__, *_estimates.__all__, *_replay.__all__, *_snapshots.__all__,
    *_changes.__all__, *_limits.__all__, *_funding.__all__, *_expiries.__all__,
})


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
