"""benchmarks/intake.py: how its section reads and when a goal counts as met (the worst round decides)."""

from __future__ import annotations

from benchmarks.intake import IntakeTimes, goals, markdown


def test_a_goal_is_met_only_when_the_worst_round_meets_it():
    times = IntakeTimes(
        characters=31_000, proposals=400, propose_rounds=[0.5, 0.6, 2.4], review_figures=40,
        review_rounds=[0.2, 0.3, 0.4],
    )  # fmt: skip
    proposing, review = goals(times)
    assert "0.50 s–0.60 s–2.40 s (min–median–max of 3 rounds)" in proposing and proposing.endswith("| **no** |")
    assert "31,000 characters, 400 figures" in proposing
    assert "0.20 s–0.30 s–0.40 s" in review and review.endswith("| yes |")


def test_the_section_says_what_was_not_measured():
    section = markdown(IntakeTimes())
    assert "## Report intake speed" in section and "| not measured | — |" in section
