"""Report intake speed (issue 15): a 20-page document proposed (goal ≤ 2 s), and the review page rerun warm
(goal ≤ 1 s: an editor ticks a box or corrects a value and the page answers).

Each measure runs in rounds; the result is min–median–max and a goal is met only when the worst round meets
it, as for the pages (benchmarks/report.py). tests/test_intake_accuracy.py checks what the 20-page document
proposes on every `make test`; how fast is measured here, not asserted in tests (the machine is shared).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import APP, spread, timed
from metrics.paths import PROJECT_ROOT, SEED_DIR

PROPOSE_GOAL = 2.0  # seconds for a 20-page document
REVIEW_GOAL = 1.0  # seconds for the review page's warm rerun
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "intake"
REPLY = SEED_DIR / "000_808a1ba897e11f88.txt"
ROUNDUP = FIXTURES / "provincial_roundup.txt"  # several cities, targets and actuals


def reviewed() -> tuple[str, str, dt.date]:
    """The report pasted on the review page, its name and date: the reply (the most figures), or the round-up
    where the reply is not on the machine."""
    if REPLY.exists():
        return REPLY.read_text(encoding="utf-8"), "the reply", dt.date(2021, 7, 13)
    return ROUNDUP.read_text(encoding="utf-8-sig"), ROUNDUP.name, dt.date(2024, 7, 20)


def report_text() -> str:
    """One report's worth of text: the provincial round-up, the three-year plan and the reply."""
    parts = [ROUNDUP.read_text(encoding="utf-8-sig")]
    parts.append((FIXTURES / "plan_2024_2026.md").read_text(encoding="utf-8"))
    if REPLY.exists():
        parts.append(REPLY.read_text(encoding="utf-8"))
    return "\n".join(parts)


def twenty_pages() -> bytes:
    """About 20 pages of report text (~ 30,000 characters): report_text repeated."""
    text = report_text()
    return ("\n".join([text] * (30_000 // len(text) + 1))).encode("utf-8")


@dataclass
class IntakeTimes:
    """What one run measured: seconds per round of each measure."""

    characters: int = 0
    proposals: int = 0
    propose_rounds: list[float] = field(default_factory=list)
    reviewed: str = ""
    review_figures: int = 0
    review_rounds: list[float] = field(default_factory=list)


def time_proposing(times: IntakeTimes, rounds: int) -> None:
    """The 20-page document read and proposed, `rounds` times (after one warm-up on a line of text)."""
    from metrics.intake import propose_file
    from metrics.registry import Registry

    data, registry = twenty_pages(), Registry.load()
    propose_file("warm up 1家".encode(), "x.txt", dt.date(2024, 1, 1), registry=registry)
    times.characters = len(data.decode("utf-8"))
    for _ in range(rounds):
        times.propose_rounds.append(
            timed(lambda: propose_file(data, "long.txt", dt.date(2024, 7, 20), registry=registry))
        )
    _, frame = propose_file(data, "long.txt", dt.date(2024, 7, 20), registry=registry)
    times.proposals = len(frame)


@contextmanager
def editor_session() -> Iterator[dict]:
    """Session state with a signed-in editor, an account made for the run in its own secrets file."""
    from metrics import editors
    from ui.editing import EDITOR_KEY

    previous = os.environ.get("DASHBOARD_SECRETS")
    with tempfile.TemporaryDirectory(prefix="bench_intake_") as folder:
        os.environ["DASHBOARD_SECRETS"] = str(Path(folder) / "secrets.toml")
        try:
            editors.add_editor("bench", "bench password", "基准")
            editor = editors.authenticate("bench", "bench password", "127.0.0.1")
            assert editor is not None
            yield {EDITOR_KEY: editor}
        finally:
            if previous is None:
                os.environ.pop("DASHBOARD_SECRETS", None)
            else:
                os.environ["DASHBOARD_SECRETS"] = previous


def time_review_page(times: IntakeTimes, rounds: int) -> None:
    """The review page (AppTest, the page's own code) with a report pasted, read once, then rerun `rounds`
    times as an editor's click reruns it. Nothing is confirmed: the data folder is left as it is."""
    from streamlit.testing.v1 import AppTest

    text, times.reviewed, date = reviewed()
    with editor_session() as session:
        app = AppTest.from_file(str(APP), default_timeout=120)
        for key, value in session.items():
            app.session_state[key] = value
        app.query_params["lang"] = "zh"
        app.run()
        app.switch_page("pages/intake.py").run()
        app.date_input(key="intake_date").set_value(date)
        app.text_area(key="intake_paste").input(text)
        app.run()  # read and proposed once per session and document
        app.run()  # warm
        if app.exception or not app.dataframe:
            raise RuntimeError(f"the review page did not show the proposals: {app.exception}")
        times.review_figures = len(app.dataframe[0].value)
        for _ in range(rounds):
            times.review_rounds.append(timed(app.run))
        if app.exception:
            raise RuntimeError(f"the review page failed on a rerun: {app.exception}")


def run_intake(rounds: int = 5) -> IntakeTimes:
    """Both measures, `rounds` rounds each (at least 3: a spread needs them)."""
    rounds = max(rounds, 3)
    times = IntakeTimes()
    time_proposing(times, rounds)
    time_review_page(times, rounds)
    return times


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _row(measure: str, goal: float, rounds: list[float]) -> str:
    met = "—" if not rounds else ("yes" if max(rounds) <= goal else "**no**")
    shown = f"{spread(rounds, _seconds)} (min–median–max of {len(rounds)} rounds)" if rounds else "not measured"
    return f"| {measure} | ≤ {goal:.0f} s in every round | {shown} | {met} |"


def goals(times: IntakeTimes) -> list[str]:
    """The table's rows: each measure, its goal, its rounds, met."""
    return [
        _row(
            f"20-page document proposed ({times.characters:,} characters, {times.proposals} figures)",
            PROPOSE_GOAL,
            times.propose_rounds,
        ),
        _row(
            f"Review page rerun warm ({times.reviewed} pasted, {times.review_figures} figures in the table)",
            REVIEW_GOAL,
            times.review_rounds,
        ),
    ]


def markdown(times: IntakeTimes) -> str:
    """The section of BENCHMARKS.md."""
    lines = [
        "",
        "## Report intake speed (`benchmarks/intake.py`)",
        "",
        "`metrics.intake.propose_file` on about 20 pages of report text (the reply and two of the test documents,",
        "repeated; one warm-up call first), and the 报告导入 page run by AppTest for a signed-in editor with a report",
        "pasted: read once, then rerun as a click reruns it. A goal is met only when its worst round meets it.",
        "",
        "| measure | goal | result | met |",
        "|---|---|---|---|",
        *goals(times),
        "",
    ]
    return "\n".join(lines)
