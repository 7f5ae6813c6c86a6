"""Free text from a CSV is shown as text: a hostile progress record end to end (issue 13). Its source
was markdown under every page title (an image fetched by every viewer, links) and HTML in chart footers
(a styled span drew a 60 px red "SPOOF")."""

from __future__ import annotations

import json
import re

import pytest

from metrics.build import build
from metrics.escaping import markdown_text, plotly_markup, plotly_text, safe_figure_text
from tests.apptest_support import open_page

HOSTILE = (
    "![p](http://10.0.0.9/pixel.png) [点此](http://10.0.0.9/x) "
    '<span style="font-size:60px;color:red">SPOOF</span> <img src=x> **粗** $x$'
)


@pytest.fixture
def hostile(built):
    path = built / "progress.csv"
    source = HOSTILE.replace('"', '""')
    row = f'diagnosis_enterprises,huangshi,2021-12-31,160,=,"{source}",备注 <b>粗</b>\n'
    path.write_text(path.read_text(encoding="utf-8-sig") + row, encoding="utf-8")
    build(built)
    return built


def unescaped(markdown: str, pattern: str) -> bool:
    """Whether `pattern` occurs in markdown without a backslash before its first character."""
    return any(markdown[max(0, m.start() - 1)] != "\\" for m in re.finditer(re.escape(pattern), markdown))


@pytest.mark.parametrize("page", ["overview", "diagnosis"])
def test_a_hostile_progress_source_is_shown_as_its_literal_text(hostile, page):
    app = open_page(page)
    assert not app.exception
    captions = [c.value for c in app.caption if "SPOOF" in c.value]
    assert captions, "the record's source is named under the title"
    for caption in captions:
        for active in ("![", "](", "[点此]", "<span", "<img", "**", "$x"):
            assert not unescaped(caption, active), (active, caption)
    footers = [
        note["text"]
        for chart in app.get("plotly_chart")
        for note in json.loads(chart.proto.spec)["layout"].get("annotations", [])
        if "SPOOF" in note["text"]
    ]
    assert footers, "the record's source is named in a chart footer"
    for footer in footers:
        assert "<span" not in footer and "&lt;span style=" in footer and "<img" not in footer


def test_the_escaping_helpers():
    assert markdown_text("[a](b) ![c](d) <i>") == r"\[a\]\(b\) \!\[c\]\(d\) \<i\>"
    assert plotly_text("<b>R&D</b>") == "&lt;b&gt;R&amp;D&lt;/b&gt;"
    own = "诊断<br><span style='font-size:12px;color:#6b7280'>2021</span><b>153</b>"
    assert plotly_markup(own) == own  # what the chart code writes itself is kept
    assert plotly_markup("<span style='font-size:60px;color:red'>X</span>") == (
        "&lt;span style='font-size:60px;color:red'>X</span>"
    )
    layout = {"title": {"text": "<a href='http://x'>t</a>"}, "annotations": [{"text": "<img src=x>", "x": 1}]}
    safe_figure_text(layout)
    assert "<a" not in layout["title"]["text"] and "<img" not in layout["annotations"][0]["text"]
