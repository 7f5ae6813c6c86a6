"""Big uploads on the progress page, as an editor makes them (AppTest, the page's own code path):

- a file of 100,000 valid records: read, checked and previewed (the first PREVIEW_ROWS changes drawn, all
  counted), then saved;
- a file of 100,000 problems (under the 5 MB upload limit): counted by kind, the first PROBLEMS_LISTED listed.

Streamlit refuses to style more than 262,144 cells, and a page listing 100,000 problems never finished
drawing; tests/test_big_files.py checks the same behaviour at a modest size on every `make test`, this
measures it at full size. Goal: each step finishes, shows what it should, and saves every row (timings
are figures: the machine is shared).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import APP, data_dir
from metrics.build import build
from metrics.registry import Registry

ROWS = 100_000
TIMEOUT = 600  # seconds for one run of the page
STEPS = ("{rows:,} rows: read, check, preview", "{rows:,} rows: save", "{rows:,} problems: counted by kind")


@dataclass
class UploadStep:
    """One step of one upload: how long the page took and whether it showed what it should."""

    name: str
    seconds: float
    met: bool
    note: str


def many_records(count: int, registry: Registry) -> bytes:
    """`count` valid progress records: every metric and region, one day after another from 2021-07-14."""
    lines = ["metric_id,region_id,as_of,value"]
    day = 0
    while len(lines) <= count:
        as_of = (dt.date(2021, 7, 14) + dt.timedelta(days=day)).isoformat()
        lines += [f"{m},{r},{as_of},{1 + day % 50}" for m in registry.metric_ids for r in registry.region_ids]
        day += 1
    return ("\n".join(lines[: count + 1]) + "\n").encode()


def many_problems(count: int) -> bytes:
    """`count` records whose value is not a number: one kind of problem, `count` times."""
    lines = ["metric_id,region_id,as_of,value", *["diagnosis_enterprises,huangshi,2021-08-01,x"] * count]
    return ("\n".join(lines) + "\n").encode()


def _editor_session(secrets: Path) -> dict:
    """Session state with a signed-in editor (an account made for the run, in its own secrets file)."""
    from metrics import editors
    from ui.editing import EDITOR_KEY

    os.environ["DASHBOARD_SECRETS"] = str(secrets)
    editors.add_editor("bench", "bench password", "基准")
    editor = editors.authenticate("bench", "bench password", "127.0.0.1")
    assert editor is not None
    return {EDITOR_KEY: editor}


def _progress_page(session: dict):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in session.items():
        app.session_state[key] = value
    app.query_params["lang"] = "en"
    app.run()
    app.switch_page("pages/progress.py").run()
    return app


def _texts(app) -> str:
    return "\n".join(
        str(element.value) for kind in ("markdown", "caption", "error", "info") for element in app.get(kind)
    )


def run_uploads(rows: int = ROWS) -> list[UploadStep]:
    """Each step at `rows` rows, on a private built copy of the data folder (nothing is saved in data/)."""
    from metrics import updates
    from ui.editing import PREVIEW_ROWS, PROBLEMS_LISTED

    source = Path(os.environ.get("DASHBOARD_DATA_DIR", APP.parent / "data"))
    previous_secrets = os.environ.get("DASHBOARD_SECRETS")
    steps: list[UploadStep] = []
    with tempfile.TemporaryDirectory(prefix="bench_uploads_") as folder:
        copy = Path(folder) / "data"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.duckdb", "history", ".*"))
        build(copy)
        try:
            with data_dir(copy):
                session = _editor_session(Path(folder) / "secrets.toml")
                registry = Registry.load()

                started = time.perf_counter()
                try:
                    app = _progress_page(session)
                    started = time.perf_counter()
                    app.file_uploader(key="editui_progress_upload_0").upload(
                        "rows.csv", many_records(rows, registry), "text/csv"
                    ).run(timeout=TIMEOUT)
                    seconds = time.perf_counter() - started
                    shown = _texts(app)
                    counted = f"Preview before saving: {rows} added, 0 changed, 0 removed" in shown
                    previews = [frame.value for frame in app.dataframe if "Change" in frame.value.columns]
                    drawn = len(previews[0]) if previews else 0
                    met = not app.exception and not app.error and counted and drawn == min(rows, PREVIEW_ROWS)
                    steps.append(UploadStep(STEPS[0].format(rows=rows), seconds, met, f"{drawn} rows drawn"))

                    started = time.perf_counter()
                    app.button(key="editui_progress_upload_save").click().run(timeout=TIMEOUT)
                    seconds = time.perf_counter() - started
                    added = updates.versions("progress")[0].added
                    met = not app.exception and not app.error and added == rows
                    steps.append(UploadStep(STEPS[1].format(rows=rows), seconds, met, f"{added:,} rows added"))

                    app = _progress_page(session)
                    started = time.perf_counter()
                    app.file_uploader(key="editui_progress_upload_0").upload(
                        "problems.csv", many_problems(rows), "text/csv"
                    ).run(timeout=TIMEOUT)
                    seconds = time.perf_counter() - started
                    listed = len(app.table[1].value) if len(app.table) > 1 else 0
                    counted = not app.exception and str(rows) in " ".join(e.value for e in app.error)
                    met = counted and listed == min(rows, PROBLEMS_LISTED)
                    steps.append(UploadStep(STEPS[2].format(rows=rows), seconds, met, f"{listed} listed"))
                except RuntimeError as error:  # AppTest's timeout: the step did not finish, said as such
                    name = STEPS[len(steps)].format(rows=rows)
                    steps.append(UploadStep(name, time.perf_counter() - started, False, str(error)))
        finally:
            if previous_secrets is None:
                os.environ.pop("DASHBOARD_SECRETS", None)
            else:
                os.environ["DASHBOARD_SECRETS"] = previous_secrets
    return steps


def markdown(steps: list[UploadStep], rows: int) -> str:
    """The section of BENCHMARKS.md."""
    lines = [
        "",
        f"## Big uploads ({rows:,} rows) on the progress page",
        "",
        "`benchmarks/uploads.py`: an editor uploads a file through the page (AppTest, the page's own code),",
        "on a private copy of the data. Goal: each step finishes and shows what it should (the preview draws",
        "its first rows and counts all; every row is saved; problems are counted by kind and the first listed).",
        "tests/test_big_files.py checks the same at a modest size on every `make test`.",
        "",
        "| step | took | shown | goal met |",
        "|---|---|---|---|",
        *(f"| {s.name} | {s.seconds:.1f} s | {s.note} | {'yes' if s.met else 'NO'} |" for s in steps),
        "",
    ]
    return "\n".join(lines)
