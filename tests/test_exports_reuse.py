"""The image browser's tabs are reused between pictures: kaleido reloaded a tab (plotly.js parsed again)
after every image, most of a Word briefing's time; now after every RELOAD_EVERY images. A picture drawn in
a reused tab is the picture a fresh tab draws."""

from __future__ import annotations

import io

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops

from metrics import exports
from tests.test_exports import images


@pytest.fixture
def fresh_browser():
    exports.stop_server()
    yield
    exports.stop_server()


def figure(title: str, values: list[float]) -> go.Figure:
    return go.Figure(go.Bar(x=values, y=["甲", "乙", "丙"], orientation="h", text=values), layout={"title": title})


@images
def test_a_tab_is_reloaded_only_after_several_pictures(fresh_browser, monkeypatch):
    from kaleido._kaleido_tab._tab import _KaleidoTab

    reloads = []
    reload = _KaleidoTab.reload

    async def counted(self):
        reloads.append(self)
        await reload(self)

    monkeypatch.setattr(_KaleidoTab, "reload", counted)
    monkeypatch.setattr(exports, "RELOAD_EVERY", 3, raising=False)
    for index in range(6):
        exports.figure_png(figure(f"图{index}", [index + 1, 2, 3]), 400, 300, 1, 1)
    assert 1 <= len(reloads) <= 2, f"{len(reloads)} reloads for 6 pictures in {exports.TABS} tabs"


@images
def test_a_reused_tab_draws_the_picture_a_fresh_one_does(fresh_browser):
    first, other = figure("第一张", [3, 1, 2]), figure("另一张：不同的标题和数值", [9, 8, 7])
    fresh = exports.figure_png(first, 500, 300, 1, 1)
    for _ in range(2 * exports.TABS):  # every tab has drawn another picture since
        exports.figure_png(other, 500, 300, 1, 1)
    again = exports.figure_png(first, 500, 300, 1, 1)
    a, b = (Image.open(io.BytesIO(data)).convert("RGB") for data in (fresh, again))
    assert a.size == b.size and ImageChops.difference(a, b).getbbox() is None
