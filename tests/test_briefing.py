"""The briefing pack read back with python-pptx: slides, pictures, findings with the database's numbers,
status colours, Chinese fonts on every run; the English deck; a deck without chromium."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

from metrics import briefing, exports
from metrics.__main__ import main
from metrics.build import build
from metrics.style import CHECK_COLORS, STATUS_COLORS
from tests.test_exports import images

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
CHARTS = len(briefing.BRIEFING_CHARTS)
# cover, key points, one per key chart, metrics without a target, checks, sources
SLIDES = 5 + CHARTS


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("briefing") / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("*.duckdb", "history", ".*"))
    build(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASHBOARD_DATA_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module")
def zh_pack(data_folder, tmp_path_factory):
    """The Chinese pack as the command line writes it."""
    if exports.availability() is not None and not os.environ.get("REQUIRE_BROWSER"):
        pytest.skip("chromium or fonts-noto-cjk missing")
    out = tmp_path_factory.mktemp("pack")
    assert main(["briefing", "--out", str(out), "--lang", "zh", "--region", "huangshi"]) == 0
    return out


def chart_names(lang: str = "zh") -> list[str]:
    """The key charts' file names in slide order."""
    return [spec.name for spec in briefing.chart_specs(briefing.Reader(), "huangshi", lang)]


def slide_texts(slide) -> list[str]:
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return texts


def finding(slide) -> str:
    """The finding: the text box right under the title."""
    boxes = [s for s in slide.shapes if s.has_text_frame and s != slide.shapes.title and s.top < Emu(1_200_000)]
    return boxes[0].text_frame.text


def pictures(slide):
    return [shape for shape in slide.shapes if shape.shape_type == 13]


@images
def test_the_command_writes_a_deck_and_every_chart_image(zh_pack):
    files = sorted(path.name for path in zh_pack.iterdir())
    names = chart_names()
    expected = sorted(["briefing_huangshi_zh.pptx", *(f"{name}_huangshi_zh.png" for name in names)])
    assert files == expected and len(names) == CHARTS
    # every key chart has a slide: the catalogue's, less the completion bullet the pipeline repeats
    assert (
        "funding_supports" in set(names)
        and "ecosystem" not in names
        and "retrofit_projects_completed_progress" not in names
    )


@images
def test_deck_has_every_slide_and_every_chart_picture(zh_pack):
    deck = Presentation(zh_pack / "briefing_huangshi_zh.pptx")
    assert (deck.slide_width, deck.slide_height) == (Emu(12_192_000), Emu(6_858_000))  # 16:9
    assert deck.part._element.find(qn("p:sldSz")).get("type") is None  # noqa: SLF001 - not screen4x3
    slides = list(deck.slides)
    assert len(slides) == SLIDES
    chart_slides = slides[2 : 2 + CHARTS]
    pngs = [zh_pack / f"{name}_huangshi_zh.png" for name in chart_names()]
    for slide, png in zip(chart_slides, pngs, strict=True):
        (picture,) = pictures(slide)
        assert picture.image.blob == png.read_bytes()  # the very image written beside the deck
        pixels = briefing.PICTURE_PIXELS
        assert abs(picture.width / picture.height - pixels[0] / pixels[1]) < 0.01
    assert not any(pictures(slide) for slide in (*slides[:2], *slides[-3:]))


@images
def test_cover_and_findings_state_the_database_numbers(zh_pack):
    slides = list(Presentation(zh_pack / "briefing_huangshi_zh.pptx").slides)
    cover = "\n".join(slide_texts(slides[0]))
    assert "黄石市工业互联网发展进展" in cover and "黄石市经济和信息化局" in cover and "2021年7月13日" in cover
    by_title = {slide.shapes.title.text_frame.text: slide for slide in slides[1:]}
    diagnosis = finding(by_title["智能化诊断"])
    assert "已完成153家" in diagnosis and "超2021年计划1家" in diagnosis and "的30.6%" in diagnosis
    tiers = finding(by_title["在建项目的三个层级"])
    assert "24个＋" in tiers and "合计127个" in tiers and "129个少2个" in tiers
    funding = finding(by_title["资金支持"])
    assert "超过2,000万元" in funding and "超过5,000万元" in funding and "合计超过7,000万元" in funding
    checks = "\n".join(slide_texts(by_title["数据一致性核对"]))
    assert "合计127个，比答复所述129个少2个" in checks
    for slide in slides[2 : 2 + CHARTS]:
        text = finding(slide)
        assert CJK.search(text) and text.count("。") <= 2  # one or two sentences


@images
def test_status_tables_carry_word_and_colour(zh_pack):
    slides = list(Presentation(zh_pack / "briefing_huangshi_zh.pptx").slides)
    untargeted = next(shape.table for shape in slides[-3].shapes if shape.has_table)
    rows = [[cell for cell in row.cells] for row in untargeted.rows]
    assert [cell.text for cell in rows[0]] == ["指标", "最新数值", "状态"]
    city_funding = next(row for row in rows if row[0].text == "市本级智能化改造资金（拟安排）")
    assert city_funding[1].text == "≥2,000万元" and city_funding[2].text == "未设定目标"
    assert "完成智能化诊断的规上企业" not in [row[0].text for row in rows]  # on the overview chart's slide
    assert str(city_funding[2].fill.fore_color.rgb) == STATUS_COLORS["no_target"].lstrip("#").upper()

    checks = next(shape.table for shape in slides[-2].shapes if shape.has_table)
    tiers = [cell for cell in checks.rows[1].cells]
    assert [cell.text for cell in tiers[2:]] == ["127", "129", "-2", "不一致"]
    assert str(tiers[-1].fill.fore_color.rgb) == CHECK_COLORS["mismatch"].lstrip("#").upper()


@images
def test_every_run_names_an_east_asian_font(zh_pack):
    deck = Presentation(zh_pack / "briefing_huangshi_zh.pptx")
    runs = [run for slide in deck.slides for run in slide._element.iter(qn("a:r"))]  # noqa: SLF001
    assert len(runs) > 50
    for run in runs:
        properties = run.find(qn("a:rPr"))
        east_asian = properties.find(qn("a:ea"))
        assert east_asian is not None and east_asian.get("typeface") == briefing.DECK_FONT
        children = [child.tag for child in properties]
        assert children.index(qn("a:latin")) + 1 == children.index(qn("a:ea"))  # schema order


@images
def test_english_deck_keeps_lower_bounds_in_words(data_folder, tmp_path):
    pack = briefing.build_pack(tmp_path, "en", "huangshi")
    assert pack.images_unavailable is None and len(pack.images) == CHARTS
    slides = list(Presentation(pack.deck).slides)
    assert len(slides) == SLIDES
    text = "\n".join(t for slide in slides for t in slide_texts(slide))
    assert "more than ¥20 million" in text and "Huangshi Bureau of Economy and Information Technology" in text
    assert "add up to 127, 2 fewer than the 129 the reply states" in text
    # Chinese only where a document's own number is quoted: 委员提案〔2021〕50号
    assert {line for line in text.splitlines() if CJK.search(line)} <= {
        line for line in text.splitlines() if "委员提案" in line
    }
    assert sum(slide.shapes.title.has_text_frame for slide in slides[1:]) == SLIDES - 1


def test_without_chromium_the_deck_is_still_made_and_says_what_to_install(data_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(exports, "_server", None)
    assert main(["briefing", "--out", str(tmp_path), "--lang", "zh"]) == 1
    assert [path.name for path in tmp_path.iterdir()] == ["briefing_huangshi_zh.pptx"]
    slides = list(Presentation(tmp_path / "briefing_huangshi_zh.pptx").slides)
    assert len(slides) == SLIDES and not any(pictures(slide) for slide in slides)
    assert "apt-get install -y chromium fonts-noto-cjk" in "\n".join(slide_texts(slides[2]))
    assert_no_slide_repeats_another(slides)


def test_zip_holds_the_deck_and_the_images(data_folder, monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")  # the zip's shape, without rendering
    monkeypatch.setattr(exports, "_server", None)
    with zipfile.ZipFile(io.BytesIO(briefing.pack_zip("en", "huangshi"))) as archive:
        assert archive.namelist() == ["briefing_huangshi_en.pptx"]
        assert Presentation(io.BytesIO(archive.read("briefing_huangshi_en.pptx"))).slides


def test_unknown_region_is_refused(data_folder, tmp_path, capsys):
    assert main(["briefing", "--out", str(tmp_path), "--region", "nowhere"]) == 1
    assert "huangshi" in capsys.readouterr().err and not list(tmp_path.iterdir())


def assert_no_slide_repeats_another(slides) -> None:
    """No two slides share a title or a sentence of body text (the key points are said once)."""
    titles = [slide.shapes.title.text_frame.text for slide in slides[1:]]
    assert len(set(titles)) == len(titles)
    said: dict[str, int] = {}
    for number, slide in enumerate(slides, start=1):
        for shape in slide.shapes:
            # The body above the picture; the footer, the source line and a missing image's note repeat.
            if shape == slide.shapes.title or not shape.has_text_frame or shape.top >= briefing.PICTURE_TOP:
                continue
            for paragraph in shape.text_frame.paragraphs:
                sentence = paragraph.text.strip("■• ")
                if len(sentence) < 25:
                    continue
                assert sentence not in said, f"slide {number} repeats slide {said[sentence]}: {sentence}"
                said[sentence] = number


@images
def test_no_slide_repeats_another(zh_pack):
    assert_no_slide_repeats_another(list(Presentation(zh_pack / "briefing_huangshi_zh.pptx").slides))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chart_text_is_at_least_14_pt_where_the_picture_is_placed(data_folder, lang):
    """Laid out at PICTURE_PIXELS and shown 12.33 in wide, every text of every chart is >= 14 pt."""
    points_per_pixel = (briefing.SLIDE_WIDTH - 2 * briefing.MARGIN) / 12700 / briefing.PICTURE_PIXELS[0]
    for spec in briefing.chart_specs(briefing.Reader(), "huangshi", lang):
        bare = briefing.bare_figure(spec.picture_figure())
        assert bare.layout.title.text != spec.figure.layout.title.text  # the slide states the headline
        assert not [note for note in bare.layout.annotations if note.name == "footer"]  # and the source
        smallest = briefing.smallest_font(bare) * briefing.PICTURE_FONT_SCALE * points_per_pixel
        assert smallest >= briefing.MIN_CHART_PT, (spec.name, smallest)


def test_a_figure_with_small_text_is_caught():
    import plotly.graph_objects as go

    figure = go.Figure(go.Bar(x=[1], y=["<span style='font-size:9px'>a</span>"]))
    figure.update_layout(font={"size": 14})
    assert briefing.smallest_font(figure) == 9


@images
def test_speaker_notes_carry_each_charts_evidence(zh_pack):
    slides = list(Presentation(zh_pack / "briefing_huangshi_zh.pptx").slides)
    by_title = {slide.shapes.title.text_frame.text: slide for slide in slides[1:]}
    notes = by_title["智能化诊断"].notes_slide.notes_text_frame.text
    assert "已完成153家" in notes and "二（一）" in notes and "2021年7月13日" in notes
    assert "市经信局对市政协〔2021〕50号提案的答复" in notes
    tiers = by_title["在建项目的三个层级"].notes_slide.notes_text_frame.text
    assert "24个智能工厂" in tiers and "129个" in tiers
    for slide in slides[2 : 2 + CHARTS]:
        text = slide.notes_slide.notes_text_frame.text
        assert "“" in text and "依据" in text, slide.shapes.title.text_frame.text


# --- every text of every picture, measured where it is placed -----------------------------------------

PLACED = {  # where a picture goes: (layout pixels, font scale, points a pixel, smallest point size)
    "deck": (briefing.PICTURE_PIXELS, briefing.PICTURE_FONT_SCALE, briefing.PICTURE_POINTS_PER_PIXEL, 14),
}


def _placed_word():
    from metrics import wordbrief

    return (wordbrief.PICTURE_PIXELS, wordbrief.PICTURE_FONT_SCALE, wordbrief.PICTURE_POINTS_PER_PIXEL, 7)


PLACED["word"] = _placed_word()
_SVG_SIZE = re.compile(r"font-size:\s*([\d.]+)px")
_SVG_SCALE = re.compile(r"scale\(\s*([\d.eE+-]+)(?:[ ,]+([\d.eE+-]+))?\s*\)")


def svg_text_sizes(svg: str) -> list[tuple[str, float]]:
    """(text, size in the SVG's pixels as drawn) of every text in a rendered chart: the font size it has or
    inherits, times every scale() on it and its ancestors (plotly shrinks a bar's label that way)."""
    from lxml import etree

    found: list[tuple[str, float]] = []

    def walk(element, size: float, scale: float) -> None:
        if not isinstance(element.tag, str):
            return
        match = _SVG_SIZE.search(element.get("style") or "")
        size = float(match.group(1)) if match else float(element.get("font-size", size))
        for x, y in _SVG_SCALE.findall(element.get("transform") or ""):
            scale *= min(float(x), float(y or x))
        tag = etree.QName(element).localname
        if tag in ("text", "tspan") and element.text and element.text.strip():
            found.append((element.text.strip(), size * scale))
        for child in element:
            walk(child, size, scale)
            if tag in ("text", "tspan") and child.tail and child.tail.strip():
                found.append((child.tail.strip(), size * scale))

    walk(etree.fromstring(svg.encode("utf-8")), 16.0, 1.0)
    return found


def too_small(figure, where: str) -> list[tuple[str, float]]:
    """Texts of the figure's picture smaller than the smallest size allowed where it is placed, in points."""
    pixels, font_scale, points_per_pixel, smallest = PLACED[where]
    svg = exports.figure_svg(figure, *pixels, font_scale)
    sizes = svg_text_sizes(svg)
    assert len(sizes) >= 4, svg[:300]
    return [(words, round(px * points_per_pixel, 1)) for words, px in sizes if px * points_per_pixel < smallest - 0.05]


@images
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("where", ["deck", "word"])
def test_every_text_of_every_picture_is_large_enough_where_it_is_placed(data_folder, lang, where):
    """Issue 14: slide 6's tier names inside their bars were drawn at 10–12 pt (plotly shrinks a label to fit
    its bar, which the figure's own font sizes never say). Each chart is drawn as its picture is, to SVG, and
    every title, axis, tick, legend, annotation and bar text is measured at the picture's placed size."""
    pixels, _, points_per_pixel, smallest = PLACED[where]
    for spec in briefing.chart_specs(briefing.Reader(), "huangshi", lang):
        figure = briefing.picture_figure(spec, smallest / points_per_pixel)
        assert not too_small(figure, where), (where, spec.name, too_small(figure, where)[:4])


@images
def test_the_size_check_sees_labels_shrunk_inside_their_bars(data_folder):
    """The tiers chart as the page lays it out (each name inside its bar), drawn at the slide's size: the
    names plotly shrank to fit are caught; in the picture's layout each name and figure is in a key above."""
    spec = briefing.chart_catalog.retrofit_tiers(briefing.Reader(), "huangshi", "zh")
    shrunk = too_small(briefing.bare_figure(spec.figure), "deck")
    assert any("智能工厂建设项目" in words for words, _ in shrunk), shrunk
    key = briefing.bare_figure(spec.picture_figure()).layout.title.text  # the key under the chart's words
    assert all(part in key for part in ("智能工厂建设项目 24", "智能车间建设项目 31", "智能产线、智能单元改造项目 72"))
    assert [trace.text[0] for trace in spec.picture_figure().data] == ["24", "31", "72", "129"]


# --- speaker notes state the chart's own figures -----------------------------------------------------

DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2} [A-Z][a-z]+ \d{4}")


def parsed(date: str):
    """A date as the deck writes it ('2021年7月13日', '13 July 2021')."""
    import datetime as dt

    if "年" in date:
        return dt.datetime.strptime(date, "%Y年%m月%d日").date()
    return dt.datetime.strptime(date, "%d %B %Y").date()


def chart_slides_and_specs(lang: str = "zh"):
    """The deck built without pictures, its chart slides beside the specs they show."""
    reader = briefing.SnapshotReader(briefing.Reader())
    specs = briefing.chart_specs(reader, "huangshi", lang)
    deck = briefing.build_deck(reader, "huangshi", lang, specs, {}, None)
    slides = list(deck.slides)[2 : 2 + len(specs)]
    return list(zip(slides, specs, strict=True))


def plotted_values(figure) -> set[float]:
    """The numbers a chart's bars draw (not the grey tracks behind bullets)."""
    from metrics.style import TRACK

    return {
        float(x)
        for trace in figure.data
        if trace.type == "bar" and trace.marker.color != TRACK
        for x in trace.x
        if isinstance(x, int | float)
    }


def assert_notes_match_their_charts(lang: str = "zh") -> None:
    """Each chart slide's notes cite the figures its chart draws, and only those: each with its value as
    the chart draws it, its document and its date as the chart's source line states them."""
    from metrics import narrative

    for slide, spec in chart_slides_and_specs(lang):
        notes = slide.notes_slide.notes_text_frame.text
        source = briefing.figure_source(spec.figure)
        assert source and notes.rstrip().endswith(source), spec.name
        if spec.figures is None:  # the time line: its events' own words
            continue
        cited = notes.split(briefing.text("brief.notes_evidence", lang), 1)[1].strip().split("\n")[: len(spec.figures)]
        assert len(cited) == len(spec.figures) and all(cited), (spec.name, cited)
        plotted = plotted_values(spec.figure)
        for line, row in zip(cited, spec.figures.to_dict("records"), strict=True):
            meta = {"unit": row["unit"], "unit_en": row["unit_en"]}
            derivation = row["derivation"] if isinstance(row["derivation"], str) else None
            words = narrative.value_words(row["value"], meta, row["qualifier"], lang, derivation)
            assert row[f"label_{lang}"] in line and words in line, (spec.name, line, words)
            date = briefing.format_date(row["as_of"], lang)
            # its own date in the notes; the chart's source line states the newest date it draws
            assert date in line and parsed(date) <= max(map(parsed, DATE.findall(source))), (spec.name, line, source)
            assert row[f"source_{lang}"] in line and row[f"source_{lang}"] in source, (spec.name, line)
            if spec.name != "overview_progress":  # the overview draws percent of target
                assert float(row["value"]) in plotted, (spec.name, row["value"], plotted)
        # and no date but the drawn figures': nothing newer or older than what the chart shows
        evidence = "\n".join(cited)
        drawn = {briefing.format_date(day, lang) for day in spec.figures["as_of"]}
        assert set(DATE.findall(evidence)) <= drawn, (spec.name, evidence, drawn)


def test_every_slides_notes_state_the_figures_its_chart_draws(built):
    assert_notes_match_their_charts("zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_later_tier_record_stays_out_of_the_tiers_slides_notes(data_dir, lang):
    """Issue 14: a year-end record of one tier (80) left the tiers chart and its title on the reply's 72 of
    13 July 2021, but the notes cited the newest figures: the record's 80 of 31 December. The notes cite the
    chart's own document and date; and every other slide's notes still match their charts."""
    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "smart_line_projects,huangshi,2021-12-31,80,=,年末统计,\n"
        "diagnosis_enterprises,huangshi,2022-03-31,260,=,一季度调度会,\n",
        encoding="utf-8",
    )
    build(data_dir)
    by_name = {spec.name: slide for slide, spec in chart_slides_and_specs(lang)}
    tiers = by_name["retrofit_tiers"].notes_slide.notes_text_frame.text
    words = {"zh": ("72个", "2021年7月13日", "开展72个智能产线"), "en": ("72", "13 July 2021", "开展72个智能产线")}[
        lang
    ]
    assert all(word in tiers for word in words), tiers
    assert (
        "年末统计" not in tiers and "80" not in tiers and "2021年12月31日" not in tiers and "31 December" not in tiers
    )
    assert_notes_match_their_charts(lang)


def _sources_slide_text(lang: str) -> str:
    reader = briefing.SnapshotReader(briefing.Reader())
    specs = briefing.chart_specs(reader, "huangshi", lang)
    deck = briefing.build_deck(reader, "huangshi", lang, specs, {}, None)
    return "\n".join(shape.text_frame.text for shape in list(deck.slides)[-1].shapes if shape.has_text_frame)


def test_the_deck_says_what_its_figures_carry_only_as_far_as_it_is_true(data_dir):
    """The sources slide said every figure had 'the section and words of the reply' and each chart's notes
    were headed 'the reply's words', also for recorded progress, which has neither."""
    build(data_dir)
    assert "共38项数据，每项均注明文件、章节与原文" in _sources_slide_text("zh")
    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "diagnosis_enterprises,huangshi,2022-03-31,260,=,一季度调度会,\n",
        encoding="utf-8",
    )
    build(data_dir)
    assert "共39项数据：38项注明文件、章节与原文，另1项为未附原文的记录" in _sources_slide_text("zh")
    english = _sources_slide_text("en")
    assert "39 figures: 38 with their document, section and words, and 1 recorded without a document's words" in english
    for slide, _spec in chart_slides_and_specs("zh"):
        notes = slide.notes_slide.notes_text_frame.text
        assert "答复原文" not in notes and "依据（各数字的出处、原文与日期）：" in notes


def test_the_untargeted_slide_points_to_a_progress_slide_only_when_the_deck_has_one(data_dir):
    """A county whose report sets no target: its deck has no "目标完成情况总览" slide to point to."""
    from metrics.reader import Reader

    with open(data_dir / "figures.csv", "a", encoding="utf-8") as figures:
        figures.write("F_daye,retrofit_projects_completed,daye,9,个,=,2021-07-13,reply_2021_50,二,9个,stated,,9个,,,\n")
    build(data_dir)
    reader = Reader()

    def lead(region: str) -> str:
        deck = briefing.build_deck(reader, region, "zh", briefing.chart_specs(reader, region, "zh"), {}, None)
        (slide,) = [
            s for s in deck.slides if any(sh.has_text_frame and "尚未设定目标" in sh.text_frame.text for sh in s.shapes)
        ]
        return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)

    assert "有目标的指标见“目标完成情况总览”" in lead("huangshi")
    assert "以下关键指标均暂无目标，只列最新数值。" in lead("daye") and "目标完成情况总览" not in lead("daye")
