"""make bench: every benchmark in one run, a results table on stdout, BENCHMARKS.md written.

    python -m benchmarks                 # everything (about 5 minutes on 2 cores)
    python -m benchmarks --quick --out /tmp/b.md   # tiny sizes, a few seconds per part
    python -m benchmarks --skip load,scale

Timings are ratios within this one run (the machine is shared and noisy) and medians.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from benchmarks import report
from benchmarks.common import data_dir, registered_pages
from metrics.build import build
from metrics.paths import PROJECT_ROOT

PARTS = ("pages", "browser", "scale", "load", "exports", "regions", "floods", "uploads", "intake")


@contextlib.contextmanager
def private_copy_of_data() -> Iterator[None]:
    """Run on a temporary copy of the data folder's CSVs: the bench builds databases, never in data/."""
    source = Path(os.environ.get("DASHBOARD_DATA_DIR", PROJECT_ROOT / "data"))
    with tempfile.TemporaryDirectory(prefix="bench_data_") as folder:
        copy = Path(folder) / "data"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.duckdb", "history", ".*"))
        build(copy)  # every part starts from a built database, whichever parts run
        with data_dir(copy):
            yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and counts: checks the harness runs")
    parser.add_argument("--skip", default="", help=f"comma-separated parts to skip: {', '.join(PARTS)}")
    parser.add_argument("--sizes", default="", help="progress records per scale step, e.g. 1000,10000")
    parser.add_argument("--sessions", type=int, default=0, help="concurrent viewers in the load test (50)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    unknown = skip - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")

    quick = args.quick
    sizes = tuple(int(s) for s in args.sizes.split(",") if s) or ((1_000, 10_000) if quick else None)
    sessions = args.sessions or (5 if quick else 50)
    run = report.Run(pages=registered_pages(), quick=quick)
    started = time.perf_counter()

    def part(name: str, action) -> None:
        if name in skip:
            run.skipped.append(name)
            return
        print(f"== {name} ...", flush=True)
        part_started = time.perf_counter()
        try:
            action()
        except Exception as error:  # noqa: BLE001 - one part failing must not lose the others' figures
            run.failures[name] = f"{type(error).__name__}: {error}"
            traceback.print_exc()
        print(f"   {name} took {time.perf_counter() - part_started:.0f} s", flush=True)

    def pages_part() -> None:
        from benchmarks.pages import time_pages

        run.page_times = time_pages(repeats=1 if quick else 5, first_view_repeats=3 if quick else 5)

    def browser_part() -> None:
        from benchmarks.browser import measure

        run.cold = measure(rounds=3 if quick else 5, visits=1 if quick else 3)

    def scale_part() -> None:
        from benchmarks.scale import SIZES, run_scale

        run.scale = run_scale(sizes or SIZES, page_repeats=1 if quick else 3, first_view_rounds=3 if quick else 5)

    def load_part() -> None:
        from benchmarks.load import run_load

        run.load, run.load_note = run_load(
            sessions=sessions, rounds=1 if quick else 3, single_rounds=2 if quick else 40
        )

    def exports_part() -> None:
        from benchmarks.exports import run_exports

        run.exports = run_exports(engine=not quick)

    def regions_part() -> None:
        from benchmarks.regions_check import check_region_selector

        run.regions = check_region_selector(PROJECT_ROOT / "artifacts" / "bench" / "region_selector.png")

    floods_section: list[str] = []

    def floods_part() -> None:
        from benchmarks.floods import markdown, run_floods

        floods_section.append(markdown(*run_floods(uploads=40 if quick else 400, attempts=10 if quick else 40)))

    uploads_section: list[str] = []

    def uploads_part() -> None:
        from benchmarks.uploads import ROWS, markdown, run_uploads

        rows = 2_000 if quick else ROWS
        uploads_section.append(markdown(run_uploads(rows), rows))

    intake_section: list[str] = []

    def intake_part() -> None:
        from benchmarks.intake import goals, markdown, run_intake

        times = run_intake(rounds=3 if quick else 5)
        print("\n".join(goals(times)), flush=True)
        intake_section.append(markdown(times))

    from benchmarks.machine import describe

    run.machine = describe()
    with private_copy_of_data():
        part("pages", pages_part)
        part("browser", browser_part)
        part("scale", scale_part)
        part("load", load_part)
        part("exports", exports_part)
        part("regions", regions_part)
        part("floods", floods_part)
        part("uploads", uploads_part)
        part("intake", intake_part)
    run.seconds = time.perf_counter() - started
    run.machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())

    print()
    print(report.summary_table(run))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else None
    written = report.with_kept_sections(
        report.markdown(run) + "".join(floods_section + uploads_section + intake_section), previous
    )
    args.out.write_text(written, encoding="utf-8")
    print(f"\nwritten: {args.out}")
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
