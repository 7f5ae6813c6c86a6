"""Cold start and first paint in headless chromium: the dashboard against a one-chart toy app.

Each round starts fresh servers, times each to a healthy /_stcore/health, then opens every page in a
new browser page and times navigation until the script has finished and every chart has drawn. The
dashboard is started as `make run` does (`python -m ui.serve`) and, for comparison, as plain
`streamlit run dashboard.py`; the toy app with `streamlit run`. Rounds alternate the order.

A round takes VISITS fresh starts of the toy app and of the dashboard (each page opened once on each),
and its ratios are of the round's medians: one visit is a ~2 s browser measure whose own spread (±10%
from one visit to the next on an idle machine) would otherwise decide the round, the slowest page
being the largest of nine such samples against one of the toy app.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import Page, median, registered_pages
from metrics.paths import PROJECT_ROOT
from tools.browser import chromium, free_port, streamlit_command, wait_healthy

TOY_APP = """import plotly.graph_objects as go
import streamlit as st

st.title("Toy")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])), key="chart_toy")
"""

# Done: the script is not running, the page has its heading, and every chart it was sent has drawn its
# SVG. The plotly component is loaded lazily: for a moment (seconds on a loaded machine) a finished page
# has no chart element at all, only the chart's keyed container (st-key-chart_…, ui.render.chart), so
# charts are counted by their containers. `charts`: at least that many (a calibration visit's count).
PAINTED = """(charts = 0) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.dataset.testScriptState !== "notRunning") return false;
    if (!document.querySelector("[data-testid='stMain'] [data-testid='stHeading']")) return false;
    const placed = [...document.querySelectorAll("[class*='st-key-chart_']")];
    return placed.length >= charts
        && placed.every(box => box.querySelector("[data-testid='stPlotlyChart'] .main-svg") !== null);
}"""


@dataclass
class ColdStart:
    """Medians in seconds over rounds."""

    healthy: float
    toy_healthy: float
    first_paint: float  # the first page, on a server that has just started (caches empty)
    toy_first_paint: float
    page_paint: dict[str, float] = field(default_factory=dict)  # each page on a warm server
    toy_paint: float = float("nan")
    charts: dict[str, int] = field(default_factory=dict)
    rounds: int = 0
    plain_healthy: float = float("nan")  # plain `streamlit run dashboard.py`, without the launcher
    plain_first_paint: float = float("nan")
    # One value per round (dashboard and toy app measured in the same round):
    start_ratio_rounds: list[float] = field(default_factory=list)  # start → first page painted, vs the toy's
    paint_ratio_rounds: list[float] = field(default_factory=list)  # slowest page painted, vs the toy's
    visits: int = 1  # fresh starts of each app per round; a round's ratio is of its medians

    @property
    def slowest_page(self) -> tuple[str, float]:
        name = max(self.page_paint, key=self.page_paint.get)
        return name, self.page_paint[name]


@contextlib.contextmanager
def server(
    script: Path, env: dict | None = None, launcher: bool = False
) -> Iterator[tuple[str, float, subprocess.Popen]]:
    """`streamlit run script` on a free loopback port: (base URL, seconds to healthy, process).

    `launcher`: start the dashboard the way `make run` does (`python -m ui.serve`, which imports and
    checks the data while the server starts) instead of plain `streamlit run`.
    """
    port = free_port()
    start = ["-m", "ui.serve"] if launcher else ["-m", "streamlit", "run", str(script)]
    command = streamlit_command(start, port)
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url, timeout=120)
        yield base_url, time.perf_counter() - started, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def chart_count(browser, url: str) -> int:
    """How many charts a page shows once everything has settled (an untimed visit)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(url)
        page.wait_for_function(PAINTED, timeout=60_000)
        page.wait_for_timeout(2_000)  # a rerun may follow the first run
        page.wait_for_function(PAINTED, timeout=60_000)
        return page.locator("[class*='st-key-chart_']").count()
    finally:
        page.close()


def paint_time(browser, url: str, charts: int = 0, timeout: float = 60) -> tuple[float, int]:
    """Seconds from navigation to painted (with at least `charts` charts drawn) in a fresh browser page."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        first_true = None
        while time.perf_counter() - started < timeout:
            if page.evaluate(PAINTED, charts):
                first_true = first_true or time.perf_counter()
                if time.perf_counter() - first_true >= 0.3:  # still painted 300 ms later: really done
                    break
            else:
                first_true = None
            page.wait_for_timeout(20)
        if first_true is None:
            raise TimeoutError(f"{url} not painted after {timeout}s")
        return first_true - started, page.locator("[data-testid='stPlotlyChart']").count()
    finally:
        page.close()


def page_url(base_url: str, page: Page, lang: str = "zh") -> str:
    return f"{base_url}/{'' if page.default else page.url}?lang={lang}"


VISITS = 3  # fresh starts of each app per round (module docstring)


def measure(
    rounds: int = 3, data_dir: Path | None = None, pages: list[Page] | None = None, visits: int = VISITS
) -> ColdStart:
    """Alternate dashboard and toy app rounds (at least three) of `visits` fresh starts each; medians of
    each measure, and each round's ratios of its medians."""
    rounds = max(rounds, 3)
    pages = pages or registered_pages()
    env = {"DASHBOARD_DATA_DIR": str(data_dir)} if data_dir else {}
    samples: dict[str, list[float]] = {}
    charts: dict[str, int] = {}

    def add(name: str, value: float) -> None:
        samples.setdefault(name, []).append(value)

    def of_round(name: str, index: int) -> list[float]:
        """A measure's samples of one round (every round adds the same number of each, in order)."""
        per_round = len(samples[name]) // rounds
        return samples[name][index * per_round : (index + 1) * per_round]

    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        toy = Path(folder) / "toy_app.py"
        toy.write_text(TOY_APP, encoding="utf-8")
        with server(toy) as (base_url, _, _):
            toy_charts = chart_count(browser, f"{base_url}/")
        with server(PROJECT_ROOT / "dashboard.py", env) as (base_url, _, _):
            charts.update({page.name: chart_count(browser, page_url(base_url, page)) for page in pages})
        for round_number in range(rounds):
            order = ["toy", "dashboard"] if round_number % 2 == 0 else ["dashboard", "toy"]
            for which in order:
                if which == "toy":
                    for _ in range(visits):
                        with server(toy) as (base_url, healthy, _):
                            add("toy_healthy", healthy)
                            add("toy_first", paint_time(browser, f"{base_url}/", toy_charts)[0])
                            add("toy_warm", paint_time(browser, f"{base_url}/", toy_charts)[0])
                    continue
                with server(PROJECT_ROOT / "dashboard.py", env) as (base_url, healthy, _):
                    add("plain_healthy", healthy)
                    add("plain_first", paint_time(browser, page_url(base_url, pages[0]), charts[pages[0].name])[0])
                for _ in range(visits):
                    with server(PROJECT_ROOT / "dashboard.py", env, launcher=True) as (base_url, healthy, _):
                        add("healthy", healthy)
                        add("first", paint_time(browser, page_url(base_url, pages[0]), charts[pages[0].name])[0])
                        for page in pages:
                            seconds, _ = paint_time(browser, page_url(base_url, page), charts[page.name])
                            add(f"page:{page.name}", seconds)
    return ColdStart(
        healthy=median(samples["healthy"]),
        toy_healthy=median(samples["toy_healthy"]),
        first_paint=median(samples["first"]),
        toy_first_paint=median(samples["toy_first"]),
        page_paint={page.name: median(samples[f"page:{page.name}"]) for page in pages},
        toy_paint=median(samples["toy_warm"]),
        charts=charts,
        rounds=rounds,
        plain_healthy=median(samples["plain_healthy"]),
        plain_first_paint=median(samples["plain_first"]),
        start_ratio_rounds=[
            median([h + f for h, f in zip(of_round("healthy", index), of_round("first", index), strict=True)])
            / median([h + f for h, f in zip(of_round("toy_healthy", index), of_round("toy_first", index), strict=True)])
            for index in range(rounds)
        ],
        paint_ratio_rounds=[
            max(median(of_round(f"page:{page.name}", index)) for page in pages) / median(of_round("toy_warm", index))
            for index in range(rounds)
        ],
        visits=visits,
    )
