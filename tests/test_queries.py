"""Named queries come back as the same frames DuckDB's own .df() gives, however they are converted."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics import queries


@pytest.mark.parametrize("region_id", ["huangshi", "no_such_region"])
@pytest.mark.parametrize("name", queries.query_names())
def test_every_query_gives_the_frame_duckdb_gives(built: Path, name: str, region_id: str):
    sql = getattr(queries._queries(), name).sql
    parameters = {
        "region_id": region_id,
        "metric_id": "diagnosis_enterprises",
        "region_ids": [region_id, "daye_yangxin_kaifaqu"],  # a city and its county group, as the city view
    }
    parameters = {key: parameters[key] for key in set(re.findall(r"\$(\w+)", sql))}
    with queries.connect(built / "dashboard.duckdb") as connection:
        expected = connection.execute(sql, parameters).df()
        fetched = queries.fetch(name, connection=connection, **parameters)
    pd.testing.assert_frame_equal(fetched, expected)  # values, column types and NULLs alike


@pytest.mark.parametrize(
    "select",
    [
        "NULL::VARCHAR AS no_text, 'x' AS text, 1::INTEGER AS whole, NULL::INTEGER AS no_whole",
        "CASE WHEN range = 1 THEN NULL ELSE range END::BIGINT AS some_null, DATE '2021-07-13' AS day",
        "TIMESTAMP '2021-07-13 08:00' AS moment, NULL::DATE AS no_day, 1.5::DOUBLE AS share",
        "CASE WHEN range = 1 THEN NULL ELSE 0.5 END::DOUBLE AS some_share, range::INTEGER AS small, 'y' AS text",
        "TRUE AS yes, 'x' AS text",  # a kind no named query gives (frame_of's general conversion)
    ],
)
@pytest.mark.parametrize("rows", [0, 3])
def test_column_kinds_convert_as_duckdb_converts_them(select: str, rows: int):
    with duckdb.connect() as connection:
        sql = f"SELECT {select} FROM range({rows})"
        pd.testing.assert_frame_equal(queries.as_frame(connection.sql(sql)), connection.execute(sql).df())


def test_a_years_target_comes_before_the_plans_years_that_end_with_it(data_dir):
    """Targets ending on the same day are ordered by the query, not by where the file lists them: the
    year's own target first, then the plan's years (2023年目标 before 2021–2023年目标), on every page."""
    from metrics.build import build
    from metrics.reader import Reader

    with (data_dir / "targets.csv").open("a", encoding="utf-8") as targets:  # listed after the three-year target
        targets.write("diagnosis_enterprises,huangshi,2023-01-01,2023-12-31,120,=,reply_2021_50,,,,,,,,,\n")
    build(data_dir)
    rows = Reader().progress("huangshi")
    rows = rows[rows["metric_id"] == "diagnosis_enterprises"]
    assert [(row.period_start.year, row.period_end.year) for row in rows.itertuples()] == [
        (2021, 2021),
        (2023, 2023),
        (2021, 2023),
    ]


def test_a_regions_figures_come_in_the_stored_order_as_the_sorted_view_gives_them(built: Path):
    """figures_for_region reads the build's figures_by_region without a sort: the same rows as the figures
    view, by metric and newest first (ties of metric and date may come in either order)."""
    with queries.connect(built / "dashboard.duckdb") as connection:
        regions = [region for (region,) in connection.execute("SELECT DISTINCT region_id FROM figures").fetchall()]
        assert regions
        for region in regions:
            expected = connection.execute(
                "SELECT * FROM figures WHERE region_id = $region ORDER BY metric_id, as_of DESC", {"region": region}
            ).df()
            fetched = queries.fetch("figures_for_region", connection=connection, region_id=region)
            keys = ["metric_id", "as_of"]
            assert fetched[keys].values.tolist() == expected[keys].values.tolist()
            order = ["metric_id", "as_of", "value", "source_id"]
            pd.testing.assert_frame_equal(
                fetched.sort_values(order, ignore_index=True), expected.sort_values(order, ignore_index=True)
            )


TARGETS_SORTED = """
SELECT t.*, m.label_zh, m.label_en, m.unit, m.unit_en,
       r.name_zh AS region_zh, r.name_en AS region_en,
       s.short_zh AS source_zh, s.short_en AS source_en, s.date AS source_date
FROM targets t
JOIN metrics m USING (metric_id)
JOIN regions r USING (region_id)
LEFT JOIN sources s ON s.source_id = t.source
ORDER BY m.key_order NULLS LAST, m.sort_order, t.region_id, t.period_start, t.period_end
"""


def test_targets_come_in_the_stored_order_as_the_sorted_join_gives_them(tmp_path: Path):
    """all_targets and targets_for_regions read the build's targets_described without a sort: the rows the
    join sorted by metric, region and period gives (each target's key is unique), and a region set's are those
    rows of all_targets, in their order. Synthetic province data: thousands of targets over a hundred regions."""
    from benchmarks.synthetic import generate
    from metrics.build import build

    generate(tmp_path, 2_000, all_regions=True)
    build(tmp_path)
    with queries.connect(tmp_path / "dashboard.duckdb") as connection:
        expected = connection.execute(TARGETS_SORTED).df()
        every = queries.fetch("all_targets", connection=connection)
        pd.testing.assert_frame_equal(every, expected)
        regions = expected["region_id"].unique().tolist()
        assert len(expected) > 1_000 and len(regions) > 100
        for region_ids in [regions[:1], regions[3:6], [regions[-1], regions[0]], ["no_such_region"]]:
            fetched = queries.fetch("targets_for_regions", connection=connection, region_ids=tuple(region_ids))
            wanted = every[every["region_id"].isin(region_ids)].reset_index(drop=True)
            # A text column with no text in these rows comes as objects (None), as DuckDB's .df() gives it.
            pd.testing.assert_frame_equal(_missing_as_none(fetched), _missing_as_none(wanted))


def _missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


def test_kept_text_converts_as_the_querys_text_whatever_the_other_columns():
    """The build keeps text as large_string; a result that takes frame_of's general conversion (a boolean
    column) still gives a column with no text as objects, as the query's own string column does."""
    with duckdb.connect() as connection:
        sql = "SELECT NULL::VARCHAR AS no_text, 'x' AS text, TRUE AS yes FROM range(2)"
        table = connection.sql(sql).to_arrow_table()
        kept = table.cast(queries._with_large_text(table.schema))
        pd.testing.assert_frame_equal(queries.frame_of(kept), connection.execute(sql).df())
