"""Export timings: first PNG, each later PNG, the whole briefing pack.

metrics/exports.py is being written elsewhere; until it is on this branch the row reads "not yet
available". Only its import is guarded, so any other error still surfaces. The chart engine underneath
(plotly + kaleido on Debian's chromium) is timed as well, for reference.
"""

from __future__ import annotations

import inspect
import time
import warnings
from dataclasses import dataclass, field

from benchmarks.common import median


@dataclass
class ExportTimes:
    available: bool
    first_png: float = float("nan")
    later_png: float = float("nan")
    pack: float = float("nan")
    note: str = ""
    engine: dict[str, float] = field(default_factory=dict)


def _overview_figure():
    """The overview's progress chart, built from the real data (the chart an official exports most)."""
    from metrics import charts, queries, report

    progress = queries.fetch("progress_for_region", region_id="huangshi")
    targeted = progress[progress["target"].notna()]
    sources = queries.fetch("sources")
    metrics = queries.fetch("metrics").set_index("metric_id")
    return charts.target_bullets(targeted, metrics, "目标完成情况", "", report.footer(targeted, sources, "zh"), "zh")


def engine_times(figure, later: int = 3) -> dict[str, float]:
    """plotly's to_image through kaleido: one call alone, then a kept-open kaleido server's first and later calls."""
    import kaleido

    times: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        figure.to_image(format="png", width=1280, height=720)
        times["one call, no server"] = time.perf_counter() - started
        kaleido.start_sync_server(silence_warnings=True)
        try:
            started = time.perf_counter()
            figure.to_image(format="png", width=1280, height=720)
            times["server: first PNG"] = time.perf_counter() - started
            samples = []
            for _ in range(later):
                started = time.perf_counter()
                figure.to_image(format="png", width=1280, height=720)
                samples.append(time.perf_counter() - started)
            times["server: each later PNG"] = median(samples)
        finally:
            kaleido.stop_sync_server(silence_warnings=True)
    return times


def _find(module, *words: str):
    for name, member in inspect.getmembers(module, inspect.isfunction):
        if member.__module__ == module.__name__ and not name.startswith("_") and all(w in name for w in words):
            return member
    return None


def run_exports(engine: bool = True) -> ExportTimes:
    """Time metrics.exports if it exists; always time the engine (unless told not to)."""
    figure = _overview_figure()
    try:
        from metrics import exports
    except ImportError:
        result = ExportTimes(available=False, note="not yet available (metrics/exports.py is not on this branch)")
    else:
        result = _time_module(exports, figure)
    if engine:
        try:
            result.engine = engine_times(figure)
        except Exception as error:  # noqa: BLE001 - the engine is context; report why it could not run
            result.note += f"; engine not timed: {type(error).__name__}: {error}"[:200]
    return result


def _time_module(exports, figure) -> ExportTimes:
    """Call the module's PNG and briefing functions if their names say what they are."""
    png = _find(exports, "png")
    pack = _find(exports, "briefing") or _find(exports, "pack")
    result = ExportTimes(available=True)
    names = [n for n, _ in inspect.getmembers(exports, inspect.isfunction) if not n.startswith("_")]
    try:
        if png is None:
            raise TypeError("no function with 'png' in its name")
        started = time.perf_counter()
        png(figure)
        result.first_png = time.perf_counter() - started
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            png(figure)
            samples.append(time.perf_counter() - started)
        result.later_png = median(samples)
        if pack is not None:
            started = time.perf_counter()
            pack()
            result.pack = time.perf_counter() - started
    except TypeError as error:
        result.note = f"metrics.exports is present but its API is not recognised ({error}); functions: {names}"[:300]
    return result
