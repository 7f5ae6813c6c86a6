"""The briefing pack: a 16:9 PowerPoint deck and the chart images beside it, from the database alone.

Slides: cover, key points, one slide per key chart with its finding (the chart drawn at the size it is
placed, its text at least 14 pt, the source under it and the evidence in the speaker notes), the key
metrics that have no target yet, the consistency checks with their gaps, and the sources. Every
sentence comes from the narrative templates and every number from the database, the same code the
pages use; nothing is typed by hand and nothing is fetched from the network. Chinese renders on
Windows (Microsoft YaHei) and Linux (Noto Sans CJK).
"""

from __future__ import annotations

import io
import math
import re
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from metrics import chart_catalog, exports, frames, narrative, report
from metrics.charts import older_than, unwrap
from metrics.exports import file_stem, image_name
from metrics.i18n import format_date, has, text
from metrics.reader import Reader
from metrics.registry import DEFAULT_REGION
from metrics.style import ACCENT, CHECK_COLORS, INK, MUTED, STATUS_COLORS, status_label

# The charts of a deck and a Word briefing, in order. The retrofit completion bullet (66 of 100) is
# left out: the pipeline chart shows the same two numbers beside the projects under way, and two
# slides saying 66 of 100 is one too many. Funded projects are a key chart too. The ecosystem has no
# chart: its providers, universities and partnerships are different units (issue 12), shown as tiles.
BRIEFING_CHARTS: dict[str, chart_catalog.Builder] = {
    name: builder for name, builder in chart_catalog.KEY_CHARTS.items() if name != "retrofit_progress"
}
BRIEFING_CHARTS = {
    **{name: BRIEFING_CHARTS[name] for name in ("overview_progress", "diagnosis_progress")},
    **{name: BRIEFING_CHARTS[name] for name in ("retrofit_pipeline", "retrofit_tiers", "funding")},
    "funding_supports": chart_catalog.funding_supports,
    "benchmarks": BRIEFING_CHARTS["benchmarks"],
    "activities_timeline": BRIEFING_CHARTS["activities_timeline"],
}
# Officials open the deck in PowerPoint on Windows, where Microsoft YaHei is installed; elsewhere the
# GB2312 charset hint makes PowerPoint, WPS and LibreOffice pick a Chinese font (Noto Sans CJK here).
DECK_FONT = "Microsoft YaHei"
SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12_192_000), Emu(6_858_000)  # PowerPoint's 16:9 widescreen, 13.33 × 7.5 in
MARGIN = Inches(0.5)
# A chart's picture fills the slide's width under the finding; laid out at 96 px per inch of the slide,
# so one layout pixel is 0.75 pt and text scaled by 1.7 is at least 14 pt (the smallest chart text is 11 px).
PICTURE_TOP, PICTURE_HEIGHT = Inches(2.05), Inches(4.45)
PICTURE_PIXELS = (1184, 427)  # 12.33 × 4.45 in at 96 px per inch
PICTURE_FONT_SCALE = 1.7
MIN_CHART_PT = 14
PICTURE_POINTS_PER_PIXEL = (SLIDE_WIDTH - 2 * MARGIN) / 12700 / PICTURE_PIXELS[0]  # EMU: 12,700 a point
_TITLE_ONLY_LAYOUT, _BLANK_LAYOUT = 5, 6


@dataclass
class Pack:
    """What build_pack wrote: the deck, the chart images, and why images are missing if they are."""

    deck: Path
    images: list[Path]
    images_unavailable: exports.ImagesUnavailable | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def paths(self) -> list[Path]:
        return [self.deck, *self.images]


class SnapshotReader(Reader):
    """A Reader that runs each query once: one consistent view of the database for a whole pack."""

    def __init__(self, base: Reader) -> None:
        super().__init__(base.database, base.as_of)
        self._base = base
        self._results: dict[tuple, pd.DataFrame] = {}

    def fetch(self, name: str, **parameters: object) -> pd.DataFrame:
        key = (name, tuple(sorted(parameters.items())))
        if key not in self._results:
            self._results[key] = self._base.fetch(name, **parameters)
        return self._results[key]


def build_pack(out_dir: Path, lang: str = "zh", region_id: str = DEFAULT_REGION, reader: Reader | None = None) -> Pack:
    """Write the deck and one PNG per key chart into out_dir; without chromium, the deck alone."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    reader = SnapshotReader(reader or Reader())
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pictures = Pictures(
        out_dir, region_id, lang, PICTURE_PIXELS, PICTURE_FONT_SCALE, MIN_CHART_PT / PICTURE_POINTS_PER_PIXEL
    )
    specs = chart_specs(reader, region_id, lang, pictures)
    timings["charts"] = time.perf_counter() - started

    mark = time.perf_counter()
    deck = out_dir / f"{file_stem(region_id, lang)}.pptx"
    build_deck(reader, region_id, lang, specs, pictures, pictures.unavailable).save(deck)
    images = pictures.wait_all()
    timings["deck"] = time.perf_counter() - mark
    timings["waiting for pictures"] = pictures.waited
    timings["total"] = time.perf_counter() - started
    return Pack(deck, list(images.values()), pictures.unavailable, timings)


def chart_specs(
    reader: Reader, region_id: str, lang: str, pictures: Pictures | None = None
) -> list[chart_catalog.ChartSpec]:
    """The briefing's charts that have something to draw, in order; each one's picture is queued with
    `pictures` as soon as it is built, so the browser draws it while the next chart is built."""
    specs = []
    for build in BRIEFING_CHARTS.values():
        spec = build(reader, region_id, lang)
        if not spec:
            continue
        for each in spec.parts() if spec.parts is not None else [spec]:  # a crowded chart, in parts
            specs.append(each)
            if pictures is not None:
                pictures.add(each)
    return specs


class Pictures:
    """A briefing's chart pictures: each is queued with the image browser as soon as its chart is built
    (`add`) and waited for only where the deck or the document places it (`get`), so building the other
    charts and the document overlaps the drawing. Where images cannot be made, `unavailable` says why."""

    def __init__(
        self,
        out_dir: Path,
        region_id: str,
        lang: str,
        pixels: tuple[int, int],
        font_scale: float,
        min_text_px: float | None = None,
    ) -> None:
        self.out_dir, self.region_id, self.lang = Path(out_dir), region_id, lang
        self.pixels, self.font_scale, self.min_text_px = pixels, font_scale, min_text_px
        self.unavailable: exports.ImagesUnavailable | None = exports.availability()
        self.waited = 0.0  # seconds spent waiting for the browser
        self._order: list[str] = []
        self._pending: dict[str, exports.PendingPng] = {}
        self._done: dict[str, Path] = {}

    def add(self, spec: chart_catalog.ChartSpec) -> None:
        """Queue the chart's picture (without its title and footer: the slide or page states them)."""
        if self.unavailable is not None:
            return
        try:
            figure = picture_figure(spec, self.min_text_px)
            width, height = self.pixels
            self._pending[spec.name] = exports.figure_png_later(figure, width, height, 2, self.font_scale)
            self._order.append(spec.name)
        except exports.ImagesUnavailable as problem:
            self.unavailable = problem

    def get(self, name: str) -> Path | None:
        """The chart's PNG file once the browser has drawn it; None when it has none."""
        if name in self._done:
            return self._done[name]
        pending = self._pending.pop(name, None)
        if pending is None:
            return None
        started = time.perf_counter()
        try:
            data = pending.result()
        except exports.ImagesUnavailable as problem:
            self.unavailable = problem
            return None
        finally:
            self.waited += time.perf_counter() - started
        path = self.out_dir / image_name(name, self.region_id, self.lang)
        path.write_bytes(data)
        self._done[name] = path
        return path

    def wait_all(self) -> dict[str, Path]:
        """Every picture, in the charts' order, once drawn."""
        found = {name: self.get(name) for name in self._order}
        return {name: path for name, path in found.items() if path is not None}


def render_images(
    specs: list[chart_catalog.ChartSpec],
    out_dir: Path,
    region_id: str,
    lang: str,
    pixels: tuple[int, int],
    font_scale: float,
) -> tuple[dict[str, Path], exports.ImagesUnavailable | None]:
    """Each chart without its title and footer (the slide or page states them) as a PNG laid out at
    `pixels` with its text scaled by `font_scale`; none, and why, where images cannot be made."""
    pictures = Pictures(out_dir, region_id, lang, pixels, font_scale)
    for spec in specs:
        pictures.add(spec)
    return pictures.wait_all(), pictures.unavailable


def picture_figure(spec: chart_catalog.ChartSpec, min_text_px: float | None = None):
    """The figure a briefing's picture draws, before its fonts are scaled: the bare chart, and where
    `min_text_px` is given, bar text never shrunk below it (plotly shrinks a label to fit its bar: the
    tiers' names inside their bars came out at 10–12 pt on the slide); a label too long for its bar
    shows at that size instead, and the chart's picture layout keeps long names out of its bars."""
    figure = bare_figure(spec.picture_figure())
    if min_text_px is not None:
        figure.layout.uniformtext = {"minsize": min_text_px, "mode": "show"}
    return figure


def bare_figure(figure):
    """The chart without its title and its date-and-source footer, which the slide or the page states
    beside it: the slide's headline is not said twice. What the title's subtitle explains (the markers)
    stays, as the figure's only title line."""
    copy = type(figure)(figure)
    layout = copy.layout
    subtitle = layout.title.subtitle.text or ""
    layout.title.text = subtitle
    layout.title.subtitle.text = None
    if subtitle:
        layout.title.font.size = layout.title.subtitle.font.size or layout.font.size
        layout.title.font.color = MUTED
        # plotly hangs a title of several lines from its top by its first line only: room for the others
        layout.title.pad.t = 6 + subtitle.count("<br>") * layout.title.font.size * 0.65
    layout.annotations = [note for note in layout.annotations if note.name != "footer"]
    legend = any(trace.showlegend is not False for trace in copy.data) and len(copy.data) > 1
    lines = subtitle.count("<br>") + 1 if subtitle else 0  # a key under the words (the tiers' names)
    layout.margin.t = 16 + 26 * lines + (28 if legend else 0) + (18 if _top_note(layout) else 0)
    layout.margin.b = 16
    layout.height = None
    return copy


def _top_note(layout) -> bool:
    return any(note.yanchor == "bottom" and note.y == 1 for note in layout.annotations)


def figure_source(figure) -> str:
    """The chart's date-and-source line, as its footer states it, on one line."""
    for note in figure.layout.annotations:
        if note.name == "footer":
            return note.text.replace("<br>", " ").replace("  ", " ")
    return ""


def smallest_font(figure) -> float:
    """The smallest text size in a figure, in layout pixels: every font it sets and inline span sizes."""
    sizes = [figure.layout.font.size or 12]

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("font", "textfont", "tickfont", "insidetextfont", "outsidetextfont") and isinstance(
                    item, dict
                ):
                    size = item.get("size")
                    sizes.extend(size if isinstance(size, list) else [size] if size else [])
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            sizes.extend(float(found) for found in _INLINE_SIZE.findall(value))

    walk(figure.to_plotly_json())
    return min(float(size) for size in sizes)


_INLINE_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")


def evidence_lines(reader: Reader, spec: chart_catalog.ChartSpec, lang: str) -> list[str]:
    """Where a chart's numbers come from, one line per figure it draws: the figure, the source's words,
    section, document and date; a recorded figure, its record's source and date. The lines cite the
    chart's own figures (spec.figures), so they never state another document's or a newer date's."""
    if spec.events is not None:  # a chart of events: each event's words and the document stating them
        documents = report.source_names(reader.fetch("sources"), lang)
        rows = [
            {
                "label": row[f"title_{lang}"],
                "evidence": row["evidence"],
                "section": row["section"],
                "date": format_date(row["date"], lang, row.get("date_precision") or "day"),
                "source": documents.get(row["source_id"], "—"),
            }
            for row in spec.events
            if isinstance(row.get("evidence"), str) and row["evidence"]
        ]
        return [text("brief.evidence_event", lang, **row) for row in rows]
    if spec.figures is None:
        return []
    return [figure_evidence(row, lang) for row in frames.rows(spec.figures)]


def figure_evidence(row: dict, lang: str) -> str:
    """One figure's line in a slide's notes: what it is, its value, and where and when the source says it."""
    meta = {"unit": row["unit"], "unit_en": row.get("unit_en") or ""}
    derivation = row.get("derivation") if isinstance(row.get("derivation"), str) else None
    fields = {
        "label": row[f"label_{lang}"],
        "value": narrative.value_words(row["value"], meta, row["qualifier"], lang, derivation),
        "source": row[f"source_{lang}"] if isinstance(row.get(f"source_{lang}"), str) else "—",
        "date": format_date(row["as_of"], lang),
    }
    evidence, section = row.get("evidence"), row.get("section")
    if not isinstance(evidence, str) or not evidence:
        return text("brief.evidence_record", lang, **fields)
    return text("brief.evidence_figure", lang, evidence=evidence, section=section or "—", **fields)


def summary_rows(progress: pd.DataFrame, lang: str, as_of: object = None) -> list[list]:
    """The key-figures table: metric, figure (the newest, or the older one a target is judged on, dated),
    target, percent done, (status, word) per target. A newest figure older than `as_of` (the date the
    briefing states for its data) is dated too: 40亿元（2021年7月13日） beside figures of December."""
    rows = []
    for card in report.cards(progress, lang):
        value = card.value
        if older_than(card.as_of, as_of):
            value = _dated_cell(card.value, format_date(card.as_of, lang))
        for line in card.targets or [None]:
            if line is None:
                rows.append([card.label, value, "—", "—", ("no_target", status_label("no_target", lang))])
                continue
            target = f"{line.horizon}{text('deck.colon', lang)}{line.target}"
            # The figure the percent is of: the card's newest, or the line's own with its date.
            figure = _dated_cell(line.figure, line.figure_date) if line.figure else value
            rows.append([card.label, figure, target, line.percent, (line.status, line.status_text)])
    return rows


def _dated_cell(value: str, date: str) -> str:
    """A figure and, on a line of its own, its date: '40亿元\n2021年7月13日'. In brackets after the figure,
    the date broke in two in a narrow column."""
    return f"{value}\n{date}"


def checks_lead(checks: pd.DataFrame, lang: str) -> str:
    """The checks in one or two sentences, each mismatch with its gap."""
    if checks.empty:
        return text("deck.checks_none", lang)
    return narrative.checks_summary(frames.rows(checks), lang)


def check_rows(checks: pd.DataFrame, lang: str) -> list[list]:
    """The checks table, mismatches first: check, parts, computed, stated, gap, (status, word)."""
    ordered = pd.concat([checks[checks["status"] == "mismatch"], checks[checks["status"] != "mismatch"]])
    return [
        [
            check[f"label_{lang}"],
            check[f"parts_{lang}"],
            _number(check["computed"]),
            _number(check["expected"]),
            _number(check["gap"], signed=True),
            (check["status"], text(f"check.{check['status']}", lang)),
        ]
        for check in frames.rows(ordered)
    ]


def cited_sources(reader: Reader, region_id: str) -> pd.DataFrame:
    """The documents a briefing of the region draws on: those of its figures, of the targets beside them
    and of the activities it shows. Not every document on file: a county's report is not a source of the
    city's briefing, nor the reply of a county's."""
    cited = set(reader.figures(region_id)["source_id"].dropna())  # a record's own words match no document
    cited |= set(reader.progress(region_id)["target_source"].dropna())
    cited |= set(reader.events(region_id)["source_id"])
    sources = reader.fetch("sources")
    return sources[sources["source_id"].isin(cited)]


def source_lines(sources: pd.DataFrame, figures: pd.DataFrame, meta: pd.DataFrame, lang: str) -> list[str]:
    """The source documents, then how many figures and which data version the briefing was made from."""
    lines = [report.document_text(source, lang) for source in frames.rows(sources)]
    version = dict(zip(meta["key"], meta["value"], strict=True)).get("data_version", "")
    lines.append(figures_line(figures, lang))
    lines.append(text("deck.sources_generated", lang, version=version[:12]))
    return lines


def figures_line(figures: pd.DataFrame, lang: str) -> str:
    """How many figures the briefing draws on, and only as much as is true of them: recorded progress has
    no document words and the reply is not the only document."""
    worded = int(figures["evidence"].map(lambda words: isinstance(words, str) and bool(words.strip())).sum())
    if worded == len(figures):
        return text("deck.sources_figures", lang, count=len(figures))
    return text(
        "deck.sources_figures_some_unworded", lang, count=len(figures), worded=worded, unworded=len(figures) - worded
    )


def slide_finding(spec: chart_catalog.ChartSpec, points: list[str]) -> str:
    """What a chart's slide states under its title: its finding, or, where the finding says a key point
    already on the key points slide (the overview's, the diagnosis sentence), the chart's own title."""
    finding = unwrap(spec.finding)
    if any(point in finding for point in points):
        return unwrap(spec.figure.layout.title.text)
    return finding


def chart_title(spec: chart_catalog.ChartSpec, lang: str) -> str:
    """A chart's short name, the slide's title and the Word section's heading; a part's, with its number."""
    name = spec.part_of or spec.name
    title = text(f"deck.chart.{name}", lang) if has(f"deck.chart.{name}") else name
    if spec.part is None:
        return title
    return text("deck.chart_part", lang, title=title, number=spec.part[0], count=spec.part[1])


def pack_zip(lang: str = "zh", region_id: str = DEFAULT_REGION, reader: Reader | None = None) -> bytes:
    """The deck and the chart images in one zip, for the dashboard's download button."""
    with tempfile.TemporaryDirectory(prefix="briefing-") as folder:
        pack = build_pack(Path(folder), lang, region_id, reader)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in pack.paths:
                archive.write(path, path.name)
        return buffer.getvalue()


# --- the deck --------------------------------------------------------------------------------------


def build_deck(
    reader: Reader,
    region_id: str,
    lang: str,
    specs: list[chart_catalog.ChartSpec],
    images,
    unavailable: exports.ImagesUnavailable | None = None,
):
    """The presentation: cover, key points, one slide per chart, metrics without a target, checks, sources."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    # python-pptx's template calls its slide size screen4x3; a 13.33 × 7.5 in slide is 16:9 (no type).
    deck.part._element.find(qn("p:sldSz")).attrib.pop("type", None)  # noqa: SLF001
    region = reader.region(region_id)
    figures = reader.figures(region_id)
    as_of = pd.to_datetime(figures["as_of"]).max() if not figures.empty else None
    context = _Deck(deck, lang, region, as_of)

    context.cover()
    progress = reader.progress(region_id)
    checks = reader.checks()
    checks = checks[checks["region_id"].isin(reader.in_view(region_id))]
    points = report.key_points(progress, checks.iloc[0:0], region, lang)  # the checks have their own slide
    context.key_points(points)
    for spec in specs:
        notes = evidence_lines(reader, spec, lang)
        image = images.get(spec.name)  # Pictures waits here for the browser to finish this one
        unavailable = getattr(images, "unavailable", None) or unavailable
        context.chart(spec, image, unavailable, notes, slide_finding(spec, points))
    context.untargeted(progress, any("overview_progress" in (spec.name, spec.part_of) for spec in specs))
    context.checks(checks)
    context.sources(cited_sources(reader, region_id), figures, reader.fetch("meta"))
    return deck


@dataclass
class _Deck:
    deck: object
    lang: str
    region: dict
    as_of: object

    def t(self, key: str, /, **fields: object) -> str:
        return text(key, self.lang, **fields)

    @property
    def date_words(self) -> str:
        return format_date(self.as_of, self.lang)

    def _slide(self, title: str):
        slide = self.deck.slides.add_slide(self.deck.slide_layouts[_TITLE_ONLY_LAYOUT])
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.3), SLIDE_WIDTH - 2 * MARGIN, Inches(0.8)
        _set_text(shape.text_frame, title, 28, bold=True, color=INK)
        shape.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        # The slide's foot: who and as of when, and the page number, on every content slide.
        number = len(self.deck.slides)
        foot = self.t("deck.footer", department=self.t("app.department"), date=self.date_words)
        _textbox(slide, MARGIN, Inches(7.05), Inches(10), Inches(0.3), foot, 11, color=MUTED)
        _textbox(
            slide,
            SLIDE_WIDTH - MARGIN - Inches(1),
            Inches(7.05),
            Inches(1),
            Inches(0.3),
            str(number),
            11,
            color=MUTED,
            align=PP_ALIGN.RIGHT,
        )
        return slide

    def cover(self) -> None:
        slide = self.deck.slides.add_slide(self.deck.slide_layouts[_BLANK_LAYOUT])
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Inches(2.3), SLIDE_WIDTH, Inches(2.2))
        band.fill.solid()
        band.fill.fore_color.rgb = _rgb(ACCENT)
        band.line.fill.background()
        title = self.t("deck.title", region=self.region[f"name_{self.lang}"])
        _set_text(band.text_frame, title, 40, bold=True, color="#ffffff")
        band.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
        band.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        _textbox(
            slide,
            MARGIN,
            Inches(4.8),
            SLIDE_WIDTH - 2 * MARGIN,
            Inches(0.6),
            self.t("app.department"),
            24,
            color=INK,
            align=PP_ALIGN.CENTER,
        )
        _textbox(
            slide,
            MARGIN,
            Inches(5.5),
            SLIDE_WIDTH - 2 * MARGIN,
            Inches(0.5),
            self.t("deck.as_of", date=self.date_words),
            18,
            color=MUTED,
            align=PP_ALIGN.CENTER,
        )

    def key_points(self, points: list[str]) -> None:
        """The Overview's key points, one paragraph each: what a presenter says first."""
        slide = self._slide(self.t("overview.summary"))
        box = _textbox(slide, MARGIN, Inches(1.3), SLIDE_WIDTH - 2 * MARGIN, Inches(5.5), "", 18, color=INK)
        size = 18 if sum(len(point) for point in points) < 420 else 16
        for index, point in enumerate(points):
            paragraph = box.text_frame.paragraphs[0] if index == 0 else box.text_frame.add_paragraph()
            paragraph.space_before = Pt(0 if index == 0 else 12)
            _style_run(paragraph.add_run(), f"■ {point}" if self.lang == "zh" else f"• {point}", size, color=INK)

    def untargeted(self, progress: pd.DataFrame, progress_slide: bool) -> None:
        """The key metrics with no target yet; the lead points to the targeted ones' slide only when the
        deck has it (a county whose report sets no target has none)."""
        rows = [
            row[:2] + [row[-1]] for row in summary_rows(progress, self.lang, self.as_of) if row[-1][0] == "no_target"
        ]
        if not rows:
            return
        slide = self._slide(self.t("brief.untargeted_title"))
        lead = self.t("brief.untargeted_lead" if progress_slide else "brief.untargeted_lead_all")
        _textbox(slide, MARGIN, Inches(1.1), SLIDE_WIDTH - 2 * MARGIN, Inches(0.6), lead, 16)
        headers = [self.t(f"deck.column.{name}") for name in ("metric", "value", "status")]
        _table(
            slide, Inches(1.8), headers, rows, [6.8, 3.0, 2.53], STATUS_COLORS, font_size=16 if len(rows) <= 9 else 14
        )

    def chart(
        self, spec: chart_catalog.ChartSpec, image: Path | None, unavailable, notes: list[str], finding: str
    ) -> None:
        slide = self._slide(chart_title(spec, self.lang))
        width = SLIDE_WIDTH - 2 * MARGIN
        size = _finding_size(finding)
        _textbox(slide, MARGIN, Inches(1.05), width, Inches(0.95), finding, size, color=INK)
        source = figure_source(spec.figure)
        _textbox(slide, MARGIN, PICTURE_TOP + PICTURE_HEIGHT + Inches(0.05), width, Inches(0.4), source, 12, MUTED)
        # The presenter's answer to "where does this number come from": the source's own words.
        _notes(slide, [unwrap(spec.finding), "", self.t("brief.notes_evidence"), *notes, "", source])
        if image is None:
            message = unavailable.message(self.lang) if unavailable else self.t("deck.no_image")
            _textbox(slide, MARGIN, PICTURE_TOP, width, Inches(1), message, 16, color=MUTED)
            return
        slide.shapes.add_picture(str(image), MARGIN, PICTURE_TOP, width, PICTURE_HEIGHT)

    def checks(self, checks: pd.DataFrame) -> None:
        slide = self._slide(self.t("deck.checks_title"))
        lead = checks_lead(checks, self.lang)
        _textbox(slide, MARGIN, Inches(1.1), SLIDE_WIDTH - 2 * MARGIN, Inches(0.95), lead, 16, color=INK)
        rows = check_rows(checks, self.lang)
        headers = [self.t(f"deck.column.{name}") for name in ("check", "parts", "computed", "stated", "gap", "result")]
        if rows:
            _table(slide, Inches(2.15), headers, rows, [2.9, 4.3, 1.3, 1.2, 1.0, 1.63], CHECK_COLORS, font_size=12)

    def sources(self, sources: pd.DataFrame, figures: pd.DataFrame, meta: pd.DataFrame) -> None:
        slide = self._slide(self.t("page.sources"))
        lines = source_lines(sources, figures, meta, self.lang)
        box = _textbox(slide, MARGIN, Inches(1.3), SLIDE_WIDTH - 2 * MARGIN, Inches(5.4), lines[0], 18, color=INK)
        for line in lines[1:]:
            paragraph = box.text_frame.add_paragraph()
            paragraph.space_before = Pt(14)
            _style_run(paragraph.add_run(), line, 16, color=MUTED)


# --- python-pptx helpers ---------------------------------------------------------------------------


def _notes(slide, lines: list[str]) -> None:
    """Speaker notes, one paragraph a line."""
    frame = slide.notes_slide.notes_text_frame
    frame.text = "\n".join(lines)


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def _style_run(run, value: str, size: float, bold: bool = False, color: str = INK) -> None:
    """Text, size, colour and fonts of a run, with the East Asian font set so Chinese renders."""
    run.text = value
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = _rgb(color)
    font.name = DECK_FONT  # a:latin
    properties = run._r.get_or_add_rPr()
    for old in properties.findall(qn("a:ea")):
        properties.remove(old)
    east_asian = etree.SubElement(properties, qn("a:ea"))
    east_asian.set("typeface", DECK_FONT)
    east_asian.set("charset", "-122")  # GB2312
    properties.find(qn("a:latin")).addnext(east_asian)  # schema order: latin, ea, cs


def _set_text(frame, value: str, size: float, bold: bool = False, color: str = INK) -> None:
    """The text as styled runs; each "\n" a line break within the paragraph (a table cell's dated figure)."""
    frame.clear()
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    for index, line in enumerate(value.split("\n")):
        if index:
            paragraph.add_line_break()
        _style_run(paragraph.add_run(), line, size, bold, color)


def _textbox(slide, left, top, width, height, value: str, size: float, color: str = INK, align=None):
    box = slide.shapes.add_textbox(left, top, width, height)
    _set_text(box.text_frame, value, size, color=color)
    if align is not None:
        box.text_frame.paragraphs[0].alignment = align
    return box


def _finding_size(finding: str, width_pt: float = 888, height_pt: float = 68) -> int:
    """The largest type at which a finding fits its box under the title (12.3 × 0.95 in)."""
    # Width in ems: a Chinese character is one; Latin letters about 0.6 in the wide fallback fonts.
    ems = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in finding)
    for size in (18, 16, 14, 12):
        lines = math.ceil(ems * size / width_pt)
        if lines * size * 1.3 <= height_pt:
            return size
    return 11


def _table(slide, top, headers: list[str], rows: list[list], widths: list[float], colors: dict, font_size: int):
    """A table whose last column is a status: its word on its colour, white text."""
    shape = slide.shapes.add_table(
        len(rows) + 1, len(headers), MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, Inches(0.4) * (len(rows) + 1)
    )
    table = shape.table
    for index, width in enumerate(widths):
        table.columns[index].width = Inches(width)
    for column, header in enumerate(headers):
        cell = table.cell(0, column)
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(ACCENT)
        _set_text(cell.text_frame, header, font_size, bold=True, color="#ffffff")
    for row_index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            cell = table.cell(row_index, column)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.fill.solid()
            if isinstance(value, tuple):  # (status, word)
                status, word = value
                cell.fill.fore_color.rgb = _rgb(colors.get(status, MUTED))
                _set_text(cell.text_frame, word, font_size, bold=True, color="#ffffff")
                cell.text_frame.paragraphs[0].alignment = PP_ALIGN.CENTER
            else:
                cell.fill.fore_color.rgb = _rgb("#ffffff" if row_index % 2 else "#f3f6fa")
                _set_text(cell.text_frame, str(value), font_size, color=INK)
    return table


def _number(value: float, signed: bool = False) -> str:
    if value is None or value != value:
        return "—"
    plain = f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"+{plain}" if signed and value > 0 else plain
