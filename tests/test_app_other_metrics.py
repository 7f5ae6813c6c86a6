"""A metric made after the seed (on the intake page) is shown as a card on its category's page."""

from __future__ import annotations

import pytest

from metrics import store
from metrics.intake.new_metric import NEW_METRICS, NewMetric
from tests.apptest_support import all_text, metric_values, open_page

pytestmark = pytest.mark.usefixtures("built")

LOANS = NewMetric(
    "retrofit_special_loans", "智能化改造专项贷款", "Smart-retrofit special loans", "元", "yuan", "funding"
)
RECORD = "retrofit_special_loans,huangshi,2022-03-31,350000000,>=,2022年一季度金融对接会,\n"
TARGET = (
    "retrofit_special_loans,huangshi,2022-01-01,2022-12-31,1000000000,=,2022年金融对接方案,,"
    "全年投放专项贷款10亿元,,2022年计划,2022 plan,,,,\n"
)


def add_loans(data_dir, with_target: bool = False) -> None:
    """The new metric saved as the intake page's confirmation saves it, then its figure (and target) recorded."""
    NEW_METRICS.save([LOANS], data_dir, ("江晖", "jianghui"))
    tables = {"progress": RECORD} | ({"targets": TARGET} if with_target else {})
    for table, row in tables.items():
        current = store.read_live(table)
        store.save(table, current + row.encode("utf-8"), "江晖", store.Change("edit", added=1), account="jianghui")


def test_the_funding_page_shows_a_new_funding_metric_with_its_value_date_and_source(built):
    add_loans(built)
    zh = open_page("funding")
    assert not zh.exception
    assert metric_values(zh)["智能化改造专项贷款"] == "≥3.5亿元"
    assert "其他指标" in [element.value for element in zh.subheader]
    text = all_text(zh)
    assert "数据截至 2022年3月31日" in text and "2022年一季度金融对接会" in text
    # the evidence counts the record and names its source, as for every recorded figure
    assert "另有1条进展记录（2022年3月31日，来源：2022年一季度金融对接会）" in text
    # The page's banner says all funding below is planned; the new card is told apart from it.
    assert "页首“拟安排”“下限”的说明只指答复中的资金和项目" in text
    en = open_page("funding", "en")
    assert metric_values(en)["Smart-retrofit special loans"] == "≥¥350 million"
    assert "Other metrics" in [element.value for element in en.subheader]
    assert "the note at the top on planned funds and lower bounds covers the reply's funds and projects only" in (
        all_text(en)
    )
    assert "Data as of 31 March 2022" in all_text(en) and "2022年一季度金融对接会" in all_text(en)
    # The funding page's own four cards come first, and the new one is on no other page.
    assert list(metric_values(zh))[:4] == [
        "市本级智能化改造资金（拟安排）",
        "县市区配套资金（拟安排）",
        "拟支持的智能化改造项目",
        "拟支持的示范项目",
    ]
    for page in ("diagnosis", "retrofit", "benchmarks", "activities"):
        assert "智能化改造专项贷款" not in metric_values(open_page(page))


def test_a_target_gives_the_new_card_its_status_and_pace(built):
    add_loans(built, with_target=True)
    app = open_page("funding")
    card = next(element.value for element in app.get("html") if "智能化改造专项贷款" in element.value)
    # ≥3.5亿元 of 10亿元 is at least 35%: ahead of the pace, whatever more the true figure is.
    assert "2022年计划" in card and "目标 10亿元 · 完成 ≥35%" in card and "超前" in card
    english_page = open_page("funding", "en")
    english = next(element.value for element in english_page.get("html") if "special loans" in element.value)
    assert "Target ¥1 billion · ≥35% of target" in english and "Ahead" in english


def test_a_fresh_session_after_the_save_sees_the_new_card(built):
    before = open_page("funding")  # a session that ran before the metric existed
    assert "其他指标" not in [element.value for element in before.subheader]
    add_loans(built)
    later = open_page("funding")  # a new session
    assert metric_values(later)["智能化改造专项贷款"] == "≥3.5亿元"


@pytest.mark.parametrize(
    ("page", "category"),
    [
        ("diagnosis", "diagnosis"),
        ("retrofit", "retrofit"),
        ("benchmarks", "ecosystem"),
        ("benchmarks", "benchmarks"),
        ("activities", "activities"),
    ],
)
def test_every_category_page_shows_a_new_metric_of_its_category(built, page, category):
    made = NewMetric("new_count", "新增统计项", "New count", "个", "items", category)
    NEW_METRICS.save([made], built, ("江晖", "jianghui"))
    row = "new_count,huangshi,2022-06-30,17,=,2022年上半年报告,\n".encode()
    store.save("progress", store.read_live("progress") + row, "江晖", store.Change("edit", added=1))
    for lang, label, value in (("zh", "新增统计项", "17个"), ("en", "New count", "17")):
        app = open_page(page, lang)
        assert not app.exception, page
        assert metric_values(app)[label] == value
        assert "2022年上半年报告" in all_text(app)
