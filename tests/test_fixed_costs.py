"""What every page view or query paid whatever the data's size (issue 16): each is now paid once."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics import queries
from metrics.build import build, default_view_queries
from metrics.reader import Reader
from metrics.registry import DEFAULT_REGION
from tests.apptest_support import ROOT, all_text, open_page, static_tables
from ui import data


def _attached(name: str) -> bool:
    with queries._host_connection().cursor() as cursor:
        return bool(cursor.execute("SELECT 1 FROM duckdb_databases() WHERE database_name = ?", [name]).fetchall())


def test_a_query_on_a_file_sets_up_no_new_duckdb(built: Path, monkeypatch: pytest.MonkeyPatch):
    """Opening a database file was 15-30 ms of DuckDB setting up an instance, for 3 rows as for a million."""
    database = built / "dashboard.duckdb"
    queries.fetch("meta", database=database)  # the process's DuckDB exists from here on
    opened: list[str] = []
    real_connect = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *args, **kwargs: opened.append(args) or real_connect(*args, **kwargs))
    assert set(queries.fetch("meta", database=database)["key"]) >= {"data_version"}
    with queries.connect(database) as connection:
        assert len(queries.fetch("sources", connection=connection)) > 0
        assert queries.data_version(connection=connection)
    assert opened == []


def test_a_database_is_detached_when_closed_or_forgotten(built: Path):
    database = built / "dashboard.duckdb"
    with queries.connect(database) as connection:
        name = connection.name
        assert _attached(name)
    assert not _attached(name)
    with pytest.raises(duckdb.ConnectionException, match="closed"):
        connection.cursor()
    forgotten = queries.connect(database)
    name = forgotten.name
    del forgotten
    assert not _attached(name)


def test_a_replaced_file_is_read_new_while_the_old_is_still_attached(built: Path):
    """One builder replaces the file (os.replace) while readers have the old one open."""
    database = built / "dashboard.duckdb"
    old = queries.connect(database)
    before = queries.data_version(connection=old)
    path = built / "targets.csv"
    path.write_bytes(path.read_bytes().replace(b",152,", b",160,"))
    build(built)
    with queries.connect(database) as new:
        assert queries.data_version(connection=new) != before
        targets = queries.fetch("all_targets", connection=new)
        assert 160 in set(targets["target"])
    assert queries.data_version(connection=old) == before  # the old reader still sees what it opened
    old.close()


def test_a_missing_or_broken_file_is_a_duckdb_error(tmp_path: Path):
    with pytest.raises(duckdb.Error, match="does not exist"):
        queries.connect(tmp_path / "none.duckdb")
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a database")
    with pytest.raises(duckdb.Error):
        queries.connect(broken)


def test_a_path_with_a_quote_is_attached(built: Path, tmp_path: Path):
    folder = tmp_path / "o'neil"
    folder.mkdir()
    copy = folder / "dashboard.duckdb"
    copy.write_bytes((built / "dashboard.duckdb").read_bytes())
    assert queries.data_version(copy)


def test_the_icon_is_given_as_a_data_url_not_a_file_to_read_each_view(built: Path, monkeypatch: pytest.MonkeyPatch):
    """Given the file's path, Streamlit read, stored and hashed the icon on every page view."""
    from streamlit.commands import page_config

    given: list[object] = []
    real = page_config._get_favicon_string
    monkeypatch.setattr(page_config, "_get_favicon_string", lambda icon: given.append(icon) or real(icon))
    app = open_page("overview", "zh")
    app.run()
    assert given and all(isinstance(icon, str) and icon.startswith("data:image/png;base64,") for icon in given)
    payload = given[0].removeprefix("data:image/png;base64,")
    assert base64.b64decode(payload) == (ROOT / "static" / "favicon.png").read_bytes()


def test_the_browser_is_asked_whether_it_is_a_phone_once_per_session(built: Path, monkeypatch: pytest.MonkeyPatch):
    from ui import phone

    asked: list[bool] = []
    real = phone._says_phone
    monkeypatch.setattr(phone, "_says_phone", lambda: asked.append(True) or real())
    app = open_page("retrofit", "zh")  # three charts
    app.run()
    app.run()
    assert not app.exception
    assert len(asked) == 1


def test_a_static_table_is_made_once_and_kept_between_views(built: Path, monkeypatch):
    """st.table converted the same pandas frame to Arrow on every view (the activities page's two
    tables); its HTML form is made once per frame and language and the same text handed over again."""
    import streamlit as st

    from ui import render

    made: list[str] = []
    real = render.static_table_html
    monkeypatch.setattr(render, "static_table_html", lambda frame: made.append(real(frame)) or made[-1])
    shown: list[str] = []
    real_html = st.html
    monkeypatch.setattr(st, "html", lambda body, **kwargs: shown.append(body.body) or real_html(body, **kwargs))
    app = open_page("activities", "zh")
    app.run()
    assert not app.exception
    assert len(made) == 2  # the two tables, once each
    tables = [body for body in shown if 'class="hs-table"' in body]
    assert len(tables) == 4 and tables[0] is tables[2] and tables[1] is tables[3]
    assert not app.table
    assert list(static_tables(app)[0].columns[:3]) == ["时间", "活动", "形式"]


def test_the_check_for_edited_files_on_each_view_takes_one_system_call_a_file(
    built: Path, monkeypatch: pytest.MonkeyPatch
):
    from metrics import build as build_module

    before = build_module.input_fingerprint()
    calls: list[str] = []
    real_stat, real_exists = os.stat, Path.exists
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: calls.append(str(path)) or real_stat(path, *a, **k))
    monkeypatch.setattr(Path, "exists", lambda self: calls.append(str(self)) or real_exists(self))
    assert build_module.input_fingerprint() == before
    assert len(calls) == len(build_module.INPUT_FILES)
    (built / "sources.csv").unlink()  # a missing file is part of the fingerprint too
    assert build_module.input_fingerprint() != before


def test_a_figure_shown_is_not_copied_and_validated_again(monkeypatch: pytest.MonkeyPatch):
    """st.plotly_chart reads only `to_dict` of what it is given; copying the figure in re-validated it all."""
    import plotly.graph_objects as go
    from plotly import validator_cache
    from plotly.basedatatypes import BaseFigure

    from ui import render

    layout = {"title": {"text": "标题"}, "height": 400, "annotations": [{"text": str(n)} for n in range(20)]}
    figure = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout=layout)
    looked_up: list[object] = []
    real = validator_cache.ValidatorCache.get_validator
    monkeypatch.setattr(
        validator_cache.ValidatorCache, "get_validator", staticmethod(lambda *a: looked_up.append(a) or real(*a))
    )
    shown = render.displayed(figure)
    assert len(looked_up) <= 5  # an empty figure's own; a copy of this one looks up 183 validators
    assert shown.to_dict() == figure.to_dict()
    assert isinstance(shown, BaseFigure)  # what Streamlit takes as a figure, not a dict to validate on every view


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_charts_shown_form_is_written_by_orjson_at_once_as_the_same_json(built: Path, lang: str):
    """The activities timeline held pandas Timestamps: plotly then walked every value of its dict before
    writing it, on every view (0.26 ms, where the other charts took 0.02-0.03 ms)."""
    import orjson
    import plotly.io as pio

    from metrics import chart_catalog
    from metrics.reader import Reader
    from ui import render

    reader = Reader(built / "dashboard.duckdb")
    builders = [
        chart_catalog.overview_progress,
        chart_catalog.retrofit_pipeline,
        chart_catalog.retrofit_tiers,
        chart_catalog.funding,
        chart_catalog.funding_supports,
        chart_catalog.benchmarks,
        chart_catalog.activities_timeline,
    ]
    specs = [builder(reader, DEFAULT_REGION, lang) for builder in builders]
    specs.append(chart_catalog.metric_progress(reader, DEFAULT_REGION, "retrofit_projects_completed", lang))
    assert all(spec is not None for spec in specs)
    for spec in specs:
        for screenshot in (False, True):
            shown = render.displayed(spec.figure, screenshot).to_dict()
            orjson.dumps(shown, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)  # no TypeError
            original = render._panel(spec.figure) if screenshot else spec.figure
            assert pio.to_json(shown, validate=False) == pio.to_json(original, validate=False), spec.name


def test_the_data_paths_follow_the_environment_and_are_made_once_per_value(tmp_path: Path, monkeypatch):
    from metrics import paths

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "a"))
    assert paths.data_dir() == tmp_path / "a" and paths.database_path() == tmp_path / "a" / "dashboard.duckdb"
    assert paths.database_path() is paths.database_path()  # not a new Path on each of a view's two dozen calls
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "b"))
    assert paths.database_path() == tmp_path / "b" / "dashboard.duckdb"
    monkeypatch.delenv("DASHBOARD_DATA_DIR")
    assert paths.data_dir() == paths.PROJECT_ROOT / "data"
    # Set but empty (`DASHBOARD_DATA_DIR= make run`): the default, not the folder the server started in.
    monkeypatch.setenv("DASHBOARD_DATA_DIR", "")
    assert paths.data_dir() == paths.PROJECT_ROOT / "data"


def test_queries_on_one_file_reuse_an_idle_cursor(built: Path, monkeypatch: pytest.MonkeyPatch):
    """A new cursor and its USE were ~0.7 ms of each small query on a page's first view."""
    with queries.connect(built / "dashboard.duckdb") as connection:
        made: list[duckdb.DuckDBPyConnection] = []
        real_cursor = queries.Database.cursor
        monkeypatch.setattr(queries.Database, "cursor", lambda self: made.append(real_cursor(self)) or made[-1])
        for name in ("sources", "metrics", "meta", "sources"):
            assert len(queries.fetch(name, connection=connection)) > 0
        assert len(made) == 1
        with pytest.raises(duckdb.Error):
            queries._run(connection, "SELECT * FROM no_such_table", {})
        assert len(made) == 1  # the failed query had the idle cursor, and it is not given back:
        assert len(queries.fetch("sources", connection=connection)) > 0
        assert len(made) == 2
    with pytest.raises(duckdb.ConnectionException):  # closing the file closed its idle cursor
        made[-1].execute("SELECT 1")


@pytest.mark.parametrize("name", queries.KEPT_QUERIES)
def test_a_kept_result_is_the_frame_its_query_gives(built: Path, name: str):
    with queries.connect(built / "dashboard.duckdb") as connection:
        kept = queries.kept_tables(connection)
        pd.testing.assert_frame_equal(queries.frame_of(kept[name]), queries.fetch(name, connection=connection))


def test_the_default_views_kept_figures_and_progress_are_the_frames_their_queries_give(built: Path):
    with queries.connect(built / "dashboard.duckdb") as connection:
        kept = queries.kept_tables(connection)
        asked = default_view_queries(connection)
        assert [name for name, _ in asked] == [
            "figures_for_region",
            "figures_for_region",
            "progress_for_regions",
            "targets_for_regions",
        ]
        assert asked[-1][1] == {"region_ids": (DEFAULT_REGION, "daye_yangxin_kaifaqu")}  # the city and its group
        for name, parameters in asked:
            expected = queries.fetch(name, connection=connection, **parameters)
            assert len(expected) > 0, name
            pd.testing.assert_frame_equal(queries.frame_of(kept[queries.kept_name(name, parameters)]), expected)


def test_a_first_view_of_the_default_region_reads_its_figures_and_progress_from_what_the_build_kept(
    built: Path, monkeypatch: pytest.MonkeyPatch
):
    """A region's figures cost 11 ms on a freshly attached file at a million records, its progress 6 ms."""
    ran: list[tuple[str, dict]] = []
    real_fetch = queries.fetch
    monkeypatch.setattr(queries, "fetch", lambda name, *a, **k: ran.append((name, k)) or real_fetch(name, *a, **k))
    reader = data.reader(None)
    figures, progress = reader.figures(DEFAULT_REGION), reader.progress(DEFAULT_REGION)
    targets = reader.targets(DEFAULT_REGION)
    assert ran == []
    county = reader.figures("daye")  # not kept: its query runs
    assert [name for name, _ in ran] == ["figures_for_region"]
    with queries.connect(built / "dashboard.duckdb") as connection:
        expected = Reader(connection=connection)
        pd.testing.assert_frame_equal(figures, expected.figures(DEFAULT_REGION))
        pd.testing.assert_frame_equal(progress, expected.progress(DEFAULT_REGION))
        pd.testing.assert_frame_equal(targets, expected.targets(DEFAULT_REGION))
        pd.testing.assert_frame_equal(county, expected.figures("daye"))


def test_a_first_view_reads_the_small_queries_at_once_from_what_the_build_kept(
    built: Path, monkeypatch: pytest.MonkeyPatch
):
    """Each small query cost 1.5-4 ms on a freshly attached file whatever its rows; one read of them all
    costs about as much as one of them."""
    ran: list[str] = []
    real_fetch = queries.fetch
    monkeypatch.setattr(queries, "fetch", lambda name, *a, **k: ran.append(name) or real_fetch(name, *a, **k))
    read: list[int] = []
    real_kept = queries.kept_tables
    monkeypatch.setattr(queries, "kept_tables", lambda connection: read.append(1) or real_kept(connection))
    frames = {name: data.fetch(name) for name in queries.KEPT_QUERIES}
    assert read == [1]
    assert not set(ran) & set(queries.KEPT_QUERIES)
    with queries.connect(built / "dashboard.duckdb") as connection:
        for name, frame in frames.items():
            pd.testing.assert_frame_equal(frame, real_fetch(name, connection=connection))


def test_a_later_record_reaches_the_default_views_kept_figures_and_progress_on_the_next_view(built: Path):
    """The kept rows are the new build's: a record added to progress.csv shows on the next view of the
    default region (its figures, progress and cards read the kept rows), in this process and a fresh one."""
    import os

    reader = data.reader(None)
    assert "2021年第四季度调度会" not in reader.figures(DEFAULT_REGION)["source_zh"].tolist()
    path = built / "progress.csv"
    record = "diagnosis_enterprises,huangshi,2021-12-31,200,,2021年第四季度调度会,\n"
    path.write_text(path.read_text(encoding="utf-8-sig") + record, encoding="utf-8-sig")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    for _ in ("this process", "a fresh process"):
        reader = data.reader(None)
        figures, progress = reader.figures(DEFAULT_REGION), reader.progress(DEFAULT_REGION)
        assert figures.loc[figures["source_zh"] == "2021年第四季度调度会", "value"].tolist() == [200]
        assert 200 in progress.loc[progress["metric_id"] == "diagnosis_enterprises", "value"].tolist()
        data.forget_all()
    text = all_text(open_page("diagnosis", "zh"))
    assert "2021年第四季度调度会" in text and "200家" in text


def test_a_database_built_before_results_were_kept_is_read_by_its_queries(built: Path):
    database = built / "dashboard.duckdb"
    with duckdb.connect(str(database)) as writer:
        writer.execute("DROP TABLE kept_results")
    with queries.connect(database) as connection:
        assert queries.kept_tables(connection) == {}
        expected = queries.fetch("sources", connection=connection)
    data.forget_all()
    pd.testing.assert_frame_equal(data.fetch("sources"), expected)


def test_a_change_to_a_kept_query_rebuilds_the_database():
    """A kept result is what its query gave when the database was built: the database's stamp covers the
    queries' file, so a database built before a query was edited is built again, not read."""
    from metrics import build as build_module

    assert build_module.SQL_DIR / "queries.sql" in build_module.STAMPED_FILES
    assert "kept_results" in (build_module.SQL_DIR / "schema.sql").read_text(encoding="utf-8")


def test_a_new_data_version_reads_its_own_kept_results(built: Path):
    """The kept rows are the new build's, on the first view after a change as in a fresh session."""
    assert data.fetch("sources")["short_zh"].tolist() == ["市经信局对市政协〔2021〕50号提案的答复"]
    path = built / "sources.csv"
    path.write_bytes(path.read_bytes().replace("市经信局对市政协".encode(), "黄石市经信局对市政协".encode()))
    assert data.fetch("sources")["short_zh"].tolist() == ["黄石市经信局对市政协〔2021〕50号提案的答复"]
    data.forget_all()  # a fresh process
    assert data.fetch("sources")["short_zh"].tolist() == ["黄石市经信局对市政协〔2021〕50号提案的答复"]


@pytest.mark.parametrize("lang, shot", [("zh", "0"), ("en", "1")])
def test_our_html_is_handed_to_streamlit_as_streamlit_would_have_tidied_it(
    built: Path, monkeypatch: pytest.MonkeyPatch, lang: str, shot: str
):
    """st.html's own tidying (dedent and strip, ~40 µs for the style sheets on every view) is skipped for
    our HTML (ui.markup): on every page, it would not have changed a character of it."""
    import streamlit as st
    from streamlit.string_util import clean_text

    shown: list[str] = []
    real_html = st.html
    monkeypatch.setattr(st, "html", lambda body, **kwargs: shown.append(body.body) or real_html(body, **kwargs))
    for page in ["overview", "retrofit", "activities", "benchmarks"]:
        app = open_page(page, lang, shot=shot)
        assert not app.exception
    assert len(shown) >= 8  # each page's style element, card grids, tier boxes, static tables
    assert [clean_text(body) for body in shown] == shown
    assert any("<style>" in body for body in shown) and any('class="hs-cards"' in body for body in shown)


def test_a_views_data_state_is_read_in_its_own_thread_and_never_by_another(built: Path):
    """run_state answers from the run's own thread (no session-state lookups): a state one thread began
    is not what another thread's run, or a thread that began none, is answered with."""
    import threading

    seen: dict[str, object] = {}

    def view(name: str, state: data.DataState | None) -> None:
        if state is not None:
            data._this_run.state = state  # what begin_run sets
        seen[name] = data.run_state()

    began = data.DataState(version="began-in-this-thread")
    for name, state in (("began", began), ("other", None)):
        thread = threading.Thread(target=view, args=(name, state))
        thread.start()
        thread.join()
    assert seen["began"] is began
    assert seen["other"] is not began and seen["other"].version == queries.data_version()
