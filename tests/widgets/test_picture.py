"""A dashboard also offers a still picture (HTML): what JupyterLab shows for a stored lesson it
will not draw widgets for (an unsigned notebook, before its cells are run), instead of the
widget's text ``VBox(children=...``."""

import base64
import re

import pytest
from test_widgets import ALL

from exposure_kit.widgets import BookDashboard, NetGrossDashboard

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def shown_text(picture: str) -> str:
    """The picture as a reader sees it: tags and the embedded PNG dropped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", picture)).replace("&amp;", "&")


def embedded_png(picture: str) -> bytes:
    return base64.b64decode(re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", picture).group(1))


@pytest.mark.parametrize("make", ALL, ids=lambda m: getattr(m, "__name__", "BookExplorer"))
def test_every_dashboard_offers_the_live_widget_and_a_picture(make):
    dash = make()
    bundle = dash._repr_mimebundle_()
    assert WIDGET_VIEW in bundle                        # live where widgets are drawn
    assert embedded_png(bundle["text/html"]) == dash.image.value
    assert dash.title in bundle["text/plain"] and not bundle["text/plain"].startswith("VBox")
    assert "mathjax_ignore" in bundle["text/html"]      # "$600 ... $299,400" is not a formula
    assert "run the cell" in shown_text(bundle["text/html"])


def test_the_picture_shows_the_lesson_numbers_and_follows_the_sliders():
    dash = NetGrossDashboard(long=150_000, short=100_000)
    # The guide's first book: 150,000 long, 100,000 short: 50,000 net long, 250,000 gross.
    seen = shown_text(dash.still_picture())
    assert "Long (BTC perp) $ 150,000" in seen and "Short (ETH future) $ 100,000" in seen
    assert "$50,000 net long" in seen and "$250,000" in seen
    dash.controls["short"].value = 180_000
    # 150,000 - 180,000 = 30,000 net short
    assert "$30,000 net short" in shown_text(dash.still_picture())


def test_a_side_toggle_joins_its_size_in_the_picture():
    """BookDashboard's long/short toggles have no label of their own: each joins its size's row."""
    seen = shown_text(BookDashboard().still_picture())
    # The guide's three positions: BTC perps 120,000 long, ETH futures 70,000 short,
    # BTC quarterly 20,000 short.
    assert "BTC perps $ 120,000, long" in seen
    assert "ETH futures $ 70,000, short" in seen and "BTC quarterly $ 20,000, short" in seen
