"""Things pages build from query results are built once per data version and choice, then shared."""

from __future__ import annotations

from pathlib import Path

from ui import data


def test_derived_is_built_once_per_version_and_key(built: Path):
    calls: list[str] = []

    def build(label: str):
        return lambda: calls.append(label) or label

    assert data.derived(("test", "zh"), build("zh")) == "zh"
    assert data.derived(("test", "zh"), build("again")) == "zh"
    assert data.derived(("test", "en"), build("en")) == "en"
    assert calls == ["zh", "en"]

    path = built / "targets.csv"
    path.write_bytes(path.read_bytes().replace(b",152,", b",160,"))  # a new data version
    assert data.derived(("test", "zh"), build("new")) == "new"
    assert calls == ["zh", "en", "new"]


def test_a_new_version_is_read_from_the_new_file(built: Path):
    def target_2021() -> float:
        targets = data.fetch("all_targets")
        row = targets[(targets.metric_id == "diagnosis_enterprises") & (targets.period_end.astype(str) == "2021-12-31")]
        return float(row["target"].iloc[0])

    assert target_2021() == 152
    path = built / "targets.csv"
    path.write_bytes(path.read_bytes().replace(b",152,", b",160,"))
    assert target_2021() == 160
    path.write_bytes(path.read_bytes().replace(b",160,", b",170,"))
    assert target_2021() == 170


def test_the_launchers_warm_up_runs_on_the_data(built: Path):
    from ui import serve

    serve._warm_up()
    assert data.data_state().version


def test_no_page_changes_the_shared_query_results(built: Path):
    """Query results are shared between sessions as the objects themselves: a page that modified one
    would change what every later viewer sees. After every page in both languages, each cached
    result still equals the same query run afresh."""
    import pandas as pd

    from metrics import queries
    from tests.apptest_support import PAGES, open_page

    for lang in ("zh", "en"):
        for page in PAGES:
            assert not open_page(page, lang).exception

    from metrics import paths

    live = (str(paths.database_path()), data.data_state().version, "query")
    cached = {key: value for key, value in data._derived.items() if key[:3] == live}
    assert len(cached) >= 8  # the pages' queries went through the shared cache
    for (_, _, _, name, parameters), frame in cached.items():
        pd.testing.assert_frame_equal(frame, queries.fetch(name, **dict(parameters)), obj=f"{name}{parameters}")


def test_a_shown_form_is_built_once_per_object_and_forgotten_with_it():
    import gc

    import plotly.graph_objects as go

    from ui import render

    calls: list[str] = []
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    first = render.kept_for(figure, "a", lambda: calls.append("a") or object())
    assert render.kept_for(figure, "a", lambda: calls.append("again") or object()) is first
    render.kept_for(figure, "b", lambda: calls.append("b") or object())
    assert calls == ["a", "b"]

    shown = render.displayed(figure)
    assert shown.to_dict() == figure.to_dict() and render.displayed(figure) is shown
    panel = render.displayed(figure, screenshot=True)
    assert panel.layout.height == render.PANEL_HEIGHT

    key = id(figure)
    assert key in render._kept
    del figure, first, shown, panel
    gc.collect()
    assert key not in render._kept  # no entry outlives its figure
