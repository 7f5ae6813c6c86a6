"""Server-side page time with AppTest, against a one-line Streamlit page run the same way in the same process.

Warm: the page is rerun in the same session (caches filled), interleaved with the one-line page so both
see the same machine. First view: caches, connections and the data state cleared, as after a data
change or on a new server process (modules already imported). Only the page's own run is timed.
"""

from __future__ import annotations

import contextlib
import gc
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from benchmarks.browser import TOY_APP
from benchmarks.common import APP, Page, median, registered_pages, timed
from tools.apptest import ServerPagesManager
from ui import serve

ONE_LINE = 'import streamlit as st\nst.write("你好")\n'
TIMEOUT = 300


@dataclass
class PageTimes:
    """Medians in seconds, per page, and the one-line page's."""

    one_line: float
    one_chart: float = float("nan")  # the toy app of benchmarks/browser.py: a title and one plotly chart
    warm: dict[str, float] = field(default_factory=dict)
    first_view: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    # One value per interleaved round: the slowest page's median over the one-line page's in that round,
    # and the slowest first view of that round (seconds). A goal is met only if its worst round meets it.
    warm_ratio_rounds: list[float] = field(default_factory=list)
    first_view_rounds: list[float] = field(default_factory=list)

    @property
    def slowest(self) -> tuple[str, float]:
        name = max(self.warm, key=self.warm.get)
        return name, self.warm[name]

    @property
    def ratio(self) -> float:
        return self.slowest[1] / self.one_line


_SHARED_SCRIPT_CACHE = ScriptCache()


@contextlib.contextmanager
def as_the_server_runs() -> Iterator[None]:
    """Within: each script compiled once, as the server does (AppTest otherwise recompiles every run),
    and the pages-folder mode kept off as a server has it after its first run. Undone afterwards, so
    AppTest tests in the same process keep AppTest's own behaviour."""
    saved = (app_test.ScriptCache, local_script_runner.ScriptCache, app_test.PagesManager)
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: _SHARED_SCRIPT_CACHE
    app_test.PagesManager = ServerPagesManager
    try:
        yield
    finally:
        app_test.ScriptCache, local_script_runner.ScriptCache, app_test.PagesManager = saved
        PagesManager.uses_pages_directory = None
        gc.unfreeze()


def open_page(page: Page, lang: str = "zh") -> AppTest:
    """An AppTest session showing `page` (the default page first, then switched, as a browser would)."""
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    app.query_params["lang"] = lang
    app.run()
    if not page.default:
        app.switch_page(page.path)
        app.run()
    return app


def first_view_of(page: Page, lang: str = "zh") -> tuple[float, AppTest]:
    """Seconds of a page's run with every cache empty, and the session left on that page.

    The session is open before the caches are cleared, for the default page too: a new AppTest
    session costs ~40 ms of AppTest's own (its thread and polling; a one-line page's first run takes
    that long), which is not the page's and which the other pages' first views do not include.
    """
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    app.query_params["lang"] = lang
    app.run()
    reset_caches()
    if not page.default:
        app.switch_page(page.path)
    return timed(app.run), app


def reset_caches() -> None:
    """Forget cached query results and the data state, as a new data version does."""
    from ui import data

    st.cache_data.clear()
    data.forget_all()


ROUNDS = 3  # at least three rounds for every ratio, so a report states its spread


def time_pages(
    repeats: int = 5,
    lang: str = "zh",
    pages: list[Page] | None = None,
    first_view_repeats: int = ROUNDS,
    rounds: int = ROUNDS,
) -> PageTimes:
    """Median warm run of every registered page and of the one-line page, interleaved; median first view.

    Warm runs come in `rounds` rounds of `repeats` interleaved runs each; every round gives its own
    slowest-page ratio. Each of the `first_view_repeats` (≥ 3) first-view rounds gives its slowest first view.
    """
    rounds = max(rounds, ROUNDS)
    first_view_repeats = max(first_view_repeats, ROUNDS)
    pages = pages or registered_pages()
    with as_the_server_runs(), tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "one_line.py"
        script.write_text(ONE_LINE, encoding="utf-8")
        baseline = AppTest.from_file(str(script), default_timeout=TIMEOUT).run()
        toy_script = Path(folder) / "one_chart.py"
        toy_script.write_text(TOY_APP, encoding="utf-8")
        toy = AppTest.from_file(str(toy_script), default_timeout=TIMEOUT).run()

        for page in pages:  # imports and compiles everything once, as a server that has served a page has
            open_page(page, lang)
        serve.freeze_long_lived()  # as the launcher does once warmed up

        first_views: dict[str, list[float]] = {page.name: [] for page in pages}
        sessions: dict[str, AppTest] = {}
        errors: dict[str, str] = {}
        for _ in range(first_view_repeats):
            for page in pages:
                seconds, app = first_view_of(page, lang)
                first_views[page.name].append(seconds)
                sessions[page.name] = app
                if app.exception:
                    errors[page.name] = "; ".join(e.message for e in app.exception)[:200]
        first_view = {name: median(values) for name, values in first_views.items()}

        samples: dict[str, list[float]] = {name: [] for name in sessions}
        one_line: list[float] = []
        one_chart: list[float] = []
        ratios: list[float] = []
        for _ in range(rounds):
            this_round: dict[str, list[float]] = {name: [] for name in sessions}
            one_line_round: list[float] = []
            for _ in range(repeats):
                one_line_round.append(timed(baseline.run))
                one_chart.append(timed(toy.run))
                for name, app in sessions.items():
                    this_round[name].append(timed(app.run))
            one_line += one_line_round
            for name, values in this_round.items():
                samples[name] += values
            ratios.append(max(median(values) for values in this_round.values()) / median(one_line_round))
        return PageTimes(
            one_line=median(one_line),
            one_chart=median(one_chart),
            warm={name: median(values) for name, values in samples.items()},
            first_view=first_view,
            errors=errors,
            warm_ratio_rounds=ratios,
            first_view_rounds=[
                max(values[index] for values in first_views.values()) for index in range(first_view_repeats)
            ],
        )
