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
