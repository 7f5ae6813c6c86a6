"""The Word briefing read back with python-docx: A4 and official margins, masthead and numbered sections,
the key-figures and checks tables with the database's numbers and status colours, a picture with caption
and source per key chart, East Asian fonts on every run and style; English; PDF or what to install."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm
from pptx.oxml.ns import qn as pptx_qn

from metrics import briefing, exports, wordbrief
from metrics.__main__ import main
from metrics.build import build
from metrics.numbers import chinese_ordinal
from metrics.style import CHECK_COLORS, STATUS_COLORS

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
CHARTS = len(briefing.BRIEFING_CHARTS)


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wordbrief") / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("*.duckdb", "history", ".*"))
    build(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASHBOARD_DATA_DIR", str(folder))
        yield folder


def images_or_skip() -> None:
    if exports.availability() is not None and not os.environ.get("REQUIRE_BROWSER"):
        pytest.skip("chromium or fonts-noto-cjk missing")


@pytest.fixture(scope="module")
def zh_doc(data_folder, tmp_path_factory):
    """The Chinese briefing as the command line writes it."""
    images_or_skip()
    out = tmp_path_factory.mktemp("word")
    assert main(["briefing", "--out", str(out), "--format", "docx", "--region", "huangshi"]) == 0
    assert [path.name for path in out.iterdir()] == ["briefing_huangshi_zh.docx"]
    return Document(out / "briefing_huangshi_zh.docx")


def paragraphs(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if paragraph.text.strip()]


def fill(cell) -> str:
    return cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))  # noqa: SLF001


def test_a4_with_official_margins_masthead_and_numbered_sections(zh_doc):
    section = zh_doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.left_margin.cm, 1) == 2.8 and round(section.top_margin.cm, 1) == 3.7
    lines = paragraphs(zh_doc)
    assert lines[0] == "工业互联网工作简报"
    assert lines[1].startswith("黄石市经济和信息化局\t") and lines[1].endswith("数据截至2021年7月13日")
    assert lines[2] == "黄石市工业互联网发展进展情况"
    headings = [line for line in lines if re.match(r"^[一二三四五六七八九十]、", line)]
    assert headings == [
        "一、总体情况",
        "二、主要指标完成情况",
        "三、重点工作进展",
        "四、数据一致性核对",
        "五、数据来源",
    ]
    subheadings = [line for line in lines if line.startswith("（")]
    assert subheadings[:2] == ["（一）目标完成情况总览", "（二）智能化诊断"] and len(subheadings) == CHARTS
    assert "截至2021年7月13日，全市已完成153家规上企业智能化诊断" in "\n".join(lines)
    assert "— " in zh_doc.sections[0].footer.paragraphs[0].text  # page number: — 1 —


def test_key_figures_and_checks_tables_carry_numbers_words_and_colours(zh_doc):
    figures, checks = zh_doc.tables
    rows = [[cell for cell in row.cells] for row in figures.rows]
    assert [cell.text for cell in rows[0]] == ["指标", "数值", "目标", "完成", "状态"]
    by_target = {(row[0].text, row[2].text): row for row in rows[1:]}
    diagnosed = by_target[("完成智能化诊断的规上企业", "2021年计划：152家")]
    assert [cell.text for cell in diagnosed[1:]] == ["153家", "2021年计划：152家", "100.7%", "已达成"]
    assert fill(diagnosed[4]) == STATUS_COLORS["achieved"].lstrip("#").upper()
    three_year = by_target[("完成智能化诊断的规上企业", "三年行动计划（2021–2023年）：500家以上")]
    assert three_year[3].text == "30.6%" and three_year[4].text == "超前"
    city = next(row for row in rows if row[0].text == "市本级智能化改造资金（拟安排）")
    assert city[1].text == "≥2,000万元" and city[4].text == "未设定目标"
    tiers = [cell for cell in checks.rows[1].cells]
    assert [cell.text for cell in tiers[2:]] == ["127", "129", "-2", "不一致"]
    assert fill(tiers[-1]) == CHECK_COLORS["mismatch"].lstrip("#").upper()
    lines = paragraphs(zh_doc)
    assert "表1　关键指标完成情况" in lines and "表2　数据一致性核对" in lines


def test_each_key_chart_is_a_picture_with_caption_and_source(zh_doc):
    pictures = zh_doc.inline_shapes
    assert len(pictures) == CHARTS
    for picture in pictures:
        assert abs(picture.width - wordbrief.TEXT_WIDTH) < Cm(0.01)
    lines = paragraphs(zh_doc)
    captions = [index for index, line in enumerate(lines) if re.match(r"^图\d+　", line)]
    assert len(captions) == CHARTS
    assert lines[captions[0]] == "图1　3项目标：2项超前，1项已达成"
    for index in captions:
        assert lines[index + 1].startswith("数据截至 2021年7月13日 · 来源：市经信局对市政协〔2021〕50号提案的答复")
    # each finding said once: the overview's and the diagnosis sentences are the key points above
    text = "\n".join(lines)
    assert text.count("截至2021年7月13日，全市已完成153家规上企业智能化诊断") == 1
    assert "合计超过7,000万元" in text and "合计127个，比答复所述129个少2个" in text


def test_every_run_and_style_names_its_east_asian_font(zh_doc):
    runs = list(zh_doc.element.body.iter(qn("w:r")))
    assert len(runs) > 80
    for run in runs:
        properties = run.find(qn("w:rPr"))
        if properties is None and run.find(qn("w:drawing")) is not None:
            continue  # a picture's run
        fonts = properties.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in {"仿宋", "黑体", "楷体", "宋体"}
        assert fonts.get(qn("w:ascii")) == wordbrief.LATIN_FONT
        assert properties[0].tag == qn("w:rFonts")  # schema order
    normal = zh_doc.styles["Normal"].element.rPr
    assert normal.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    assert normal.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    body = next(p for p in zh_doc.paragraphs if p.text.startswith("截至2021年7月13日"))
    assert body.runs[0].font.size.pt == 16 and body.paragraph_format.line_spacing.pt == 28  # 三号, fixed 28 pt


def test_picture_text_is_legible_on_paper(data_folder):
    points_per_pixel = wordbrief.TEXT_WIDTH / 12700 / wordbrief.PICTURE_PIXELS[0]
    for spec in briefing.chart_specs(briefing.Reader(), "huangshi", "zh"):
        smallest = briefing.smallest_font(briefing.bare_figure(spec.picture_figure())) * wordbrief.PICTURE_FONT_SCALE
        assert smallest * points_per_pixel >= wordbrief.MIN_CHART_PT, spec.name


def test_english_briefing(data_folder, tmp_path):
    images_or_skip()
    result = wordbrief.write_briefing(tmp_path, "en", "huangshi")
    assert result.docx.name == "briefing_huangshi_en.docx" and result.images == CHARTS
    document = Document(result.docx)
    lines = paragraphs(document)
    assert lines[0] == "Industrial Internet Briefing" and "1. Overview" in lines and "5. Sources" in lines
    text = "\n".join(lines)
    assert "more than ¥20 million" in text and "Figure 1. " in text
    assert "add up to 127, 2 fewer than the 129 the reply states" in text
    assert {line for line in lines if CJK.search(line)} <= {line for line in lines if "委员提案" in line}


def test_without_chromium_the_briefing_says_what_to_install(data_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(exports, "_server", None)
    assert main(["briefing", "--out", str(tmp_path), "--format", "docx"]) == 1
    document = Document(tmp_path / "briefing_huangshi_zh.docx")
    assert not document.inline_shapes
    assert "apt-get install -y chromium fonts-noto-cjk" in "\n".join(paragraphs(document))


def test_pdf_without_libreoffice_names_what_to_install(data_folder, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")  # the message, without rendering charts
    monkeypatch.setattr(exports, "_server", None)
    monkeypatch.setattr(wordbrief, "soffice_path", lambda: None)
    assert main(["briefing", "--out", str(tmp_path), "--format", "pdf"]) == 1
    assert "apt-get install -y libreoffice-writer" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["briefing_huangshi_zh.docx"]


@pytest.mark.skipif(wordbrief.soffice_path() is None, reason="LibreOffice (soffice) not installed")
def test_pdf_of_the_same_briefing(data_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")  # LibreOffice is what is tested here
    monkeypatch.setattr(exports, "_server", None)
    result = wordbrief.write_briefing(tmp_path, "zh", "huangshi", pdf=True)
    assert result.pdf == tmp_path / "briefing_huangshi_zh.pdf" and result.pdf_problem == ""
    assert result.pdf.read_bytes()[:5] == b"%PDF-"


def test_the_dashboard_button_gets_the_same_document_as_bytes(data_folder, monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")  # the document's shape, without rendering
    monkeypatch.setattr(exports, "_server", None)
    data = wordbrief.docx_bytes("en", "huangshi")
    assert data[:2] == b"PK" and "1. Overview" in wordbrief.read_text(data)


def test_pictures_are_drawn_while_the_next_chart_and_the_document_are_built(data_folder, tmp_path, monkeypatch):
    """Issue 14: each chart's picture is queued as soon as the chart is built and waited for only where the
    document places it, so the browser draws while Python builds (5.3 s warm when they took turns)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    events: list[str] = []

    class Pending:
        def __init__(self, name):
            self.name = name

        def result(self):
            events.append(f"wait {self.name}")
            return buffer.getvalue()

    def later(figure, *args):
        events.append("queue")
        return Pending(len([event for event in events if event == "queue"]))

    monkeypatch.setattr(exports, "availability", lambda: None)
    monkeypatch.setattr(exports, "figure_png_later", later)

    def recorded(name, build):
        def builder(*arguments):
            events.append(f"build {name}")
            return build(*arguments)

        return builder

    builders = {name: recorded(name, build) for name, build in briefing.BRIEFING_CHARTS.items()}
    monkeypatch.setattr(briefing, "BRIEFING_CHARTS", builders)
    result = wordbrief.write_briefing(tmp_path, "zh", "huangshi")
    assert result.images == CHARTS and len(Document(result.docx).inline_shapes) == CHARTS
    builds = [index for index, event in enumerate(events) if event.startswith("build")]
    # every chart's picture is queued before the next chart is built ...
    assert all(events[index + 1] == "queue" for index in builds), events
    # ... and the first wait comes after every picture is queued (the document is written meanwhile)
    first_wait = next(index for index, event in enumerate(events) if event.startswith("wait"))
    assert events.count("queue") == CHARTS and events[:first_wait].count("queue") == CHARTS


def test_a_later_record_leaves_each_charts_caption_and_source_on_its_own_figures(data_dir):
    """Issue 14: the deck's tiers notes cited a later tier record under a chart of the reply's figures. The
    Word briefing's caption, finding and source under each chart come from the chart's own figures: with a
    year-end record of one tier, the tiers part still names the reply, its sum and its date only."""
    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\nsmart_line_projects,huangshi,2021-12-31,80,=,年末统计,\n",
        encoding="utf-8",
    )
    build(data_dir)
    reader = briefing.SnapshotReader(briefing.Reader())
    specs = briefing.chart_specs(reader, "huangshi", "zh")
    lines = paragraphs(wordbrief.build_document(reader, "huangshi", "zh", specs, {}, None))
    start = next(index for index, line in enumerate(lines) if line.endswith("）在建项目的三个层级"))
    part = lines[start : next(index for index, line in enumerate(lines) if line.endswith("）资金支持"))]
    caption = next(line for line in part if line.startswith("图"))
    assert "三类项目合计127个，比答复所述在建项目129个少2个（2021年7月13日）" in caption
    source = part[part.index(caption) + 1]
    assert source.startswith("数据截至 2021年7月13日") and "年末统计" not in source
    assert not [line for line in part if "年末统计" in line or "2021年12月31日" in line or "80个" in line], part


def test_english_captions_keep_the_spaces_a_wrapped_title_broke_at(built):
    """A chart's title wraps with <br> at a space; the captions dropped the break and glued the words
    ('12 demonstrationprojects', 'retrofits,combined'). Each caption has the title's words, spaced."""
    reader = briefing.SnapshotReader(briefing.Reader())
    specs = briefing.chart_specs(reader, "huangshi", "en")
    lines = paragraphs(wordbrief.build_document(reader, "huangshi", "en", specs, {}, None))
    captions = [line for line in lines if re.match(r"^Figure \d+\. ", line)]
    assert len(captions) == len(specs)
    for caption, spec in zip(captions, specs, strict=True):
        words = re.split(r"\s+|<br>", spec.figure.layout.title.text)
        assert caption.split(". ", 1)[1].split() == [word for word in words if word], caption


def test_numbers_are_runs_of_their_own_so_no_line_breaks_inside_them(zh_doc):
    """LibreOffice broke "40亿元" after the 4 when the digits carried the East Asian hint (page 1)."""
    assert wordbrief._latin_and_chinese("总投资40亿元，完成30.6%，合计2,000万元") == [
        ("总投资", True),
        ("40", False),
        ("亿元，完成", True),
        ("30.6%", False),
        ("，合计", True),
        ("2,000", False),
        ("万元", True),
    ]
    body = next(p for p in zh_doc.paragraphs if "总投资40亿元" in p.text)
    forty = next(run for run in body.runs if run.text == "40")
    assert forty.element.rPr.find(qn("w:rFonts")).get(qn("w:hint")) is None
    assert forty.element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "en-US"  # laid out as a Latin word
    assert forty.element.rPr[-1].tag == qn("w:lang")  # schema order: w:lang after size and colour
    chinese = next(run for run in body.runs if run.text.startswith("亿元"))
    assert chinese.element.rPr.find(qn("w:rFonts")).get(qn("w:hint")) == "eastAsia"
    assert chinese.element.rPr.find(qn("w:lang")) is None


def test_the_sources_section_is_not_justified(zh_doc):
    """Justified, the line before the data version's hash (one unbreakable run) had its characters spread."""
    texts = [paragraph.text for paragraph in zh_doc.paragraphs]
    heading = next(index for index, words in enumerate(texts) if words.endswith("数据来源"))
    lines = [paragraph for paragraph in zh_doc.paragraphs[heading + 1 :] if paragraph.text.strip()]
    assert any("数据版本" in paragraph.text for paragraph in lines)
    assert all(paragraph.alignment == WD_ALIGN_PARAGRAPH.LEFT for paragraph in lines)
    body = next(paragraph for paragraph in zh_doc.paragraphs if "总投资40亿元" in paragraph.text)
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY  # the body text stays justified


def test_more_than_ten_charts_are_numbered_on_in_chinese(data_dir):
    """A 2024–2026 plan beside the reply puts its targets in parts (4 rows a picture): twelve charts. The
    eleventh is （十一）: the numbering stopped at 十 and the whole briefing failed (IndexError) before."""
    from tests.test_charts import _with_a_plan_not_begun

    reader = briefing.SnapshotReader(_with_a_plan_not_begun(data_dir))
    specs = briefing.chart_specs(reader, "huangshi", "zh")
    assert len(specs) > 10
    lines = paragraphs(wordbrief.build_document(reader, "huangshi", "zh", specs, {}, None))
    numbered = [line[: line.index("）") + 1] for line in lines if re.match(r"（[一二三四五六七八九十]+）", line)]
    assert numbered == [f"（{chinese_ordinal(number)}）" for number in range(1, len(specs) + 1)]
    assert numbered[10] == "（十一）"


def test_the_key_figures_table_dates_a_figure_older_than_the_briefings_date(data_dir):
    """The masthead says 数据截至2021年9月30日 once a September record exists: the table's figures of the
    reply (66个, 40亿元) carry their date on a line of their own, the September figure none; the deck's
    table of untargeted figures is the same rows."""
    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "diagnosis_enterprises,huangshi,2021-09-30,260,=,2021年第三季度调度会,\n",
        encoding="utf-8",
    )
    build(data_dir)
    reader = briefing.SnapshotReader(briefing.Reader())
    document = wordbrief.build_document(reader, "huangshi", "zh", [], {}, None)
    assert "数据截至2021年9月30日" in "".join(paragraphs(document)).replace(" ", "")
    figures = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows[1:]}
    assert figures["完成智能化诊断的规上企业"] == "260家"
    assert figures["已完成智能化改造项目"] == "66个\n2021年7月13日"
    assert figures["在建项目总投资"] == "40亿元\n2021年7月13日"
    deck = briefing.build_deck(reader, "huangshi", "zh", [], {}, None)
    cells = {
        row.cells[0].text: row.cells[1].text_frame.paragraphs[0]
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in list(shape.table.rows)[1:]
    }
    investment = cells["在建项目总投资"]
    assert [run.text for run in investment.runs] == ["40亿元", "2021年7月13日"]  # a line break between them
    assert investment._p.find(pptx_qn("a:br")) is not None  # noqa: SLF001
    rows = briefing.summary_rows(reader.progress("huangshi"), "en", reader.figures("huangshi")["as_of"].max())
    assert {row[0]: row[1] for row in rows}["Total investment of projects under way"] == "¥4 billion\n13 July 2021"
