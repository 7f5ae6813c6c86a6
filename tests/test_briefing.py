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
