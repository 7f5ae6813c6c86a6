"""What `make bench` writes: the spread of every ratio over its rounds, and the hand-written sections kept."""

from __future__ import annotations

from pathlib import Path

from benchmarks import report
from benchmarks.__main__ import main
from benchmarks.common import Page
from benchmarks.pages import PageTimes
from benchmarks.scale import SizeResult

ROOT = Path(__file__).resolve().parent.parent
HAND_WRITTEN = (
    "## Word briefing (issue 14), measured by hand\n\n| when | time |\n|---|---|\n| 22:35 UTC, quiet | 5.3 s |\n\n"
    "## Report intake (issue 15)\n\nNot written by `make bench`.\n"
)


def test_a_rewritten_report_keeps_what_follows_the_marker_verbatim():
    previous = f"# Benchmarks\n\nold numbers: 12 ms\n\n{report.KEEP_MARKER}\n\n{HAND_WRITTEN}"
    written = report.with_kept_sections("# Benchmarks\n\nnew numbers: 4 ms\n", previous)
    assert written.startswith("# Benchmarks\n\nnew numbers: 4 ms\n")
    assert "old numbers" not in written
    assert written.endswith(f"{report.KEEP_MARKER}\n\n{HAND_WRITTEN}")
    assert report.with_kept_sections("# Benchmarks\n\nnew numbers: 4 ms\n", written) == written  # run after run
    assert report.with_kept_sections("new\n", "old, no marker\n") == "new\n"
    assert report.with_kept_sections("new\n", None) == "new\n"


def test_the_committed_report_marks_its_hand_written_sections():
    text = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    kept = text[text.index(report.KEEP_MARKER) :]
    for heading in ("Floods: what changed", "Word briefing (issue 14)", "Report intake (issue 15)"):
        assert heading in kept


def test_a_quick_make_bench_reports_each_part_and_keeps_the_hand_written_sections(tmp_path: Path, data_dir: Path):
    out = tmp_path / "BENCHMARKS.md"
    out.write_text(f"# Benchmarks\n\nold generated table\n\n{report.KEEP_MARKER}\n\n{HAND_WRITTEN}", encoding="utf-8")
    # One quick run of the harness (tiny sizes; the parts that start browsers and servers skipped): each
    # part that runs reports, and the hand-written sections survive the rewrite.
    code = main(
        ["--quick", "--skip", "browser,load,exports,regions,floods,intake", "--sizes", "300", "--out", str(out)]
    )
    written = out.read_text(encoding="utf-8")
    assert code == 0
    assert "old generated table" not in written and "## 1. Page speed" in written
    assert "## Summary" in written and "| 300 |" in written and "overview" in written
    assert written.endswith(f"{report.KEEP_MARKER}\n\n{HAND_WRITTEN}")
    assert "min–median–max of 3 rounds" in written


def _run(warm_rounds: list[float], first_view_rounds: list[float]) -> report.Run:
    times = PageTimes(
        one_line=0.002,
        warm={"overview": 0.004, "activities": 0.0045},
        first_view={"overview": 0.1, "activities": 0.12},
        warm_ratio_rounds=warm_rounds,
        first_view_rounds=first_view_rounds,
    )
    size = SizeResult(1_000_000, "", 64, 1, 9, 11, 1100, pages=times)
    small = SizeResult(1_000, "", 0.1, 1, 1, 5, 300, pages=times)
    return report.Run(
        pages=[Page("pages/overview.py", "page.overview", "overview", True)], page_times=times, scale=[small, size]
    )


def test_a_goal_is_met_only_when_its_worst_round_meets_it():
    rows = {row[0]: row for row in report.goals(_run([2.1, 2.3, 2.4], [0.120, 0.130, 0.140]))}
    speed, scale = rows["Page speed (warm, AppTest)"], rows["Page at 1,000,000 records"]
    assert speed[3] == "yes" and "2.10×–2.30×–2.40× (min–median–max of 3 rounds)" in speed[2]
    assert scale[3] == "yes" and "120 ms–130 ms–140 ms" in scale[2]

    rows = {row[0]: row for row in report.goals(_run([2.1, 2.2, 2.6], [0.120, 0.130, 0.160]))}
    assert rows["Page speed (warm, AppTest)"][3] == "**no**"  # the median meets 2.5×, the worst round does not
    assert rows["Page at 1,000,000 records"][3] == "**no**"
    assert "≤ 2.5×" in rows["Page speed (warm, AppTest)"][1] and "≤ 150 ms" in rows["Page at 1,000,000 records"][1]


def test_a_browser_round_is_judged_on_its_medians_and_says_how_many_starts_it_took():
    from benchmarks.browser import ColdStart

    cold = ColdStart(
        healthy=0.5,
        toy_healthy=0.5,
        first_paint=2.0,
        toy_first_paint=1.8,
        page_paint={"overview": 1.9},
        toy_paint=1.8,
        start_ratio_rounds=[1.05, 1.08, 1.21],
        paint_ratio_rounds=[1.02, 1.05, 1.1],
        visits=3,
    )
    run = _run([2.1, 2.3, 2.4], [0.120, 0.130, 0.140])
    run.cold = cold
    rows = {row[0]: row for row in report.goals(run)}
    start, paint = rows["Cold start to first paint"], rows["Each page painted (warm server)"]
    assert start[3] == "**no**" and paint[3] == "yes"  # the worst round decides, as for every goal
    assert "(min–median–max of 3 rounds), each round of 3 fresh starts of each app" in start[2]
    assert "each round starts each app 3 times afresh" in "\n".join(report._cold_section(run))
