"""Labels in a briefing's pictures do not run into each other: each text's box, estimated from its
characters, font size and position at the picture's pixel size, against every other text's box and the
plot's left edge (issue 14: the English timeline slide's two-line labels above and below six lanes in
4.45 inches overlapped their neighbours)."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import briefing, chart_catalog, wordbrief
from metrics.charts import enlarged
from metrics.reader import Reader

pytestmark = pytest.mark.usefixtures("built")
PICTURES = {"deck": (briefing.PICTURE_PIXELS, briefing.PICTURE_FONT_SCALE)}
PICTURES["word"] = (wordbrief.PICTURE_PIXELS, wordbrief.PICTURE_FONT_SCALE)


def text_width(value: str, size: float) -> float:
    """Pixels a line of text takes: a CJK character is about its font size wide, a Latin one 0.55 of it."""
    return sum(size if ord(ch) > 0x2E80 else 0.55 * size for ch in value)


def label_boxes(figure, width: int, height: int) -> tuple[list[tuple], float]:
    """(left, top, right, bottom, text) of each marker's text in pixels, and the plot's left edge."""
    layout = figure.layout
    rows = list(dict.fromkeys(y for trace in figure.data for y in trace.y))
    tick_size = (layout.yaxis.tickfont.size or layout.font.size) or 12
    plot_left = layout.margin.l + max(text_width(str(row), tick_size) for row in rows) + 6
    plot_right = width - layout.margin.r
    plot_top, plot_bottom = layout.margin.t, height - layout.margin.b - 2 * tick_size  # the x axis' dates
    x0, x1 = (pd.Timestamp(value).value for value in layout.xaxis.range)
    low, high = sorted(layout.yaxis.range)

    def at(x, y) -> tuple[float, float]:
        across = plot_left + (pd.Timestamp(x).value - x0) / (x1 - x0) * (plot_right - plot_left)
        down = plot_top + (rows.index(y) - low) / (high - low) * (plot_bottom - plot_top)
        return across, down

    boxes = []
    for trace in figure.data:
        if not trace.text or "text" not in (trace.mode or ""):
            continue
        size = trace.textfont.size or layout.font.size
        radius = (trace.marker.size or 8) / 2 + 2
        positions = trace.textposition if isinstance(trace.textposition, tuple | list) else [trace.textposition] * 99
        for x, y, label, position in zip(trace.x, trace.y, trace.text, positions, strict=False):
            lines = label.split("<br>")
            wide, tall = max(text_width(line, size) for line in lines), len(lines) * size * 1.2
            across, down = at(x, y)
            if position == "middle left":
                box = (across - radius - wide, down - tall / 2, across - radius, down + tall / 2)
            elif position == "top center":
                box = (across - wide / 2, down - radius - tall, across + wide / 2, down - radius)
            elif position == "bottom center":
                box = (across - wide / 2, down + radius, across + wide / 2, down + radius + tall)
            else:
                raise AssertionError(f"a text position this test does not place: {position}")
            boxes.append((*box, label))
    return boxes, plot_left


def overlapping(boxes: list[tuple]) -> list[tuple[str, str]]:
    return [
        (a[4], b[4])
        for index, a in enumerate(boxes)
        for b in boxes[index + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("where", ["deck", "word"])
def test_timeline_labels_do_not_overlap_in_the_briefing_pictures(lang, where):
    (width, height), scale = PICTURES[where]
    spec = chart_catalog.activities_timeline(Reader(), "huangshi", lang)
    figure = enlarged(briefing.bare_figure(spec.picture_figure()), scale)
    boxes, plot_left = label_boxes(figure, width, height)
    assert len(boxes) >= 9  # one per event
    assert not overlapping(boxes), overlapping(boxes)[:3]
    assert min(box[0] for box in boxes) >= plot_left - 1, "a date runs into the row names"
    assert max(box[2] for box in boxes) <= width


def test_the_check_catches_the_lane_layout_that_overlapped():
    """The page's layout (two-line labels above and below markers, one lane per kind) in the deck's picture
    overlaps: the check above sees it."""
    (width, height), scale = PICTURES["deck"]
    spec = chart_catalog.activities_timeline(Reader(), "huangshi", "en")
    boxes, _ = label_boxes(enlarged(briefing.bare_figure(spec.figure), scale), width, height)
    assert overlapping(boxes)
