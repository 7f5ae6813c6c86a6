"""Every page in both languages, asserting the numbers it shows."""

from __future__ import annotations

import pytest

from tests.apptest_support import PAGES, all_text, chart_titles, metric_values, open_page, static_tables

pytestmark = pytest.mark.usefixtures("built")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_runs_without_error(page, lang):
    app = open_page(page, lang)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value  # a heading in the chosen language
    assert not app.error  # no data banner for valid data
    headings = [element.value for element in app.subheader]
    # the seed data has no metric made after it: no page shows an "other metrics" section
    # (tests/test_app_other_metrics.py shows the section for one made on the intake page)
    assert "其他指标" not in headings and "Other metrics" not in headings


def test_overview_cards_and_key_points_zh():
    app = open_page("overview", "zh")
    values = metric_values(app)
    assert values["完成智能化诊断的规上企业"] == "153家"
    assert values["已完成智能化改造项目"] == "66个"
    assert values["在建智能化改造项目"] == "129个"
    assert values["在建项目总投资"] == "40亿元"
    assert values["市本级智能化改造资金（拟安排）"] == "≥2,000万元"
    assert values["县市区配套资金（拟安排）"] == "≥5,000万元"
    text = all_text(app)
    assert "超额完成2021年计划（152家）" in text
    assert "完成30.6%" in text and "100.7%" in text
    assert "比答复所述129个少2个" in text
    assert "data/targets.csv" not in text and "未设定目标" not in text  # viewers: no per-card hint
    assert chart_titles(app) == ["3项目标：2项超前，1项已达成"]


def test_overview_in_english():
    app = open_page("overview", "en")
    values = metric_values(app)
    assert values["Enterprises diagnosed"] == "153"
    assert values["Total investment of projects under way"] == "¥4 billion"
    assert values["City-level retrofit funding (planned)"] == "≥¥20 million"
    text = all_text(app)
    assert "exceeding the 2021 plan (152 enterprises) by 1 enterprise" in text
    assert "30.6% of the three-year plan (2021–2023) target of at least 500 enterprises" in text


def test_diagnosis_page_shows_done_plan_and_three_year_target():
    app = open_page("diagnosis", "zh")
    assert metric_values(app)["完成智能化诊断的规上企业"] == "153家"
    assert metric_values(app)["智能化改造诊断服务机构"] == "7家"
    text = all_text(app)
    assert "目标 152家 · 完成 100.7%" in text
    assert "目标 500家以上 · 完成 30.6% · 按进度应达 89家" in text
    assert "浙江中控" in text
    assert "录入第二次数据后显示趋势图" in text  # one record so far: an empty state, not a chart
    assert chart_titles(app)[0].startswith("已完成153家规上企业智能化诊断，超2021年计划1家")


def test_retrofit_page_states_the_tier_gap():
    app = open_page("retrofit", "zh")
    values = metric_values(app)
    assert values["在建智能化改造项目"] == "129个" and values["已完成智能化改造项目"] == "66个"
    assert values["智能工厂"] == "24个" and values["智能车间"] == "31个" and values["智能产线/单元"] == "72个"
    warnings = " ".join(w.value for w in app.warning)
    assert "不一致" in warnings and "合计127个，比答复所述129个少2个" in warnings
    assert "三类项目合计127个，比答复所述在建项目129个少2个（2021年7月13日）" in chart_titles(app)
    assert "大冶特钢、东贝电器、振华化学、劲牌、华新水泥" in all_text(app)


def test_evidence_quotes_the_reply_in_full_with_section_date_and_source():
    expander = open_page("retrofit", "zh").expander[-1]
    assert expander.label == "数据出处与原文"
    text = expander.markdown[0].value
    assert "**在建智能化改造项目**　129个 · 章节 二（二） · 截至 2021年7月13日" in text
    assert "原文：“目前，我市在建智能化改造项目129个”" in text
    assert text.endswith("来源：市经信局对市政协〔2021〕50号提案的答复")
    english = open_page("funding", "en").expander[-1].markdown[0].value
    assert "≥¥20 million" in english and "In the document's words: \"安排市本级资金超过2000万元" in english
    assert "arranging more than 20 million yuan of city\\-level funds" in english  # the English beside it
    assert r"Section 3\(1\) 三（一）" in english


def test_markdown_text_shows_itself():
    from ui.render import markdown_text

    assert markdown_text("$5*x_[a](b) :red[c]") == r"\$5\*x\_\[a\]\(b\) \:red\[c\]"


def test_funding_keeps_lower_bounds():
    app = open_page("funding", "zh")
    values = metric_values(app)
    assert values["市本级智能化改造资金（拟安排）"] == "≥2,000万元"
    assert values["县市区配套资金（拟安排）"] == "≥5,000万元"
    assert values["拟支持的智能化改造项目"] == "25个" and values["拟支持的示范项目"] == "12个"
    assert "市县两级拟安排智能化改造资金合计超过7,000万元" in chart_titles(app)
    english = open_page("funding", "en")
    assert "more than ¥70 million" in chart_titles(english)[0]


def test_benchmarks_page_names_enterprises_and_counts():
    app = open_page("benchmarks", "zh")
    titles = chart_titles(app)
    assert titles == ["8家企业获省级智能制造示范，5家入选湖北省首批上云标杆，至少4家获国家级试点示范"]
    text = all_text(app)
    assert "华新水泥、新冶钢、劲牌、三丰智能" in text and "湖北师范大学" in text


def test_activities_page_lists_the_conference_series():
    app = open_page("activities", "zh")
    assert metric_values(app)["已举办的工业互联网创新发展大会"] == "3届"
    assert metric_values(app)["“黄石工业互联网”公众号总阅读量"] == "≥1万人次"
    conferences = static_tables(app)[0]
    assert list(conferences.columns[:3]) == ["时间", "活动", "形式"]
    # Shown as themselves, in HTML: no markdown to read '+' as a list.
    assert conferences.iloc[:, 2].tolist() == ["传统峰会", "大会+展览", "线上+线下", "大会+大赛"]
    assert not app.dataframe and not app.table  # whole titles, wrapped: no grid, no cell-by-cell markdown
    assert chart_titles(app)[0] == "已连续举办3届大会，另有5项培训、考察、现场会等活动"


def test_targets_page_lists_every_target_with_its_source():
    app = open_page("targets", "zh")
    table = app.dataframe[0].value
    assert table.shape[0] == 3
    assert set(table["目标"]) == {"152家", "500家以上", "100个"}
    assert "市经信局对市政协〔2021〕50号提案的答复" in set(table["来源"])


def test_sources_page_search_filters_rows():
    app = open_page("sources", "zh")
    assert app.dataframe[0].value.shape[0] == 38
    app.text_input(key="sources_search").input("153家").run()
    table = app.dataframe[0].value
    assert table.shape[0] == 1 and table.iloc[0]["数值"] == "153家"
    assert table.iloc[0]["章节"] == "二（一）"
