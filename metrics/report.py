"""Shaping query results into what pages show: cards, key points, chart footers. Pure, testable."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics import frames, narrative
from metrics.charts import Footer
from metrics.checks import document_words
from metrics.i18n import format_date, text
from metrics.numbers import COUNTED, EXACT, format_percent, format_value
from metrics.progress import UNREPORTED, in_different_plans
from metrics.style import status_label
from metrics.tablefile import to_csv_bytes


@dataclass(frozen=True)
class TargetLine:
    """One target of a card: '2021年计划 152家 · 完成 100.7% · 已达成'."""

    horizon: str
    target: str
    percent: str
    expected: str
    status: str
    status_text: str
    assumption: str = ""  # the assumed reading the target rests on, shown with it
    # The figure the percent and status rest on, when it is not the card's own (an ended period's last
    # figure) or its date matters (a period that ended without a figure from its end): '153家', '2021年7月13日'.
    figure: str = ""
    figure_date: str = ""


@dataclass(frozen=True)
class Card:
    """A key metric at a glance."""

    metric_id: str
    label: str
    value: str
    lower_bound: bool
    definition: str
    as_of: object
    targets: list[TargetLine] = field(default_factory=list)
    delta: str = ""  # change since the previous figure, in words
    counted: bool = False  # a lower bound counted from names the source lists followed by 等
    counted_in: str = ""  # then the document that lists them, as a sentence names it (答复)


def metric_meta(row: dict) -> dict:
    """The metric fields narrative and charts need, from a progress or registry row."""
    keys = ("metric_id", "label_zh", "label_en", "unit", "unit_en", "phrase_zh", "phrase_en")
    return {key: row.get(key) for key in keys}


def cards(
    progress: pd.DataFrame,
    lang: str,
    metric_ids: list[str] | None = None,
    figures: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> list[Card]:
    """One card per metric with each of its targets: the given metrics in order, else the key metrics.

    With `figures` (every figure of the region), a card also says how the value changed since the
    figure before it, and which document lists the names a counted figure counts (with `sources`).
    """
    # Plain rows (made once for a shared frame), picked and grouped by metric in order: a pandas filter,
    # sort and lookup per card cost more than the card itself on a page's first view.
    rows = frames.records(progress)
    if metric_ids is None:
        chosen = _by_period([row for row in rows if pd.notna(row["key_order"])], lambda row: row["key_order"])
    else:
        order = {metric_id: index for index, metric_id in enumerate(metric_ids)}
        chosen = _by_period([row for row in rows if row["metric_id"] in order], lambda row: order[row["metric_id"]])
    groups: dict[str, list[dict]] = {}
    for row in chosen:
        groups.setdefault(row["metric_id"], []).append(row)
    history = _recent_figures(figures, {(m, rows[0].get("region_id")) for m, rows in groups.items()})
    result = []
    for metric_id, rows in groups.items():
        first = rows[0]
        meta = metric_meta(first)
        # The newest figure of the metric, whatever period its targets cover (a 2022 target does not
        # blank the card of a 2021 figure).
        latest = narrative.newest_figure(rows)
        # English cards show the bare number: the label names the unit and a long word would be cut.
        unit_word = meta["unit_en"] if lang == "zh" else ""
        value = (
            format_value(latest["value"], meta["unit"], latest["value_qualifier"] or EXACT, lang, unit_word)
            if latest is not None
            else "—"
        )
        latest = latest or {}
        lines = []
        for row in rows:
            if pd.isna(row["target"]):
                continue
            expected = row["expected_to_date"]
            if pd.notna(expected) and meta["unit"] not in ("元", "%"):
                expected = round(expected)
            lines.append(
                TargetLine(
                    horizon=narrative.horizon_words(row, lang),
                    target=narrative.target_words(row["target"], meta, row["target_qualifier"], lang),
                    percent=format_percent(row["percent_of_target"], qualifier=row["value_qualifier"]),
                    expected=format_value(expected, meta["unit"], EXACT, lang, meta["unit_en"])
                    if pd.notna(expected)
                    else "—",
                    status=row["status"],
                    status_text=status_label(row["status"], lang),
                    assumption=narrative.assumption_note(row, lang),
                    **_own_figure(row, latest or None, meta, unit_word, lang),
                )
            )
        result.append(
            Card(
                metric_id=metric_id,
                label=first[f"label_{lang}"],
                value=value,
                lower_bound=latest.get("value_qualifier") == ">=",
                definition=first.get(f"definition_{lang}") or "",
                as_of=latest.get("value_as_of"),
                targets=lines,
                delta=_change_since_previous(
                    history.get((metric_id, first.get("region_id")), []), meta, lang, rows, sources
                ),
                counted=_counted(history.get((metric_id, first.get("region_id")), [])),
                counted_in=_counted_in(history.get((metric_id, first.get("region_id")), []), sources, lang),
            )
        )
    return result


def _own_figure(row: dict, latest: dict | None, meta: dict, unit_word: str, lang: str) -> dict[str, str]:
    """TargetLine's figure and figure_date, when the line must name them (see TargetLine)."""
    if row["status"] != UNREPORTED and not narrative.judged_on_another_figure(row, latest):
        return {}
    return {
        "figure": format_value(row["value"], meta["unit"], row["value_qualifier"] or EXACT, lang, unit_word),
        "figure_date": format_date(row["value_as_of"], lang),
    }


def _by_period(rows: list[dict], first) -> list[dict]:
    """Rows sorted by `first(row)`, then by period end (none last), keeping their order otherwise: as
    a pandas sort on both columns."""
    return sorted(rows, key=lambda row: (first(row), pd.isna(row["period_end"]), _or_zero(row["period_end"])))


def _or_zero(value: object) -> object:
    return 0 if pd.isna(value) else value


def _counted(history: list[dict]) -> bool:
    """Whether the metric's newest figure is a count of the names the source lists (derivation)."""
    return bool(history) and history[-1].get("derivation") == COUNTED


def _counted_in(history: list[dict], sources: pd.DataFrame | None, lang: str) -> str:
    """The document whose list of names the metric's newest figure counts ('' if it is not counted)."""
    if sources is None or not _counted(history):
        return ""  # without the documents' list (the briefing's table, which shows no such note): not named
    newest = history[-1]
    return document_words(newest.get("origin"), newest.get("source_id"), sources, lang)


def _recent_figures(figures: pd.DataFrame | None, keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[dict]]:
    """The last two figures of each (metric, region) in `keys`, oldest first (value, date, derivation,
    document): all a card reads (the change since the figure before the newest; whether the newest is a count).

    One pass over the region's figures for every card: a filter per card cost more than the cards. Only
    the last two of each are made plain rows: a region has thousands of figures at a million records."""
    if figures is None or figures.empty or not keys:
        return {}
    extra = [column for column in ("qualifier", "derivation", "origin", "source_id") if column in figures]
    columns = ["metric_id", "region_id", "value", "as_of", *extra]
    metric_ids, region_ids = frames.column(figures, "metric_id"), frames.column(figures, "region_id")
    shown = np.flatnonzero(np.isin(metric_ids, [metric_id for metric_id, _ in keys]))
    # Oldest first as a stable sort by date gives them (undated last); then, from the newest back, the
    # last two of each key: positions first, and only the rows kept made plain (numpy, not a pandas
    # filter, sort and group-by: those cost more than the cards on a first view).
    ordered = shown[np.argsort(figures["as_of"].to_numpy()[shown], kind="stable")]
    kept: dict[tuple[str, str], list[int]] = {}
    for position in ordered[::-1].tolist():
        key = (metric_ids[position], region_ids[position])
        if key in keys and len(kept.setdefault(key, [])) < 2:
            kept[key].append(position)
    positions = sorted(position for both in kept.values() for position in both)
    rows = frames.rows_at(figures, positions, columns)
    by_position = dict(zip(positions, rows, strict=True))
    return {key: [by_position[position] for position in reversed(both)] for key, both in kept.items()}


def _change_since_previous(
    history: list[dict], meta: dict, lang: str, rows: list[dict] = (), sources: pd.DataFrame | None = None
) -> str:
    """'+107家（较2021年7月13日）': the latest figure against the one before it; '' with one figure, or
    when a plan period among the metric's targets (`rows`) holds one of the two and not the other. When
    either is not exact (超过2,000万元, 约40亿元), the one before is stated instead of a difference: from
    more than 2,000万 to 2,500万 is not "+500万". One of the same date is no change but another account
    of that day, and is named with its document (答复所述为129个), given `sources`."""
    if len(history) < 2:
        return ""
    previous, latest = history[-2], history[-1]
    if in_different_plans(previous["as_of"], latest["as_of"], rows):
        return ""
    stated = format_value(previous["value"], meta["unit"], previous.get("qualifier") or EXACT, lang, meta["unit_en"])
    if pd.Timestamp(previous["as_of"]) == pd.Timestamp(latest["as_of"]):
        if sources is None or float(previous["value"]) == float(latest["value"]):
            return ""
        document = document_words(previous.get("origin"), previous.get("source_id"), sources, lang)
        return text("card.same_date", lang, document=document, value=stated)
    date = format_date(previous["as_of"], lang)
    if any((figure.get("qualifier") or EXACT) != EXACT for figure in (previous, latest)):
        return text("card.previous", lang, value=stated, date=date)
    change = float(latest["value"]) - float(previous["value"])
    amount = format_value(abs(change), meta["unit"], EXACT, lang, meta["unit_en"])
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return text("card.change", lang, change=f"{sign}{amount}", date=date)


def key_points(progress: pd.DataFrame, checks: pd.DataFrame, region: dict, lang: str, limit: int = 4) -> list[str]:
    """The sentences a briefing would open with: targeted key metrics first, then the data checks."""
    words = narrative.region_words(region, lang)
    points = []
    keyed = sorted(
        (row for row in frames.records(progress) if pd.notna(row["key_order"])), key=lambda row: row["key_order"]
    )
    groups: dict[str, list[dict]] = {}  # plain rows by metric, in key order: one conversion, not one a metric
    for row in keyed:
        groups.setdefault(row["metric_id"], []).append(row)
    targeted_first = sorted(groups.values(), key=lambda rows: all(pd.isna(row["target"]) for row in rows))
    for rows in targeted_first[:limit]:
        points.append(narrative.metric_sentence(rows, metric_meta(rows[0]), words, lang))
    if not checks.empty:
        points.append(narrative.checks_summary(frames.rows(checks), lang))
    return points


def footer(
    rows: pd.DataFrame,
    sources: pd.DataFrame,
    lang: str,
    date_column: str = "value_as_of",
    source_column: str = "value_source",
    cited_after: list[str] | tuple[str, ...] = (),
) -> Footer:
    """The chart footer for the rows a chart shows: their newest date and their sources, named. Progress
    rows cite their targets' documents too (a 2024–2026 plan's targets drawn beside the reply's figures);
    `cited_after`: more documents, after the rows' own (targets drawn beside figures)."""
    newest = pd.to_datetime(rows[date_column]).max() if date_column in rows else pd.NaT
    as_of = newest.date() if pd.notna(newest) else None
    columns = [source_column, *(["target_source"] if source_column == "value_source" else [])]
    # Row by row, each row's document before its target's, as they are listed; plain lists, not a stack
    # of the frame (a page's figures are thousands of rows at a million records).
    cells = zip(*(rows[column].tolist() for column in columns if column in rows), strict=True)
    return footer_of(as_of, [*(cell for row in cells for cell in row), *cited_after], sources, lang)


def rows_footer(
    rows: list[dict],
    sources: pd.DataFrame,
    lang: str,
    date_key: str = "value_as_of",
    source_keys: tuple[str, ...] = ("value_source", "target_source"),
    cited_after: tuple[str, ...] = (),
) -> Footer:
    """footer() for rows given as plain rows, as a chart of a few bars or targets has them: a frame made
    or filtered only for its footer cost more than the footer. Progress rows by default; figures with
    date_key="as_of", source_keys=("source_id",)."""
    days = [pd.Timestamp(row[date_key]) for row in rows if pd.notna(row.get(date_key))]
    as_of = max(days).date() if days else None
    listed = [row.get(key) for row in rows for key in source_keys]
    return footer_of(as_of, [*listed, *cited_after], sources, lang)


def footer_of(as_of: dt.date | None, listed: list, sources: pd.DataFrame, lang: str) -> Footer:
    """The footer of this date and of the documents listed (ids, in order, each named once; missing and
    empty ones left out)."""
    names = source_names(sources, lang)
    used = [s for s in dict.fromkeys(listed) if isinstance(s, str) and s]
    # Only the documents of what is drawn: rows without any would name none, never a default document.
    return Footer(as_of=as_of, source=text("sentence.semicolon", lang).join(names.get(s, s) for s in used))


def _of_metrics(figures: pd.DataFrame, metric_ids: list[str] | None) -> np.ndarray:
    """Which of the figures are of these metrics (all of them for None), as a boolean array: a page's
    figures are filtered as arrays, where a pandas filter moves every column of thousands of figures (and
    even of a few dozen cost more than the footer or the evidence it was for)."""
    if metric_ids is None:
        return np.ones(len(figures), dtype=bool)
    return np.isin(frames.column(figures, "metric_id"), metric_ids)


def page_footer(
    figures: pd.DataFrame, progress: pd.DataFrame, metric_ids: list[str] | None, sources: pd.DataFrame, lang: str
) -> Footer | None:
    """The date and documents of what a page shows: its figures' newest date, their documents, then its
    targets' (cards and charts show those too). None when the page has no figure of these metrics."""
    drawn = _of_metrics(figures, metric_ids)
    if not drawn.any():
        return None
    dates = figures["as_of"].to_numpy()[drawn]
    dates = dates[~pd.isna(dates)]
    as_of = pd.Timestamp(dates.max()).date() if len(dates) else None
    aimed = [
        row["target_source"] for row in frames.records(progress) if metric_ids is None or row["metric_id"] in metric_ids
    ]
    return footer_of(as_of, [*frames.column(figures, "source_id")[drawn].tolist(), *aimed], sources, lang)


def evidence_of(
    figures: pd.DataFrame, metric_ids: list[str], lang: str
) -> tuple[list[dict], pd.DatetimeIndex, list[str]] | None:
    """What a page's evidence states for these metrics: the reply's figures (plain rows, each quoted), and
    of the recorded ones (thousands at a million) only their dates and documents. None without any."""
    drawn = _of_metrics(figures, metric_ids)
    if not drawn.any():
        return None
    is_reply = drawn & (frames.column(figures, "origin") == "reply")
    from_reply = frames.rows_at(figures, np.flatnonzero(is_reply))
    recorded = drawn & ~is_reply
    dates = pd.DatetimeIndex(figures["as_of"].to_numpy()[recorded])
    documents = [s for s in frames.column(figures, f"source_{lang}")[recorded].tolist() if pd.notna(s)]
    return from_reply, dates, documents


def figures_footer(
    figures: pd.DataFrame, sources: pd.DataFrame, lang: str, target_sources: list[str] | tuple[str, ...] = ()
) -> Footer:
    """The footer for figures (as_of, source_id) and, after their documents, the documents of targets
    drawn beside them (undated: the date is the figures')."""
    return footer(figures, sources, lang, "as_of", "source_id", cited_after=list(target_sources))


def source_names(sources: pd.DataFrame, lang: str) -> dict[str, str]:
    """Each document's short name by its id, as footers and notes cite it (made once per shared frame:
    every chart's footer asks)."""
    return frames.kept_for(
        sources, ("short_names", lang), lambda: dict(zip(sources["source_id"], sources[f"short_{lang}"], strict=True))
    )


SOURCE_COLUMNS = ["metric", "region", "value", "as_of", "section", "evidence", "source", "note"]


def document_text(source: dict, lang: str) -> str:
    """A source document in one sentence: issuer, title, number, date and addressee, each only when the
    document has it (a plan has no addressee, a kept report often no number: never "致nan")."""

    def given(name: str) -> str:
        value = source.get(name)
        return value.strip() if isinstance(value, str) else ""

    details = [given("doc_number"), format_date(source["date"], lang) if pd.notna(source.get("date")) else ""]
    if given(f"addressee_{lang}"):
        details.append(text("sources.addressee", lang, addressee=given(f"addressee_{lang}")))
    issuer = given(f"issuer_{lang}")
    return text(
        "sources.document_text" if issuer else "sources.document_text_no_issuer",
        lang,
        issuer=issuer,
        title=given(f"title_{lang}"),
        details=text("sentence.comma", lang).join(part for part in details if part),
    )


def value_texts(figures: pd.DataFrame, lang: str, style: str = "compact") -> list[str]:
    """Each figure's value as shown (format_value), each distinct value, unit and qualifier formatted
    once: a region's thousands of records repeat a few of them."""
    text_of = functools.cache(
        lambda value, unit, qualifier, unit_en, derivation: format_value(
            value, unit, qualifier, lang, unit_en, style=style, derivation=derivation
        )
    )
    derivation = figures["derivation"].tolist() if "derivation" in figures else [None] * len(figures)
    # Plain lists (tolist): walking pandas' Arrow-backed text columns value by value took half the time.
    columns = (figures[name].tolist() for name in ("value", "unit", "qualifier", "unit_en"))
    return [text_of(*row) for row in zip(*columns, derivation, strict=True)]


def date_texts(dates: pd.Series, lang: str) -> list[str]:
    """Each date as shown (format_date), each distinct date formatted once: the dates are numbered in
    numpy (factorize), not made into a Timestamp each (a region's thousands of records share a few hundred)."""
    codes, distinct = pd.factorize(dates)
    words = [format_date(date, lang) for date in distinct] + [format_date(None, lang)]  # code -1: no date
    return [words[code] for code in codes.tolist()]


def source_table(figures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every figure as the Sources page lists it: label, region, value as stated, date, section, words.
    A figure another of the same date supersedes (the reply's 129 beside a record's 127 of that day) says
    which one the dashboard uses, in its note."""
    values = value_texts(figures, lang, style="words")
    notes = narrative.in_language(figures["note"], figures.get("note_en"), lang)
    for position, words in _superseded(figures, values, lang).items():
        notes[position] = ("；" if lang == "zh" else "; ").join(note for note in (notes[position], words) if note)
    return pd.DataFrame(
        {
            "metric": figures[f"label_{lang}"],
            "region": figures[f"region_{lang}"],
            "value": values,
            "as_of": date_texts(figures["as_of"], lang),
            # Plain lists (tolist) walked: pandas' Arrow-backed text columns are slow to walk value by value.
            "section": [narrative.section_words(section, lang) for section in figures["section"].tolist()],
            "evidence": [
                narrative.quote_words(words, english, lang)
                for words, english in zip(
                    figures["evidence"].tolist(),
                    figures["evidence_en"].tolist() if "evidence_en" in figures else [None] * len(figures),
                    strict=True,
                )
            ],
            "source": figures[f"source_{lang}"].fillna(""),
            "note": notes,
        }
    ).reset_index(drop=True)


def _superseded(figures: pd.DataFrame, values: list[str], lang: str) -> dict[int, str]:
    """Position → words for each figure another of its metric, region and date comes after: the one in
    force (a record after the document; cards and progress take the last). A region's figures come as the
    build stores them, by metric and date, so figures of one date are neighbours: compared with the next
    row, not searched for (a pandas duplicate search cost ~3 ms at a million records' region)."""
    metric, region = frames.column(figures, "metric_id"), frames.column(figures, "region_id")
    dates = figures["as_of"].to_numpy()
    same_as_next = (metric[:-1] == metric[1:]) & (region[:-1] == region[1:]) & (dates[:-1] == dates[1:])
    earlier = np.flatnonzero(same_as_next).tolist()
    if not earlier:
        return {}
    sources = figures[f"source_{lang}"].fillna("").tolist()
    in_force: dict[int, int] = {}
    for position in reversed(earlier):  # a run of three figures of one date: the first two name the third
        following = position + 1
        in_force[position] = in_force.get(following, following)
    return {
        position: text("sources.superseded", lang, source=sources[used], value=values[used])
        for position, used in in_force.items()
    }


def filter_sources(
    table: pd.DataFrame, figures: pd.DataFrame, query: str, category: str | None, section: str | None
) -> pd.DataFrame:
    """Rows whose text contains the query (any column, case-insensitive), in a category and section;
    with no filter, the table itself."""
    if not (query or category or section):
        return table
    keep = pd.Series(True, index=table.index)
    if query:
        needle = query.strip().lower()
        haystack = (
            table.astype(str).agg(" ".join, axis=1).str.lower() + " " + figures["metric_id"].reset_index(drop=True)
        )
        keep &= haystack.str.contains(needle, regex=False)
    if category:
        keep &= figures["category"].reset_index(drop=True) == category
    if section:
        keep &= figures["section"].reset_index(drop=True) == section
    return table[keep]


def shown_figures(shown: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The figures behind the rows of the Sources table as shown (`shown`: rows of source_table, filtered)."""
    return figures.reset_index(drop=True).loc[shown.index]


def progress_records(figures: pd.DataFrame) -> pd.DataFrame:
    """The progress records among the figures, as the Progress page lists them: newest first."""
    positions = np.flatnonzero(frames.column(figures, "origin") == "record")
    dates = figures["as_of"].to_numpy()[positions]
    if not len(positions) or pd.isna(dates).any() or dates.dtype.kind != "M":
        records = figures.iloc[positions]
        return records.sort_values(["as_of", "metric_id"], ascending=[False, True])
    # The same order by positions (numpy's stable lexsort, as pandas' sort on two columns), and the frame
    # taken once: a filter and then a sort each moved every column of thousands of records, a tenth of
    # the page's first view each.
    metric_codes, _ = pd.factorize(frames.column(figures, "metric_id")[positions], sort=True)
    return figures.take(positions[np.lexsort((metric_codes, -dates.astype("int64")))])


def records_table(records: pd.DataFrame, lang: str, changed: list[str]) -> pd.DataFrame:
    """The Progress page's table of records (progress_records): label, region, date and value as shown,
    document, note, and `changed` (when and by whom each last changed). Only these columns, made anew:
    assign() first copied every column of thousands of records."""
    return pd.DataFrame(
        {
            "label": records[f"label_{lang}"],
            "region": records[f"region_{lang}"],
            "as_of_text": date_texts(records["as_of"], lang),
            "shown": value_texts(records, lang),
            "where": records[f"source_{lang}"].fillna(""),  # an empty cell is blank, not "None"
            "note": records["note"].fillna(""),
            "changed": changed,
        },
        index=records.index,
    )


def source_csv(table: pd.DataFrame) -> bytes:
    """The table for Excel: UTF-8 with BOM, and cells starting = + - @ escaped so they cannot run."""
    return to_csv_bytes(table, escape_formulas=True)


NUMBER_COLUMNS = ["base_value", "unit", "qualifier"]  # beside the value as written, in the CSV download


def source_download(shown: pd.DataFrame, figures: pd.DataFrame, lang: str) -> bytes:
    """The Sources table as shown (`shown`: rows of source_table, filtered) for Excel: headed in `lang`, and
    beside the value as written its number in base units (yuan, plain counts, 66 for 66%), unit and
    qualifier, so the figures can be summed. Formula-safe, as every CSV handed out."""
    rows = shown_figures(shown, figures)
    unit = rows["unit"] if lang == "zh" else rows["unit_en"].fillna(rows["unit"])
    numbers = {
        "base_value": rows["value"].to_numpy(),
        "unit": unit.fillna("").to_numpy(),
        "qualifier": [text(f"editing.qualifier.{q}", lang) if q in ("=", ">=", "~") else "" for q in rows["qualifier"]],
    }
    table = shown[SOURCE_COLUMNS].copy()
    position = SOURCE_COLUMNS.index("value") + 1
    for offset, name in enumerate(NUMBER_COLUMNS):
        table.insert(position + offset, name, numbers[name])
    headers = {name: text(f"column.{name}", lang) for name in SOURCE_COLUMNS}
    headers |= {name: text(f"audit.column.{name}", lang) for name in NUMBER_COLUMNS}
    return to_csv_bytes(table.rename(columns=headers), number_columns=(headers["base_value"],), escape_formulas=True)


def target_texts(targets: pd.DataFrame, lang: str) -> list[str]:
    """Targets as plans word them: '152家', '500家以上', 'at least 500 enterprises'."""
    return [narrative.target_words(row["target"], row, row["qualifier"], lang) for row in frames.rows(targets)]
