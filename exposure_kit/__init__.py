"""exposure_kit: net exposure in crypto derivatives, for learners and desks.

The public names live in private modules, one job each, and are gathered here. The heavier
front-end modules (``plots``, ``widgets``, ``exercises``) load on first use, so that
``import exposure_kit`` stays quick.
"""

import importlib

from . import (
    _book,
    _brackets,
    _changes,
    _diagnostics,
    _errors,
    _estimates,
    _expiries,
    _format,
    _funding,
    _hedging,
    _instruments,
    _io,
    _limits,
    _margin,
    _paths,
    _prices,
    _replay,
    _report,
    _scenarios,
    _snapshots,
)
from ._book import *  # noqa: F401,F403
from ._brackets import *  # noqa: F401,F403
from ._changes import *  # noqa: F401,F403
from ._diagnostics import *  # noqa: F401,F403
from ._errors import *  # noqa: F401,F403
from ._estimates import *  # noqa: F401,F403
from ._expiries import *  # noqa: F401,F403
from ._format import *  # noqa: F401,F403
from ._funding import *  # noqa: F401,F403
from ._hedging import *  # noqa: F401,F403
from ._instruments import *  # noqa: F401,F403
from ._io import *  # noqa: F401,F403
from ._limits import *  # noqa: F401,F403
from ._margin import *  # noqa: F401,F403
from ._paths import *  # noqa: F401,F403
from ._prices import *  # noqa: F401,F403
from ._replay import *  # noqa: F401,F403
from ._report import *  # noqa: F401,F403
from ._scenarios import *  # noqa: F401,F403
from ._snapshots import *  # noqa: F401,F403

__version__ = "0.1.0"

_SUBMODULES = ("plots", "widgets", "exercises")

_PUBLIC_MODULES = (_book, _brackets, _changes, _diagnostics, _errors, _estimates, _expiries, _format,
                   _funding, _hedging, _instruments, _io, _limits, _margin, _paths, _prices, _replay,
                   _report, _scenarios, _snapshots)
__all__ = sorted({name for module in _PUBLIC_MODULES for name in module.__all__})


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
