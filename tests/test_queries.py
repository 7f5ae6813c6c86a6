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
    parameters = {"region_id": region_id, "metric_id": "diagnosis_enterprises"}
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
    ],
)
@pytest.mark.parametrize("rows", [0, 3])
def test_column_kinds_convert_as_duckdb_converts_them(select: str, rows: int):
    with duckdb.connect() as connection:
        sql = f"SELECT {select} FROM range({rows})"
        pd.testing.assert_frame_equal(queries.as_frame(connection.sql(sql)), connection.execute(sql).df())
