"""The sidebar: language, region and as-of date change what every page shows."""

from __future__ import annotations

import html
import re

import pytest

from benchmarks.common import registered_pages
from tests.apptest_support import all_text, metric_values, open_page


def test_no_as_of_selector_with_a_single_update(built):
    app = open_page("overview")
    assert [box.label for box in app.sidebar.selectbox] == ["地区"]


def test_latest_record_drives_values_and_status(with_later_records):
    app = open_page("overview")
    # the dates data were updated on (a document's or a record's), not the figures' own dates: 2024—2026年计划
    # dated 2024-03-01 brings no figure of that date, and the header says 数据截至 of the figures shown
    assert [box.label for box in app.sidebar.selectbox] == ["地区", "数据更新日期"]
    assert metric_values(app)["完成智能化诊断的规上企业"] == "260家"
    cards = next(element.value for element in app.get("html") if "hs-card" in element.value)
    # The change since the figure before, right under the value.
    assert '260家</div><div class="hs-card-note">+107家（较2021年7月13日）</div>' in cards
    assert "截至2021年9月30日，全市已完成260家规上企业智能化诊断" in all_text(app)
    assert "完成 52%" in all_text(app)  # 260 of the three-year 500


def cards_of(app) -> dict[str, str]:
    """Each card's label and the text under its label (value, notes, target lines), from the grids' HTML."""
    grids = "".join(element.value for element in app.get("html") if "hs-card" in element.value)
    card = r'<div class="hs-card-label"><span>(.*?)</span>.*?</div>(.*?)(?=<div class="hs-card">|$)'
    cards = re.findall(card, grids, re.S)
    return {html.unescape(label): re.sub(r"<[^>]+>", " ", body) for label, body in cards}


def test_a_card_of_a_figure_older_than_the_header_states_its_date(with_later_records):
    """The header says 数据截至2021年9月30日: a card of the reply's 66 completed projects beside the 260
    of September must say it is of July (a card pasted into a slide has no header), in both languages.
    Cards of the header's own date add nothing, and at the reply's date no card is dated."""
    latest = open_page("overview")
    assert "数据截至 2021年9月30日" in all_text(latest)
    cards = cards_of(latest)
    assert "截至2021年7月13日" in cards["已完成智能化改造项目"] and "66个" in cards["已完成智能化改造项目"]
    assert "截至2021年7月13日" in cards["在建项目总投资"]
    assert "截至" not in cards["完成智能化诊断的规上企业"]  # 260家 is of the header's date
    english = cards_of(open_page("overview", "en"))
    assert "As of 13 July 2021" in english["Retrofit projects completed"]
    assert "As of" not in english["Enterprises diagnosed"]
    earlier = cards_of(open_page("overview", asof="2021-07-13"))
    assert earlier and not any("截至" in body for body in earlier.values())


def test_a_tier_box_and_a_check_of_older_figures_state_their_date(with_a_later_whole_of_one_tier):
    """A year-end record of the smart factories beside the reply's workshops and lines: the two older
    boxes say they are of 2021-07-13, the factories' box (of the header's date) does not; and so does the
    check of the reply's completion share."""
    app = open_page("retrofit")
    boxes = cards_of(app)
    assert "30个" in boxes["智能工厂"] and "截至" not in boxes["智能工厂"]
    assert "截至2021年7月13日" in boxes["智能车间"] and "截至2021年7月13日" in boxes["智能产线/单元"]
    assert "截至" not in "".join(cards_of(open_page("retrofit", asof="2021-07-13")).values())
    # The check of the reply's completion share, beside a header of 31 December, says whose date it is.
    assert "得66%，与答复所述66%一致（2021年7月13日）" in all_text(app)
    assert "与答复所述66%一致（" not in all_text(open_page("retrofit", asof="2021-07-13"))
    assert "matching the 66% the reply states (13 July 2021)" in all_text(open_page("retrofit", "en"))


def test_choosing_an_earlier_update_shows_the_data_as_it_was(with_later_records):
    app = open_page("overview", asof="2021-07-13")
    assert metric_values(app)["完成智能化诊断的规上企业"] == "153家"
    assert "完成 30.6%" in all_text(app)


@pytest.mark.parametrize("page", [page.name for page in registered_pages()])
def test_every_page_shows_an_earlier_update_once_a_later_record_exists(with_later_records, page: str):
    """The earlier view's progress is worked out again, not read from the database: the retrofit page failed
    on it (its dates were of another kind than the figures' it was compared with)."""
    app = open_page(page, asof="2021-07-13")
    assert not app.exception
    if page not in ("targets", "progress"):  # the editors' pages list the live targets and every record
        assert "2021年7月13日" in all_text(app) and "2021年9月30日" not in all_text(app)


def test_choosing_a_county_shows_its_own_figures(with_later_records):
    overview = open_page("overview", region="daye")
    assert overview.sidebar.selectbox[0].value == "daye"
    # AppTest drops the sidebar's widgets from its tree after switch_page; the page content shows the choice.
    app = open_page("diagnosis", region="daye")
    assert metric_values(app)["完成智能化诊断的规上企业"] == "41家"
    assert "data/targets.csv" not in all_text(app)  # no file path shown to officials
    assert "2021年9月30日" in all_text(app) and "2021年第三季度调度会" in all_text(app)


def test_language_switch_is_kept_in_the_address(built):
    app = open_page("overview", "en")
    assert app.sidebar.toggle(key="english").value is True
    assert open_page("overview").sidebar.toggle(key="english").value is False
    assert open_page("retrofit", "en").title[0].value == "Retrofit projects"
    # Clicking the switch is exercised in the browser test (AppTest does not follow st.rerun here).


def test_evidence_quotes_only_the_reply_and_counts_the_records(with_later_records):
    text = open_page("diagnosis").expander[-1].markdown[0].value
    assert "**完成智能化诊断的规上企业**　153家 · 章节 二（一）" in text
    assert "260家" not in text and "nan" not in text and "None" not in text
    assert text.endswith("另有1条进展记录（2021年9月30日，来源：2021年第三季度调度会），未附原文，逐条见“进展录入”页。")


def test_an_earlier_update_states_the_checks_of_its_own_figures(with_a_later_whole_of_one_tier):
    """The retrofit page's check lines follow the chosen date: the reply's three tiers against its 129 as
    of 2021-07-13, though a later record of the projects under way (with one tier) leaves the latest
    check incomplete."""
    latest = all_text(open_page("retrofit"))
    earlier = all_text(open_page("retrofit", asof="2021-07-13"))
    assert "数据不全" in latest and "比答复所述129个少2个" not in latest
    assert "数据不全" not in earlier and "合计127个，比答复所述129个少2个" in earlier
