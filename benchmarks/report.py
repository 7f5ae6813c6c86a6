"""The results table printed by `make bench` and the BENCHMARKS.md it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import Page, ms, spread

FIXES = Path(__file__).parent / "FIXES.md"
# Everything from this line to the end of BENCHMARKS.md was written by hand (numbers measured outside
# `make bench`, by other scripts or tests, on a quiet machine) and is kept as it is when the report is rewritten.
KEEP_MARKER = "<!-- make bench keeps everything below this line as it is: sections written by hand -->"


def with_kept_sections(generated: str, previous: str | None) -> str:
    """The new report, followed by the previous report's hand-written part (from KEEP_MARKER on), verbatim."""
    if not previous or KEEP_MARKER not in previous:
        return generated
    kept = previous[previous.index(KEEP_MARKER) :]
    return generated.rstrip("\n") + "\n\n" + kept


@dataclass
class Run:
    """Everything one run measured (None: the part was skipped or failed)."""

    pages: list[Page]
    quick: bool = False
    machine: dict[str, str] = field(default_factory=dict)
    page_times: object = None
    cold: object = None
    scale: list = field(default_factory=list)
    load: list = field(default_factory=list)
    load_note: str = ""
    exports: object = None
    regions: object = None
    skipped: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def _ratio(a: float, b: float) -> str:
    return "—" if not b or a != a or b != b else f"{a / b:.2f}×"


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("yes" if ok else "**no**")


def _s(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds:.2f} s"


WARM_RATIO_GOAL = 2.5
FIRST_VIEW_GOAL = 0.150


def _times(ratio: float) -> str:
    return f"{ratio:.2f}×"


def _rounds(values: list[float], show) -> str:
    """'min–median–max over N rounds' (the goal is judged on the worst)."""
    if not values:
        return "no rounds"
    return f"{spread(values, show)} (min–median–max of {len(values)} rounds)"


def _worst_meets(values: list[float], goal: float) -> bool | None:
    """Met only when the worst round meets the goal; None without rounds."""
    return None if not values else max(values) <= goal


def goals(run: Run) -> list[tuple[str, str, str, str]]:
    """(measure, goal, result, met) rows."""
    rows = []
    if run.page_times:
        name, slowest = run.page_times.slowest
        rounds = run.page_times.warm_ratio_rounds
        rows.append(
            (
                "Page speed (warm, AppTest)",
                f"slowest page ≤ {WARM_RATIO_GOAL}× one-line page in every round (the 3× line, with margin)",
                f"{name} {ms(slowest)} vs {ms(run.page_times.one_line)}; {_rounds(rounds, _times)}",
                _met(_worst_meets(rounds, WARM_RATIO_GOAL)),
            )
        )
    if run.cold:
        cold = run.cold
        name, slowest = cold.slowest_page
        rows.append(
            (
                "Cold start to first paint",
                "≤ 1.2× one-chart toy app in every round",
                f"{_s(cold.healthy + cold.first_paint)} vs {_s(cold.toy_healthy + cold.toy_first_paint)}; "
                f"{_rounds(cold.start_ratio_rounds, _times)}{_visits(cold)}",
                _met(_worst_meets(cold.start_ratio_rounds, 1.2)),
            )
        )
        rows.append(
            (
                "Each page painted (warm server)",
                "≤ 1.2× toy app in every round",
                f"slowest {name} {_s(slowest)} vs {_s(cold.toy_paint)}; "
                f"{_rounds(cold.paint_ratio_rounds, _times)}{_visits(cold)}",
                _met(_worst_meets(cold.paint_ratio_rounds, 1.2)),
            )
        )
    if run.scale:
        largest = run.scale[-1]
        first = run.scale[0]
        if largest.pages:
            name, warm = largest.pages.slowest
            rounds = largest.pages.first_view_rounds
            first_view = max(largest.pages.first_view.values())
            growth = first_view / max(first.pages.first_view.values()) if first.pages else float("nan")
            rows.append(
                (
                    f"Page at {largest.records:,} records",
                    f"first view ≤ {ms(FIRST_VIEW_GOAL)} in every round (the 200 ms line, with margin), "
                    "warm ≤ 200 ms, sub-linear growth",
                    f"first view {_rounds(rounds, ms)}; warm {ms(warm)} ({name}); median first view "
                    f"×{growth:.1f} for ×{largest.records // first.records:,} records",
                    _met(_worst_meets(rounds, FIRST_VIEW_GOAL) and warm <= 0.2),
                )
            )
    if run.load:
        by_label = {r.label: r for r in run.load}
        for where in ("1 server", "nginx + 2 replicas"):
            single = by_label.get(f"{where}, 1 viewer")
            many = next(
                (r for r in run.load if r.label.startswith(where) and r.sessions > 1 and "burst" not in r.label), None
            )
            if single and many:
                rows.append(
                    (
                        f"Load: {where}, {many.sessions} viewers",
                        "p95 ≤ 2× one viewer, 0 errors",
                        f"p95 {ms(many.p95)} vs {ms(single.p95)} = {_ratio(many.p95, single.p95)}, "
                        f"{len(many.errors)} errors",
                        _met(many.p95 <= 2 * single.p95 and not many.errors),
                    )
                )
    if run.exports:
        from benchmarks.exports import LATER_PNG_GOAL, PACK_GOAL

        result = run.exports
        if result.available:
            rows.append(
                (
                    "Exports",
                    f"each later PNG ≤ {LATER_PNG_GOAL} s, briefing pack ≤ {PACK_GOAL:.0f} s",
                    f"first PNG {_s(result.first_png)}, later {_s(result.later_png)}, pack {_s(result.pack)}",
                    _met(result.later_png <= LATER_PNG_GOAL and result.pack <= PACK_GOAL),
                )
            )
        else:
            rows.append(("Exports", "reported", result.note, "—"))
    if run.regions:
        rows.append(
            (
                "Region selector, province scale",
                "works, city total default, group or search",
                f"{run.regions.regions} regions, default {run.regions.default_label}, "
                f"'{run.regions.search}' finds {run.regions.search_hits}, keyboard choice → {run.regions.chosen_url}",
                _met(run.regions.ok),
            )
        )
    return rows


def summary_table(run: Run) -> str:
    rows = goals(run)
    widths = [max(len(r[i]) for r in [("measure", "goal", "result", "met"), *rows]) for i in range(4)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(("measure", "goal", "result", "met"), widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines += [f"skipped: {', '.join(run.skipped)}"] if run.skipped else []
    lines += [f"FAILED {name}: {error}" for name, error in run.failures.items()]
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


def markdown(run: Run) -> str:
    """BENCHMARKS.md."""
    parts = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`python -m benchmarks{' --quick' if run.quick else ''}`) on "
        f"{run.machine.get('date', '')}, in {run.seconds / 60:.0f} minutes. Real numbers from that run on the machine "
        "below; nothing here is asserted by `make test`. Timings are medians; goals are ratios within this one run "
        "because the machine is shared (other work ran beside it; see the load average). The sections after the "
        "marker line at the end (an HTML comment) were written by hand and are kept as they are by each run.",
        "",
        _table(["machine", ""], [[key, value] for key, value in run.machine.items()]),
        "",
        f"Pages timed (the navigation's, `ui/navigation.py`): {', '.join(p.name for p in run.pages)}.",
        "",
        "## Summary",
        "",
        _table(["measure", "goal", "result", "met"], [list(row) for row in goals(run)]),
    ]
    if run.skipped:
        parts += ["", f"Skipped in this run: {', '.join(run.skipped)}."]
    for name, error in run.failures.items():
        parts += ["", f"**{name} failed:** `{error}`"]
    parts += _pages_section(run) + _cold_section(run) + _scale_section(run) + _load_section(run)
    parts += _exports_section(run) + _regions_section(run)
    if FIXES.exists():
        parts += ["", FIXES.read_text(encoding="utf-8").strip()]
    return "\n".join(parts) + "\n"


def _pages_section(run: Run) -> list[str]:
    if not run.page_times:
        return []
    result = run.page_times
    rows = [
        [
            name,
            ms(warm),
            _ratio(warm, result.one_line),
            ms(result.first_view.get(name, float("nan"))),
            result.errors.get(name, ""),
        ]
        for name, warm in result.warm.items()
    ]
    return [
        "",
        "## 1. Page speed (server side, AppTest, real data)",
        "",
        "Each page's script run in one process with `streamlit.testing.v1.AppTest`, interleaved with a one-line page "
        f"(`st.write`) run the same way: one-line page median **{ms(result.one_line)}**; for scale, the one-chart "
        f"toy app of section 2 (a title and one plotly chart) takes {ms(result.one_chart)}. Warm: rerun in the same "
        "session, caches full. First view: every cache, the data state and the attached database cleared (a new data "
        "version or a fresh process with modules imported), then the page run in an open session. Scripts are compiled "
        "once, and what the process holds is frozen out of garbage collection after the first views, as the launcher "
        "does. Times in the table are medians of all runs.",
        "",
        f"Spread: the warm runs come in {len(result.warm_ratio_rounds)} interleaved rounds; the slowest page over the "
        f"one-line page, round by round: {_rounds(result.warm_ratio_rounds, _times)}. The slowest first view of each "
        f"round: {_rounds(result.first_view_rounds, ms)}. A goal is met only when its worst round meets it.",
        "",
        _table(["page", "warm", "× one-line", "first view", "errors"], rows),
    ]


def _visits(cold) -> str:
    return f", each round of {cold.visits} fresh starts of each app" if cold.visits > 1 else ""


def _cold_section(run: Run) -> list[str]:
    if not run.cold:
        return []
    cold = run.cold
    plain_total = cold.plain_healthy + cold.plain_first_paint
    toy_total = cold.toy_healthy + cold.toy_first_paint
    rows = [
        ["start → healthy", _s(cold.healthy), _s(cold.toy_healthy), _ratio(cold.healthy, cold.toy_healthy)],
        [
            "first page painted on the fresh server",
            _s(cold.first_paint),
            _s(cold.toy_first_paint),
            _ratio(cold.first_paint, cold.toy_first_paint),
        ],
        [
            "start → first page painted",
            _s(cold.healthy + cold.first_paint),
            _s(cold.toy_healthy + cold.toy_first_paint),
            _ratio(cold.healthy + cold.first_paint, cold.toy_healthy + cold.toy_first_paint),
        ],
        [
            "the same with plain `streamlit run dashboard.py`",
            _s(plain_total),
            _s(toy_total),
            _ratio(plain_total, toy_total),
        ],
    ]
    rows += [
        [
            f"page `{name}` painted (warm server, new tab; {cold.charts.get(name, 0)} charts)",
            _s(value),
            _s(cold.toy_paint),
            _ratio(value, cold.toy_paint),
        ]
        for name, value in cold.page_paint.items()
    ]
    return [
        "",
        "## 2. Cold start and first paint (headless Debian chromium)",
        "",
        f"Median of {cold.rounds} rounds, dashboard and a one-chart toy app (`st.title` + one `st.plotly_chart`) "
        f"alternating; each round starts each app {cold.visits} times afresh and opens every page once on each "
        "start, and a round's ratio (Summary) is of its own medians: one visit is a ~2 s measure whose spread "
        "(±10% from one visit to the next on an idle machine) would otherwise decide the round. "
        "The dashboard starts as `make run` starts it (`python -m ui.serve`: `streamlit run` with "
        "pandas, DuckDB and the data check loaded in a thread while the server starts and the browser loads); the "
        "last row starts it with plain `streamlit run`. Painted: the app reports its script not running, the page "
        "heading is there and every plotly chart has drawn its SVG, and stays so for 300 ms (the time reported is "
        "when it first became true).",
        "",
        _table(["", "dashboard", "toy app", "ratio"], rows),
    ]


def _scale_section(run: Run) -> list[str]:
    if not run.scale:
        return []
    rows = []
    for size in run.scale:
        name, warm = size.pages.slowest if size.pages else ("", float("nan"))
        first = max(size.pages.first_view.values()) if size.pages else float("nan")
        rows.append(
            [
                f"{size.records:,}",
                size.shape,
                f"{size.csv_mb:.1f} MB",
                _s(size.build_s),
                f"{size.database_mb:.1f} MB",
                f"{size.build_peak_mb:,.0f} MB",
                f"{ms(warm)} ({name})",
                ms(first),
                spread(size.pages.first_view_rounds, ms) if size.pages else "—",
                ms(size.pages.one_line) if size.pages else "—",
            ]
        )
    names = list(run.scale[-1].query_ms)
    query_rows = [
        [name, *[f"{s.query_ms.get(name, float('nan')):,.0f} ms / {s.query_rows.get(name, 0):,}" for s in run.scale]]
        for name in names
    ]
    return [
        "",
        "## 3. Scale (synthetic Hubei data, `benchmarks/synthetic.py`)",
        "",
        "Each size is a temporary folder: the real curated CSVs, Hubei's 17 prefecture-level units and their county "
        "units (real names, synthetic figures), progress records for every metric, and annual plus three-year targets "
        "for the key metrics of every region with records. `python -m metrics build --force` in its own process; "
        "pages timed with AppTest against that folder (`DASHBOARD_DATA_DIR`), region 黄石市.",
        "",
        _table(
            [
                "records",
                "shape",
                "progress.csv",
                "build",
                "database",
                "build peak RSS",
                "page warm (slowest)",
                "page first view (slowest page's median)",
                "slowest first view per round (min–median–max)",
                "one-line page",
            ],
            rows,
        ),
        "",
        "Every named query with the database file attached afresh (time / rows), region 黄石市 where it takes one:",
        "",
        _table(["query", *[f"{s.records:,}" for s in run.scale]], query_rows),
    ]


def _load_section(run: Run) -> list[str]:
    if not run.load and not run.load_note:
        return []
    rows = [
        [
            r.label,
            f"{len(r.results):,}",
            ms(r.p50),
            ms(r.p95),
            str(len(r.errors)),
            f"{r.rss_idle_mb:,.0f} MB",
            f"{r.rss_peak_mb:,.0f} MB",
            ", ".join(f"{v}" for v in r.replicas.values()) if len(r.replicas) > 1 else "",
        ]
        for r in run.load
    ]
    errors = [f"- {r.label}: {e.page}: {e.error}" for r in run.load for e in r.errors[:3]]
    parts = [
        "",
        "## 4–5. Load: one server, and two replicas behind nginx (loopback, websocket clients)",
        "",
        "Each viewer loads the HTML (through nginx: gets the route cookie), opens the Streamlit websocket with the "
        "browser's Origin, and opens every page as the frontend does (a `rerun_script` naming the page); time is "
        'request → every element received and the script finished (the server\'s share of "charts painted"; the '
        "browser's drawing is in section 2). A page view with an exception, a wrong title or a timeout is an error. "
        "Paced viewers wait a seeded think time of 1–4 s before each page (50 open dashboards, not 50 clicks in the "
        "same millisecond); the burst row sends every viewer's request at once. One viewer alone pauses 0.3–1 s "
        "(40 views). RSS is the server process(es).",
        "",
        _table(["run", "page views", "p50", "p95", "errors", "RSS idle", "RSS peak", "sessions per replica"], rows),
    ]
    if errors:
        parts += ["", "First errors:", "", *errors]
    if run.load_note:
        parts += ["", f"**nginx part skipped:** {run.load_note}."]
    return parts


def _exports_section(run: Run) -> list[str]:
    if not run.exports:
        return []
    result = run.exports
    parts = ["", "## 6. Exports", ""]
    if not result.available:
        return [*parts, f"Not measured: {result.note}"]
    parts += [
        "The dashboard's own functions: `metrics.exports.figure_png` (1600×900 at 2×, the overview's key chart; "
        "the first call starts the image browser) and `metrics.briefing.build_pack` (the deck and every key "
        "chart's PNG, as the Overview button and `python -m metrics briefing` make them).",
        "",
        _table(
            ["", ""],
            [
                ["first PNG (starts the image browser)", _s(result.first_png)],
                ["each later PNG (median)", _s(result.later_png)],
                [f"whole briefing pack ({result.pack_images} images and the deck)", _s(result.pack)],
                *[[f"pack: {step}", _s(seconds)] for step, seconds in result.pack_steps.items() if step != "total"],
                ["Word briefing, warm (metrics.wordbrief.write_briefing; goal ≤ 5 s)", _s(result.word)],
                *[[f"Word: {step}", _s(seconds)] for step, seconds in result.word_steps.items()],
            ],
        ),
    ]
    if result.note:
        parts += ["", result.note]
    if result.engine:
        parts += [
            "",
            "For reference, the engine underneath (plotly `to_image` via kaleido on Debian's chromium, the same "
            "chart at 1280×720):",
            "",
            _table(["", ""], [[k, _s(v)] for k, v in result.engine.items()]),
        ]
    return parts


def _regions_section(run: Run) -> list[str]:
    if not run.regions:
        return []
    result = run.regions
    return [
        "",
        "## 7. Region selector at province scale",
        "",
        f"{result.regions} regions with data (synthetic records for every Hubei unit). "
        f"Default: **{result.default_label}**. First options: {' / '.join(result.first_options)}. "
        f"Typing '{result.search}' in the selector leaves {result.search_hits} options (the city and its units); "
        f"typing 大冶 and Enter chose it: `?{result.chosen_url}`. "
        "Screenshot: `artifacts/bench/region_selector.png` (git-ignored).",
    ]
