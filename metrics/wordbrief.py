"""The Word briefing (简报): an A4 document in the form a government briefing takes, from the database alone.

Masthead, issuing unit and data date over a red rule, the title, then numbered sections: 一、总体情况
(the Overview's key points), 二、主要指标完成情况 (value / target / percent / status, each status in its
word on its colour), 三、重点工作进展 (one part per key chart: its finding, the chart as a picture with
caption and source), 四、数据一致性核对, 五、数据来源. The sentences and numbers are the deck's
(metrics.briefing, metrics.narrative, metrics.report); nothing here words a finding of its own.

Fonts follow the usual government layout: 黑体 section heads, 楷体 sub-heads, 仿宋 body, 宋体 tables and
title, each run naming its East Asian font (w:eastAsia) so Word and WPS use it, with Times New Roman
for Latin letters and digits. Where a named font is absent (LibreOffice on Linux) the Noto CJK fonts
stand in. The PDF is the same document converted by LibreOffice headless, where it is installed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from metrics import briefing, exports, report
from metrics.charts import unwrap
from metrics.i18n import format_date, text
from metrics.numbers import chinese_ordinal
from metrics.reader import Reader
from metrics.registry import DEFAULT_REGION
from metrics.style import CHECK_COLORS, MUTED, STATUS_COLORS

# A4 with the margins of the national standard for official documents (GB/T 9704): 15.6 cm of text.
PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
TEXT_WIDTH = PAGE_WIDTH - MARGINS["left"] - MARGINS["right"]
# Charts laid out 1000 px wide for 15.6 cm (0.44 pt a pixel), text ×1.45: at least 7 pt on paper, the
# axis and bar labels 9 pt, as a printed chart's labels are; wider type squeezes the bars off the page.
PICTURE_PIXELS = (1000, 520)
PICTURE_FONT_SCALE = 1.45
MIN_CHART_PT = 7
PICTURE_POINTS_PER_PIXEL = TEXT_WIDTH / 12700 / PICTURE_PIXELS[0]  # EMU: 12,700 a point

LATIN_FONT = "Times New Roman"
FONTS = {  # role → East Asian font, per language (English text keeps Chinese quotes in 宋体)
    "zh": {"body": "仿宋", "heading": "黑体", "subheading": "楷体", "title": "宋体", "table": "宋体"},
    "en": {"body": "宋体", "heading": "宋体", "subheading": "宋体", "title": "宋体", "table": "宋体"},
}
SIZES = {"masthead": 30, "title": 22, "heading": 16, "subheading": 16, "body": 16, "table": 11, "caption": 12}
EN_SIZES = {**SIZES, "masthead": 26, "title": 20, "heading": 14, "subheading": 13, "body": 12}
RED = "C00000"
PDF_HINT = "apt-get install -y libreoffice-writer"


@dataclass
class WordBriefing:
    """What write_briefing wrote: the document (and the PDF when asked and possible), and timings."""

    docx: Path
    pdf: Path | None = None
    images: int = 0
    images_unavailable: exports.ImagesUnavailable | None = None
    pdf_problem: str = ""
    seconds: dict[str, float] = field(default_factory=dict)


def docx_name(region_id: str, lang: str) -> str:
    """'briefing_huangshi_zh.docx'."""
    return f"{exports.file_stem(region_id, lang)}.docx"


def write_briefing(
    out_dir: Path, lang: str = "zh", region_id: str = DEFAULT_REGION, reader: Reader | None = None, pdf: bool = False
) -> WordBriefing:
    """Write the Word briefing into out_dir, and its PDF too when `pdf` and LibreOffice is installed."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    reader = briefing.SnapshotReader(reader or Reader())
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wordbrief-") as folder:
        pictures = briefing.Pictures(
            Path(folder), region_id, lang, PICTURE_PIXELS, PICTURE_FONT_SCALE, MIN_CHART_PT / PICTURE_POINTS_PER_PIXEL
        )
        specs = briefing.chart_specs(reader, region_id, lang, pictures)
        timings["charts"] = time.perf_counter() - started
        mark = time.perf_counter()
        path = out_dir / docx_name(region_id, lang)
        # The document is written while the browser draws: each picture is waited for where it goes.
        build_document(reader, region_id, lang, specs, pictures, pictures.unavailable).save(path)
        timings["document"] = time.perf_counter() - mark
        timings["waiting for pictures"] = pictures.waited
        images = pictures.wait_all()
    result = WordBriefing(path, images=len(images), images_unavailable=pictures.unavailable)
    if pdf:
        mark = time.perf_counter()
        result.pdf, result.pdf_problem = to_pdf(path, lang)
        timings["pdf"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    result.seconds = timings
    return result


def docx_bytes(lang: str = "zh", region_id: str = DEFAULT_REGION, reader: Reader | None = None) -> bytes:
    """The Word briefing as bytes, for the dashboard's download button."""
    with tempfile.TemporaryDirectory(prefix="wordbrief-out-") as folder:
        return write_briefing(Path(folder), lang, region_id, reader).docx.read_bytes()


def soffice_path() -> str | None:
    """LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path, lang: str) -> tuple[Path | None, str]:
    """The document converted to PDF beside it by LibreOffice headless; or None and what to install."""
    command = soffice_path()
    if command is None:
        return None, text("brief.pdf_unavailable", lang, path=docx)
    with tempfile.TemporaryDirectory(prefix="wordbrief-profile-") as profile:
        # A profile of its own: a LibreOffice the user has open would otherwise take the job and ignore it.
        arguments = [command, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"]
        try:
            done = subprocess.run(
                [*arguments, "--outdir", str(docx.parent), str(docx)], capture_output=True, text=True, timeout=180
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return None, text("brief.pdf_failed", lang, detail=f"{type(error).__name__}: {error}")
    pdf = docx.with_suffix(".pdf")
    if done.returncode != 0 or not pdf.exists():
        return None, text("brief.pdf_failed", lang, detail=(done.stderr or done.stdout).strip()[:300])
    return pdf, ""


# --- the document ----------------------------------------------------------------------------------


def build_document(
    reader: Reader,
    region_id: str,
    lang: str,
    specs: list,
    images,
    unavailable: exports.ImagesUnavailable | None = None,
):
    """The briefing as a python-docx Document; `images` maps a chart's name to its PNG (a dict, or
    briefing.Pictures, which waits for each picture here)."""
    region = reader.region(region_id)
    figures = reader.figures(region_id)
    as_of = pd.to_datetime(figures["as_of"]).max() if not figures.empty else None
    progress = reader.progress(region_id)
    checks = reader.checks()
    checks = checks[checks["region_id"].isin(reader.in_view(region_id))]
    writer = _Writer(Document(), lang)
    writer.setup()
    writer.masthead(text("app.department", lang), format_date(as_of, lang) if as_of is not None else "")
    writer.title(text("brief.doc_title", lang, region=region[f"name_{lang}"]))

    writer.heading(text("brief.section.overview", lang))
    points = report.key_points(progress, checks.iloc[0:0], region, lang)  # the checks have their own section
    for point in points:
        writer.body(point)

    writer.heading(text("brief.section.figures", lang))
    writer.caption(text("brief.table_caption", lang, number=1, title=text("deck.summary_title", lang)), above=True)
    headers = [text(f"deck.column.{name}", lang) for name in ("metric", "figure", "target", "percent", "status")]
    # 完成 holds a lower bound's percent on one line (≥133.3%); 数值 still holds 2021年7月13日 on its date line.
    writer.table(headers, briefing.summary_rows(progress, lang, as_of), [3.4, 3.4, 4.4, 2.0, 2.4], STATUS_COLORS)

    writer.heading(text("brief.section.progress", lang))
    for number, spec in enumerate(specs, start=1):
        writer.subheading(number, briefing.chart_title(spec, lang))
        headline = unwrap(spec.figure.layout.title.text)
        finding = unwrap(spec.finding)
        # Said once: a finding that is a key point above, or the caption's own words, is not repeated.
        if finding != headline and not any(point in finding for point in points):
            writer.body(finding, keep_with_next=True)
        image = images.get(spec.name)
        if image is not None:
            writer.picture(image)
        else:
            unavailable = getattr(images, "unavailable", None) or unavailable
            reason = unavailable.message(lang) if unavailable else text("deck.no_image", lang)
            writer.caption(text("brief.no_image", lang, reason=reason))
        writer.caption(text("brief.figure_caption", lang, number=number, title=headline))
        writer.caption(briefing.figure_source(spec.figure), muted=True)

    writer.heading(text("brief.section.checks", lang))
    writer.body(briefing.checks_lead(checks, lang))
    rows = briefing.check_rows(checks, lang)
    if rows:
        writer.caption(text("brief.table_caption", lang, number=2, title=text("deck.checks_title", lang)), above=True)
        headers = [
            text(f"deck.column.{name}", lang) for name in ("check", "parts", "computed", "stated", "gap", "result")
        ]
        # zh: 计算值 and 答复所述 each on one line
        widths = [3.4, 4.8, 1.8, 2.1, 1.4, 2.0] if lang == "zh" else [3.0, 4.8, 1.9, 1.6, 1.3, 3.0]  # "Consistent"
        writer.table(headers, rows, widths, CHECK_COLORS)

    writer.heading(text("brief.section.sources", lang))
    for line in briefing.source_lines(briefing.cited_sources(reader, region_id), figures, reader.fetch("meta"), lang):
        # Left-aligned: justified, a line before an unbreakable run (the data version's hash, a document
        # number) had its characters spread apart ("本 简 报 由 看 板 …").
        writer.body(line, justified=False)
    return writer.document


@dataclass
class _Writer:
    document: object
    lang: str
    sections: int = 0

    @property
    def sizes(self) -> dict[str, int]:
        return SIZES if self.lang == "zh" else EN_SIZES

    def font(self, role: str) -> str:
        return FONTS[self.lang][role]

    def setup(self) -> None:
        """A4 portrait, official margins, and the Normal style's fonts (East Asian included) and language."""
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for side, value in MARGINS.items():
            setattr(section, f"{side}_margin", value)
        _page_number_footer(section, self.font("body"))
        for name in ("Normal", "Caption", "Table Grid"):
            try:
                style = self.document.styles[name]
            except KeyError:
                continue
            _set_fonts(style.element.get_or_add_rPr(), self.font("body"), self.lang == "zh")
            style.font.size = Pt(self.sizes["body"])
        normal = self.document.styles["Normal"].element.get_or_add_rPr()
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "zh-CN" if self.lang == "zh" else "en-GB")
        language.set(qn("w:eastAsia"), "zh-CN")
        normal.append(language)

    def _paragraph(self, align=None, before: float = 0, after: float = 0, indent: bool = False, exact: float = 0):
        paragraph = self.document.add_paragraph()
        form = paragraph.paragraph_format
        form.space_before, form.space_after = Pt(before), Pt(after)
        if exact:  # the fixed 28-point line of official documents
            form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            form.line_spacing = Pt(exact)
        if indent:
            form.first_line_indent = Pt(self.sizes["body"] * 2) if self.lang == "zh" else None
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def _run(self, paragraph, value: str, role: str, size: float, bold: bool = False, color: str | None = None):
        """The text in runs of the role's fonts. In Chinese, numbers and Latin words get runs of their own,
        marked as English: LibreOffice otherwise lays their digits out as Chinese characters, between any
        two of which a line may break ("40亿元" as "4" at a line's end and "0亿元" on the next)."""
        pieces = _latin_and_chinese(value) if self.lang == "zh" else [(value, False)]
        for piece, chinese in pieces:
            run = paragraph.add_run(piece)
            run.font.size = Pt(size)
            run.font.bold = bold
            if color:
                run.font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())
            properties = run._element.get_or_add_rPr()  # noqa: SLF001
            _set_fonts(properties, self.font(role), chinese)
            if self.lang == "zh" and not chinese:
                language = OxmlElement("w:lang")  # last of what a run sets here, as the schema orders w:rPr
                language.set(qn("w:val"), "en-US")
                language.set(qn("w:eastAsia"), "en-US")
                properties.append(language)
        return run

    def masthead(self, department: str, date: str) -> None:
        """The red masthead, then the issuing unit on the left and the data date on the right, over a red rule."""
        paragraph = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER, after=12)
        self._run(paragraph, text("brief.masthead", self.lang), "title", self.sizes["masthead"], bold=True, color=RED)
        line = self._paragraph(after=18)
        tab_stops = line.paragraph_format.tab_stops
        tab_stops.add_tab_stop(TEXT_WIDTH, alignment=2)  # WD_TAB_ALIGNMENT.RIGHT
        self._run(line, department, "body", 14)
        self._run(line, "\t" + text("brief.date_line", self.lang, date=date), "body", 14)
        _bottom_border(line, RED, size=18)

    def title(self, value: str) -> None:
        paragraph = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER, before=6, after=18)
        self._run(paragraph, value, "title", self.sizes["title"], bold=True)

    def heading(self, value: str) -> None:
        number = chinese_ordinal(self.sections + 1) if self.lang == "zh" else str(self.sections + 1)
        self.sections += 1
        words = f"{number}、{value}" if self.lang == "zh" else f"{number}. {value}"
        paragraph = self._paragraph(before=12, after=6, indent=True)
        paragraph.paragraph_format.keep_with_next = True
        self._run(paragraph, words, "heading", self.sizes["heading"], bold=self.lang == "en")

    def subheading(self, number: int, value: str) -> None:
        words = f"（{chinese_ordinal(number)}）{value}" if self.lang == "zh" else f"({number}) {value}"
        paragraph = self._paragraph(before=6, indent=True, exact=28 if self.lang == "zh" else 0)
        paragraph.paragraph_format.keep_with_next = True
        self._run(paragraph, words, "subheading", self.sizes["subheading"], bold=self.lang == "en")

    def body(self, value: str, keep_with_next: bool = False, justified: bool = True) -> None:
        paragraph = self._paragraph(
            indent=True, after=0 if self.lang == "zh" else 6, exact=28 if self.lang == "zh" else 0
        )
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if justified else WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.keep_with_next = keep_with_next  # a finding stays with its chart
        self._run(paragraph, value, "body", self.sizes["body"])

    def picture(self, image: Path) -> None:
        paragraph = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER, before=6)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(str(image), width=TEXT_WIDTH)

    def caption(self, value: str, muted: bool = False, above: bool = False) -> None:
        paragraph = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER, before=6 if above else 2, after=2 if above else 6)
        paragraph.paragraph_format.keep_with_next = above or not muted  # a figure's caption stays with its source
        role = "table" if muted else "title"
        size = self.sizes["caption"] - (2 if muted else 0)
        self._run(paragraph, value, role, size, bold=not muted, color=MUTED if muted else None)

    def table(self, headers: list[str], rows: list[list], widths_cm: list[float], colors: dict) -> None:
        """A grid table: bold headers, a status in its word on its colour (white text) in the last column."""
        table = self.document.add_table(rows=len(rows) + 1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False  # the widths below, in Word, WPS and LibreOffice alike
        for column, width in zip(table.columns, widths_cm, strict=True):
            column.width = Cm(width)
        size = self.sizes["table"]
        for row_index, values in enumerate([headers, *rows]):
            cells = table.rows[row_index].cells
            if row_index == 0:
                _repeat_header(table.rows[0])
            for column, value in enumerate(values):
                cell = cells[column]
                cell.width = Cm(widths_cm[column])
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(1)
                if isinstance(value, tuple):
                    status, word = value
                    _shade(cell, colors.get(status, MUTED))
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    self._run(paragraph, word, "table", size, bold=True, color="#ffffff")
                else:
                    if row_index == 0:
                        _shade(cell, "#dbe5f1")
                    self._run(paragraph, str(value), "table", size, bold=row_index == 0)
        self._paragraph(after=6)


# --- python-docx helpers ---------------------------------------------------------------------------


# A number or Latin word, kept whole on a line: 40, 2,000, 30.6%, 2021, PNG.
_LATIN_WORD = re.compile(r"[0-9A-Za-z]+(?:[.,:][0-9A-Za-z]+)*%?")


def _latin_and_chinese(value: str) -> list[tuple[str, bool]]:
    """`value` cut into (text, is_chinese) pieces: numbers and Latin words apart from the Chinese around them."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _LATIN_WORD.finditer(value):
        if match.start() > position:
            pieces.append((value[position : match.start()], True))
        pieces.append((match.group(), False))
        position = match.end()
    if position < len(value) or not pieces:
        pieces.append((value[position:], True))
    return pieces


def _set_fonts(properties, east_asian: str, hint: bool = True) -> None:
    """w:rFonts with Latin, East Asian and complex-script fonts, and the hint that the text is Chinese."""
    for old in properties.findall(qn("w:rFonts")):
        properties.remove(old)
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), LATIN_FONT)
    if hint:  # Chinese text: quotes and dashes drawn in the Chinese font, full width
        fonts.set(qn("w:hint"), "eastAsia")
    properties.insert(0, fonts)  # rFonts comes first in w:rPr


def _shade(cell, color: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), color.lstrip("#").upper())
    cell._tc.get_or_add_tcPr().append(shading)  # noqa: SLF001


def _repeat_header(row) -> None:
    """The header row repeats at the top of each page the table runs onto."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)  # noqa: SLF001


def _bottom_border(paragraph, color: str, size: int) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)  # noqa: SLF001


def _page_number_footer(section, font: str) -> None:
    """'— 1 —' centred at the foot of each page, as official documents number their pages."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def run(value: str = ""):
        element = paragraph.add_run(value)
        element.font.size = Pt(12)
        _set_fonts(element._element.get_or_add_rPr(), font)  # noqa: SLF001
        return element

    run("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("end", None)):
        element = run()
        if kind:
            field_char = OxmlElement("w:fldChar")
            field_char.set(qn("w:fldCharType"), kind)
            element._element.append(field_char)  # noqa: SLF001
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = instruction
            element._element.append(code)  # noqa: SLF001
    run(" —")


def read_text(data: bytes) -> str:
    """All paragraph and table text of a .docx, for tests and a quick look."""
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)
