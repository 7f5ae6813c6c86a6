"""Pages (AppTest): what officials read on a page stays true and is said once (issue 12)."""

from __future__ import annotations

import pytest

from tests.apptest_support import all_text, open_page, static_tables
from ui.editing import EDITOR_KEY

pytestmark = pytest.mark.usefixtures("built")


def test_missing_targets_are_not_repeated_on_cards_nor_shown_to_viewers():
    text = all_text(open_page("activities", "zh"))
    assert "data/targets.csv" not in text and "未设定目标" not in text


def test_an_editor_is_told_once_per_page_without_a_file_path(editor):
    app = open_page("activities", "zh", session={EDITOR_KEY: editor})
    text = all_text(app)
    assert text.count("未设定目标") == 1 and "data/targets.csv" not in text
    english = all_text(open_page("activities", "en", session={EDITOR_KEY: editor}))
    assert english.count("no target") == 1 and "targets.csv" not in english


def test_screenshot_mode_has_no_editing_hint(editor):
    text = all_text(open_page("activities", "zh", session={EDITOR_KEY: editor}, shot="1"))
    assert "未设定目标" not in text


def test_benchmarks_page_never_puts_unlike_units_on_one_axis():
    import json

    from tests.apptest_support import chart_titles, metric_values

    app = open_page("benchmarks", "zh")
    charts = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert len(charts) == 1  # the enterprises; the rest are tiles, one per metric with its own unit
    labels = {label for trace in charts[0]["data"] for label in (trace.get("y") or [])}
    assert labels and all(str(label).endswith("企业") for label in labels)  # one unit: enterprises
    assert chart_titles(app)[0].startswith("8家企业获省级智能制造示范")
    tiles = metric_values(app)
    assert tiles["市级智能化改造示范项目"] == "12个" and tiles["示范项目覆盖的主导产业"] == "7个"
    assert tiles["对接的金融机构"] == "≥2家" and tiles["成立工业互联网研究服务机构的在黄高校"] == "3所"
    text = all_text(app)
    assert "至少" in text and "7类合作力量" not in text


@pytest.mark.parametrize(
    "page",
    ["overview", "diagnosis", "retrofit", "funding", "benchmarks", "activities", "targets", "progress", "sources"],
)
def test_a_county_in_the_address_is_shown_and_says_it_has_no_data_yet(page):
    app = open_page(page, "zh", region="daye")
    assert not app.exception, [e.value for e in app.exception]
    assert app.query_params.get("region") in ("daye", ["daye"])
    said = [info.value for info in app.info if "大冶市暂无" in info.value]
    assert said == [
        "大冶市暂无自己的数字、目标或进展记录，录入后在此显示。黄石市的数字（含“大冶市、阳新县、开发区（合计）”）"
        "请在“地区”中选择黄石市查看。"
    ], said
    if page == "overview":
        assert app.sidebar.selectbox[0].value == "daye"
        # One notice (not a second "该地区暂无数据"), and no briefing to make of a region without data.
        assert len(app.info) == 1 and not app.get("download_button")
        # In screenshot mode (no sidebar) the way back is still at the foot of the page, and the sentence
        # does not send the reader to the sidebar's "地区".
        shot = open_page(page, "zh", region="daye", shot="1")
        assert [button.key for button in shot.button] == ["shot_exit"]
        assert [info.value for info in shot.info] == ["大冶市暂无自己的数字、目标或进展记录，录入后在此显示。"]
        english = all_text(open_page(page, "en", region="daye"))
        assert "Daye has no figures, targets or progress records of its own yet" in english
        assert "For Huangshi's figures" in english and "choose Huangshi under Region" in english
    if page in CHART_PAGES:
        # The header's sentence and nothing else: not "未设定目标" and "该地区暂无可绘制的数据" after it, nor the
        # enterprises, conferences and funding notes the reply gives for the whole city, as if Daye's.
        assert len(app.info) == 1 and not app.get("plotly_chart") and not app.get("download_button")
        text = all_text(app)
        for city_words in ("大冶特钢", "浙江中控", "工业互联网创新发展大会", "答复列名", "拟安排", "出台配套政策"):
            assert city_words not in text, (page, city_words)
        shot = open_page(page, "zh", region="daye", shot="1")  # the page ends; the way back is still drawn
        assert [button.key for button in shot.button] == ["shot_exit"] and len(shot.info) == 1


CHART_PAGES = ("diagnosis", "retrofit", "funding", "benchmarks", "activities")
DAYE_REPORT = (  # a county's own report (made up for the test), in sources.csv's columns
    "daye_report_2021,大经信〔2021〕9号,大冶市经济和信息化局,Daye Bureau of Economy and IT,,,2021-06-30,"
    "大冶市智能化改造工作进展,Daye smart-retrofit progress,大冶市经信局进展报告,Daye progress report,报告,the report,\n"
)


def test_a_county_with_figures_of_its_own_is_not_given_the_citys_enterprises_or_conferences(data_dir):
    """A county report's figure for Daye: its pages show it, and none of the enterprises, institutions or
    activities the reply names for Huangshi; a name or event a document gives for Daye is shown for Daye."""
    from metrics.build import build

    with open(data_dir / "sources.csv", "a", encoding="utf-8") as sources:
        sources.write(DAYE_REPORT)
    with open(data_dir / "figures.csv", "a", encoding="utf-8") as figures:
        header = (data_dir / "figures.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        row = dict.fromkeys(header, "")
        row.update(
            figure_id="F_daye_1",
            metric_id="retrofit_projects_completed",
            region_id="daye",
            value="9",
            unit="个",
            qualifier="=",
            as_of="2021-06-30",
            source_id="daye_report_2021",
            section="二",
            evidence="全市已完成智能化改造项目9个",
        )
        figures.write(",".join(row[column] for column in header) + "\n")
    with open(data_dir / "entities.csv", "a", encoding="utf-8") as entities:
        entities.write("新港智造,Xingang Smart,enterprise,smart_factory,daye_report_2021,daye,二,新港智造等\n")
    build(data_dir)

    retrofit = all_text(open_page("retrofit", "zh", region="daye"))
    assert "9个" in retrofit and "大冶市暂无" not in retrofit
    assert "新港智造" in retrofit  # named for Daye
    assert "大冶特钢" not in retrofit and "沪士电子" not in retrofit  # named for the city
    assert "新港智造" not in all_text(open_page("retrofit", "zh"))  # nor Daye's name on the city's page
    for page, city_words in (("benchmarks", "华新水泥"), ("diagnosis", "浙江中控"), ("activities", "发展大会")):
        app = open_page(page, "zh", region="daye")
        assert not app.exception, [e.value for e in app.exception]
        assert city_words not in all_text(app), page
    assert "智能车间" not in retrofit  # a tier with neither a figure nor a name here has no box
    # No timeline and no heading over nothing: Daye's report counts no activities, trainings or platforms.
    activities = open_page("activities", "zh", region="daye")
    assert not activities.get("plotly_chart") and not [h.value for h in activities.subheader]
    assert "平台与生态" not in [h.value for h in open_page("benchmarks", "zh", region="daye").subheader]
    funding = open_page("funding", "zh", region="daye")  # no funding in Daye's report: one notice, no note on it
    assert [info.value for info in funding.info] == ["该地区暂无可绘制的数据"]


def test_a_unit_of_a_city_without_figures_is_told_only_that_it_has_none(data_dir):
    """A city and its county listed ahead of their reports: neither is told that the reply's figures, or
    Huangshi's, are theirs (the sentence had named the reply and Huangshi's county funding for any unit)."""
    from metrics.build import build

    with open(data_dir / "regions.csv", "a", encoding="utf-8") as regions:
        regions.write("ezhou,鄂州市,Ezhou,city,hubei,420700\nechengqu,鄂城区,Echeng District,county,ezhou,420704\n")
    build(data_dir)
    for region, name, english in (("echengqu", "鄂城区", "Echeng District"), ("ezhou", "鄂州市", "Ezhou")):
        app = open_page("retrofit", "zh", region=region)
        assert not app.exception, [e.value for e in app.exception]
        assert [info.value for info in app.info][:1] == [f"{name}暂无自己的数字、目标或进展记录，录入后在此显示。"]
        assert "答复" not in app.info[0].value and "黄石" not in app.info[0].value
        said = open_page("overview", "en", region=region).info[0].value
        assert said == (
            f"{english} has no figures, targets or progress records of its own yet; they appear here once recorded."
        )


def test_english_tables_number_the_sections_with_the_chinese_beside():
    activities = open_page("activities", "en")
    conferences = static_tables(activities)[0]
    assert conferences.iloc[0, -1] == "1(2) 一（二）"
    sources = open_page("sources", "en")
    assert any("2(1) 二（一）" in str(frame.value.to_string()) for frame in sources.dataframe)


def test_the_replys_words_on_the_citys_funding_are_not_on_a_countys_page(data_dir):
    """ "答复还提到：我市积极争取…" is the reply's about Huangshi: not said beside a county report's figures. And
    a county whose report counts no diagnosis providers gets no providers heading over nothing."""
    from metrics.build import build

    with open(data_dir / "sources.csv", "a", encoding="utf-8") as sources:
        sources.write(DAYE_REPORT)
    with open(data_dir / "figures.csv", "a", encoding="utf-8") as figures:
        figures.write(
            "F_daye_f,funding_city_level,daye,1000000,元,>=,2021-06-30,daye_report_2021,三,100万元,stated,,拟安排资金超过100万元,,,\n"
        )
        figures.write(
            "F_daye_d,diagnosis_enterprises,daye,30,家,=,2021-06-30,daye_report_2021,一,30家,stated,,已完成诊断30家,,,\n"
        )
    build(data_dir)

    county = open_page("funding", "zh", region="daye")
    assert "≥100万元" in all_text(county) and "答复（三（一）、三（二））还提到" not in all_text(county)
    assert "答复（三（一）、三（二））还提到" in all_text(open_page("funding", "zh"))
    diagnosis = open_page("diagnosis", "zh", region="daye")
    assert "诊断服务机构" not in [heading.value for heading in diagnosis.subheader]
    assert "诊断服务机构" in [heading.value for heading in open_page("diagnosis", "zh").subheader]
