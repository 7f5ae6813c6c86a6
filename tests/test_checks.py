"""The consistency checks on the real data: the gaps the reply actually has."""

from __future__ import annotations

import pytest

from metrics.queries import fetch


@pytest.fixture
def checks(built):
    return fetch("all_checks").set_index("check_id")


def test_project_tiers_do_not_add_up_to_projects_under_way(checks):
    tiers = checks.loc["retrofit_projects_under_way_parts"]
    assert (tiers["expected"], tiers["computed"], tiers["gap"]) == (129, 127, -2)
    assert tiers["status"] == "mismatch"
    assert "24" in tiers["parts_zh"] and "31" in tiers["parts_zh"] and "72" in tiers["parts_zh"]
    assert tiers["section"] == "二（二）"


def test_stated_completion_share_equals_completed_over_planned(checks):
    share = checks.loc["completion_share_ratio"]
    assert (share["expected"], share["computed"], share["gap"], share["status"]) == (66, 66, 0, "consistent")


def test_diagnosis_exceeds_the_plan_by_one(checks):
    over = checks.loc["diagnosis_over_plan"]
    assert (over["expected"], over["computed"], over["gap"], over["status"]) == (152, 153, 1, "consistent")


def test_demonstration_projects_agree_across_sections(checks):
    assert checks.loc["demonstration_projects_match", "gap"] == 0


def test_conferences_held_match_the_years_listed(checks):
    conferences = checks.loc["conferences_match_years"]
    assert conferences["computed"] == 3 and conferences["status"] == "consistent"
    assert "2018" in conferences["parts_zh"] and "2020" in conferences["parts_zh"]


def test_a_missing_operand_is_incomplete_not_zero(data_dir):
    (data_dir / "targets.csv").write_text("metric_id,period_start,period_end,target\n", encoding="utf-8")
    from metrics.build import build

    build(data_dir)
    checks = fetch("all_checks").set_index("check_id")
    assert checks.loc["completion_share_ratio", "status"] == "incomplete"
    assert checks.loc["completion_share_ratio", "gap"] != checks.loc["completion_share_ratio", "gap"]  # NaN


def test_a_later_progress_record_does_not_make_the_reply_disagree_with_itself(data_dir):
    """The reply's 66% is 66 of its 100; a year-end record of 105 completed is not what it stated."""
    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "retrofit_projects_completed,huangshi,2021-12-31,105,=,年末统计,\n"
        "smart_line_projects,huangshi,2021-12-31,80,=,年末统计,\n",
        encoding="utf-8",
    )
    from metrics.build import build

    build(data_dir)
    checks = fetch("all_checks").set_index("check_id")
    share = checks.loc["completion_share_ratio"]
    assert (share["computed"], share["status"]) == (66, "consistent")
    assert "66" in share["parts_zh"] and "105" not in share["parts_zh"]
    tiers = checks.loc["retrofit_projects_under_way_parts"]
    assert (tiers["computed"], tiers["gap"]) == (127, -2)  # the reply's 72, not the later 80


def test_check_sentences_word_ratios_as_ratios_with_their_percent_sign(built):
    from metrics import narrative

    checks = fetch("all_checks").set_index("check_id", drop=False)
    share = checks.loc["completion_share_ratio"].to_dict()
    zh, en = narrative.check_sentence(share, "zh"), narrative.check_sentence(share, "en")
    assert "66%" in zh and "66%" in en and "合计" not in zh
    mismatch = dict(share, computed=105.0, gap=39.0, status="mismatch")
    zh, en = narrative.check_sentence(mismatch, "zh"), narrative.check_sentence(mismatch, "en")
    assert "合计" not in zh and "add up" not in en
    assert "105%" in zh and "66%" in zh and "39个百分点" in zh and "39 percentage points" in en
    tiers = narrative.check_sentence(checks.loc["retrofit_projects_under_way_parts"].to_dict(), "zh")
    assert " " not in tiers  # no spaces inside a Chinese sentence around numbers
