"""Shaping query results into what pages show: cards, key points, chart footers. Pure, testable."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from metrics import narrative
from metrics.charts import Footer
from metrics.i18n import text
from metrics.numbers import EXACT, format_percent, format_value
from metrics.style import status_label


@dataclass(frozen=True)
class TargetLine:
    """One target of a card: '2021年计划 152家 · 完成 100.7% · 已达成'."""

    horizon: str
    target: str
    percent: str
    expected: str
    status: str
    status_text: str


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


def metric_meta(row: dict) -> dict:
    """The metric fields narrative and charts need, from a progress or registry row."""
    keys = ("metric_id", "label_zh", "label_en", "unit", "unit_en", "phrase_zh", "phrase_en")
    return {key: row.get(key) for key in keys}


def cards(progress: pd.DataFrame, lang: str) -> list[Card]:
    """One card per key metric (registry key_order), in order, with each of its targets."""
    keyed = progress[progress["key_order"].notna()].sort_values(["key_order", "period_end"])
    result = []
    for metric_id, rows in keyed.groupby("metric_id", sort=False):
        first = rows.iloc[0].to_dict()
        meta = metric_meta(first)
        with_value = rows[rows["value"].notna()]
        latest = with_value.sort_values("value_as_of").iloc[-1].to_dict() if not with_value.empty else first
        value = (
            format_value(latest["value"], meta["unit"], latest["value_qualifier"] or EXACT, lang, meta["unit_en"])
            if pd.notna(latest.get("value"))
            else "—"
        )
        lines = []
        for row in rows[rows["target"].notna()].to_dict("records"):
            expected = row["expected_to_date"]
            if pd.notna(expected) and meta["unit"] not in ("元", "%"):
                expected = round(expected)
            lines.append(
                TargetLine(
                    horizon=narrative.horizon_words(row, lang),
                    target=narrative.target_words(row["target"], meta, row["target_qualifier"], lang),
                    percent=format_percent(row["percent_of_target"]),
                    expected=format_value(expected, meta["unit"], EXACT, lang, meta["unit_en"])
                    if pd.notna(expected)
                    else "—",
                    status=row["status"],
                    status_text=status_label(row["status"], lang),
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
            )
        )
    return result


def key_points(progress: pd.DataFrame, checks: pd.DataFrame, region: dict, lang: str, limit: int = 4) -> list[str]:
    """The sentences a briefing would open with: targeted key metrics first, then the data checks."""
    words = narrative.region_words(region, lang)
    points = []
    keyed = progress[progress["key_order"].notna()].sort_values("key_order")
    targeted_first = sorted(keyed.groupby("metric_id", sort=False), key=lambda item: item[1]["target"].isna().all())
    for _, rows in targeted_first[:limit]:
        points.append(narrative.metric_sentence(rows, metric_meta(rows.iloc[0].to_dict()), words, lang))
    mismatches = checks[checks["status"] == "mismatch"]
    if not checks.empty:
        if mismatches.empty:
            points.append(text("overview.checks_all_consistent", lang, count=len(checks)))
        else:
            head = text("overview.checks_mismatch", lang, count=len(checks), mismatches=len(mismatches))
            points.append(
                head
                + text("sentence.semicolon", lang).join(
                    narrative.check_sentence(c, lang) for c in mismatches.to_dict("records")
                )
                + text("sentence.end", lang)
            )
    return points


def footer(
    rows: pd.DataFrame,
    sources: pd.DataFrame,
    lang: str,
    date_column: str = "value_as_of",
    source_column: str = "value_source",
) -> Footer:
    """The chart footer for the rows a chart shows: their newest date and their sources, named."""
    dated = pd.to_datetime(rows[date_column]).dropna() if date_column in rows else pd.Series(dtype="datetime64[ns]")
    as_of = dated.max().date() if not dated.empty else None
    names = dict(zip(sources["source_id"], sources[f"short_{lang}"], strict=True))
    used = [s for s in dict.fromkeys(rows[source_column].dropna()) if s] if source_column in rows else []
    joined = text("sentence.semicolon", lang).join(names.get(s, s) for s in used)
    return Footer(as_of=as_of, source=joined or names.get("reply_2021_50", ""))
