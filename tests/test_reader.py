"""metrics.reader: what pages and briefings read, at the latest data and as of an earlier update."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from metrics import chart_catalog
from metrics.build import build
from metrics.reader import Reader


def test_progress_worked_out_as_of_the_newest_update_is_the_stored_progress(with_later_records: Path):
    """Same columns, kinds (dates as the query gives them) and order: the pages compare its dates with the
    figures' dates, and an earlier view must be the same kind of frame as the latest."""
    database = with_later_records / "dashboard.duckdb"
    for region_id in ("huangshi", "daye"):
        stored = Reader(database).progress(region_id)
        worked_out = Reader(database, as_of=dt.date(2021, 9, 30)).progress(region_id)
        pd.testing.assert_frame_equal(worked_out, stored, check_exact=False)


def test_an_earlier_update_draws_the_completed_projects_beside_their_plan(with_later_records: Path):
    earlier = Reader(with_later_records / "dashboard.duckdb", as_of=dt.date(2021, 7, 13))
    assert earlier.progress("huangshi")["period_end"].dtype == "datetime64[us]"
    spec = chart_catalog.retrofit_pipeline(earlier, "huangshi", "zh")
    assert [bar["y"] for bar in spec.figure.to_plotly_json()["data"]][0][1].startswith("计划")


def test_checks_evaluated_as_of_the_newest_update_are_the_stored_checks(with_later_records: Path):
    database = with_later_records / "dashboard.duckdb"
    stored = Reader(database).checks()
    pd.testing.assert_frame_equal(Reader(database, as_of=dt.date(2021, 9, 30)).checks(), stored, check_exact=False)


def test_an_earlier_update_checks_its_own_figures_not_a_later_records(with_a_later_whole_of_one_tier: Path):
    """A record of the projects under way with one tier (2021-12-31) makes the stored check incomplete;
    the view as of the reply still checks the reply's own three tiers against its 129."""
    database = with_a_later_whole_of_one_tier / "dashboard.duckdb"

    def tiers(reader: Reader) -> dict:
        checks = reader.checks()
        return checks[checks["check_id"] == "retrofit_projects_under_way_parts"].iloc[0].to_dict()

    latest, earlier = tiers(Reader(database)), tiers(Reader(database, as_of=dt.date(2021, 7, 13)))
    assert latest["status"] == "incomplete" and pd.Timestamp(latest["as_of"]).date() == dt.date(2021, 12, 31)
    assert earlier["status"] == "mismatch" and pd.Timestamp(earlier["as_of"]).date() == dt.date(2021, 7, 13)
    assert (earlier["expected"], earlier["computed"], earlier["gap"]) == (129, 127, -2)


def test_an_earlier_update_checks_a_unit_whose_documents_report_no_event(with_later_records: Path):
    events = with_later_records / "events.csv"
    events.write_text(events.read_text(encoding="utf-8-sig").splitlines()[0] + "\n", encoding="utf-8")
    build(with_later_records)
    earlier = Reader(with_later_records / "dashboard.duckdb", as_of=dt.date(2021, 7, 13)).checks()
    assert set(earlier["check_id"]) == set(Reader(with_later_records / "dashboard.duckdb").checks()["check_id"])
