"""Build time, database size and page time as the data grows: synthetic folders of 1k to 1M records.

1× is 1,000 progress records (Huangshi alone, monthly); each size is ten times the last. Every size
gets its own temporary folder, built by `python -m metrics build` in a fresh process (as an operator
runs it), then timed page by page with AppTest (DASHBOARD_DATA_DIR pointing at it). The queries each
page may run are timed too, so a query that returns every record shows up before a page uses it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import pages as page_bench
from benchmarks.common import data_dir, median, timed
from benchmarks.synthetic import generate
from metrics import queries
from metrics.paths import PROJECT_ROOT

SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUERY_DEFAULTS = {"region_id": "huangshi", "metric_id": "diagnosis_enterprises", "region_ids": ("huangshi",)}


@dataclass
class SizeResult:
    records: int
    shape: str
    csv_mb: float
    generate_s: float
    build_s: float
    database_mb: float
    build_peak_mb: float
    pages: page_bench.PageTimes | None = None
    query_ms: dict[str, float] = field(default_factory=dict)
    query_rows: dict[str, int] = field(default_factory=dict)


def _build_in_process(folder: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of `python -m metrics build --force` on a folder, in its own process."""
    started = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, sys; from metrics.__main__ import main; code = main(['build', '--force']); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)",
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DASHBOARD_DATA_DIR": str(folder)},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"build failed for {folder}: {completed.stderr[-1000:]}")
    peak_kb = int(completed.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024


def time_queries(folder: Path, repeats: int = 3) -> tuple[dict[str, float], dict[str, int]]:
    """Median time (the file attached afresh for each, as on a first view) and rows of every named query."""
    times: dict[str, float] = {}
    rows: dict[str, int] = {}
    database = folder / "dashboard.duckdb"
    for name in queries.query_names():
        sql = getattr(queries._queries(), name).sql
        named = set(re.findall(r"[$:](\w+)", sql))
        parameters = {key: value for key, value in QUERY_DEFAULTS.items() if key in named}
        samples = []
        for _ in range(repeats):
            holder: dict = {}
            samples.append(
                timed(
                    lambda name=name, parameters=parameters, holder=holder: holder.update(
                        frame=queries.fetch(name, database=database, **parameters)
                    )
                )
            )
        times[name] = median(samples) * 1000
        rows[name] = len(holder["frame"])
    return times, rows


def run_scale(
    sizes: tuple[int, ...] = SIZES, page_repeats: int = 3, keep: Path | None = None, first_view_rounds: int = 5
) -> list[SizeResult]:
    """Generate, build and time each size in turn; each folder is removed after its size is measured.

    Pages: three rounds of `page_repeats` warm runs each, and `first_view_rounds` first views."""
    results = []
    root = Path(tempfile.mkdtemp(prefix="dashboard_scale_"))
    try:
        for records in sizes:
            folder = root / f"records_{records}"
            started = time.perf_counter()
            shape = generate(folder, records)
            generate_s = time.perf_counter() - started
            build_s, peak_mb = _build_in_process(folder)
            result = SizeResult(
                records=records,
                shape=shape.describe(),
                csv_mb=(folder / "progress.csv").stat().st_size / 1e6,
                generate_s=generate_s,
                build_s=build_s,
                database_mb=(folder / "dashboard.duckdb").stat().st_size / 1e6,
                build_peak_mb=peak_mb,
            )
            result.query_ms, result.query_rows = time_queries(folder)
            with data_dir(folder):
                result.pages = page_bench.time_pages(repeats=page_repeats, first_view_repeats=first_view_rounds)
            results.append(result)
            if keep is None:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return results
