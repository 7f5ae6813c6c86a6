"""Consistency checks: where the reply's parts should add up, or its statements should agree, check it.

A mismatch is a finding to show, never to fix: the tiers of projects under way add up to 127, not the 129
the reply states, and the dashboard says so.

Kinds (data/checks.csv, plus one `sum` per parent metric in the registry):
- sum            stated whole = sum of parts
- ratio_percent  stated percent = first operand ÷ second operand × 100
- exceeds        first operand > stated (the reply claims it was exceeded)
- equals         stated = operand (the same figure stated in two places)
- count_events   stated = number of events of a kind listed in the reply
Operands: 'figure:METRIC', 'target:METRIC:START:END', 'events:KIND:STATUS'.

A check is about what one document states: the stated operand fixes the document (its source and, for
a figure, its date), and every figure operand is read from that document. A later progress record never
makes the reply disagree with itself (105 completed by December is not what the reply's 66% was of).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from metrics import frames
from metrics.i18n import text
from metrics.numbers import format_amount
from metrics.registry import DEFAULT_REGION

CONSISTENT, MISMATCH, INCOMPLETE = "consistent", "mismatch", "incomplete"

CHECK_COLUMNS = [
    "check_id",
    "kind",
    "label_zh",
    "label_en",
    "section",
    "region_id",
    "as_of",
    "parts_zh",
    "parts_en",
    "expected",
    "computed",
    "gap",
    "tolerance",
    "status",
    "claim_zh",
    "claim_en",
    "unit",
    "document_zh",
    "document_en",
]


@dataclass(frozen=True)
class Operand:
    """A resolved operand: its value and how to name it."""

    value: float | None
    label_zh: str
    label_en: str
    unit: str
    source_id: str | None = None
    as_of: dt.date | None = None
    origin: str | None = None  # a figure's: "reply" (a document in figures.csv) or "record" (progress.csv)


@dataclass(frozen=True)
class Document:
    """Where a check's statement comes from: figures are read from this source at this date."""

    source_id: str | None
    as_of: dt.date | None


class Resolver:
    """Looks operands up in the figures, targets and events of one region."""

    def __init__(
        self,
        figures: pd.DataFrame,
        targets: pd.DataFrame,
        events: pd.DataFrame,
        metrics: pd.DataFrame,
        region: str,
        sources: pd.DataFrame | None = None,
    ):
        # Stable: of two figures of one date, the later row (a record after the document) is the one in force.
        self.figures = figures[figures["region_id"] == region].sort_values("as_of", kind="stable")
        self.targets = targets[targets["region_id"] == region]
        self.events = events[events["region_id"] == region]  # the events the documents report of this region
        self.metrics = metrics.set_index("metric_id")
        self.sources = sources if sources is not None else pd.DataFrame(columns=["source_id"])

    def resolve(self, reference: str, document: Document | None = None) -> Operand:
        """An operand's value; a figure is the newest one, or the one `document` states."""
        kind, _, rest = reference.partition(":")
        if kind == "figure":
            rows = self._figure_rows(rest, document)
            if rows.empty:
                return Operand(None, *self._label(rest))
            last = rows.iloc[-1]
            origin = last["origin"] if "origin" in rows else None
            return Operand(float(last["value"]), *self._label(rest), last["source_id"], _date(last["as_of"]), origin)
        if kind == "target":
            metric, start, end = rest.split(":")
            rows = self.targets[
                (self.targets["metric_id"] == metric)
                & (pd.to_datetime(self.targets["period_start"]) == pd.Timestamp(start))
                & (pd.to_datetime(self.targets["period_end"]) == pd.Timestamp(end))
            ]
            value = float(rows["target"].iloc[0]) if not rows.empty else None
            source = str(rows["source"].iloc[0]) if not rows.empty and "source" in rows else None
            zh, en, unit = self._label(metric)
            year = start[:4]
            return Operand(
                value,
                text("check.target_of", "zh", label=zh, year=year),
                text("check.target_of", "en", label=en, year=year),
                unit,
                source or None,
            )
        if kind == "events":
            event_kind, status = rest.split(":")
            rows = self.events[(self.events["kind"] == event_kind) & (self.events["status"] == status)]
            if document is not None and document.source_id is not None and "source_id" in rows:
                rows = rows[rows["source_id"] == document.source_id]  # the events the stating document lists
            years = "、".join(str(pd.Timestamp(d).year) for d in rows["date"])
            return Operand(
                float(len(rows)),
                text("check.events_listed", "zh", years=years),
                text("check.events_listed", "en", years=years.replace("、", ", ")),
                "",
            )
        raise ValueError(f"unknown operand {reference!r}")

    def _figure_rows(self, metric: str, document: Document | None) -> pd.DataFrame:
        rows = self.figures[self.figures["metric_id"] == metric]
        if document is None:
            return rows
        if document.source_id is not None:
            rows = rows[rows["source_id"] == document.source_id]
        if document.as_of is not None:
            rows = rows[pd.to_datetime(rows["as_of"]).dt.date == document.as_of]
        return rows

    def latest_as_of(self, reference: str) -> dt.date | None:
        kind, _, metric = reference.partition(":")
        rows = self.figures[self.figures["metric_id"] == metric] if kind == "figure" else pd.DataFrame()
        return pd.Timestamp(rows["as_of"].iloc[-1]).date() if not rows.empty else None

    def section_of(self, reference: str) -> str:
        """The reply's section where a figure operand is stated ('' for others)."""
        kind, _, metric = reference.partition(":")
        rows = self.figures[self.figures["metric_id"] == metric] if kind == "figure" else pd.DataFrame()
        return str(rows["section"].iloc[-1] or "") if not rows.empty else ""

    def document_of(self, operand: Operand) -> tuple[str, str]:
        """How a sentence names what states `operand` (zh, en): 答复 / the reply, 进展记录."""
        return tuple(document_words(operand.origin, operand.source_id, self.sources, lang) for lang in ("zh", "en"))

    def _label(self, metric: str) -> tuple[str, str, str]:
        row = self.metrics.loc[metric]
        return row["label_zh"], row["label_en"], row["unit"]


def document_words(origin: str | None, source_id: str | None, sources: pd.DataFrame, lang: str) -> str:
    """How a sentence names the document a figure comes from: a figure recorded on the progress page is
    the progress record's (进展记录); a curated figure's document is named as sources.csv says
    (noun_zh: 答复), else by its short name; a source that is not listed, by its own words."""
    if origin == "record":
        return text("chart.tiers_document_record", lang)
    row = _sources_by_id(sources).get(source_id) if source_id else None
    if row is not None:
        for column in (f"noun_{lang}", f"short_{lang}"):
            if isinstance(row.get(column), str) and row[column]:
                return row[column]
    return source_id or text("check.document_unknown", lang)


def _sources_by_id(sources: pd.DataFrame) -> dict[str, dict]:
    """Each document's row by its id (the first, as a filter's first row), made once per shared frame: a
    filter of the sources for each document named cost ~1 ms of a first view each."""

    def build() -> dict[str, dict]:
        by_id: dict[str, dict] = {}
        for row in frames.records(sources):
            by_id.setdefault(row["source_id"], row)
        return by_id

    return frames.kept_for(sources, "by_id", build)


def documents_words(documents: Iterable[tuple[str | None, str | None]], sources: pd.DataFrame, lang: str) -> list[str]:
    """document_words of each (origin, source_id), each distinct one worked out once: a list of names
    or figures cites a few documents many times."""
    documents = list(documents)
    words = {document: document_words(*document, sources, lang) for document in dict.fromkeys(documents)}
    return [words[document] for document in documents]


def rollup_checks(metrics: pd.DataFrame) -> pd.DataFrame:
    """A `sum` check for every parent metric: its children should add up to it."""
    rows = []
    children = metrics[metrics["parent_id"] != ""].groupby("parent_id")["metric_id"].apply(list)
    labels = metrics.set_index("metric_id")
    for parent, parts in children.items():
        rows.append(
            {
                "check_id": f"{parent}_parts",
                "kind": "sum",
                "stated": f"figure:{parent}",
                "operands": ";".join(f"figure:{part}" for part in parts),
                "tolerance": "0",
                "section": "",
                "label_zh": text("check.rollup_label", "zh", label=labels.at[parent, "label_zh"]),
                "label_en": text("check.rollup_label", "en", label=labels.at[parent, "label_en"]),
                "claim_zh": "",
                "claim_en": "",
            }
        )
    return pd.DataFrame(rows)


def run_checks(
    definitions: pd.DataFrame,
    figures: pd.DataFrame,
    targets: pd.DataFrame,
    events: pd.DataFrame,
    metrics: pd.DataFrame,
    region: str = DEFAULT_REGION,
    sources: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Evaluate every check for a region; one row each with parts, expected, computed, gap, status and
    the words for the document that states the expected figure."""
    resolver = Resolver(figures, targets, events, metrics, region, sources)
    all_definitions = pd.concat([rollup_checks(metrics), definitions], ignore_index=True)
    rows = [_evaluate(definition, resolver, region) for definition in all_definitions.itertuples(index=False)]
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def _evaluate(definition, resolver: Resolver, region: str) -> dict:
    stated = resolver.resolve(definition.stated)
    document = Document(stated.source_id, stated.as_of) if stated.value is not None else None
    operands = [resolver.resolve(reference, document) for reference in definition.operands.split(";")]
    tolerance = float(definition.tolerance or 0)
    computed = _combine(definition.kind, operands)
    gap = computed - stated.value if computed is not None and stated.value is not None else None
    if gap is None:
        status = INCOMPLETE
    elif definition.kind == "exceeds":
        status = CONSISTENT if gap > 0 else MISMATCH
    else:
        status = CONSISTENT if abs(gap) <= tolerance else MISMATCH
    joiners = {"sum": ("＋", " + "), "ratio_percent": ("÷", " ÷ ")}.get(definition.kind, ("；", "; "))
    document_zh, document_en = resolver.document_of(stated)
    return {
        "check_id": definition.check_id,
        "kind": definition.kind,
        "label_zh": definition.label_zh,
        "label_en": definition.label_en,
        "section": definition.section or resolver.section_of(definition.stated),
        "region_id": region,
        "as_of": stated.as_of
        or next((o.as_of for o in operands if o.as_of is not None), None)
        or resolver.latest_as_of(definition.operands.split(";")[0]),
        "parts_zh": joiners[0].join(_describe(o, "zh") for o in operands),
        "parts_en": joiners[1].join(_describe(o, "en") for o in operands),
        "expected": stated.value,
        "computed": computed,
        "gap": gap,
        "tolerance": tolerance,
        "status": status,
        "claim_zh": definition.claim_zh,
        "claim_en": definition.claim_en,
        "unit": stated.unit,
        "document_zh": document_zh,
        "document_en": document_en,
    }


def _combine(kind: str, operands: list[Operand]) -> float | None:
    values = [o.value for o in operands]
    if any(v is None for v in values):
        return None
    if kind == "sum":
        return float(sum(values))
    if kind == "ratio_percent":
        numerator, denominator = values
        return numerator / denominator * 100 if denominator else None
    if kind in ("exceeds", "equals", "count_events"):
        return values[0]
    raise ValueError(f"unknown check kind {kind!r}")


def _date(value) -> dt.date:
    return pd.Timestamp(value).date()


def _describe(operand: Operand, lang: str) -> str:
    label = operand.label_zh if lang == "zh" else operand.label_en
    space = "" if lang == "zh" else " "  # no spaces around numbers inside a Chinese sentence
    if operand.value is None:
        return f"{label}{space}—"
    amount = format_amount(operand.value, operand.unit, lang) if operand.unit else f"{operand.value:g}"
    return f"{label}{space}{amount}"
