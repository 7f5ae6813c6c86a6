"""The briefing pack: a 16:9 PowerPoint deck and the chart images beside it, from the database alone.

Slides: cover, key metrics against their targets, one slide per key chart with its finding, the
consistency checks with their gaps, and the sources. Every sentence comes from the narrative templates
and every number from the database, the same code the pages use; nothing is typed by hand and nothing
is fetched from the network. Chinese renders on Windows (Microsoft YaHei) and Linux (Noto Sans CJK).
"""

from __future__ import annotations

import io
import math
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

from metrics import chart_catalog, exports, narrative, report
from metrics.exports import file_stem, image_name
from metrics.i18n import format_date, has, text
from metrics.reader import Reader
from metrics.registry import DEFAULT_REGION
from metrics.style import ACCENT, CHECK_COLORS, INK, MUTED, STATUS_COLORS, status_label

# Officials open the deck in PowerPoint on Windows, where Microsoft YaHei is installed; elsewhere the
# GB2312 charset hint makes PowerPoint, WPS and LibreOffice pick a Chinese font (Noto Sans CJK here).
DECK_FONT = "Microsoft YaHei"
SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12_192_000), Emu(6_858_000)  # PowerPoint's 16:9 widescreen, 13.33 × 7.5 in
MARGIN = Inches(0.5)
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
    specs = [spec for build in chart_catalog.KEY_CHARTS.values() if (spec := build(reader, region_id, lang))]
    timings["charts"] = time.perf_counter() - started

    mark = time.perf_counter()
    images: dict[str, Path] = {}
    unavailable = exports.availability()
    if unavailable is None:
        try:
            for spec in specs:
                path = out_dir / image_name(spec.name, region_id, lang)
                path.write_bytes(exports.figure_png(spec.figure))
                images[spec.name] = path
        except exports.ImagesUnavailable as problem:
            unavailable = problem
    timings["images"] = time.perf_counter() - mark

    mark = time.perf_counter()
    deck = out_dir / f"{file_stem(region_id, lang)}.pptx"
    build_deck(reader, region_id, lang, specs, images, unavailable).save(deck)
    timings["deck"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return Pack(deck, list(images.values()), unavailable, timings)


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
    images: dict[str, Path],
    unavailable: exports.ImagesUnavailable | None = None,
):
    """The presentation: cover, summary, one slide per chart, checks, sources."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    region = reader.region(region_id)
    figures = reader.figures(region_id)
    as_of = pd.to_datetime(figures["as_of"]).max() if not figures.empty else None
    context = _Deck(deck, lang, region, as_of)

    context.cover()
    context.summary(reader.progress(region_id), specs)
    for spec in specs:
        context.chart(spec, images.get(spec.name), unavailable)
    checks = reader.fetch("all_checks")
    context.checks(checks[checks["region_id"].isin(reader.in_view(region_id))])
    context.sources(reader.fetch("sources"), figures, reader.fetch("meta"))
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

    def summary(self, progress: pd.DataFrame, specs: list[chart_catalog.ChartSpec]) -> None:
        slide = self._slide(self.t("deck.summary_title"))
        overview = next((spec for spec in specs if spec.name == "overview_progress"), None)
        top = Inches(1.2)
        if overview is not None:
            headline = overview.figure.layout.title.text.replace("<br>", "")
            _textbox(slide, MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, Inches(0.5), headline, 18, color=INK)
            top = Inches(1.8)
        rows = []
        for card in report.cards(progress, self.lang):
            targets = card.targets or [None]
            for line in targets:
                if line is None:
                    rows.append([card.label, card.value, "—", "—", ("no_target", status_label("no_target", self.lang))])
                    continue
                target = f"{line.horizon}{self.t('deck.colon')}{line.target}"
                rows.append([card.label, card.value, target, line.percent, (line.status, line.status_text)])
        headers = [self.t(f"deck.column.{name}") for name in ("metric", "value", "target", "percent", "status")]
        widths = [3.6, 1.7, 4.4, 1.1, 1.53]
        _table(slide, top, headers, rows, widths, STATUS_COLORS, font_size=13 if len(rows) <= 10 else 11)

    def chart(self, spec: chart_catalog.ChartSpec, image: Path | None, unavailable) -> None:
        slide = self._slide(self.t(f"deck.chart.{spec.name}") if has(f"deck.chart.{spec.name}") else spec.name)
        finding = spec.finding.replace("<br>", "")
        width = SLIDE_WIDTH - 2 * MARGIN
        size = _finding_size(finding)
        _textbox(slide, MARGIN, Inches(1.1), width, Inches(0.95), finding, size, color=INK)
        top, bottom = Inches(2.1), Inches(7.0)
        if image is None:
            message = unavailable.message(self.lang) if unavailable else self.t("deck.no_image")
            _textbox(slide, MARGIN, top, width, Inches(1), message, 16, color=MUTED)
            return
        height = bottom - top
        picture_width = Emu(int(height * 16 / 9))
        slide.shapes.add_picture(str(image), Emu(int((SLIDE_WIDTH - picture_width) / 2)), top, picture_width, height)

    def checks(self, checks: pd.DataFrame) -> None:
        slide = self._slide(self.t("deck.checks_title"))
        mismatches = checks[checks["status"] == "mismatch"]
        if checks.empty:
            lead = self.t("deck.checks_none")
        elif mismatches.empty:
            lead = self.t("overview.checks_all_consistent", count=len(checks))
        else:
            lead = (
                self.t("overview.checks_mismatch", count=len(checks), mismatches=len(mismatches))
                + self.t("sentence.semicolon").join(
                    narrative.check_sentence(check, self.lang) for check in mismatches.to_dict("records")
                )
                + self.t("sentence.end")
            )
        _textbox(slide, MARGIN, Inches(1.1), SLIDE_WIDTH - 2 * MARGIN, Inches(0.95), lead, 16, color=INK)
        rows = []
        ordered = pd.concat([mismatches, checks[checks["status"] != "mismatch"]])
        for check in ordered.to_dict("records"):
            rows.append(
                [
                    check[f"label_{self.lang}"],
                    check[f"parts_{self.lang}"],
                    _number(check["computed"]),
                    _number(check["expected"]),
                    _number(check["gap"], signed=True),
                    (check["status"], self.t(f"check.{check['status']}")),
                ]
            )
        headers = [self.t(f"deck.column.{name}") for name in ("check", "parts", "computed", "stated", "gap", "result")]
        if rows:
            _table(slide, Inches(2.15), headers, rows, [2.9, 4.6, 1.0, 1.2, 1.0, 1.63], CHECK_COLORS, font_size=11)

    def sources(self, sources: pd.DataFrame, figures: pd.DataFrame, meta: pd.DataFrame) -> None:
        slide = self._slide(self.t("page.sources"))
        lang = self.lang
        lines = [report.document_text(source, lang) for source in sources.to_dict("records")]
        version = dict(zip(meta["key"], meta["value"], strict=True)).get("data_version", "")
        lines.append(self.t("deck.sources_figures", count=len(figures)))
        lines.append(self.t("deck.sources_generated", version=version[:12]))
        box = _textbox(slide, MARGIN, Inches(1.3), SLIDE_WIDTH - 2 * MARGIN, Inches(5.4), lines[0], 18, color=INK)
        for line in lines[1:]:
            paragraph = box.text_frame.add_paragraph()
            paragraph.space_before = Pt(14)
            _style_run(paragraph.add_run(), line, 16, color=MUTED)


# --- python-pptx helpers ---------------------------------------------------------------------------


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
    frame.clear()
    frame.word_wrap = True
    _style_run(frame.paragraphs[0].add_run(), value, size, bold, color)


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
