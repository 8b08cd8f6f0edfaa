"""Dashboards for the lessons, one class per lesson, each driven by the engine.

Each dashboard has ``controls`` (ipywidgets by name), a ``readout`` (HTML), a ``figure`` built once
and a ``widget`` to display; showing the object in Jupyter shows the widget.
"""

from ._base import Dashboard
from ._book_editor import BookDashboard
from ._hedge_ratio import HedgeRatioDashboard
from ._net_gross import NetGrossDashboard

__all__ = ["Dashboard", "NetGrossDashboard", "BookDashboard", "HedgeRatioDashboard"]
