"""The database build: complete, idempotent, atomic, and never replaced by invalid data."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics import queries
from metrics.build import BuildError, build
from metrics.queries import data_version, fetch


def test_database_holds_every_figure_with_its_source(built: Path):
    figures = fetch("all_figures")
    assert len(figures) == 38
    expected_columns = {"metric_id", "label_zh", "label_en", "region_id", "value", "unit", "qualifier", "as_of"}
    assert expected_columns | {"section", "evidence", "source_zh"} <= set(figures.columns)
    diagnosis = figures.set_index("metric_id").loc["diagnosis_enterprises"]
    assert diagnosis["value"] == 153 and diagnosis["section"] == "二（一）" and "153家" in diagnosis["evidence"]
    assert str(diagnosis["as_of"])[:10] == "2021-07-13"
    assert figures.set_index("metric_id").loc["retrofit_investment", "value"] == 4_000_000_000


def test_county_funding_is_stored_against_the_combined_county_units(built: Path):
    figures = fetch("all_figures").set_index("metric_id")
    assert figures.at["funding_county_level", "region_id"] == "daye_yangxin_kaifaqu"
    assert figures.at["funding_county_level", "qualifier"] == ">="


def test_progress_table_has_both_horizons_for_diagnosis(built: Path):
    progress = fetch("progress_for_regions", region_ids=("huangshi",))
    diagnosis = progress[progress.metric_id == "diagnosis_enterprises"].set_index("horizon")
    assert diagnosis.at["annual", "status"] == "achieved"
    assert diagnosis.at["multi_year", "status"] == "ahead"
    assert diagnosis.at["multi_year", "percent_of_target"] == pytest.approx(30.6)


def test_build_is_idempotent(built: Path):
    first = data_version()
    database = (built / "dashboard.duckdb").read_bytes()
    result = build(built)
    assert not result.rebuilt and result.data_version == first
    assert (built / "dashboard.duckdb").read_bytes() == database


def test_build_notices_a_changed_file(built: Path):
    before = data_version()
    path = built / "targets.csv"
    path.write_bytes(path.read_bytes().replace(b",152,", b",160,"))
    assert build(built).rebuilt
    assert data_version() != before


def test_invalid_data_leaves_the_old_database(built: Path):
    before = (built / "dashboard.duckdb").read_bytes()
    (built / "targets.csv").write_text("metric_id,period_start,period_end,target\nnope,2021-01-01,2021-12-31,-1\n")
    with pytest.raises(BuildError) as error:
        build(built)
    assert "targets.csv" in str(error.value) and "第2行" in str(error.value)
    assert (built / "dashboard.duckdb").read_bytes() == before


def test_a_figure_without_the_documents_words_is_refused_where_it_is(built: Path):
    """Every figure is traceable to where its document says it: a row without the document's words is not."""
    before = (built / "dashboard.duckdb").read_bytes()
    figures = pd.read_csv(built / "figures.csv", dtype=str, keep_default_na=False)
    figures.loc[1, "evidence"] = " "
    figures.to_csv(built / "figures.csv", index=False)
    with pytest.raises(BuildError) as error:
        build(built)
    letter = chr(ord("A") + list(figures.columns).index("evidence"))
    assert f"figures.csv: 第3行 {letter}列（evidence）：缺少原文" in str(error.value)
    assert "column M (evidence): The document's words are missing" in str(error.value)
    assert (built / "dashboard.duckdb").read_bytes() == before


def test_a_reader_during_builds_always_sees_a_complete_database(built: Path):
    database = built / "dashboard.duckdb"
    failures: list[str] = []
    stop = threading.Event()

    def read_repeatedly() -> None:
        reads = 0
        while not stop.is_set() or reads < 20:
            try:
                with duckdb.connect(str(database), read_only=True) as connection:
                    figures = connection.execute("SELECT count(*) FROM figures").fetchone()[0]
                    checks = connection.execute("SELECT count(*) FROM checks").fetchone()[0]
                if (figures, checks) != (38, 5):
                    failures.append(f"partial database: {figures} figures, {checks} checks")
            except duckdb.Error as error:
                failures.append(repr(error))
            reads += 1

    reader = threading.Thread(target=read_repeatedly)
    reader.start()
    try:
        for _ in range(8):
            build(built, force=True)
    finally:
        stop.set()
        reader.join()
    assert not failures


def test_a_database_of_an_older_shape_is_rebuilt_from_the_same_files(built: Path, monkeypatch):
    """A new table or summary in sql/ (the build's SCHEMA_STAMP) rebuilds a database built before it, for
    `make run`'s build and for a running server's check alike, though no CSV changed."""
    from metrics import build as building
    from ui import data

    before_version, before_fingerprint = data_version(), building.input_fingerprint(built)
    monkeypatch.setattr(building, "SCHEMA_STAMP", "another shape")
    assert building.input_fingerprint(built) != before_fingerprint  # a server's page view looks again
    result = build(built)
    assert result.rebuilt and result.data_version != before_version
    assert fetch("update_dates")["as_of"].notna().all() and not fetch("regions_with_data").empty
    data._states.clear()
    assert data.data_state().version == result.data_version


def test_the_kept_summaries_equal_what_the_tables_say(built: Path):
    """update_dates and regions_with_data read what the build kept (sql/summaries.sql): the same rows as
    asking the tables themselves."""
    with queries.connect(built / "dashboard.duckdb") as connection:
        asked = connection.execute(
            "SELECT DISTINCT as_of FROM (SELECT date AS as_of FROM sources UNION SELECT as_of FROM progress_records)"
            " ORDER BY as_of DESC"
        ).df()
        regions = connection.execute(
            "SELECT region_id FROM reported_figures UNION SELECT region_id FROM progress_records"
            " UNION SELECT region_id FROM targets"
        ).fetchall()
    pd.testing.assert_frame_equal(fetch("update_dates"), asked)
    assert set(fetch("regions_with_data")["region_id"]) == {region for (region,) in regions}
