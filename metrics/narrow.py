"""A chart laid out for a phone (360–430 px wide): the same figure, data and words, rearranged.

Titles and the footer wrapped for the width, category labels above their bars instead of beside them
(a long Chinese label beside a bar leaves the bar ~100 px), the figure/percent/status notes of a bullet
chart above the bar's right end instead of in a 230 px column, fewer axis ticks, smaller type. Pure:
a page picks this variant for a phone's browser (ui.phone).
"""

from __future__ import annotations

import re

import plotly.graph_objects as go

from metrics.charts import wrap

TITLE_UNITS, SUBTITLE_UNITS, FOOTER_UNITS, NOTE_UNITS = 17, 26, 30, 26  # CJK-character widths a line
TITLE_PX, BODY_PX, SMALL_PX = 16, 12, 11
LABEL_UNITS = 26  # a label above its bar: 360 px at 12 px a character, less the value beside it
ROW_HEIGHT = 76  # a label line above the bar, the bar, a note line below it
BAR_WIDTH = 0.36  # of a row: 27 px


def narrow_figure(figure: go.Figure) -> go.Figure:
    """A copy of the figure laid out for a phone's width."""
    copy = go.Figure(figure)
    layout = copy.layout
    title = wrap(_unbreak(layout.title.text or ""), TITLE_UNITS)
    layout.title.text = title
    layout.title.font.size = TITLE_PX
    layout.title.x = 0
    layout.title.pad.t = 20
    title_lines = title.count("<br>") + 1
    subtitle_lines = 0
    if layout.title.subtitle.text:
        subtitle = wrap(_unbreak(layout.title.subtitle.text), SUBTITLE_UNITS)
        layout.title.subtitle.text = subtitle
        layout.title.subtitle.font.size = SMALL_PX
        subtitle_lines = subtitle.count("<br>") + 1
    layout.font.size = BODY_PX
    layout.legend.font.size = SMALL_PX

    footer_lines = 1
    top_note = 0
    row_notes = []
    for note in layout.annotations:
        plain = _unbreak(note.text or "")
        if note.name == "footer":
            note.text = wrap(plain.replace(" · ", " · "), FOOTER_UNITS)
            note.font.size = SMALL_PX
            note.yshift = -34
            footer_lines = note.text.count("<br>") + 1
        elif note.yref == "y" and note.xref == "paper" and note.x == 1 and note.xanchor == "left":
            # a bullet's figure/percent/status: under the bar's right end, inside the plot
            note.xanchor, note.xshift, note.yanchor = "right", 0, "top"
            note.text = (note.text or "").replace("<br>", " ")
            note.font.size = BODY_PX
            row_notes.append(note)
        elif note.yref == "paper" and note.y == 1 and note.yanchor == "bottom":
            note.text = wrap(plain, NOTE_UNITS)
            note.font.size = SMALL_PX
            top_note = 16 * (note.text.count("<br>") + 1)

    horizontal = [trace for trace in copy.data if getattr(trace, "orientation", None) == "h"]
    rows = 0
    if horizontal:
        categories = list(dict.fromkeys(value for trace in horizontal for value in (trace.y or ())))
        rows = len(categories)
        # The label above its bar, from the left edge: the bar gets the whole width.
        copy.update_yaxes(showticklabels=False)
        for trace in horizontal:
            trace.cliponaxis = False
            trace.width = BAR_WIDTH
        for trace in copy.data:
            # A target's words centred on its marker near the axis' end ran past the chart's edge at 360 px:
            # in the axis' right half they end at the marker, in its left half they start there (off the row's label).
            if isinstance(trace, go.Scatter) and trace.text and trace.textposition == "top center":
                end = (layout.xaxis.range or [0, max(trace.x or [0])])[1] or 1
                trace.textposition = ["top left" if x > end / 2 else "top right" for x in trace.x]
        labels = [
            {
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": category,
                "yref": "y",
                "yanchor": "bottom",
                "yshift": 0,  # set below, once the row's height is known
                "showarrow": False,
                "align": "left",
                "text": _label(category),
                "font": {"size": BODY_PX},
            }
            for category in categories
        ]
        layout.annotations = [*layout.annotations, *labels]
        values = [x for trace in horizontal for x in (trace.x or ()) if isinstance(x, int | float)]
        if not row_notes and layout.barmode != "stack" and values:
            # room after the longest bar for its value ('≥¥50 million'), which would run off the edge
            copy.update_xaxes(range=[0, max(values) * 1.45])
        label_notes = layout.annotations[-len(labels) :]
    if not horizontal:
        # A time line's event labels overlap at this width and run off its edge: the list under the
        # chart names every event, so the phone's chart keeps the dots (each with its hover text).
        for trace in copy.data:
            if isinstance(trace, go.Scatter) and trace.mode and "text" in trace.mode:
                trace.mode = trace.mode.replace("+text", "").replace("text+", "")
    copy.update_xaxes(nticks=4, automargin=True, tickangle=0)
    legend = 22 if any(trace.showlegend is not False for trace in copy.data) and len(copy.data) > 1 else 0
    top = 22 + 21 * title_lines + 16 * subtitle_lines + legend + top_note
    bottom = 44 + 14 * footer_lines
    layout.margin.l, layout.margin.r, layout.margin.t, layout.margin.b = 6, 10, top, bottom
    if layout.legend:
        layout.legend.x, layout.legend.xanchor = 0, "left"
    plot = rows * ROW_HEIGHT if rows else 240
    layout.height = top + plot + bottom
    if rows:
        half_bar = BAR_WIDTH * ROW_HEIGHT / 2
        for note in label_notes:
            note.yshift = half_bar
        for note in row_notes:
            note.yshift = -half_bar - 1
    return copy


def _label(category: str) -> str:
    """A category label on one line where it fits the width above its bar, else wrapped."""
    plain = category.replace("<br>", " ")
    if "<span" in plain:  # a label with its horizon in a span: the span stays whole on its own
        head, _, tail = plain.partition("<span")
        return f"{wrap(head.strip(), LABEL_UNITS)} <span{tail}"
    return wrap(plain, LABEL_UNITS)


def _unbreak(value: str) -> str:
    """A wrapped text on one line again: a break between two Latin words was a space, else nothing."""
    return re.sub(r"(?<=[A-Za-z0-9,.;:)])<br>(?=[A-Za-z0-9(¥])", " ", value).replace("<br>", "")
