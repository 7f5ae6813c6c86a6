"""metrics.reader: what pages and briefings read, at the latest data and as of an earlier update."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from metrics import chart_catalog
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
