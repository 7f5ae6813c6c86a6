"""Things pages build from query results are built once per data version and choice, then shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui import data

ROOT = Path(__file__).resolve().parent.parent


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


def test_the_launchers_warm_up_leaves_the_overview_ready(built: Path, monkeypatch: pytest.MonkeyPatch):
    """What the launcher prepares is what the first viewer's Overview then reads from the caches."""
    import functools

    from metrics import chart_catalog, report
    from tests.apptest_support import open_page
    from ui import serve

    serve._warm_up()
    assert data.data_state().version
    built_again = []
    for module, name in [(report, "cards"), (report, "key_points"), (chart_catalog, "overview_progress")]:
        original = getattr(module, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            built_again.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, functools.wraps(original)(counted))
    app = open_page("overview", "zh")
    assert not app.exception and app.get("plotly_chart")
    assert built_again == []


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
    assert panel.layout.height is None  # it fills its 16:9 box, whatever the window's width

    key = id(figure)
    assert key in render._kept
    del figure, first, shown, panel
    gc.collect()
    assert key not in render._kept  # no entry outlives its figure


def test_serving_pages_loads_neither_the_validator_nor_the_deck_writer(built: Path):
    """pandera (checking files) and python-pptx (writing decks) load when first used, not when the
    server starts and shows pages: together they were a third of the launcher's warm-up."""
    import subprocess
    import sys

    script = (
        "import sys, ui.serve, ui.editing, ui.exports, ui.render; ui.serve._warm_up(); "
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'pandera', 'pptx'}))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


def test_a_value_being_built_is_waited_for_not_built_twice_and_a_failed_build_is_retried(built: Path):
    """Viewers opening pages together after a new data version: the first builds each value, the others
    wait for it. If that build fails, a waiting viewer builds it itself."""
    import threading

    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow() -> object:
        calls.append("slow")
        started.set()
        release.wait(10)
        return ["built once"]

    results: list[object] = []
    first = threading.Thread(target=lambda: results.append(data.derived(("single_flight",), slow)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(
        target=lambda: results.append(data.derived(("single_flight",), lambda: calls.append("x")))
    )
    second.start()
    second.join(0.2)
    assert second.is_alive()  # waiting for the first build, not building its own
    release.set()
    first.join(10)
    second.join(10)
    assert calls == ["slow"] and results[0] is results[1]

    failed, building = threading.Event(), threading.Event()

    def failing() -> object:
        building.set()
        failed.wait(10)
        raise RuntimeError("build failed")

    outcome: list[object] = []

    def attempt() -> None:
        try:
            data.derived(("retried",), failing)
        except RuntimeError:
            outcome.append("raised")

    broken = threading.Thread(target=attempt)
    broken.start()
    assert building.wait(10)
    waiter = threading.Thread(target=lambda: outcome.append(data.derived(("retried",), lambda: "built by the waiter")))
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive()  # waiting for the failing build
    failed.set()
    broken.join(10)
    waiter.join(10)
    assert sorted(map(str, outcome)) == ["built by the waiter", "raised"]


def test_a_build_begun_before_everything_is_forgotten_is_not_kept(built: Path):
    forgotten = []

    def build() -> str:
        data.forget_all()  # a new data version or the benchmarks' reset, while this build runs
        forgotten.append(True)
        return "old"

    assert data.derived(("generation",), build) == "old"  # its caller still gets it
    assert data.derived(("generation",), lambda: "new") == "new"  # but it was not kept
