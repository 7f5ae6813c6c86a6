"""Every chart the dashboard shows, by name, built from a Reader: the pages and the briefing deck both
call these, so a chart on screen and on a slide are the same chart with the same numbers.

Each builder returns a ChartSpec (figure, name, finding) or None when there is nothing to draw, in
which case the page shows its empty state instead of a blank chart.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from metrics import charts, frames, narrative, report
from metrics import checks as checks_module  # `checks` names the stored check rows in this module
from metrics.i18n import format_date, has, text
from metrics.numbers import AT_LEAST, COUNTED, EXACT
from metrics.reader import Reader
from metrics.report import metric_meta
from metrics.style import ACCENT, CATEGORY_PALETTE, PLANNED, status_label


@dataclass
class ChartSpec:
    """A finished chart: its figure, a file-name stem, and the finding a slide states under its title.

    A finding may be given as a function: only the deck states it, and for some charts it is a
    sentence per metric that a page view would otherwise write for nothing.
    """

    name: str
    figure: go.Figure
    finding_words: str | Callable[[], str]
    # The chart as a picture for a slide or a Word page, where it is laid out otherwise than on the page
    # (None: the page's figure). Built only when a briefing asks for it.
    picture: Callable[[], go.Figure] | None = None
    # The figures the chart draws, as rows of Reader.figures (None: events, not figures): what a slide's
    # speaker notes cite, so the notes state the very figures, documents and dates the chart shows.
    # A function, found only when a briefing asks (a page view does not).
    drawn: Callable[[], pd.DataFrame] | None = None
    # For a briefing: the chart as several charts of a few rows each, where one picture would be too
    # crowded for its slide (a second plan's targets beside the first's). None: the chart as it is.
    parts: Callable[[], list[ChartSpec]] | None = None
    # A chart of events: the events it draws (plain rows), which a slide's notes cite (None: a chart of figures).
    events: list[dict] | None = None
    part_of: str = ""  # a part's whole chart (its name): the slide title and section heading it shares
    part: tuple[int, int] | None = None  # (this part, of how many)

    def picture_figure(self) -> go.Figure:
        """The figure a briefing's picture is drawn from."""
        return self.picture() if self.picture is not None else self.figure

    @cached_property
    def figures(self) -> pd.DataFrame | None:
        """The figures the chart draws, or None for a chart of events."""
        return self.drawn() if self.drawn is not None else None

    @cached_property
    def finding(self) -> str:
        return self.finding_words() if callable(self.finding_words) else self.finding_words


# Targets a briefing picture holds legibly: the slide's 4.45-inch box at 14 pt and more fits four rows
# of a label over its plan and a figure over its status; a fifth row overlaps its neighbours.
PICTURE_ROWS = 4


def _in_parts(
    name: str, count: int, ordered: Callable[[], pd.DataFrame], chart: Callable[[pd.DataFrame, str], ChartSpec]
):
    """`parts` for a chart of one row per target (`count` rows): None when they fit one picture, else a
    function making one chart per PICTURE_ROWS rows with chart(rows, part name), in the order of
    ordered() (made only when a briefing asks for the parts)."""
    if count <= PICTURE_ROWS:
        return None

    def parts() -> list[ChartSpec]:
        rows = ordered()
        count = -(-len(rows) // PICTURE_ROWS)  # as few parts as hold them, of even sizes: 5 rows as 3 + 2
        size = -(-len(rows) // count)
        chunks = [rows.iloc[start : start + size] for start in range(0, len(rows), size)]
        return [
            dataclasses.replace(chart(chunk, f"{name}_{number}"), part_of=name, part=(number, len(chunks)))
            for number, chunk in enumerate(chunks, start=1)
        ]

    return parts


def _metric(reader: Reader, metric_id: str) -> dict:
    """A metric's row of the registry (labels, unit): a copy of the plain row made once for the shared frame."""
    return dict(next(row for row in frames.records(reader.fetch("metrics")) if row["metric_id"] == metric_id))


def _footer_for_items(
    reader: Reader, items: list[dict], lang: str, target_sources: tuple[str, ...] = ()
) -> charts.Footer:
    """The footer of a chart of bar items (_items) and of the targets whose documents are `target_sources`."""
    return report.rows_footer(items, reader.fetch("sources"), lang, "as_of", ("source_id",), target_sources)


def _footer_for_figures(
    reader: Reader, figures: pd.DataFrame, lang: str, target_sources: tuple[str, ...] = ()
) -> charts.Footer:
    """The footer of a chart of figures and of the targets whose documents are `target_sources`."""
    return report.figures_footer(figures, reader.fetch("sources"), lang, target_sources)


def _targets_of(progress: pd.DataFrame, metric_id: str) -> list[dict]:
    """A metric's progress rows with a target, as plain rows of the shared frame (made once for it)."""
    return [row for row in frames.records(progress) if row["metric_id"] == metric_id and pd.notna(row["target"])]


def _target_document(row) -> tuple[str, ...]:
    """The document of a drawn target (a progress row), for the chart's footer; () without one."""
    source = row.get("target_source") if row is not None else None
    return (source,) if isinstance(source, str) and source else ()


def _latest_figures(reader: Reader, region_id: str, metric_ids: list[str]) -> pd.DataFrame:
    """The figures _items draws: the newest of each metric (the region's own first), in the given order."""
    latest = reader.latest(region_id)
    return latest.loc[[m for m in metric_ids if m in latest.index]].reset_index()


def _progress_figures(reader: Reader, region_id: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The figures progress rows are computed from: for each row, the figure of its metric and region
    with the row's date and source (a target's period picks its own newest figure, which is not always
    the metric's newest), once each, in the rows' order."""
    drawn = rows.dropna(subset=["value_as_of"])
    if drawn.empty:
        return reader.figures(region_id).iloc[0:0]
    keys = pd.DataFrame(
        {
            "metric_id": drawn["metric_id"].to_numpy(),
            "region_id": drawn["region_id"].to_numpy(),
            "_day": pd.to_datetime(drawn["value_as_of"]).dt.date.to_numpy(),
            "_source": drawn["value_source"].fillna("").astype(str).to_numpy(),
        }
    ).drop_duplicates()
    figures = reader.figures(region_id)
    figures = figures.assign(
        _day=pd.to_datetime(figures["as_of"]).dt.date, _source=figures["source_id"].fillna("").astype(str)
    )
    # Among figures of one day and source, progress takes the last in date order: keep="last".
    figures = figures.drop_duplicates(["metric_id", "region_id", "_day", "_source"], keep="last")
    matched = keys.merge(figures, on=["metric_id", "region_id", "_day", "_source"], how="inner")
    return matched.drop(columns=["_day", "_source"]).reset_index(drop=True)


def _items(reader: Reader, region_id: str, metric_ids: list[str], lang: str, colors: dict | None = None) -> list[dict]:
    """Latest figures of some metrics as bar items (label, value, unit, qualifier), in the given order, as
    plain rows: the charts of a few bars read them one by one (a frame of them cost more than the chart)."""
    latest = reader.latest(region_id)
    # Plain rows, made once for the shared frames: a row looked up in a frame (.loc) is a new Series of
    # every column, each time.
    newest = dict(zip(latest.index.tolist(), frames.records(latest), strict=True))
    metrics = {row["metric_id"]: row for row in frames.records(reader.fetch("metrics"))}
    rows = []
    for metric_id in metric_ids:
        if metric_id not in newest:
            continue
        figure = newest[metric_id]
        rows.append(
            {
                "metric_id": metric_id,
                "label": metrics[metric_id][f"label_{lang}"],
                "value": figure["value"],
                "unit": figure["unit"],
                "unit_en": metrics[metric_id]["unit_en"],
                "qualifier": figure["qualifier"],
                "derivation": figure.get("derivation"),
                "as_of": figure["as_of"],
                "source_id": figure["source_id"],
                "origin": figure.get("origin"),
                "color": (colors or {}).get(metric_id, ACCENT),
            }
        )
    return rows


def overview_progress(reader: Reader, region_id: str, lang: str) -> ChartSpec | None:
    """Every target's percent complete with target and pace markers."""
    progress = reader.progress(region_id)
    targeted = progress[progress["target"].notna()]
    if targeted.empty:
        return None
    metrics = reader.fetch("metrics").set_index("metric_id")
    counts = targeted["status"].value_counts()
    parts = [
        # A status whose word does not follow a number ("2 no end figure") has its own phrase.
        text(
            f"chart.status_count.{status}" if has(f"chart.status_count.{status}") else "chart.status_count",
            lang,
            count=n,
            status=status_label(status, lang).lower(),
        )
        for status, n in counts.items()
    ]
    title = text("chart.overview_title", lang, count=len(targeted), statuses=text("sentence.comma", lang).join(parts))
    sources = reader.fetch("sources")
    footer = report.footer(targeted, sources, lang)
    # The whole shared frame (its plain rows are made once); the chart keeps the rows with a target.
    figure = charts.target_bullets(progress, metrics, title, text("chart.overview_subtitle", lang), footer, lang)
    region = reader.region(region_id)

    def finding() -> str:
        words = narrative.region_words(region, lang)
        sentences = [
            narrative.metric_sentence(rows, metric_meta(rows.iloc[0].to_dict()), words, lang)
            for _, rows in targeted.groupby("metric_id", sort=False)
        ]
        return ("" if lang == "zh" else " ").join(sentences)

    def part(rows: pd.DataFrame, name: str) -> ChartSpec:
        subtitle, footer = text("chart.overview_subtitle", lang), report.footer(rows, sources, lang)
        figure = charts.target_bullets(rows, metrics, title, subtitle, footer, lang)
        return ChartSpec(name, figure, finding, drawn=functools.partial(_progress_figures, reader, region_id, rows))

    return ChartSpec(
        "overview_progress",
        figure,
        finding,
        drawn=functools.partial(_progress_figures, reader, region_id, targeted),
        parts=_in_parts("overview_progress", len(targeted), lambda: targeted, part),
    )


def metric_progress(reader: Reader, region_id: str, metric_id: str, lang: str) -> ChartSpec | None:
    """One metric against each of its targets in its own unit (e.g. diagnoses vs 152 and 500)."""
    progress = reader.progress(region_id)
    plain = _targets_of(progress, metric_id)
    if not plain:
        return None
    metric = metric_meta(plain[0])
    title = narrative.headline(plain, metric, lang)
    subtitle = f"{metric[f'label_{lang}']} · {text('chart.bullet_legend', lang)}"
    footer = report.rows_footer(plain, reader.fetch("sources"), lang)
    figure = charts.absolute_bullets(plain, metric, title, subtitle, footer, lang)
    region = reader.region(region_id)

    def rows() -> pd.DataFrame:  # the rows drawn as a frame: only a briefing's notes and parts read it
        return progress[(progress["metric_id"] == metric_id) & progress["target"].notna()]

    def finding() -> str:
        return narrative.metric_sentence(plain, metric, narrative.region_words(region, lang), lang)

    def part(part_rows: pd.DataFrame, name: str) -> ChartSpec:
        footer = report.footer(part_rows, reader.fetch("sources"), lang)
        figure = charts.absolute_bullets(frames.rows(part_rows), metric, title, subtitle, footer, lang)
        return ChartSpec(
            name, figure, finding, drawn=functools.partial(_progress_figures, reader, region_id, part_rows)
        )

    # In the order the chart draws them (earliest period first), so the parts continue one another.
    parts = _in_parts(
        f"{metric_id}_progress", len(plain), lambda: rows().sort_values("period_end", kind="stable"), part
    )
    return ChartSpec(
        f"{metric_id}_progress",
        figure,
        finding,
        drawn=lambda: _progress_figures(reader, region_id, rows()),
        parts=parts,
    )


def metric_trend(reader: Reader, region_id: str, metric_id: str, lang: str) -> ChartSpec | None:
    """A metric over time against the pace to its longest target; None until there are two figures."""
    figures = reader.figures(region_id)
    # The metric's figures by position, and only the columns drawn taken: a filter moved every column of
    # thousands of figures (a region at a million records), and the notes' whole rows are taken when asked.
    positions = np.flatnonzero((figures["metric_id"] == metric_id).to_numpy())
    series = figures[["as_of", "value", "qualifier", "source_id"]].iloc[positions]
    dates = series["as_of"].nunique()
    if dates < 2:
        return None
    targets = sorted(_targets_of(reader.progress(region_id), metric_id), key=charts.by_period_end)
    target_row = targets[-1] if targets else None
    metric = _metric(reader, metric_id)
    title = text("chart.trend_title", lang, label=metric[f"label_{lang}"], count=dates)
    cited = _target_document(target_row)
    footer = _footer_for_figures(reader, series, lang, cited)
    figure = charts.trend(series, target_row, metric, title, "", footer, lang, plans=targets)
    return ChartSpec(f"{metric_id}_trend", figure, title, drawn=lambda: figures.iloc[positions])


def retrofit_pipeline(reader: Reader, region_id: str, lang: str) -> ChartSpec | None:
    """Projects under way, planned to complete, and completed, side by side."""
    items = _items(
        reader,
        region_id,
        ["retrofit_projects_under_way", "retrofit_projects_completed"],
        lang,
        colors={"retrofit_projects_completed": CATEGORY_PALETTE[1]},
    )
    if not items:
        return None
    progress = reader.progress(region_id)
    cited: tuple[str, ...] = ()
    completed = [item["as_of"] for item in items if item["metric_id"] == "retrofit_projects_completed"]
    row = _plan_for(_targets_of(progress, "retrofit_projects_completed"), completed[0] if completed else None)
    figures = list(items)  # the figures drawn, without the plan's bar
    if row is not None:
        cited = _target_document(row)
        planned_item = {
            "metric_id": "",
            "label": text("chart.planned_completion", lang, horizon=narrative.horizon_words(row, lang)),
            "value": row["target"],
            "unit": row["unit"],
            "unit_en": row["unit_en"],
            "qualifier": row["target_qualifier"] or EXACT,
            "color": PLANNED,
        }
        items.insert(1, planned_item)
    amounts = {item["metric_id"]: _count(item, lang) for item in figures}
    if len(amounts) == 2:
        title = text(
            "chart.pipeline_title",
            lang,
            under_way=amounts["retrofit_projects_under_way"],
            completed=amounts["retrofit_projects_completed"],
        )
    else:
        title = text("chart.pipeline_title_partial", lang)
    footer = _footer_for_items(reader, [item for item in figures if pd.notna(item["as_of"])], lang, cited)
    drawn = functools.partial(
        _latest_figures, reader, region_id, ["retrofit_projects_under_way", "retrofit_projects_completed"]
    )
    return ChartSpec("retrofit_pipeline", charts.value_bars(items, title, "", footer, lang), title, drawn=drawn)


def _plan_for(targets: list[dict], day: object) -> dict | None:
    """The target a figure of `day` is drawn beside: the one whose period holds the day (a year's before
    the plan's years around it), else the last to end before it, else the first to end (a figure from
    before every period). A 2024 count of completed projects is set beside a 2024 plan, not the reply's."""
    if not targets:
        return None
    if day is not None and pd.notna(day):
        day = pd.Timestamp(day)
        holding = [row for row in targets if row["period_start"] <= day <= row["period_end"]]
        if holding:
            return min(holding, key=lambda row: row["period_end"] - row["period_start"])
        ended = [row for row in targets if row["period_end"] < day]
        if ended:  # the latest end; of the same end, the shortest period
            return max(ended, key=lambda row: (row["period_end"], row["period_start"]))
    return min(targets, key=lambda row: row["period_end"])


TIERS_WHOLE = "retrofit_projects_under_way"  # the projects under way the three tiers add up to


def retrofit_tiers(reader: Reader, region_id: str, lang: str) -> ChartSpec | None:
    """The three tiers (factory / workshop / line) against the projects under way they should add up to,
    all as one document states them on one date: the bars and the title's sum are the same figures, so a
    later record of one tier never sits under a title about the reply's own figures."""
    # Plain rows of the shared frames (made once for them): a pandas filter or lookup each cost more than
    # the chart's own work on a first view.
    metrics = frames.records(reader.fetch("metrics"))
    tier_ids = [row["metric_id"] for row in metrics if row["parent_id"] == TIERS_WHOLE]
    figures = reader.figures(region_id)
    stated = _tiers_document(figures, tier_ids, region_id)
    if stated is None:
        return None
    whole_position, part_positions = stated
    whole_row, *part_rows = frames.rows_at(figures, [whole_position, *part_positions])
    labels = {row["metric_id"]: row[f"label_{lang}"] for row in metrics}
    parts = pd.DataFrame(
        {"label": [labels[row["metric_id"]] for row in part_rows], "value": [row["value"] for row in part_rows]}
    )
    whole = {"label": labels[TIERS_WHOLE], "value": whole_row["value"]}
    check = next(
        (
            dict(row)  # a copy: the shared rows are not the chart's to change
            for row in frames.records(reader.checks())
            if row["check_id"] == "retrofit_projects_under_way_parts" and row["region_id"] == region_id
        ),
        None,
    )
    # The stored check compares the newest statement of the whole with its own document's parts; it
    # speaks for this chart only when that is the document drawn here, with every tier in it.
    drawn_date = pd.Timestamp(whole_row["as_of"]).date()
    if check is not None and (
        len(part_rows) != len(tier_ids) or pd.isna(check["as_of"]) or pd.Timestamp(check["as_of"]).date() != drawn_date
    ):
        check = None
    if check is not None and check["status"] != "incomplete":
        title = narrative.check_sentence(check, lang)
    else:
        title = labels[TIERS_WHOLE]
    footer = _footer_for_items(reader, [*part_rows, whole_row], lang)
    document = checks_module.document_words(whole_row["origin"], whole_row["source_id"], reader.fetch("sources"), lang)
    draw = functools.partial(
        charts.parts_and_whole,
        parts,
        whole,
        check,
        _tiers_title(check, document, format_date(drawn_date, lang), lang),
        text("chart.tiers_subtitle", lang),
        footer,
        lang,
    )
    figure = draw()
    picture = functools.partial(draw, names_in_legend=True)

    def cited() -> pd.DataFrame:  # the notes cite the whole first, then its tiers: as the reply states them
        return figures.iloc[[whole_position, *part_positions]].reset_index(drop=True)

    return ChartSpec("retrofit_tiers", figure, title, picture=picture, drawn=cited)


def _tiers_document(figures: pd.DataFrame, tier_ids: list[str], region_id: str) -> tuple[int, list[int]] | None:
    """(the whole's figure, its tiers' figures), as positions in `figures`, as the newest document stating the
    whole and at least one tier on the same date gives them (the region's own figures first); None when no
    document does.

    The figures of the whole and its tiers are matched by (document, date, region) as plain lists, and
    only the rows drawn are taken from the frame: at a million records a region has hundreds of recorded
    wholes, and filtering every column of its figures, once for each of them, was most of the chart's first
    view."""
    positions = np.flatnonzero(figures["metric_id"].isin([TIERS_WHOLE, *tier_ids]).to_numpy())
    keys = figures[["metric_id", "region_id", "as_of", "source_id"]].iloc[positions]
    days = pd.to_datetime(keys["as_of"]).to_numpy().astype("datetime64[us]").tolist()  # datetimes, None for NaT
    rows = list(
        zip(
            positions.tolist(),
            keys["metric_id"].tolist(),
            keys["region_id"].tolist(),
            days,
            keys["source_id"].tolist(),
            strict=True,
        )
    )
    own = [row for row in rows if row[2] == region_id]
    order = {metric: rank for rank, metric in enumerate(tier_ids)}
    for group in (own, rows) if own else (rows,):
        tiers = [row for row in group if row[1] != TIERS_WHOLE]
        stated_with_tiers = {(row[4], row[3], row[2]) for row in tiers if pd.notna(row[4]) and pd.notna(row[3])}
        # Newest first; a whole with no date or document is stated with no tier.
        wholes = [row for row in group if row[1] == TIERS_WHOLE and pd.notna(row[3])]
        for whole in sorted(wholes, key=lambda row: row[3], reverse=True):
            stated = (whole[4], whole[3], whole[2])
            if stated not in stated_with_tiers:
                continue
            same = {row[1]: row[0] for row in tiers if (row[4], row[3], row[2]) == stated}  # a metric's last
            parts = sorted(same.items(), key=lambda item: order[item[0]])
            return whole[0], [position for _, position in parts]
    return None


def _tiers_title(check: dict | None, document: str, date: str, lang: str) -> str:
    if check is None or check["status"] == "incomplete":
        return text("chart.tiers_title_plain_of", lang, date=date)
    if check["status"] == "consistent":
        key = "chart.tiers_title_consistent_of"
    else:  # the tiers may add up to more than the whole as well as to less
        key = "chart.tiers_title_gap_of" if check["gap"] < 0 else "chart.tiers_title_over_of"
    return text(
        key,
        lang,
        computed=f"{check['computed']:g}",
        expected=f"{check['expected']:g}",
        gap=f"{abs(check['gap']):g}",
        document=document,
        date=date,
    )


def _stating(reader: Reader, items: list[dict], lang: str) -> str:
    """The documents that state these drawn figures, as a sentence names them (答复, 进展记录, a later
    document's noun): a note about how a figure is stated holds only for the document that states it."""
    documents = [(item["origin"], item["source_id"]) for item in items]
    words = checks_module.documents_words(documents, reader.fetch("sources"), lang)
    return text("words.list_separator", lang).join(dict.fromkeys(words))


def funding(reader: Reader, region_id: str, lang: str) -> ChartSpec | None:
    """City-level and county-level funding, lower bounds kept as lower bounds."""
    items = _items(reader, region_id, ["funding_city_level", "funding_county_level"], lang)
    if not items:
        return None
    total = sum(item["value"] for item in items)
    lower_bounds = [item for item in items if item["qualifier"] == AT_LEAST]
    qualifier = AT_LEAST if lower_bounds else EXACT
    amount = narrative.value_words(total, {"unit": "元", "unit_en": "yuan"}, qualifier, lang)
    title = text("chart.funding_title", lang, amount=amount) if len(items) > 1 else items[0]["label"]
    if not lower_bounds:
        subtitle = ""
    elif len(lower_bounds) == len(items):
        subtitle = text("chart.funding_subtitle", lang, document=_stating(reader, lower_bounds, lang))
    else:
        labels = text("words.list_separator", lang).join(
            narrative.in_sentence(item["label"], lang) for item in lower_bounds
        )
        subtitle = text(
            "chart.funding_subtitle_some", lang, document=_stating(reader, lower_bounds, lang), labels=labels
        )
    figure = charts.value_bars(items, title, subtitle, _footer_for_items(reader, items, lang), lang)
    # The sentence is dated by the newest amount; an older one keeps its own date ("截至2021年12月31日，
    # 市本级…2,600万元，县市区…超过5,000万元（2021年7月13日）"), not the newer date it was not stated on.
    newest = max((item["as_of"] for item in items if pd.notna(item["as_of"])), default=None)
    parts = [
        (row["label"], _amount(row, lang) if row["as_of"] == newest else _dated(_amount(row, lang), row["as_of"], lang))
        for row in items
    ]
    finding = narrative.parts_total_sentence(parts, amount, newest, lang) if len(items) > 1 else title
    drawn = functools.partial(_latest_figures, reader, region_id, ["funding_city_level", "funding_county_level"])
    return ChartSpec("funding", figure, finding, drawn=drawn)


SUPPORT_METRICS = ["funded_retrofit_projects", "funded_demonstration_projects"]


def funding_supports(reader: Reader, region_id: str, lang: str) -> ChartSpec | None:
    """What the funding is planned to support: retrofit projects and demonstration projects."""
    items = _items(reader, region_id, SUPPORT_METRICS, lang)
    if not items:
        return None
    counts = {row["metric_id"]: _count(row, lang) for row in items}
    # Only what the region's documents state (a county's may give one of the two: "示范项目—" is no sentence).
    parts = [
        text(f"chart.supports_part.{metric_id}", lang, count=counts[metric_id])
        for metric_id in SUPPORT_METRICS
        if metric_id in counts
    ]
    title = text("chart.supports_title", lang, parts=text("chart.supports_join", lang).join(parts))
    figure = charts.value_bars(items, title, "", _footer_for_items(reader, items, lang), lang)
    drawn = functools.partial(_latest_figures, reader, region_id, SUPPORT_METRICS)
    return ChartSpec("funding_supports", figure, title, drawn=drawn)


BENCHMARK_METRICS = [
    "national_benchmark_enterprises",
    "provincial_demo_enterprises",
    "provincial_cloud_benchmarks",
    "city_demonstration_projects",
    "demonstration_industries",
]
ECOSYSTEM_METRICS = [
    "diagnosis_providers",
    "local_service_providers",
    "head_platform_companies_engaged",
    "industry_platforms",
    "universities_with_iiot_institutes",
    "university_enterprise_projects",
    "financial_institutions_engaged",
]


# The benchmarks drawn on one axis: all counted in enterprises. Projects, industries and the ecosystem's
# providers, universities and partnerships are other units: pages show them as tiles, one per metric.
BENCHMARK_ENTERPRISE_METRICS = [
    "national_benchmark_enterprises",
    "provincial_demo_enterprises",
    "provincial_cloud_benchmarks",
]


BENCHMARK_TITLE_ORDER = ("provincial_demo_enterprises", "provincial_cloud_benchmarks", "national_benchmark_enterprises")


def benchmarks(reader: Reader, region_id: str, lang: str) -> ChartSpec | None:
    """Enterprises with national pilot, provincial demonstration and provincial cloud-benchmark status."""
    level_colors = {
        "national_benchmark_enterprises": CATEGORY_PALETTE[0],
        "provincial_demo_enterprises": CATEGORY_PALETTE[3],
        "provincial_cloud_benchmarks": CATEGORY_PALETTE[1],
    }
    items = _items(reader, region_id, BENCHMARK_ENTERPRISE_METRICS, lang, colors=level_colors)
    if not items:
        return None
    counts = {row["metric_id"]: _count(row, lang) for row in items}
    # Only the levels the region has figures for (a county's report names one: "—入选…" is no sentence); the
    # first names the enterprises, the rest follow it.
    stated = [metric_id for metric_id in BENCHMARK_TITLE_ORDER if metric_id in counts]
    parts = [
        text(f"scr.chart.benchmarks_{'then' if index else 'first'}.{metric_id}", lang, count=counts[metric_id])
        for index, metric_id in enumerate(stated)
    ]
    title = text("sentence.comma", lang).join(parts)
    counted = [item for item in items if item["derivation"] == COUNTED]
    note = text("chart.counted_note", lang, document=_stating(reader, counted, lang)) if counted else ""
    figure = charts.value_bars(items, title, note, _footer_for_items(reader, items, lang), lang)
    drawn = functools.partial(_latest_figures, reader, region_id, BENCHMARK_ENTERPRISE_METRICS)
    return ChartSpec("benchmarks", figure, title, drawn=drawn)


TIMELINE_KINDS = ("conference", "training", "lecture", "study_tour", "onsite_meeting", "launch")


def activities_timeline(reader: Reader, region_id: str, lang: str) -> ChartSpec | None:
    """Conferences, trainings, study tours, on-site meetings and launches on one time line."""
    # Plain rows of the shared frame (made once for it): the filters and the footer's lookups in pandas
    # cost more than the chart on a first view.
    shown = [row for row in frames.records(reader.events(region_id)) if row["kind"] in TIMELINE_KINDS]
    if not shown:
        return None
    held = [row for row in shown if row["status"] == "held"]
    conferences = sum(row["kind"] == "conference" for row in held)
    title = text("chart.timeline_title", lang, conferences=conferences, events=len(held) - conferences)
    # The documents that state the events drawn, and their dates: not every document on file (a later
    # document would lend its date and name to events it does not mention).
    sources = reader.fetch("sources")
    stated_in = {row["source_id"] for row in shown}
    stating = [row for row in frames.records(sources) if row["source_id"] in stated_in]
    footer = report.rows_footer(stating, sources, lang, "date", ("source_id",))
    subtitle = text("chart.timeline_subtitle", lang)
    figure = charts.timeline(shown, title, subtitle, footer, lang)
    picture = functools.partial(charts.timeline, shown, title, subtitle, footer, lang, row_each=True)
    return ChartSpec("activities_timeline", figure, title, picture=picture, events=shown)


def _count(row, lang: str) -> str:
    """A count in a title: '129个' in Chinese; '129' in English, whose template names the noun."""
    meta = {"unit": row["unit"], "unit_en": row.get("unit_en", "")}
    derivation = row.get("derivation")
    if lang == "zh":
        return narrative.value_words(row["value"], meta, row["qualifier"], lang, derivation)
    return narrative.number_words(row["value"], meta, row["qualifier"], lang, derivation)


def _dated(words: str, as_of, lang: str) -> str:
    return text("words.value_dated", lang, value=words, date=format_date(as_of, lang))


def _amount(row, lang: str) -> str:
    meta = {"unit": row["unit"], "unit_en": row.get("unit_en", "")}
    return narrative.value_words(row["value"], meta, row["qualifier"], lang, row.get("derivation"))


Builder = Callable[[Reader, str, str], ChartSpec | None]

# The charts of a briefing, in slide order.
KEY_CHARTS: dict[str, Builder] = {
    "overview_progress": overview_progress,
    "diagnosis_progress": lambda reader, region, lang: metric_progress(reader, region, "diagnosis_enterprises", lang),
    "retrofit_progress": lambda reader, region, lang: metric_progress(
        reader, region, "retrofit_projects_completed", lang
    ),
    "retrofit_pipeline": retrofit_pipeline,
    "retrofit_tiers": retrofit_tiers,
    "funding": funding,
    "benchmarks": benchmarks,
    "activities_timeline": activities_timeline,
}
