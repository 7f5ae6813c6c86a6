"""Narrative templates: every number equals the database's, qualifiers and statuses worded right."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from metrics import narrative, report
from metrics.queries import fetch
from metrics.reader import Reader

CITY = {"level": "city", "name_zh": "黄石市", "name_en": "Huangshi"}


@pytest.fixture
def progress(built) -> pd.DataFrame:
    return fetch("progress_for_regions", region_ids=("huangshi",))


def sentence(progress: pd.DataFrame, metric_id: str, lang: str = "zh") -> str:
    rows = progress[progress["metric_id"] == metric_id]
    return narrative.metric_sentence(
        rows, report.metric_meta(rows.iloc[0].to_dict()), narrative.region_words(CITY, lang), lang
    )


def test_diagnosis_sentence_matches_the_briefing_example(progress):
    text = sentence(progress, "diagnosis_enterprises")
    assert text == (
        "截至2021年7月13日，全市已完成153家规上企业智能化诊断，超额完成2021年计划（152家），超出1家；"
        "三年行动计划（2021–2023年）目标500家以上，完成30.6%，快于进度（按进度应达89家）。"
    )


def test_every_number_in_the_sentences_comes_from_the_database(progress):
    text = sentence(progress, "diagnosis_enterprises")
    row = progress[(progress.metric_id == "diagnosis_enterprises") & (progress.horizon == "multi_year")].iloc[0]
    numbers = set(re.findall(r"\d+(?:\.\d+)?", text))
    database = {
        str(int(row["value"])),
        str(int(row["target"])),
        f"{row['percent_of_target']:.1f}",
        str(round(row["expected_to_date"])),
        "152",
        "1",
        "2021",
        "2023",
        "7",
        "13",
    }
    assert numbers <= database


def test_lower_bounds_stay_lower_bounds_in_words(progress):
    assert "超过2,000万元" in sentence(progress, "funding_city_level")
    assert "more than ¥20 million" in sentence(progress, "funding_city_level", "en")
    assert "超过1万人次" in sentence(progress, "wechat_reads")


def test_a_metric_with_no_target_says_only_its_figure(progress):
    text = sentence(progress, "retrofit_investment")
    assert text == "截至2021年7月13日，全市在建智能化改造项目总投资40亿元。"


def row(status: str, value: float | None, target: float = 100, percent: float | None = None, expected: float = 50):
    return {
        "status": status,
        "value": value,
        "target": target,
        "target_qualifier": "=",
        "percent_of_target": percent if percent is not None else (value / target * 100 if value else None),
        "expected_to_date": expected,
        "period_start": "2021-01-01",
        "period_end": "2021-12-31",
        "horizon": "annual",
    }


PROJECTS = {"unit": "个", "unit_en": "projects", "label_zh": "项目", "label_en": "Projects"}


@pytest.mark.parametrize(
    ("status", "value", "zh", "en"),
    [
        (
            "achieved",
            120,
            "超额完成2021年目标（100个），超出20个",
            "exceeding the 2021 target (100 projects) by 20 projects",
        ),
        ("achieved", 100, "完成2021年目标（100个）", "meeting the 2021 target (100 projects)"),
        ("ahead", 70, "完成70%，快于进度（按进度应达50个）", "ahead of pace (50 projects expected by now)"),
        ("on_track", 50, "完成50%，符合进度", "on track"),
        ("behind", 30, "完成30%，落后于进度（按进度应达50个）", "behind pace"),
        ("not_started", None, "2021年目标（100个）尚未开始", "has not started"),
    ],
)
def test_statuses_are_worded_for_over_and_under_achievement(status, value, zh, en):
    assert zh in narrative.status_clause(row(status, value), PROJECTS, "zh")
    assert en in narrative.status_clause(row(status, value), PROJECTS, "en")


FUNDING = {"unit": "元", "unit_en": "", "label_zh": "资金", "label_en": "Funding"}


@pytest.mark.parametrize(
    ("qualifier", "zh", "en"),
    [
        (
            ">=",
            "超额完成2021年目标（1,500万元），超出500万元以上",
            "exceeding the 2021 target (¥15 million) by more than ¥5 million",
        ),
        (
            "~",
            "超额完成2021年目标（1,500万元），超出约500万元",
            "exceeding the 2021 target (¥15 million) by about ¥5 million",
        ),
        ("=", "超额完成2021年目标（1,500万元），超出500万元", "exceeding the 2021 target (¥15 million) by ¥5 million"),
    ],
)
def test_a_figure_stated_as_more_than_exceeds_its_target_by_more_than_the_difference(qualifier, zh, en):
    """超过2,000万元 over a plan of 1,500万元: the excess is more than 500万元, not exactly that."""
    achieved = {**row("achieved", 20_000_000, target=15_000_000), "value_qualifier": qualifier}
    assert zh in narrative.status_clause(achieved, FUNDING, "zh")
    assert en in narrative.status_clause(achieved, FUNDING, "en")


@pytest.mark.parametrize(
    ("as_of", "zh", "en"),
    [
        (
            "2021-06-30",
            "2021年计划目标1亿元，完成20%以上；所报为下限，无法判断是否落后于进度（按进度应达5,000万元）",
            "more than 20% of the 2021 plan target of ¥100 million; the figure is a lower bound, so whether it is "
            "behind pace cannot be told (¥50 million expected by now)",
        ),
        (
            "2021-12-31",
            "2021年计划（1亿元）期末完成20%以上；所报为下限，无法判断是否达成",
            "the 2021 plan (¥100 million) ended with more than 20% done; the figure is a lower bound, so whether it "
            "was met cannot be told",
        ),
    ],
)
def test_a_lower_bound_short_of_pace_or_target_is_worded_as_one(as_of, zh, en):
    """超过2,000万元 against 1亿元: at least 20%, and neither behind pace nor unmet is claimed."""
    short = {
        **row("undetermined", 20_000_000, target=100_000_000, expected=50_000_000),
        "value_qualifier": ">=",
        "value_as_of": as_of,
        "plan": "2021年计划",
        "plan_en": "2021 plan",
    }
    assert narrative.status_clause(short, FUNDING, "zh") == zh
    assert narrative.status_clause(short, FUNDING, "en") == en


def test_key_points_state_the_tier_mismatch(built):
    reader = Reader()
    checks = fetch("all_checks")
    points = report.key_points(reader.progress("huangshi"), checks, CITY, "zh")
    assert points[-1].startswith("答复中5项可核对数据有1项不一致：")
    assert "合计127个，比答复所述129个少2个" in points[-1]


def test_parts_and_their_total_keep_lower_bounds(built):
    from metrics import chart_catalog

    zh = chart_catalog.funding(Reader(), "huangshi", "zh").finding
    assert zh == (
        "截至2021年7月13日，市本级智能化改造资金（拟安排）超过2,000万元，"
        "县市区配套资金（拟安排）超过5,000万元，合计超过7,000万元。"
    )
    en = chart_catalog.funding(Reader(), "huangshi", "en").finding
    assert en == (
        "As of 13 July 2021, city-level retrofit funding (planned) stood at more than ¥20 million, "
        "county-level funding (planned) stood at more than ¥50 million; more than ¥70 million in all."
    )


def test_parts_total_sentence_words_exact_parts_plainly():
    parts = [("智能工厂", "24个"), ("智能车间", "31个")]
    assert narrative.parts_total_sentence(parts, "55个", "2021-07-13", "zh") == (
        "截至2021年7月13日，智能工厂24个，智能车间31个，合计55个。"
    )


def test_an_assumed_reading_sits_in_the_clauses_one_bracket_and_reads_on_in_lower_case(progress):
    zh = sentence(progress, "retrofit_projects_completed", "zh")
    assert "快于进度（按进度应达53个；假设：答复写“计划完成100个”，未写明年份，按2021年计划理解）" in zh
    assert "）（" not in zh
    en = sentence(progress, "retrofit_projects_completed", "en")
    assert "(53 projects expected by now; assumption: the reply says" in en
    assert ") (" not in en and ": The" not in en
    (card,) = report.cards(progress, "en", ["retrofit_projects_completed"])
    assert card.targets[0].assumption.startswith("the reply says")


def test_only_an_ordinary_first_word_of_an_assumption_is_lowered():
    row = {"assumption": "按年度计划理解", "assumption_en": "Huangshi's plan is read as annual."}
    assert narrative.assumption_note(row, "en") == "Huangshi's plan is read as annual"
    assert narrative.assumption_note({**row, "assumption_en": "Read as annual."}, "en") == "read as annual"
    assert narrative.assumption_note(row, "zh") == "按年度计划理解"
    # a clause without a closing bracket gets the note in a bracket of its own
    achieved = {
        "status": "achieved",
        "value": 160,
        "target": 152,
        "plan": "2021年计划",
        "plan_en": "2021 plan",
        "period_start": "2021-01-01",
        "period_end": "2021-12-31",
        "assumption": "按年度计划理解",
    }
    metric = {"unit": "家", "unit_en": "enterprises", "label_zh": "诊断", "label_en": "Diagnosed"}
    clause = narrative.status_clause(achieved, metric, "zh")
    assert clause == "超额完成2021年计划（假设，152家），超出8家（假设：按年度计划理解）"
    assert "(assumed, 152 enterprises)" in narrative.status_clause(achieved, metric, "en")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_group_whose_metric_names_its_members_is_named_once(built, lang):
    """Issue 12: the combined group's key point read "大冶市、阳新县、开发区（合计）大冶市、阳新县、开发区合计…"."""
    group = fetch("progress_for_regions", region_ids=("daye_yangxin_kaifaqu",))
    region = {
        "level": "group",
        "name_zh": "大冶市、阳新县、开发区（合计）",
        "name_en": "Daye, Yangxin and the Development Zone (combined)",
    }
    rows = group[group["metric_id"] == "funding_county_level"]
    text = narrative.metric_sentence(
        rows, report.metric_meta(rows.iloc[0].to_dict()), narrative.region_words(region, lang), lang
    )
    member = "大冶市" if lang == "zh" else "Daye"
    assert text.count(member) == 1, text
    assert text.startswith(
        "截至2021年7月13日，大冶市、阳新县、开发区合计" if lang == "zh" else "As of 13 July 2021, Daye, Yangxin"
    )


def test_a_lower_bound_within_the_pace_band_is_at_least_on_pace():
    """超过5,000万元 at mid-year of a 1亿元 plan is within the on-track band, but the true figure may be
    ahead: the sentence says 不低于进度 (at least on pace), not 符合进度."""
    bound = {
        **row("on_track", 50_000_000, target=100_000_000, expected=50_000_000),
        "value_qualifier": ">=",
        "plan": "2021年计划",
        "plan_en": "2021 plan",
    }
    assert (
        narrative.status_clause(bound, FUNDING, "zh")
        == "2021年计划目标1亿元，完成50%以上，不低于进度（按进度应达5,000万元）"
    )
    assert (
        narrative.status_clause(bound, FUNDING, "en", brief=True) == "more than 50% of the 2021 plan, at least on pace"
    )
    exact = {**bound, "value_qualifier": "="}
    assert "完成50%，符合进度" in narrative.status_clause(exact, FUNDING, "zh")
