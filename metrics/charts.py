"""Chart builders: plotly figures that stand alone in a screenshot or on a slide.

Every figure has a title that states the finding, the as-of date and source inside the figure, CJK
fonts, and where it has a target, the target and the expected-to-date pace as markers. Builders take
plain data (frames and dicts from the database) and return a go.Figure; nothing here knows Streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from metrics import frames
from metrics.escaping import plotly_text, safe_figure_text
from metrics.i18n import format_date, text
from metrics.narrative import event_date_words, event_position, horizon_words
from metrics.numbers import EXACT, format_percent, format_value
from metrics.progress import NOT_STARTED, in_different_plans
from metrics.style import (
    ACCENT,
    CATEGORY_PALETTE,
    FONT_FAMILY,
    GRID,
    IMAGE_HEIGHT,
    IMAGE_SCALE,
    IMAGE_WIDTH,
    INK,
    MUTED,
    NEUTRAL,
    PACE,
    TRACK,
    status_color,
    status_label,
)

TITLE_SIZE, BODY_SIZE, FOOTER_SIZE = 19, 14, 12
NOTES_WIDTH = 230  # px right of a bullet chart's plot for its rows' notes (figure, target, percent, status)
FOOTER_WIDTH = 56  # CJK-character widths per footer line: fits the page's chart width at 1280 px
TRACK_WIDTH = 0.66  # a bullet row's track, as a share of the row (the value bar is 0.42)
TARGET_WORDS = "target_words"  # the name of a bullet's target-words annotations
TARGET_LINE = "target_line"  # the name of a bullet's target-line shapes
TARGET_LINE_HALF = 0.28  # half a target line's height, of a row: out of the bar (0.21), inside the track (0.33)


def _slim_template() -> go.layout.Template:
    """plotly's default look, without its styles for the trace types these charts never use (maps,
    3-D, polar, heatmaps): those were over half of every chart's JSON, sent on every page view."""
    full = pio.templates["plotly"]
    kept = ("autotypenumbers", "colorway", "hovermode", "hoverlabel", "xaxis", "yaxis", "shapedefaults")
    layout = {key: value for key, value in full.layout.to_plotly_json().items() if key in kept}
    return go.layout.Template(layout=layout, data={"bar": full.data.bar, "scatter": full.data.scatter})


TEMPLATE = _slim_template()


@dataclass(frozen=True)
class Footer:
    """What every chart says at its foot: the data date and the source."""

    as_of: dt.date | None
    source: str

    def text(self, lang: str) -> str:
        return text("footer.source", lang, date=format_date(self.as_of, lang), source=self.source)


class FigureDraft:
    """A figure put together as plain dicts with the few plotly calls the charts use, and made into a
    go.Figure once, when finished. Plotly validates and merges on every add_* and update_* call: the
    overview chart took 18 ms that way against 2 ms to validate the finished dicts (a page's first view
    after a data change builds every chart it shows)."""

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict = {}

    def add_bar(self, **properties: object) -> None:
        self.data.append(_merged({"type": "bar"}, properties))

    def add_scatter(self, **properties: object) -> None:
        self.data.append(_merged({"type": "scatter"}, properties))

    def add_annotation(self, **properties: object) -> None:
        self.layout.setdefault("annotations", []).append(_merged({}, properties))

    def add_shape(self, **properties: object) -> None:
        self.layout.setdefault("shapes", []).append(_merged({}, properties))

    def update_layout(self, **properties: object) -> None:
        _merged(self.layout, properties)

    def update_xaxes(self, **properties: object) -> None:
        _merged(self.layout.setdefault("xaxis", {}), properties)

    def update_yaxes(self, **properties: object) -> None:
        _merged(self.layout.setdefault("yaxis", {}), properties)

    def finished(self) -> go.Figure:
        # Tags the chart code did not write (from a CSV's text) are escaped, whatever builder missed them.
        safe_figure_text(self.data)
        safe_figure_text(self.layout)
        # Not validated again: plotly's validation of the finished dicts was a third of a page's first
        # view (7-9 ms a chart) and changes only the order of keys; tests/test_charts.py validates every
        # chart the catalog draws and compares the two.
        return go.Figure({"data": self.data, "layout": self.layout}, _validate=False)


def _merged(target: dict, update: dict) -> dict:
    """`update` merged into `target` as plotly's update does: nested dicts merge, anything else replaces,
    None unsets. Dicts and lists are copied, so later merges never change the caller's."""
    for key, value in update.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            existing = target.get(key)
            target[key] = _merged(existing if isinstance(existing, dict) else {}, value)
        elif isinstance(value, list):
            target[key] = [_merged({}, item) if isinstance(item, dict) else item for item in value]
        else:
            target[key] = value
    return target


def display_width(value: str) -> float:
    """Width in 'CJK character' units: a Chinese character is 1, a Latin letter about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in value)


def wrap(value: str, width: float) -> str:
    """Break a title into lines of at most `width` units, at punctuation or spaces where possible."""
    if display_width(value) <= width:
        return value
    lines, current = [], ""
    for piece in re.split(r"(?<=[，；、。,;:：）)\s])", value):
        if current and display_width(current + piece) > width:
            lines.append(current.rstrip())
            current = piece.lstrip()
        else:
            current += piece
        while display_width(current) > width:  # a piece longer than a line: cut it
            cut = _cut_index(current, width)
            start = cut
            while start > 0 and _in_number(current[start - 1]) and _in_number(current[start]):
                start -= 1  # never inside a number: 完成30 / .6%
            cut = start or cut
            opening = max(current.rfind("（", 0, cut), current.rfind("(", 0, cut))
            if opening > cut // 2:  # keep a bracketed remark together: 资金 / （拟安排）
                cut = opening
            elif len(current) - cut <= 2:  # never strand a closing bracket or a character or two
                break
            lines.append(current[:cut])
            current = current[cut:]
    lines.append(current)
    return "<br>".join(line for line in lines if line)


def _in_number(character: str) -> bool:
    return character.isdigit() or character in ".,%"


def unwrap(value: str) -> str:
    """A wrapped text on one line again: a break between two Latin words (or after a comma or a percent)
    was a space, else nothing ('30.6% of<br>the plan', '少2个<br>（2021年）'). Removing every break glued
    English words in the deck's findings and the Word captions ('ofthe', 'retrofits,combined')."""
    return re.sub(r"(?<=[A-Za-z0-9,.;:)%])<br>(?=[A-Za-z0-9(¥≥])", " ", value).replace("<br>", "")


def _cut_index(value: str, width: float) -> int:
    total = 0.0
    for index, ch in enumerate(value):
        total += 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55
        if total > width:
            entity = value.rfind("&", max(0, index - 5), index)  # never cut an escaped &lt; in two
            if entity > 0 and ";" not in value[entity:index]:
                index = entity
            return max(index, 1)
    return len(value)


def _footer_lines(footer: str) -> str:
    """One line if it fits; else the date on one line and the sources below (wrapped if still long)."""
    if display_width(footer) <= FOOTER_WIDTH or " · " not in footer:
        return wrap(footer, FOOTER_WIDTH)
    date_part, source_part = footer.split(" · ", 1)
    lines, current = [f"{date_part} ·"], ""
    for source in source_part.split("; "):  # whole sources per line where they fit
        candidate = f"{current}; {source}" if current else source
        if current and display_width(candidate) > FOOTER_WIDTH:
            lines.append(f"{current};")
            candidate = source
        current = candidate
    lines.append(current)
    return "<br>".join(wrap(line, FOOTER_WIDTH) for line in lines)


def briefing_layout(
    figure: FigureDraft,
    title: str,
    subtitle: str,
    footer: Footer,
    lang: str,
    height: int = 420,
    title_width: float = 40,
    right: int = 24,
) -> go.Figure:
    """Apply the shared look: finding as title, metric as subtitle, date and source at the foot.

    Title, subtitle and footer are plain text (they carry names and sources from CSVs): escaped here."""
    wrapped = wrap(plotly_text(title), title_width)
    subtitle = plotly_text(subtitle)
    title_lines = wrapped.count("<br>") + 1
    # A footer naming several sources is long; hung from the right edge it would run off the left.
    footer_text = _footer_lines(plotly_text(footer.text(lang)))
    footer_lines = footer_text.count("<br>") + 1
    top = 68 + 27 * title_lines + (26 if subtitle else 0)
    figure.update_layout(
        template=TEMPLATE,
        title={
            "text": wrapped,
            "subtitle": {"text": subtitle, "font": {"size": BODY_SIZE, "color": MUTED}},
            "x": 0.01,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 20},
            "font": {"size": TITLE_SIZE, "color": INK},
        },
        font={"family": FONT_FAMILY, "size": BODY_SIZE, "color": INK},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height + 26 * (title_lines - 1) + 16 * (footer_lines - 1),
        margin={"l": 16, "r": right, "t": top, "b": 78 + 16 * (footer_lines - 1)},
        # Top right, above the plot: at the foot it would collide with the source line on narrow screens.
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right", "yref": "paper"},
        # namelength -1: plotly cuts a trace name in the hover label at 15 characters by default
        # ("智能产线、智能单元改造项…"); every name is shown whole.
        hoverlabel={"font": {"family": FONT_FAMILY}, "namelength": -1},
        separators=".,",
    )
    # Anchored right: long category labels push the plot's left edge far right, and a footer hung
    # from there would run off the figure.
    figure.add_annotation(
        name="footer",  # a deck or Word briefing states the source beside the picture instead
        text=footer_text,
        align="right",
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        yshift=-52,
        xanchor="right",
        yanchor="top",
        showarrow=False,
        font={"size": FOOTER_SIZE, "color": MUTED},
    )
    figure.update_xaxes(gridcolor=GRID, zeroline=False, automargin=True)
    figure.update_yaxes(gridcolor=GRID, zeroline=False, automargin=True)
    return figure.finished()


_HTML_FONT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")


def enlarged(figure: go.Figure, factor: float, height: int | None = None) -> go.Figure:
    """A copy with every font, and the margins and offsets that make room for titles and footers,
    scaled by `factor`: for 16:9 images and screenshot panels, which are seen smaller than a page."""
    copy = go.Figure(figure)
    if factor == 1 and height is None:
        return copy

    def size(value: float | None, default: float) -> float:
        return round((value or default) * factor, 1)

    def html(value):
        if isinstance(value, str):
            return _HTML_FONT_SIZE.sub(lambda m: f"font-size:{float(m.group(1)) * factor:g}px", value)
        return value

    layout = copy.layout
    layout.font.size = size(layout.font.size, BODY_SIZE)
    layout.title.font.size = size(layout.title.font.size, TITLE_SIZE)
    if layout.title.subtitle.text:
        layout.title.subtitle.font.size = size(layout.title.subtitle.font.size, BODY_SIZE)
    layout.title.pad.t = size(layout.title.pad.t, 0)
    for side in ("t", "b", "l", "r"):
        setattr(layout.margin, side, size(getattr(layout.margin, side), 0))
    for note in layout.annotations:
        if note.font.size:
            note.font.size = size(note.font.size, FOOTER_SIZE)
        note.yshift = size(note.yshift, 0)
        note.xshift = size(note.xshift, 0)
        note.text = html(note.text)
        note.y = html(note.y)
    for trace in copy.data:
        # Category labels carry inline sizes (the horizon under a metric); scale them the same way
        # in every trace and annotation so they still name the same category.
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None and any(isinstance(v, str) for v in values):
                setattr(trace, axis, [html(v) for v in values])
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and textfont.size is not None:
            sizes = textfont.size
            textfont.size = [size(s, BODY_SIZE) for s in sizes] if isinstance(sizes, tuple) else size(sizes, BODY_SIZE)
    if height is not None:
        layout.height = height
    return copy


def image_height(figure: go.Figure, font_scale: float = 1.0) -> int:
    """A chart image's height at IMAGE_WIDTH: 16:9, unless its rows, drawn as the page draws them with type
    `font_scale` larger, need more (a new plan's targets beside the reply's: 14 rows). Then it is taller,
    rather than its rows squeezed into each other."""
    return max(IMAGE_HEIGHT, round((figure.layout.height or 0) * font_scale))


def chart_config(filename: str, height: int = IMAGE_HEIGHT) -> dict:
    """The plotly toolbar: PNG 1600 wide (900 high, or `height`) at 2× scale with a sensible name; no plotly logo."""
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines"],
        "toImageButtonOptions": {
            "format": "png",
            "filename": filename,
            "width": IMAGE_WIDTH,
            "height": height,
            "scale": IMAGE_SCALE,
        },
    }


def _metric_value(value: float, metric: dict, qualifier: str | None, lang: str) -> str:
    return format_value(value, metric["unit"], qualifier or EXACT, lang, metric.get("unit_en", ""))


def _comparison_marker(colors: list[str], lower_bound: list[bool]) -> dict:
    """Bar colours, with lower-bound bars outlined and hatched. The hatch is left out when no bar needs
    it, and one colour is given as one: plotly.js warns about a colour list under a hatch pattern."""
    marker: dict = {"color": colors[0] if len(set(colors)) == 1 else colors}
    if any(lower_bound):
        marker["line"] = {
            "color": [INK if lb else c for lb, c in zip(lower_bound, colors, strict=True)],
            "width": [2 if lb else 0 for lb in lower_bound],
        }
        marker["pattern"] = {
            "shape": ["/" if lb else "" for lb in lower_bound],
            "fgcolor": "white",
            "size": 8,
            "solidity": 0.15,
        }
    return marker


def _bullets(
    labels: list[str],
    values: list[float],
    targets: list[float],
    paces: list[float | None],
    statuses: list[str],
    texts: list[str],
    hovers: list[str],
    axis_end: float,
    lang: str,
    target_texts: list[str] | None = None,
    dates: list[str] | None = None,
) -> FigureDraft:
    """The shared bullet drawing: a track per row, the value bar in its status colour, a target line,
    a pace diamond, and the figure/percent/status written in a column right of the plot."""
    figure = FigureDraft()
    figure.add_bar(
        y=labels,
        x=[axis_end] * len(labels),
        orientation="h",
        marker={"color": TRACK},
        hoverinfo="skip",
        showlegend=False,
        width=TRACK_WIDTH,
    )
    figure.add_bar(
        y=labels,
        x=values,
        orientation="h",
        marker={"color": [status_color(s) for s in statuses]},
        hovertext=hovers,
        hoverinfo="text",
        showlegend=False,
        width=0.42,
    )
    # The target's line: a marker (the legend's symbol, and a phone's line, whose rows have a fixed height)
    # and, over it, a line in the axes' units that stands out of the bar at any height (the marker's fixed
    # 48 px covered a third of the bar in the 1920 px screenshot panel, and hid inside an achieved bar).
    figure.add_scatter(
        y=labels,
        x=targets,
        mode="markers",
        marker={"symbol": "line-ns", "size": 34, "line": {"width": 3, "color": INK}},
        name=text("chart.target", lang),
        hoverinfo="skip",
        cliponaxis=False,
    )
    figure.update_layout(
        shapes=[
            {
                "name": TARGET_LINE,
                "type": "line",
                "xref": "x",
                "yref": "y",
                "x0": target,
                "x1": target,
                "y0": row - TARGET_LINE_HALF,
                "y1": row + TARGET_LINE_HALF,
                "line": {"width": 3, "color": INK},
            }
            for row, target in enumerate(targets)
        ]
    )
    paced = [(label, pace) for label, pace in zip(labels, paces, strict=True) if pace is not None]
    figure.add_scatter(
        y=[label for label, _ in paced],
        x=[pace for _, pace in paced],
        mode="markers",
        marker={"symbol": "diamond", "size": 14, "color": PACE, "line": {"width": 1.5, "color": "white"}},
        name=text("chart.pace", lang),
        hoverinfo="skip",
        showlegend=bool(paced),  # no key for a diamond no row has (every period ended, or none begun)
    )
    # Set at once: add_annotation in a loop re-validates every earlier annotation (quadratic; 0.3 s
    # for a region with fifty targets).
    row_notes = [
        {
            "x": 1,
            "xref": "paper",
            "xanchor": "left",
            "xshift": 12,
            "y": label,
            "yref": "y",
            "showarrow": False,
            "align": "left",
            "text": f"{value_text}<br>{_dated(date)}{_status_html(status, lang)}",
            "font": {"size": BODY_SIZE, "color": INK},
        }
        for label, value_text, status, date in zip(labels, texts, statuses, dates or [""] * len(labels), strict=True)
    ]
    words = _target_words(targets, target_texts) if target_texts else []
    figure.update_layout(annotations=row_notes + words, barmode="overlay", bargap=0.3)
    figure.update_xaxes(range=[0, axis_end], title=None)
    if target_texts:
        # Reversed (the first row on top), with a gap above the first track as wide as the gap between
        # two tracks: its target's words stand in it, as every other row's do in the gap above it.
        figure.update_yaxes(range=[len(labels) - 0.5, -0.5 - (1 - TRACK_WIDTH) / 2], autorange=False, title=None)
    else:
        figure.update_yaxes(autorange="reversed", title=None)
    return figure


def _target_words(targets: list[float], words: list[str]) -> list[dict]:
    """Each target's words ('目标 152家') above its marker, standing on the top edge of its row's track.

    Placed in the axes' units, not pixels from the marker: the marker's line is a fixed 48 px, while a row
    (and its bar, 0.42 of it) grows with the chart's height. Hung from the line's top, the words sat on the
    bar's end once a row passed ~120 px (the 1920 px screenshot panel, the 1600×900 PNG). The track's edge
    is in the row's units, so the words clear the bar at any height."""
    return [
        {
            "name": TARGET_WORDS,
            "x": target,
            "xref": "x",
            "y": row - TRACK_WIDTH / 2,  # a category axis takes a row's number; reversed, minus is up
            "yref": "y",
            "xanchor": "center",
            "yanchor": "bottom",
            "showarrow": False,
            "text": words_of_target,
            "font": {"size": 12, "color": INK},
        }
        for row, (target, words_of_target) in enumerate(zip(targets, words, strict=True))
    ]


def _dated(date: str) -> str:
    """A row's own date before its status, on the status's line ('' for a row of the chart's date): on a
    line of its own, a row's three lines ran into the next row's in a slide's picture."""
    return f"<span style='color:{MUTED}'>{date}</span> · " if date else ""


def _status_html(status: str, lang: str) -> str:
    return f"<span style='color:{status_color(status)}'><b>{status_label(status, lang)}</b></span>"


def target_bullets(
    rows: pd.DataFrame,
    metrics: pd.DataFrame,
    title: str,
    subtitle: str,
    footer: Footer,
    lang: str,
    title_width: float = 40,
) -> go.Figure:
    """Each target as a bar of percent complete, with the target (100%) and expected-to-date markers.

    `rows` are progress rows with a target; `metrics` is the registry indexed by metric_id. Bars are
    coloured by status and labelled with the figure, the target and the status in words.
    """
    # Plain rows (made once for a shared frame) and each metric's registry row once, as plain dicts: a
    # frame's to_dict and a .loc lookup a row cost more than the rows' words.
    rows = [row for row in frames.records(rows) if pd.notna(row["target"])]
    metric_rows = metrics.loc[list(dict.fromkeys(row["metric_id"] for row in rows))].to_dict("index")
    labels, values, paces, texts, hovers, dates = [], [], [], [], [], []
    for row in rows:
        metric = metric_rows[row["metric_id"]]
        horizon = horizon_words(row, lang)
        labels.append(f"{metric[f'label_{lang}']}<br><span style='font-size:12px;color:{MUTED}'>{horizon}</span>")
        values.append(row["percent_of_target"] if pd.notna(row["percent_of_target"]) else 0.0)
        paces.append(row["elapsed_share"] * 100 if _pace_shown(row) else None)
        value_text = _short_value(row["value"], metric, row["value_qualifier"], lang)
        target_text = _short_value(row["target"], metric, row["target_qualifier"], lang)
        percent = format_percent(row["percent_of_target"], qualifier=row["value_qualifier"])
        texts.append(f"{value_text} / {target_text} · {percent}")
        hovers.append(f"{metric[f'label_{lang}']} · {horizon}<br>{texts[-1]}")
        # A figure older than the footer's 数据截至 says its own date, as its card does.
        dates.append(dated_note(row["value_as_of"], footer.as_of, lang))
    axis_end = max([110.0, *[v * 1.05 for v in values]])
    statuses = [row["status"] for row in rows]
    figure = _bullets(
        labels, values, [100.0] * len(labels), paces, statuses, texts, hovers, axis_end, lang, dates=dates
    )
    figure.update_xaxes(ticksuffix="%")
    # Room on the right for the notes' longer lines (a date before its status: 'As of 13 July 2021 · No
    # end figure'; amounts: '≥2,000万元 / 1,500万元 · ≥133.3%'), at BODY_SIZE px a unit.
    dated = [f"{date} · {status_label(status, lang)}" for date, status in zip(dates, statuses, strict=True) if date]
    right = max(NOTES_WIDTH, round(max(map(display_width, texts + dated), default=0) * BODY_SIZE) + 24)
    figure.update_layout(margin={"r": right})
    height = 150 + 92 * max(len(labels), 1)
    return briefing_layout(figure, title, subtitle, footer, lang, height=height, title_width=title_width, right=right)


def older_than(as_of: object, stated: object) -> bool:
    """Whether a figure of `as_of` is older than the date a chart, page or briefing states for its data
    (数据截至…): such a figure must carry its own date. False when either date is missing."""
    if as_of is None or stated is None or pd.isna(as_of) or pd.isna(stated):
        return False
    return pd.Timestamp(as_of).date() < pd.Timestamp(stated).date()


def dated_note(as_of: object, stated: object, lang: str) -> str:
    """'截至2021年7月13日' under a figure older than the stated data date ('' if not): beside later figures,
    an undated 66% reads as of the page's date (and a cropped card or chart has no header)."""
    return text("card.as_of", lang, date=format_date(as_of, lang)) if older_than(as_of, stated) else ""


def _pace_shown(row: dict) -> bool:
    """Whether a target's row marks its pace: not for a period not begun (0, drawn as half a diamond on the
    axis) nor for one whose figure is from its end or later (the pace is then the target: the line says it)."""
    share = row["elapsed_share"]
    return pd.notna(share) and 0 < share < 1 and row["status"] != NOT_STARTED


def _short_value(value: float, metric: dict, qualifier: str | None, lang: str) -> str:
    """A figure in a chart's text column: with its unit in Chinese, bare in English (the label says it)."""
    if value is None or value != value:
        return "—"
    unit_en = "" if lang == "en" else metric.get("unit_en", "")
    return format_value(value, metric["unit"], qualifier or EXACT, lang, unit_en)


def by_period_end(row: dict) -> tuple:
    """A progress row's place when sorted by the end of its period, as sort_values puts them: undated last."""
    return (True, 0) if pd.isna(row["period_end"]) else (False, row["period_end"])


def absolute_bullets(
    rows: list[dict], metric: dict, title: str, subtitle: str, footer: Footer, lang: str, title_width: float = 40
) -> go.Figure:
    """One metric against each of its targets in the metric's own unit: value bar, target and pace markers.
    `rows`: its progress rows as plain rows; those with a target are drawn, the earliest to end first."""
    records = sorted((row for row in rows if pd.notna(row["target"])), key=by_period_end)
    labels = [horizon_words(row, lang) for row in records]
    labels = [label[:1].upper() + label[1:] for label in labels]
    texts = [
        f"{_short_value(r['value'], metric, r['value_qualifier'], lang)} · "
        f"{format_percent(r['percent_of_target'], qualifier=r['value_qualifier'])}"
        for r in records
    ]
    target_texts = [
        text("card.target", lang, target=_short_value(r["target"], metric, r["target_qualifier"], lang))
        for r in records
    ]
    values = [0.0 if pd.isna(r["value"]) else r["value"] for r in records]
    targets = [r["target"] for r in records]
    axis_end = max([*(t * 1.08 for t in targets), *(v * 1.1 for v in values)], default=1)
    paces = [r["expected_to_date"] if _pace_shown(r) and pd.notna(r["expected_to_date"]) else None for r in records]
    figure = _bullets(
        labels,
        values,
        targets,
        paces,
        [r["status"] for r in records],
        texts,
        texts,
        axis_end,
        lang,
        target_texts=target_texts,
    )
    if lang == "zh" and metric["unit"] not in ("元", "%"):
        figure.update_xaxes(ticksuffix=metric["unit"])
    height = 190 + 100 * max(len(labels), 1)
    return briefing_layout(figure, title, subtitle, footer, lang, height=height, title_width=title_width, right=200)


def value_bars(
    items: list[dict],
    title: str,
    subtitle: str,
    footer: Footer,
    lang: str,
    orientation: str = "h",
    title_width: float = 40,
    height: int | None = None,
) -> go.Figure:
    """Plain comparison bars: items need label, value, unit, unit_en, qualifier and optionally color.

    A lower-bound figure (超过 / 以上) is drawn hatched with a dark solid outline and labelled '≥', so
    it never reads as exact.
    """
    labels = [wrap(item["label"], 14 if lang == "zh" else 16) for item in items]
    values = [float(item["value"]) for item in items]
    colors = [item.get("color", ACCENT) for item in items]
    lower_bound = [item["qualifier"] == ">=" for item in items]
    texts = [
        format_value(value, item["unit"], item["qualifier"], lang, item["unit_en"])
        for value, item in zip(values, items, strict=True)
    ]
    figure = FigureDraft()
    bar = {
        "x": values if orientation == "h" else labels,
        "y": labels if orientation == "h" else values,
        "orientation": orientation,
        "marker": _comparison_marker(colors, lower_bound),
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": [f"{label}: {t}" for label, t in zip(labels, texts, strict=True)],
        "hoverinfo": "text",
        "showlegend": False,
    }
    figure.add_bar(**bar)
    top = max(values, default=1) * 1.22 or 1
    if orientation == "h":
        figure.update_xaxes(range=[0, top], showticklabels=False, showgrid=False)
        figure.update_yaxes(autorange="reversed")
        # Room for the title block above (subtitle, lower-bound note) and for labels that wrap.
        label_lines = max((label.count("<br>") + 1 for label in labels), default=1)
        rows = max(len(labels), 1) * (44 + 16 * (label_lines - 1))
        height = height or 170 + (26 if subtitle else 0) + (20 if any(lower_bound) else 0) + rows
    else:
        figure.update_yaxes(range=[0, top], showticklabels=False, showgrid=False)
        height = height or 420
    if any(lower_bound):
        figure.add_annotation(
            text=text("chart.lower_bound_note", lang),
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            yshift=6,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font={"size": FOOTER_SIZE, "color": MUTED},
        )
    return briefing_layout(figure, title, subtitle, footer, lang, height=height, title_width=title_width)


NARROW_PART = 0.1  # of the axis: a stacked part narrower than this cannot hold its name legibly


def parts_and_whole(
    parts: pd.DataFrame,
    whole: dict,
    check: dict | None,
    title: str,
    subtitle: str,
    footer: Footer,
    lang: str,
    title_width: float = 40,
    names_in_legend: bool = False,
) -> go.Figure:
    """Parts stacked in one bar beside the whole the source states, with the gap written out.

    `parts` needs label, value; `whole` needs label, value; `check` (a checks row) supplies the gap.
    `names_in_legend`: each part's figure alone in its bar, and its colour, name and figure in a key under
    the subtitle, for a picture whose type is large for its width (a slide): '智能工厂建设项目' in a bar of
    24 of 165 was shrunk by plotly to fit, to 12 pt on the slide. (A plotly legend wrapped one English
    name a row over the subtitle: it wraps at the plot's width, not the picture's.)
    """
    figure = FigureDraft()
    palette = ["#1f4e79", "#4f81bd", "#9dc3e6", "#c9daf0", "#dfe9f5"]
    parts_label = text("chart.sum_of_parts", lang)
    rows = frames.rows(parts)
    total = float(parts["value"].sum())
    axis_end = max(total, whole["value"]) * 1.3  # room for "127 差2个"
    for index, part in enumerate(rows):
        # The last part, when too narrow for its name, has it beside the bar (nothing is stacked there):
        # inside, plotly shrank "智能工厂建设项目 12" in a bar of 12 of 182 to an unreadable vertical sliver.
        beside = not names_in_legend and index == len(rows) - 1 and part["value"] < NARROW_PART * axis_end
        figure.add_bar(
            y=[parts_label],
            x=[part["value"]],
            orientation="h",
            name=f"{part['label']} {part['value']:g}",
            marker={"color": palette[index % len(palette)]},
            text=[f"{part['value']:g}" if names_in_legend else f"{part['label']}<br>{part['value']:g}"],
            textposition="outside" if beside else "inside",
            insidetextanchor="middle",
            outsidetextfont={"color": INK},
            hoverinfo="name",
            showlegend=False,
        )
    figure.add_bar(
        y=[whole["label"]],
        x=[whole["value"]],
        orientation="h",
        name=whole["label"],
        marker={"color": NEUTRAL},
        text=[f"{whole['value']:g}"],
        textposition="inside",
        hoverinfo="name",
        showlegend=False,
    )
    gap = check.get("gap") if check is not None else None
    label = f"<b>{total:g}</b>"
    if gap is not None and pd.notna(gap) and gap != 0:
        # The gap on the parts' own row, filled without an outline, and named where it is ("差2个"):
        # a box over both bars hid a 2-unit gap and struck a line through the whole's "129".
        figure.add_shape(
            type="rect",
            x0=min(total, whole["value"]),
            x1=max(total, whole["value"]),
            y0=-0.32,
            y1=0.32,
            line={"width": 0},
            fillcolor="rgba(194,65,12,0.35)",
            layer="above",
        )
        unit = check.get("unit") if isinstance(check.get("unit"), str) else ""
        amount = f"{abs(gap):g}{unit}" if lang == "zh" else f"{abs(gap):g}"
        key = "scr.chart.gap_short" if gap < 0 else "scr.chart.gap_over"
        label += f" <span style='color:#c2410c'>{text(key, lang, gap=amount)}</span>"
    figure.add_annotation(
        x=max(total, whole["value"]),
        y=parts_label,
        text=label,
        showarrow=False,
        xanchor="left",
        xshift=6,
        font={"size": BODY_SIZE},
    )
    figure.update_layout(barmode="stack", bargap=0.35, legend={"traceorder": "normal"})
    figure.update_xaxes(range=[0, axis_end], title=None)
    figure.update_yaxes(autorange="reversed", title=None)
    finished = briefing_layout(figure, title, subtitle, footer, lang, height=360, title_width=title_width)
    if names_in_legend:
        key = parts_key(parts, palette)
        finished.layout.title.subtitle.text = "<br>".join(
            line for line in (finished.layout.title.subtitle.text, key) if line
        )
    return finished


KEY_UNITS = 44  # CJK-character widths a line of a picture's key holds (680 layout px at 14 px, less room)


def parts_key(parts: pd.DataFrame, palette: list[str], units: float = KEY_UNITS) -> str:
    """'■ 智能工厂建设项目 24　■ …', each square in its part's colour, wrapped between entries at `units`
    CJK-character widths a line."""
    lines, current, used = [], [], 0.0
    for index, part in enumerate(frames.rows(parts)):
        words = f"{part['label']} {part['value']:g}"
        wide = display_width(words) + 3
        if current and used + wide > units:
            lines.append("　".join(current))
            current, used = [], 0.0
        square = f"<span style='color:{palette[index % len(palette)]}'>■</span>"
        current.append(f"{square} <span style='color:{INK}'>{plotly_text(words)}</span>")
        used += wide
    lines.append("　".join(current))
    return "<br>".join(lines)


def trend(
    series: pd.DataFrame,
    target_row: dict | None,
    metric: dict,
    title: str,
    subtitle: str,
    footer: Footer,
    lang: str,
    title_width: float = 40,
    plans: list[dict] = (),
) -> go.Figure:
    """A metric's figures over time against the straight-line pace to its target. The line breaks
    between two figures of different plans (multi-year periods among the targets `plans`): a new plan's
    count starts again, and a line from the last plan's figure would draw a fall."""
    # One point a date: of two figures of one date (a record beside the document), the one in force, the
    # later row, as the cards and progress take it; both drew a vertical step within a day.
    series = series.sort_values("as_of", kind="stable").drop_duplicates("as_of", keep="last")
    figure = FigureDraft()
    if target_row is not None:
        start, end = pd.Timestamp(target_row["period_start"]), pd.Timestamp(target_row["period_end"])
        figure.add_scatter(
            x=[start, end],
            y=[0, target_row["target"]],
            mode="lines",
            line={"color": PACE, "dash": "dash", "width": 2},
            name=text("chart.pace", lang),
        )
        figure.add_scatter(
            x=[end],
            y=[target_row["target"]],
            mode="markers+text",
            marker={"symbol": "line-ew", "size": 26, "line": {"width": 3, "color": INK}},
            text=[
                text(
                    "card.target",
                    lang,
                    target=_metric_value(target_row["target"], metric, target_row["target_qualifier"], lang),
                )
            ],
            textposition="top left",
            name=text("chart.target", lang),
        )
    dates, values, labels = [], [], []
    points = zip(pd.to_datetime(series["as_of"]), series["value"], series["qualifier"], strict=True)
    for when, value, qualifier in points:
        if dates and in_different_plans(dates[-1], when, plans):
            dates.append(dates[-1] + (when - dates[-1]) / 2)  # no value: plotly leaves a gap in the line
            values.append(None)
            labels.append("")
        dates.append(when)
        values.append(value)
        labels.append(_metric_value(value, metric, qualifier, lang))
    figure.add_scatter(
        x=dates,
        y=values,
        mode="lines+markers+text",
        line={"color": ACCENT, "width": 3},
        marker={"size": 10},
        text=labels,
        textposition="top center",
        name=text("chart.value", lang),
    )
    # Headroom above the highest point: the target's label sits above its marker.
    highest = max([*series["value"].dropna(), target_row["target"] if target_row is not None else 0, 0])
    figure.update_yaxes(range=[0, highest * 1.15 or 1], title=None)
    figure.update_xaxes(title=None, tickformat="%Y-%m")
    return briefing_layout(figure, title, subtitle, footer, lang, height=420, title_width=title_width)


def _dated_first(row: dict) -> tuple:
    """An event's place in date order, the undated last (as sort_values puts NaT)."""
    return (True, 0) if pd.isna(row["date"]) else (False, pd.Timestamp(row["date"]))


def timeline(
    events: list[dict],
    title: str,
    subtitle: str,
    footer: Footer,
    lang: str,
    title_width: float = 40,
    row_each: bool = False,
) -> go.Figure:
    """Events (plain rows) on a time axis, one lane per kind; planned events hollow, held events filled.

    `row_each`: one row per event, named by its kind and label, with its date on one line beside the
    marker: for a picture on a slide or a page, where two-line labels above and below the markers of
    six lanes in 4 inches ran into each other."""
    # In date order (undated last), each row a copy: the chart adds its own keys to them.
    events = [dict(row) for row in sorted(events, key=_dated_first)]
    lanes = list(dict.fromkeys(row["kind"] for row in events))
    lane_names = {kind: text(f"event.{kind}", lang) for kind in lanes}
    by_lane: dict[str, list[dict]] = {kind: [] for kind in lanes}
    for row in events:
        row["_row"] = f"{lane_names[row['kind']]} · {row[f'label_{lang}']}" if row_each else lane_names[row["kind"]]
        approximate = row.get("date_approximate")
        row["_when"] = event_date_words(
            row["date"], row["date_precision"], "" if pd.isna(approximate) else approximate, lang
        )
        row["_x"] = event_position(row["date"], row["date_precision"])
        by_lane[row["kind"]].append(row)
    figure = FigureDraft()
    palette = CATEGORY_PALETTE
    for index, kind in enumerate(lanes):
        lane = by_lane[kind]
        held = [row["status"] == "held" for row in lane]
        color = palette[index % len(palette)]
        # A year-only event is the whole year, drawn as a band behind its (mid-year) marker.
        for row in lane:
            if row["date_precision"] != "year":
                continue
            day = pd.Timestamp(row["date"])
            figure.add_scatter(
                # inset a little so that consecutive years read as separate bands, not one span
                x=[pd.Timestamp(year=day.year, month=1, day=20), pd.Timestamp(year=day.year, month=12, day=12)],
                y=[row["_row"]] * 2,
                mode="lines",
                line={"color": color, "width": 10},
                opacity=0.22,
                hoverinfo="skip",
                showlegend=False,
            )
        if row_each:  # the date alone, on the marker's left (nothing else is on its row)
            labels, positions = [row["_when"] for row in lane], ["middle left"] * len(lane)
        else:
            labels = [f"{row['_when']}<br>{row[f'label_{lang}']}" for row in lane]
            positions = ["top center" if i % 2 == 0 else "bottom center" for i in range(len(lane))]
        figure.add_scatter(
            x=[row["_x"] for row in lane],
            y=[row["_row"] for row in lane],
            mode="markers+text",
            marker={
                "size": 16,
                "color": [color if h else "white" for h in held],
                "line": {"color": color, "width": 3},
                "symbol": "circle",
            },
            text=labels,
            textposition=positions,
            textfont={"size": 11},
            cliponaxis=False,
            hovertext=[
                f"{row['_when']} · {row[f'title_{lang}']}"
                + (
                    f"<br>{row[f'format_{lang}']}"
                    if isinstance(row[f"format_{lang}"], str) and row[f"format_{lang}"]
                    else ""
                )
                for row in lane
            ],
            hoverinfo="text",
            showlegend=False,
        )
    dates = [pd.Timestamp(row["date"]) for row in events if pd.notna(row["date"])]
    first, last = min(dates, default=pd.NaT), max(dates, default=pd.NaT)
    # Room on the left for the first event's date, written before its marker, when each has a row.
    before = pd.Timedelta(days=420 if row_each else 200)
    figure.update_xaxes(range=[first - before, last + pd.Timedelta(days=260)], tickformat="%Y", dtick="M12", title=None)
    rows = len(dict.fromkeys(row["_row"] for row in events))
    figure.update_yaxes(range=[rows - 0.4, -0.7] if not row_each else [rows - 0.5, -0.6], title=None)
    figure.add_annotation(
        text=text("chart.planned_hollow", lang),
        xref="paper",
        yref="paper",
        x=1,
        y=1,
        yshift=6,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font={"size": FOOTER_SIZE, "color": MUTED},
    )
    height = 200 + (34 * rows if row_each else 84 * max(len(lanes), 1))
    return briefing_layout(figure, title, subtitle, footer, lang, height=height, title_width=title_width)
