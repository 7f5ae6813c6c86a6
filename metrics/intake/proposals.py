"""Proposals: one row per figure found, with its metric, region, kind, dates and evidence."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from metrics.intake import context
from metrics.intake.finding import Found, find_figures
from metrics.intake.matching import Match, Matcher
from metrics.intake.places import Gazetteer
from metrics.intake.reading import Document, IntakeError, read_document
from metrics.numbers import format_amount
from metrics.registry import Registry

PROPOSAL_COLUMNS = [
    "line",
    "section",
    "quote",
    "value",
    "unit",
    "qualifier",
    "kind",
    "as_of",
    "period_start",
    "period_end",
    "region_id",
    "region_name",
    "metric_id",
    "suggested_label",
    "confidence",
    "evidence",
]
EVIDENCE_LIMIT = 160


@dataclass
class Reader:
    """What proposing needs from the registry, prepared once (a page reuses it for every document)."""

    registry: Registry

    def __post_init__(self):
        self.matcher = Matcher(self.registry.metrics)
        self.places = Gazetteer(self.registry.regions)


_READERS: dict[int, Reader] = {}


def _reader(registry: Registry) -> Reader:
    key = id(registry)
    if key not in _READERS:
        _READERS.clear()
        _READERS[key] = Reader(registry)
    return _READERS[key]


def propose_file(
    data: bytes,
    name: str,
    document_date: dt.date | None = None,
    region: str | None = None,
    registry: Registry | None = None,
    title: str = "",
    issuer: str = "",
) -> tuple[Document, pd.DataFrame]:
    """Read a document's bytes and propose its figures; raises IntakeError for what cannot be read."""
    document = read_document(data, name)
    return document, propose(document, document_date, region, registry, title, issuer)


def propose(
    document: Document,
    document_date: dt.date | None = None,
    region: str | None = None,
    registry: Registry | None = None,
    title: str = "",
    issuer: str = "",
) -> pd.DataFrame:
    """The figures of a document as a table with PROPOSAL_COLUMNS, in reading order; `title` (when the
    document's first line is not its title) sets the default region and date as the first line would; an
    `issuer` that is a region's office (阳新县经济和信息化局) sets the default region when the title names none."""
    registry = registry or Registry.load()
    reader = _reader(registry)
    document_date = document_date or _date_in(document) or dt.date.today()
    if region and region not in registry.region_ids:
        found = registry.resolve_region(region)
        if not found:
            raise IntakeError("unknown_region", region=region)
        region = found
    region = region or _region_in_title(document, reader.places, title) or _region_of_issuer(issuer, reader.places)
    gazetteer = reader.places
    if region and region != gazetteer.default:
        gazetteer = Gazetteer(registry.regions, default_region=region)
    plan = context.document_span(document.text)
    plan_document = context.is_plan(document.lines)
    title = title or next((line for line in document.lines if line.strip()), "")
    default_as_of = context.as_of(title, document_date)  # 2023年工作总结 → 2023-12-31
    section_of = context.sections(document.lines)
    rows: list[dict] = []
    seen: set[tuple] = set()
    for index, line in enumerate(document.lines):
        if not line.strip():
            continue
        for item in find_figures(line, gazetteer.county_words):
            where = (index, section_of[index], document_date, plan, plan_document, default_as_of)
            row = _row(item, line, where, reader.matcher, gazetteer)
            key = tuple(row[c] for c in ("metric_id", "value", "qualifier", "kind", "region_id", "as_of", "period_end"))
            if row["metric_id"] and key in seen:
                continue  # the same figure said twice (首届 in two paragraphs): propose it once
            seen.add(key)
            rows.append(row)
    return pd.DataFrame(rows, columns=PROPOSAL_COLUMNS)


def _region_in_title(document: Document, places: Gazetteer, title: str = "") -> str | None:
    """A report by or about one region names it in its first lines (阳新县2024年第一季度…): its default region."""
    head = [title] if title else [line for line in document.lines if line.strip()][:3]
    for line in head:
        for _, name in places.mentions(line):
            if places.names[name]:
                return places.names[name]
    return None


def _region_of_issuer(issuer: str, places: Gazetteer) -> str | None:
    """The region whose office issued the document: the place its name starts with (阳新县经信局 → 阳新县)."""
    for position, name in places.mentions(issuer):
        if position == 0 and places.names[name]:
            return places.names[name]
    return None


def _row(item: Found, line: str, where: tuple, matcher: Matcher, places: Gazetteer) -> dict:
    index, section, document_date, plan, plan_document, default_as_of = where
    span = context.sentence_around(line, item.start, item.end)
    sentence = line[span.start : span.end]
    start, end = item.start - span.start, item.end - span.start
    kind = context.kind_of(sentence, start, document_date, plan_document)
    match = matcher.match(sentence, start, end, item.unit, item.counted)
    if not match.metric_id:  # '2025年，累计完成650家': the metric is named before the ； in the same sentence
        wide = context.sentence_around(line, item.start, item.end, ends="。！？!?")
        text = line[wide.start : wide.end]
        offset = item.start - wide.start
        wider = matcher.match(text, offset, offset + len(item.quote), item.unit, item.counted, lenient=True)
        if wider.metric_id:
            match = Match(wider.metric_id, round(wider.confidence * 0.6, 2), wider.unit)
    unit = match.unit if match.metric_id else (item.unit or "个")
    counted_places = item.counted and unit == "个" and item.category == "" and places.county_words
    place = places.place_of(sentence, start, bool(counted_places))
    row = {
        "line": index + 1,
        "section": section,
        "quote": item.quote,
        "value": _plain(item.value),
        "unit": unit,
        "qualifier": item.qualifier,
        "kind": kind,
        "as_of": "",
        "period_start": "",
        "period_end": "",
        "region_id": place.region_id,
        "region_name": place.name,
        "metric_id": match.metric_id,
        "suggested_label": "" if match.metric_id else suggest_label(sentence, start, end, item),
        "confidence": match.confidence if match.metric_id else 0.0,
        "evidence": _evidence(sentence, start, end),
    }
    if kind == "target":
        first, last = context.target_period(sentence, document_date, plan)
        if context.per_year(sentence, start):  # each year's, not the plan's whole: proposed for one year
            first, last = context.one_year_of((first, last), document_date)
        row["period_start"], row["period_end"] = first.isoformat(), last.isoformat()
    else:
        row["as_of"] = context.as_of(line[: item.start], document_date, default_as_of).isoformat()
    return row


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


def _evidence(sentence: str, start: int, end: int) -> str:
    """The sentence, trimmed to EVIDENCE_LIMIT characters around the figure when it is very long."""
    sentence = sentence.strip()
    if len(sentence) <= EVIDENCE_LIMIT:
        return sentence
    left = max(0, start - EVIDENCE_LIMIT // 2)
    return ("…" if left else "") + sentence[left : left + EVIDENCE_LIMIT] + "…"


_LEADING_WORDS = re.compile(
    r"^(?:其中|目前|截至目前|截止目前|截至|截止|我市|全市|全省|全区|全县|本市|累计|共计|共|已经|已|新增|新认定|建成|完成|"
    r"实现|达到|达|推动|推进|培育|打造|遴选|认定|创建|开展|计划|力争|将|拟|有|获评|入选|超过|约|近|到|了|的|和|及|、)+"
)
_TRAILING_WORDS = re.compile(r"(?:突破|超过|达到|达|约|近|累计|共|为|有|不少于|至少)+$")
_PLACE_OR_DATE = re.compile(
    r"^[\u4e00-\u9fff]{1,4}[省市县区]|\d{4}年度?|\d{1,2}\s*[-—–~至到]\s*\d{1,2}月|[0-9一二三四五六七八九十]+月(?:份|底|末)?|"
    r"上半年|一季度|前三季度|今年以来|\d{1,2}日"
)
_NOUN_AFTER = re.compile(r"^[^，,。；;：:（）()“”、\s]{2,14}")


def suggest_label(sentence: str, start: int, end: int, item: Found) -> str:
    """A label for a new metric: the noun the number counts (12个5G全连接工厂) or the words before it."""
    if item.counted:
        return item.category
    after = _NOUN_AFTER.match(sentence[end:])
    if after:
        noun = re.split(r"[的和及与]|建设|改造$", after.group())[0]
        if len(noun) >= 2:
            return noun
    # a tag pasted with the text is not a word
    before = _MARKUP.sub("", sentence[context.clause_start(sentence, start) : start])
    # The leading words go first and again after the place: 新增省级… is no place called 新增省.
    before = _LEADING_WORDS.sub("", _NOT_A_WORD_START.sub("", before))
    before = _TRAILING_WORDS.sub("", _LEADING_WORDS.sub("", _PLACE_OR_DATE.sub("", before)))
    return before.strip()[:20]


_MARKUP = re.compile(r"<[^<>]*>|^[^<]*>")  # whole tags, or the tail of one cut at the clause start
_NOT_A_WORD_START = re.compile(r"^[^\w\u4e00-\u9fff]+")


_DOCUMENT_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def document_title(document: Document) -> str:
    """The document's title: its first line of text (without a Markdown #), at most 60 characters."""
    first = next((line for line in document.lines if line.strip()), "")
    return first.lstrip("# ").strip()[:60]


def signed_date(document: Document) -> dt.date | None:
    """The date the document is signed (落款), if it states one in its last lines."""
    return _date_in(document)


_OFFICE = re.compile(r"^[\u4e00-\u9fff（）()]{4,30}(?:局|厅|委|办|办公室|政府|委员会|中心|研究院|院|协会|公司)$")


def signed_issuer(document: Document) -> str:
    """Who signs the document (落款): the office named on the line above its date, or '' when none is."""
    lines = [line.strip() for line in document.lines[-15:] if line.strip()]
    for above, line in zip(lines[-2::-1], lines[::-1], strict=False):
        if _DOCUMENT_DATE.search(line):
            return above if _OFFICE.match(above) else ""
    return ""


def _date_in(document: Document) -> dt.date | None:
    """The date a document is signed: the last full date in its last lines, when --date is not given."""
    for line in reversed(document.lines[-15:]):
        found = _DOCUMENT_DATE.findall(line)
        if found:
            year, month, day = (int(part) for part in found[-1])
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def write_proposals(frame: pd.DataFrame, path: Path) -> None:
    """Write the proposals as CSV, UTF-8 with BOM (Excel and WPS open it as Chinese)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def describe(row: dict, lang: str = "zh") -> str:
    """'153家' or '≥2,000万元': a proposal's value as people read it."""
    return format_amount(float(row["value"]), row["unit"], lang)
