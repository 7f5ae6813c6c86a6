"""Every bullet chart drawn by plotly.js in chromium, as each place lays it out (the page at a desktop's
widths, the screenshot panel at 1280–1920 px, the exported 1600×900 PNG, a phone at 360 and 390 px), zh
and en: no text sits on a value bar, on a target's line, or on another text, by their drawn boxes.

The lead's 1920 px screenshot showed '目标 152家' over the end of the diagnosis chart's bar: the words were
hung from the target's line, a marker a fixed 48 px tall, while the bar is 0.42 of a row whose height
grows with the chart's. Only a drawing says where plotly puts a text, so the figures are drawn here, without
a dashboard server (plotly.js from the plotly package, the figure's own JSON). Each row's target line
stands out of its bar too: the same fixed marker covered a third of the bar in the panel."""

from __future__ import annotations

import json
from pathlib import Path

import plotly
import pytest

from metrics import chart_catalog
from metrics.charts import enlarged
from metrics.exports import IMAGE_FONT_SCALE
from metrics.narrow import narrow_figure
from metrics.reader import Reader
from metrics.style import IMAGE_HEIGHT, IMAGE_WIDTH
from tests.browser_support import require_chromium
from ui.context import PANEL_FONT_SCALE, PANEL_HEIGHT

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("built")]

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

BULLETS = [
    (
        "diagnosis",
        lambda reader, lang: chart_catalog.metric_progress(reader, "huangshi", "diagnosis_enterprises", lang),
    ),
    (
        "retrofit",
        lambda reader, lang: chart_catalog.metric_progress(reader, "huangshi", "retrofit_projects_completed", lang),
    ),
    ("overview", lambda reader, lang: chart_catalog.overview_progress(reader, "huangshi", lang)),
]

# The texts of a drawn chart that sit on a value bar (the second bar trace; the first is the grey track),
# on a target's line (a marker or shape path taller than it is wide), or on each other.
OVERLAPS = """(figure) => {
    const div = document.getElementById('chart');
    return Plotly.newPlot(div, figure.data, figure.layout, {staticPlot: true}).then(() => {
        const found = [];
        const crosses = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
            && a.top < b.bottom - 1 && b.top < a.bottom - 1;
        const traces = [...div.querySelectorAll('.barlayer .trace')];
        const bars = [...traces[1].querySelectorAll('path')].map(p => p.getBoundingClientRect())
            .filter(r => r.width > 0 && r.height > 0);
        const lines = [...div.querySelectorAll('.scatterlayer path.point, .shapelayer path')]
            .map(p => p.getBoundingClientRect()).filter(r => r.height >= 20 && r.width <= 6);
        const texts = [...div.querySelectorAll('text')]
            .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
            .map(t => ({words: t.textContent.trim().slice(0, 24), box: t.getBoundingClientRect()}));
        for (const text of texts) {
            for (const bar of bars) if (crosses(text.box, bar)) found.push(`${text.words} on a bar`);
            for (const line of lines) {
                const across = {left: line.left - 1.5, right: line.right + 1.5, top: line.top, bottom: line.bottom};
                if (crosses(text.box, across)) found.push(`${text.words} on a target line`);
            }
        }
        for (const bar of bars) {  // each row's target line stands out of its bar, above and below
            const middle = (bar.top + bar.bottom) / 2;
            const tallest = Math.max(0, ...lines.filter(l => l.top < middle && l.bottom > middle).map(l => l.height));
            if (tallest < bar.height + 4) {
                found.push(`target line ${Math.round(tallest)} px on a bar ${Math.round(bar.height)} px`);
            }
        }
        for (let i = 0; i < texts.length; i++) {
            for (let j = i + 1; j < texts.length; j++) {
                if (crosses(texts[i].box, texts[j].box)) found.push(`${texts[i].words} over ${texts[j].words}`);
            }
        }
        return {found, bars: bars.length, texts: texts.length};
    });
}"""


def layouts(figure) -> list[tuple[str, object, int, int]]:
    """The figure as each place draws it: (where, figure, width, height)."""
    placed = [(f"page {width}px", figure, width, figure.layout.height) for width in (760, 1000, 1300)]
    # The screenshot panel (ui.render._panel): no height of its own, it fills a 16:9 box as wide as the window
    # allows, 1120 px at 1280 and 1607 px at 1920×1080 (a whole panel under the page's title), 1872 at most.
    panel = enlarged(figure, PANEL_FONT_SCALE, height=PANEL_HEIGHT)
    placed += [(f"panel {width}px", panel, width, round(width * 9 / 16)) for width in (1120, 1607, 1872)]
    placed.append(("exported PNG", enlarged(figure, IMAGE_FONT_SCALE), IMAGE_WIDTH, IMAGE_HEIGHT))
    phone = narrow_figure(figure)
    placed += [(f"phone {width}px", phone, width, phone.layout.height) for width in (360, 390)]
    return placed


@pytest.fixture(scope="module")
def drawing(browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1200})
    page.set_content("<html><body style='margin:0'><div id='chart'></div></body></html>")
    page.add_script_tag(path=str(PLOTLY_JS))
    yield page
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("chart", [name for name, _ in BULLETS])
def test_no_bullet_text_sits_on_a_bar_a_target_line_or_another_text_and_lines_outstand_bars(drawing, chart, lang):
    build = dict(BULLETS)[chart]
    figure = build(Reader(), lang).figure
    found = {}
    for where, placed, width, height in layouts(figure):
        plain = json.loads(placed.to_json())
        plain["layout"].update(width=width, height=height, autosize=False)
        drawn = drawing.evaluate(OVERLAPS, plain)
        assert drawn["bars"] >= 1 and drawn["texts"] >= 6, (chart, where, drawn)
        if drawn["found"]:
            found[where] = drawn["found"]
    assert found == {}, f"{chart} {lang}: {found}"
