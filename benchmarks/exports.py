"""Export timings: the first PNG (the image browser starting), each later PNG, the whole briefing pack.

Timed through the functions the dashboard's buttons and `python -m metrics briefing` call:
metrics.exports.figure_png (1600×900 at 2×) and metrics.briefing.build_pack (deck and every key chart's
PNG, into a temporary folder). The engine underneath (plotly's own to_image via kaleido) is timed too,
for reference. Where chromium or the CJK font is missing the row says what to install.
"""

from __future__ import annotations

import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import median

LATER_PNG_GOAL = 0.5  # seconds, from the exports issue
PACK_GOAL = 10.0
WORD_GOAL = 5.0  # seconds, warm (image browser running), from the readability issue


@dataclass
class ExportTimes:
    available: bool
    first_png: float = float("nan")
    later_png: float = float("nan")
    pack: float = float("nan")
    pack_images: int = 0
    pack_steps: dict[str, float] = field(default_factory=dict)
    note: str = ""
    engine: dict[str, float] = field(default_factory=dict)
    word: float = float("nan")
    word_steps: dict[str, float] = field(default_factory=dict)


def _overview_figure():
    """The overview's key chart, built as the page builds it (the chart an official exports most)."""
    from metrics import chart_catalog
    from metrics.reader import Reader

    reader = Reader()
    for build in chart_catalog.KEY_CHARTS.values():
        spec = build(reader, "huangshi", "zh")
        if spec is not None:
            return spec.figure
    raise RuntimeError("no key chart could be built from the data")


def engine_times(figure, later: int = 3) -> dict[str, float]:
    """plotly's to_image through kaleido: one call alone, then a kept-open kaleido server's first and later calls."""
    import kaleido

    times: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        figure.to_image(format="png", width=1280, height=720)
        times["one call, no server"] = time.perf_counter() - started
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
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


def run_exports(engine: bool = True, later: int = 5) -> ExportTimes:
    """Time the dashboard's own export functions; and the engine, unless told not to."""
    from metrics import briefing, exports

    figure = _overview_figure()
    problem = exports.availability()
    if problem is not None:
        return ExportTimes(available=False, note=problem.message("en"))
    exports.stop_server()  # the first PNG includes starting the image browser, as on a fresh server
    result = ExportTimes(available=True)
    started = time.perf_counter()
    exports.figure_png(figure)
    result.first_png = time.perf_counter() - started
    samples = []
    for _ in range(later):
        started = time.perf_counter()
        exports.figure_png(figure)
        samples.append(time.perf_counter() - started)
    result.later_png = median(samples)
    with tempfile.TemporaryDirectory(prefix="bench-briefing-") as folder:
        started = time.perf_counter()
        pack = briefing.build_pack(Path(folder), "zh")
        result.pack = time.perf_counter() - started
    result.pack_images = len(pack.images)
    result.pack_steps = dict(pack.seconds)
    result.word, result.word_steps = word_briefing_time()
    exports.stop_server()
    if engine:
        try:
            result.engine = engine_times(figure)
        except Exception as error:  # noqa: BLE001 - the engine is context; report why it could not run
            result.note = f"engine not timed: {type(error).__name__}: {error}"[:200]
    return result


def word_briefing_time(rounds: int = 3) -> tuple[float, dict[str, float]]:
    """The Word briefing as the Overview button makes it (metrics.wordbrief.write_briefing, every key chart's
    picture and the .docx), warm: the image browser running; median seconds of `rounds` and its steps."""
    from metrics import exports, wordbrief

    exports.start_server()
    samples, steps = [], {}
    with tempfile.TemporaryDirectory(prefix="bench-word-") as folder:
        for _ in range(rounds):
            result = wordbrief.write_briefing(Path(folder), "zh")
            samples.append(result.seconds["total"])
            steps = result.seconds
    return median(samples), {step: seconds for step, seconds in steps.items() if step != "total"}
