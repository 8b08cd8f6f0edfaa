"""Dashboards for the lessons, one class per lesson, each driven by the engine.

Each dashboard has ``controls`` (ipywidgets by name), a ``readout`` (HTML), a ``figure`` built once
and a ``widget`` to display; showing the object in Jupyter shows the widget. An input the engine
refuses shows its message in the dashboard's ``error`` line.
"""

from ._base import Dashboard
from ._book_editor import BookDashboard
from ._cross_hedge import CrossHedgeDashboard
from ._drift import DriftDashboard
from ._explorer import BookExplorer
from ._funding_basis import FundingBasisDashboard
from ._hedge_ratio import HedgeRatioDashboard
from ._leverage import LeverageDashboard
from ._net_gross import NetGrossDashboard
from ._option_delta import OptionDeltaDashboard
from ._predict import Prediction
from ._stress import StressDashboard

__all__ = [
    "Dashboard",
    "NetGrossDashboard",       # lesson 01
    "BookDashboard",           # lesson 02
    "HedgeRatioDashboard",     # lesson 03
    "CrossHedgeDashboard",     # lesson 04
    "LeverageDashboard",       # lesson 06
    "DriftDashboard",          # lesson 07
    "StressDashboard",         # lesson 09
    "OptionDeltaDashboard",    # lesson 10
    "FundingBasisDashboard",   # lesson 11
    "BookExplorer",            # lesson 12
    "Prediction",              # a guess before the answer, in any lesson
]
