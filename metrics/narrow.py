"""A chart laid out for a phone (360–430 px wide): the same figure, data and words, rearranged.

Titles and the footer wrapped for the width, category labels above their bars instead of beside them
(a long Chinese label beside a bar leaves the bar ~100 px), the figure/percent/status notes of a bullet
chart above the bar's right end instead of in a 230 px column, fewer axis ticks, smaller type. Pure:
a page picks this variant for a phone's browser (ui.phone).
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

from metrics.charts import TARGET_LINE, TARGET_WORDS, TRACK_WIDTH, display_width, parts_key, unwrap, wrap

TITLE_UNITS, SUBTITLE_UNITS, FOOTER_UNITS, NOTE_UNITS = 17, 26, 30, 26  # CJK-character widths a line
TITLE_PX, BODY_PX, SMALL_PX = 16, 12, 11
LABEL_UNITS = 26  # a label above its bar: 360 px at 12 px a character, less the value beside it
ROW_HEIGHT = 84  # a label line above the bar, the bar and the target line, a note line below it
BAR_WIDTH = 0.32  # of a row: 27 px
# A target's line on a phone: plotly draws a line-ns marker 1.4 × its size tall, so 24 is a 34 px line over
# the 27 px bar (the page's 34 stood 10 px out of the bar on either side, into the label and the note).
TARGET_SIZE = 24
LINE_NS_HEIGHT = 1.4


def narrow_figure(figure: go.Figure) -> go.Figure:
    """A copy of the figure laid out for a phone's width."""
    copy = go.Figure(figure)
    layout = copy.layout
    title = wrap(unwrap(layout.title.text or ""), TITLE_UNITS)
    layout.title.text = title
    layout.title.font.size = TITLE_PX
    layout.title.x = 0
    layout.title.pad.t = 20
    title_lines = title.count("<br>") + 1
    subtitle_lines = 0
    if layout.title.subtitle.text:
        subtitle = wrap(unwrap(layout.title.subtitle.text), SUBTITLE_UNITS)
        layout.title.subtitle.text = subtitle
        layout.title.subtitle.font.size = SMALL_PX
        subtitle_lines = subtitle.count("<br>") + 1
    layout.font.size = BODY_PX
    layout.legend.font.size = SMALL_PX
    key = _names_out_of_bars(copy)
    if key:  # the parts' names in a key under the words, each bar keeping its figure
        layout.title.subtitle.text = "<br>".join(line for line in (layout.title.subtitle.text, key) if line)
        layout.title.subtitle.font.size = SMALL_PX
        subtitle_lines += key.count("<br>") + 1

    footer_lines = 1
    top_note = 0
    row_notes = []
    row_note_indices = []
    for index, note in enumerate(layout.annotations):
        plain = unwrap(note.text or "")
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
            row_note_indices.append(index)
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
            if isinstance(trace, go.Scatter) and trace.marker.symbol == "line-ns":
                trace.marker.size = TARGET_SIZE
        # A phone's target line is the marker, sized for its fixed rows to clear the label above and the note
        # below; the line in the axes' units (0.56 of a row, 47 px) would run into both.
        layout.shapes = [shape for shape in layout.shapes if shape.name != TARGET_LINE]
        if any(note.name == TARGET_WORDS for note in layout.annotations):
            # A phone's rows have a fixed height: no room is kept above the first track for its target's
            # words, which stand on the target's line like the row's label (placed below, in pixels).
            copy.update_yaxes(range=None, autorange="reversed")
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
        label_notes = list(layout.annotations[-len(labels) :])
        # Assigning the list made new annotation objects: the row notes are looked up again (their yshift,
        # set below on the old objects, was lost, and each note hung from its row's centre, over the bar's
        # lower half and the target's line).
        row_notes = [layout.annotations[index] for index in row_note_indices]
        target_words = [note for note in layout.annotations if note.name == TARGET_WORDS]
        end = (layout.xaxis.range or [0, max((note.x for note in target_words), default=0)])[1] or 1
        label_ends = {category: display_width(_plain(_label(category).split("<br>")[-1])) for category in categories}
        for note in target_words:
            # Centred on its marker near the axis' end, '目标 ≥500家' ran past the chart's edge at 360 px: in
            # the axis' right half the words end at the marker, in its left half they start there (off the
            # row's label). Each is on its row's centre, lifted clear of the line below with the labels.
            note.y = categories[round(note.y + TRACK_WIDTH / 2)]
            note.xanchor = "right" if note.x > end / 2 else "left"
            # Ending at a marker in the middle, the words ran into a long label ("Three-year plan
            # (2021–2023)" under "Target ≥500" once a ≥800 target widened the axis): then they start there,
            # where they fit the width.
            marker, words = note.x / end * LABEL_UNITS, display_width(_plain(note.text or ""))
            label_end = label_ends[note.y]
            if note.xanchor == "right" and marker - words < label_end and marker + words <= LABEL_UNITS:
                note.xanchor = "left"
            if note.xanchor == "left" and marker < label_end + 1:
                # Starting at a marker under the label ('2021年计划目标 152家'): after the label instead.
                note.x = (label_end + 1) / LABEL_UNITS * end
            label_notes.append(note)
    if not horizontal:
        # A time line's event labels overlap at this width and run off its edge: the list under the
        # chart names every event, so the phone's chart keeps the dots (each with its hover text).
        for trace in copy.data:
            if isinstance(trace, go.Scatter) and trace.mode and "text" in trace.mode:
                trace.mode = trace.mode.replace("+text", "").replace("text+", "")
    copy.update_xaxes(nticks=4, automargin=True, tickangle=0)
    legend = 22 if any(trace.showlegend is not False for trace in copy.data) and len(copy.data) > 1 else 0
    # the subtitle's lines and the gap under the title (the legend sat over the subtitle's last line)
    subtitle_height = 16 * subtitle_lines + (10 if subtitle_lines else 0)
    top = 22 + 21 * title_lines + subtitle_height + legend + top_note
    bottom = 44 + 14 * footer_lines
    layout.margin.l, layout.margin.r, layout.margin.t, layout.margin.b = 6, 10, top, bottom
    if layout.legend:
        layout.legend.x, layout.legend.xanchor = 0, "left"
    plot = rows * ROW_HEIGHT if rows else 240
    layout.height = top + plot + bottom
    if rows:
        # The label above and the note below clear the bar and the target's line, which stands out of the
        # bar by a few pixels: a note hung from the bar's edge sat over the 100% line ("已达成" at 390 px).
        clear = max(BAR_WIDTH * ROW_HEIGHT / 2, _target_half_height(copy)) + 2
        for note in label_notes:
            note.yshift = clear
        for note in row_notes:
            note.yshift = -clear
    return copy


def _names_out_of_bars(figure: go.Figure) -> str:
    """The stacked parts whose bars hold their name and figure ('智能工厂建设项目<br>24'), or have them beside
    the bar: at a phone's width plotly shrinks the name to fit, to 5–7 px. Each bar keeps its figure; their
    names, colours and figures go in a key (charts.parts_key), returned ('' when no bar holds a name)."""
    named = [
        trace
        for trace in figure.data
        if isinstance(trace, go.Bar)
        and trace.textposition in ("inside", "outside")  # outside: a part too narrow for its name
        and trace.text is not None
        and len(trace.text) == 1
        and "<br>" in str(trace.text[0])
    ]
    if not named:
        return ""
    labels = [unwrap(str(trace.text[0]).rsplit("<br>", 1)[0]) for trace in named]
    for trace in named:
        trace.text = [str(trace.text[0]).rsplit("<br>", 1)[1]]
    parts = pd.DataFrame({"label": labels, "value": [float(trace.x[0]) for trace in named]})
    return parts_key(parts, [trace.marker.color for trace in named], units=KEY_UNITS)


KEY_UNITS = 28  # CJK-character widths a line of the key holds at a phone's width (11 px type)


def _target_half_height(figure: go.Figure) -> float:
    """Half the height of the tallest target line (a line-ns marker, drawn 1.4 × its size), in pixels."""
    sizes = [
        trace.marker.size
        for trace in figure.data
        if isinstance(trace, go.Scatter) and trace.marker.symbol == "line-ns" and trace.marker.size
    ]
    tallest = max((max(size) if isinstance(size, tuple | list) else size for size in sizes), default=0)
    return tallest * LINE_NS_HEIGHT / 2


def _plain(text: str) -> str:
    """A label's words without its markup: what takes room on the line."""
    return re.sub(r"<[^>]+>", "", unwrap(text))


def _label(category: str) -> str:
    """A category label on one line where it fits the width above its bar, else wrapped."""
    plain = category.replace("<br>", " ")
    if "<span" in plain:  # a label with its horizon in a span: the span stays whole on its own
        head, _, tail = plain.partition("<span")
        return f"{wrap(head.strip(), LABEL_UNITS)} <span{tail}"
    return wrap(plain, LABEL_UNITS)
