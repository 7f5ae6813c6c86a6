"""Pace and status maths on cases worked by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics.progress import assess, compute_progress, elapsed_share, expected_to_date

D = dt.date
YEAR = (D(2021, 1, 1), D(2021, 12, 31))
PLAN = (D(2021, 1, 1), D(2023, 12, 31))
REPLY_DATE = D(2021, 7, 13)


def test_elapsed_share_counts_both_ends_of_the_day():
    # 13 July is day 194 of 365.
    assert elapsed_share(REPLY_DATE, *YEAR) == pytest.approx(194 / 365)
    # The three-year plan has 1,095 days.
    assert elapsed_share(REPLY_DATE, *PLAN) == pytest.approx(194 / 1095)
    assert elapsed_share(D(2020, 6, 1), *YEAR) == 0
    assert elapsed_share(D(2022, 6, 1), *YEAR) == 1


def test_diagnosis_exceeds_the_year_plan():
    result = assess(153, 152, REPLY_DATE, *YEAR, reference=REPLY_DATE)
    assert result.status == "achieved"
    assert result.percent_of_target == pytest.approx(100.658, abs=1e-3)
    assert result.expected_to_date == pytest.approx(152 * 194 / 365)  # 80.79


def test_diagnosis_is_ahead_of_the_three_year_pace():
    result = assess(153, 500, REPLY_DATE, *PLAN, reference=REPLY_DATE)
    assert result.percent_of_target == pytest.approx(30.6)
    assert result.expected_to_date == pytest.approx(88.584, abs=1e-3)
    assert result.status == "ahead"  # 153 > 88.58 × 1.1


def test_over_achievement_is_achieved_and_over_100_percent():
    result = assess(120, 100, D(2021, 5, 1), *YEAR, reference=D(2021, 5, 1))
    assert result.status == "achieved" and result.percent_of_target == pytest.approx(120)


@pytest.mark.parametrize(
    ("value", "status"),
    [(111, "ahead"), (110, "on_track"), (100, "on_track"), (90, "on_track"), (89, "behind")],
)
def test_on_track_tolerates_ten_percent_either_side_of_pace(value, status):
    # Target 365 over 2021: on 10 April (day 100) the pace line is at exactly 100.
    as_of = D(2021, 4, 10)
    assert expected_to_date(365, as_of, *YEAR) == pytest.approx(100)
    assert assess(value, 365, as_of, *YEAR, reference=as_of).status == status


def test_period_ended_short_of_target_is_missed_not_behind_pace():
    assert assess(80, 100, D(2021, 12, 31), *YEAR, reference=D(2021, 12, 31)).status == "missed"
    # the figure of the period's last day, read when the data speak for the next year: still its outcome
    assert assess(80, 100, D(2021, 12, 31), *YEAR, reference=D(2022, 3, 31)).status == "missed"


def test_a_period_over_without_a_figure_from_its_end_claims_no_outcome():
    # The last figure of the period is from June and the data now speak for the next year: December's
    # figure is not known, so neither "not met" nor a pace.
    result = assess(80, 100, D(2021, 6, 30), *YEAR, reference=D(2022, 3, 31))
    assert result.status == "unreported" and result.percent_of_target == 80
    # A target reached before the end is met, whenever it is read.
    assert assess(100, 100, D(2021, 6, 30), *YEAR, reference=D(2022, 3, 31)).status == "achieved"
    # Before the period is over, a June figure is read against the pace as ever.
    assert assess(20, 100, D(2021, 6, 30), *YEAR, reference=D(2021, 6, 30)).status == "behind"


def test_a_lower_bound_short_of_pace_or_target_claims_neither():
    """超过20 of 100 by mid-year: the true figure may be on pace, so it is not called behind; a lower bound
    at the period's end short of the target is not called missed. A lower bound above pace or at the
    target is ahead or achieved: the true figure is at least as far."""
    mid_year, year_end = D(2021, 6, 30), D(2021, 12, 31)
    assert assess(20, 100, mid_year, *YEAR, reference=mid_year).status == "behind"
    assert assess(20, 100, mid_year, *YEAR, reference=mid_year, qualifier=">=").status == "undetermined"
    assert assess(80, 100, year_end, *YEAR, reference=year_end, qualifier=">=").status == "undetermined"
    assert assess(80, 100, year_end, *YEAR, reference=year_end, qualifier="~").status == "missed"
    assert assess(70, 100, mid_year, *YEAR, reference=mid_year, qualifier=">=").status == "ahead"
    assert assess(100, 100, mid_year, *YEAR, reference=mid_year, qualifier=">=").status == "achieved"


def test_period_not_yet_started():
    next_year = (D(2022, 1, 1), D(2022, 12, 31))
    result = assess(None, 200, None, *next_year, reference=REPLY_DATE)
    assert result.status == "not_started" and result.percent_of_target is None


def test_started_period_without_figures_has_no_data():
    assert assess(None, 100, None, *YEAR, reference=REPLY_DATE).status == "no_data"


def frames(figures: list[tuple], targets: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame]:
    figure_columns = ["metric_id", "region_id", "value", "qualifier", "as_of", "source_id"]
    target_columns = ["metric_id", "region_id", "period_start", "period_end", "target", "qualifier", "source"]
    return pd.DataFrame(figures, columns=figure_columns), pd.DataFrame(targets, columns=target_columns)


def test_compute_progress_uses_the_latest_figure_in_the_period_and_lists_untargeted_figures():
    figures, targets = frames(
        [
            ("m", "city", 50, "=", D(2021, 3, 31), "q1"),
            ("m", "city", 120, "=", D(2021, 9, 30), "q3"),
            ("m", "city", 10, "=", D(2022, 3, 31), "2022q1"),
            ("other", "city", 7, ">=", D(2021, 7, 13), "reply"),
        ],
        [("m", "city", D(2021, 1, 1), D(2021, 12, 31), 100, "=", "plan")],
    )
    progress = compute_progress(figures, targets).set_index("metric_id")
    assert progress.at["m", "value"] == 120 and progress.at["m", "status"] == "achieved"
    assert progress.at["m", "horizon"] == "annual"
    assert progress.at["other", "status"] == "no_target" and progress.at["other", "value_qualifier"] == ">="


def test_compute_progress_as_of_an_earlier_date_ignores_later_figures():
    figures, targets = frames(
        [("m", "city", 20, "=", D(2021, 3, 31), "q1"), ("m", "city", 120, "=", D(2021, 9, 30), "q3")],
        [("m", "city", D(2021, 1, 1), D(2021, 12, 31), 100, "=", "plan")],
    )
    progress = compute_progress(figures, targets, as_of=D(2021, 6, 30)).iloc[0]
    assert progress["value"] == 20
    assert progress["expected_to_date"] == pytest.approx(100 * 90 / 365)  # 31 March is day 90
    assert progress["status"] == "behind"  # 20 < 24.66 × 0.9
