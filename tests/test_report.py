"""Page-level shaping: the Sources table, its search, and its Excel-safe download."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from metrics import report
from metrics.charts import dated_note
from metrics.queries import fetch


def test_sources_table_keeps_lower_bounds_and_sections(built):
    figures = fetch("all_figures")
    table = report.source_table(figures, "zh").set_index("metric")
    assert table.at["市本级智能化改造资金（拟安排）", "value"] == "超过2,000万元"
    assert table.at["完成智能化诊断的规上企业", "section"] == "二（一）"


def test_search_matches_words_and_metric_ids(built):
    figures = fetch("all_figures")
    table = report.source_table(figures, "en")
    assert len(report.filter_sources(table, figures, "40亿元", None, None)) == 1
    assert len(report.filter_sources(table, figures, "smart_line", None, None)) == 1
    assert len(report.filter_sources(table, figures, "", "funding", None)) == 4
    assert len(report.filter_sources(table, figures, "", None, "二（二）")) == 7


def test_download_is_excel_friendly_and_formula_safe():
    table = pd.DataFrame(
        {"指标": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "正常"], "数值": ["1", "2", "3", "4", "5"]}
    )
    data = report.source_csv(table)
    assert data.startswith("\ufeff".encode())
    read = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert read["指标"].tolist() == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "正常"]


def test_a_card_says_counted_only_while_its_newest_figure_is_the_counted_one(built):
    from metrics.build import build
    from metrics.reader import Reader

    def counted_marks() -> dict[str, bool]:
        reader = Reader()
        chosen = ["national_benchmark_enterprises", "diagnosis_enterprises"]
        shown = report.cards(reader.progress("huangshi"), "zh", chosen, reader.figures("huangshi"))
        return {card.metric_id: card.counted for card in shown}

    assert counted_marks() == {"national_benchmark_enterprises": True, "diagnosis_enterprises": False}
    # A later figure recorded by an official is a count of its own, not the reply's list of names.
    with (built / "progress.csv").open("a", encoding="utf-8") as records:
        records.write("national_benchmark_enterprises,huangshi,2021-12-31,6,=,2021年第四季度调度会,\n")
    build(built)
    assert counted_marks() == {"national_benchmark_enterprises": False, "diagnosis_enterprises": False}


def test_a_cards_change_is_a_difference_only_between_two_exact_figures(built):
    """The reply's city funding is 超过2,000万元: a later 2,500万元 is no "+500万元" (the rise is less), so
    the card states the figure before instead. Two exact figures keep their difference."""
    from metrics.build import build
    from metrics.reader import Reader

    def changes(lang: str) -> dict[str, str]:
        reader = Reader()
        chosen = ["funding_city_level", "retrofit_investment", "retrofit_projects_completed"]
        shown = report.cards(reader.progress("huangshi"), lang, chosen, reader.figures("huangshi"), reader.sources())
        return {card.metric_id: card.delta for card in shown}

    with (built / "progress.csv").open("a", encoding="utf-8") as records:
        records.write("funding_city_level,huangshi,2021-12-31,25000000,=,2021年第四季度调度会,\n")
        records.write("retrofit_investment,huangshi,2021-12-31,4500000000,~,2021年第四季度调度会,\n")  # 约45亿元
        records.write("retrofit_projects_completed,huangshi,2021-12-31,90,=,2021年第四季度调度会,\n")
    build(built)
    assert changes("zh") == {
        "funding_city_level": "2021年7月13日：≥2,000万元",
        "retrofit_investment": "2021年7月13日：40亿元",
        "retrofit_projects_completed": "+24个（较2021年7月13日）",
    }
    assert changes("en")["funding_city_level"] == "≥¥20 million on 13 July 2021"


def test_a_figure_recorded_for_the_same_date_is_another_account_not_a_change(built):
    """An official records 127 projects under way as of the reply's own date (the three tiers' sum): the
    card said '−2个（较2021年7月13日）', a fall within one day. It names the other account instead."""
    from metrics.build import build
    from metrics.reader import Reader

    with (built / "progress.csv").open("a", encoding="utf-8") as records:
        records.write("retrofit_projects_under_way,huangshi,2021-07-13,127,=,市经信局核实,三类项目合计\n")
    build(built)
    reader = Reader()
    for lang, words in (("zh", "答复所述为129个"), ("en", "the reply states 129 projects")):
        (card,) = report.cards(
            reader.progress("huangshi"),
            lang,
            ["retrofit_projects_under_way"],
            reader.figures("huangshi"),
            reader.sources(),
        )
        assert (card.value, card.delta) == ("127个" if lang == "zh" else "127", words)
    # The Sources page lists both; the reply's row says which one the dashboard uses.
    table = report.source_table(reader.figures("huangshi"), "zh")
    rows = table[table["metric"] == "在建智能化改造项目"]
    assert rows["note"].tolist() == ["同日另有市经信局核实记为127个，看板采用后者", "三类项目合计"]


def test_progress_records_come_newest_first_then_by_metric_keeping_region_order_on_ties():
    dates = pd.to_datetime(["2021-09-30", "2021-12-31", "2021-09-30", "2021-12-31", "2021-09-30", "2021-06-30"])
    figures = pd.DataFrame(
        {
            "metric_id": ["smart_line", "diagnosis", "diagnosis", "smart_line", "diagnosis", "diagnosis"],
            "region_id": ["huangshi", "huangshi", "huangshi", "group", "group", "group"],
            "as_of": dates,
            "origin": ["record", "record", "record", "record", "record", "reply"],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    shown = report.progress_records(figures)
    assert shown["value"].tolist() == [2.0, 4.0, 3.0, 5.0, 1.0]  # the pandas sort on both columns, stable
    pd.testing.assert_frame_equal(
        shown, figures[figures["origin"] == "record"].sort_values(["as_of", "metric_id"], ascending=[False, True])
    )


def test_a_footer_names_only_the_documents_of_what_it_draws_never_a_default_one():
    """Rows that carry no document (none should reach a chart) are cited as nothing, not as the reply."""
    sources = pd.DataFrame(
        {"source_id": ["reply_2021_50", "plan_2024"], "short_zh": ["答复", "规划"], "short_en": ["Reply", "Plan"]}
    )
    planned = pd.DataFrame({"value_as_of": [None], "value_source": [None], "target_source": ["plan_2024"]})
    assert report.footer(planned, sources, "zh").source == "规划"
    unsourced = pd.DataFrame({"value_as_of": ["2021-07-13"], "value_source": [None], "target_source": [None]})
    assert report.footer(unsourced, sources, "zh").source == ""
    assert report.footer(unsourced.iloc[:0], sources, "en").source == ""


def test_a_figure_older_than_the_stated_data_date_is_dated():
    assert dated_note(pd.Timestamp("2021-07-13"), dt.date(2021, 12, 31), "zh") == "截至2021年7月13日"
    assert dated_note(dt.date(2021, 7, 13), pd.Timestamp("2021-12-31"), "en") == "As of 13 July 2021"
    # The same date as the header's, or a missing one on either side: nothing to add.
    assert dated_note(pd.Timestamp("2021-12-31"), dt.date(2021, 12, 31), "zh") == ""
    assert dated_note(None, dt.date(2021, 12, 31), "zh") == ""
    assert dated_note(pd.NaT, dt.date(2021, 12, 31), "zh") == ""
    assert dated_note(pd.Timestamp("2021-07-13"), None, "zh") == ""


def test_of_three_figures_of_one_date_the_first_two_name_the_last():
    """Figures of one metric, region and date are neighbours as the build stores them; each earlier one
    names the one in force, the last; other dates and metrics are left alone."""
    figures = pd.DataFrame(
        {
            "metric_id": ["a", "a", "a", "a", "b"],
            "region_id": ["huangshi"] * 5,
            "as_of": pd.to_datetime(["2021-12-31", "2021-07-13", "2021-07-13", "2021-07-13", "2021-07-13"]),
            "source_zh": ["调度会", "答复", "核实一", "核实二", "答复"],
        }
    )
    values = ["5个", "1个", "2个", "3个", "9个"]
    assert report._superseded(figures, values, "zh") == {
        1: "同日另有核实二记为3个，看板采用后者",
        2: "同日另有核实二记为3个，看板采用后者",
    }
