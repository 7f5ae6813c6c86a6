"""What surrounds a figure: its section, sentence and clause, whether it is a target, and its dates."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from metrics.intake.finding import _NUM, parse_number, to_halfwidth

_SECTION = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]")
_SUBSECTION = re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[)）]")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.+)$")
SENTENCE_ENDS = "。！？；!?;"
CLAUSE_ENDS = SENTENCE_ENDS + "，,：:（）()"


def sections(lines: list[str]) -> list[str]:
    """The section each line belongs to, as the reply numbers them (二（一）), else the last heading."""
    found, major, minor = [], "", ""
    for line in lines:
        if match := _SECTION.match(line):
            major, minor = match.group(1), ""
        elif match := _SUBSECTION.match(line):
            minor = f"（{match.group(1)}）"
        elif match := _MARKDOWN_HEADING.match(line):
            major, minor = match.group(1).strip()[:30], ""
        found.append(major + minor)
    return found


@dataclass(frozen=True)
class Span:
    """A stretch of a line: [start, end)."""

    start: int
    end: int


def sentence_around(line: str, start: int, end: int, ends: str = SENTENCE_ENDS) -> Span:
    """The sentence holding [start, end): from the last 。！？； (or `ends`) before it to the next one after it."""
    left = max((line.rfind(mark, 0, start) for mark in ends), default=-1) + 1
    rights = [i for i in (line.find(mark, end) for mark in ends) if i >= 0]
    right = min(rights) + 1 if rights else len(line)
    return Span(left, right)


def clause_index(line: str, position: int) -> int:
    """How many clause marks (，：（）…) stand before `position`: equal numbers share a clause."""
    return sum(1 for ch in line[:position] if ch in CLAUSE_ENDS)


def clause_numbers(text: str) -> list[int]:
    """clause_index for every position of `text` at once (one pass instead of one per question)."""
    numbers, count = [], 0
    for ch in text:
        numbers.append(count)
        if ch in CLAUSE_ENDS:
            count += 1
    numbers.append(count)
    return numbers


# ---------- actual or target ----------

_YEAR = re.compile(r"(\d{4})\s*年")
# 拟 plans, but not inside 虚拟/模拟/比拟 (virtual, simulated) nor in 拟定 (drawn up), unless 拟定于 (planned for)
_TARGET = re.compile(
    r"计划|目标(?!的)|力争|争取|确保|预计|(?<![虚模比])拟(?!定(?!于))|将(?!近)|规划|到\d{4}年|要求|任务"
)
_ACTUAL = re.compile(r"已|截至|截止|目前|累计|共计|实现|完成了|建成了|新增了|达到了")
_DONE = re.compile(r"已|截至|截止|目前")  # in a plan, only these say a figure is already reached


def kind_of(sentence: str, offset: int, document_date: dt.date, plan_document: bool = False) -> str:
    """'target' when the nearest marker before the figure plans (计划/目标/力争/将/拟/到…年) or names a year
    after the document's; in a plan (行动计划, 规划, 方案) every figure is a target unless marked as done."""
    head = to_halfwidth(sentence[:offset])
    last_target = max((m.start() for m in _TARGET.finditer(head)), default=-1)
    for match in _YEAR.finditer(head):
        if int(match.group(1)) > document_date.year:
            last_target = max(last_target, match.start())
    if plan_document:
        return "actual" if _DONE.search(head) else "target"
    last_actual = max((m.start() for m in _ACTUAL.finditer(head)), default=-1)
    return "target" if last_target > last_actual else "actual"


_PLAN_TITLE = re.compile(r"行动计划|规划|实施方案|工作方案|行动方案")


def is_plan(lines: list[str]) -> bool:
    """Whether the document is itself a plan: its title (first lines) says 行动计划, 规划 or 方案."""
    head = [line for line in lines if line.strip()][:2]
    return any(_PLAN_TITLE.search(line) for line in head)


# ---------- dates ----------

_SPAN = re.compile(r"(\d{4})\s*[-—–~～至到]\s*(\d{4})\s*年")
_BY_YEAR = re.compile(r"到\s*(\d{4})\s*年")
_YEAR = re.compile(r"(\d{4})\s*年")
_FIVE_YEAR = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030), "十六五": (2031, 2035)}
_QUARTER_ENDS = (
    ("前三季度", 9),
    ("三季度", 9),
    ("第三季度", 9),
    ("一季度", 3),
    ("第一季度", 3),
    ("二季度", 6),
    ("上半年", 6),
    ("四季度", 12),
    ("全年", 12),
    ("下半年", 12),
)
_MONTH_RANGE = re.compile(r"(\d{1,2})\s*[-—–~～至到]\s*(\d{1,2})\s*月")
_YEAR_MONTH = re.compile(rf"(?:(\d{{4}})\s*年\s*)?({_NUM})\s*月(?:底|末|份)?")
_NOW = ("截至目前", "截止目前", "目前", "今年以来", "至今")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def as_of(head: str, document_date: dt.date, default: dt.date | None = None) -> dt.date:
    """The date an actual figure stands at, from the nearest date words before it (in its paragraph);
    `default` (the period a report's title names) when there are none."""
    head = to_halfwidth(head)
    candidates: list[tuple[int, dt.date]] = []
    year_found = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(head)]
    nearest_year = year_found[-1][1] if year_found else document_date.year
    for word, month in _QUARTER_ENDS:
        at = head.rfind(word)
        if at >= 0:
            candidates.append((at, _month_end(nearest_year, month)))
    for match in _MONTH_RANGE.finditer(head):
        candidates.append((match.start(), _month_end(nearest_year, min(12, int(match.group(2))))))
    for match in _YEAR_MONTH.finditer(head):
        try:
            month = int(parse_number(match.group(2)))
        except ValueError:
            continue
        if 1 <= month <= 12:
            year = int(match.group(1)) if match.group(1) else nearest_year
            candidates.append((match.start(), _month_end(year, month)))
    for at, year in year_found:
        if year < document_date.year:
            candidates.append((at, dt.date(year, 12, 31)))
        elif year == document_date.year:
            candidates.append((at, document_date))
    last_year = head.rfind("去年")
    # 去年 dates a figure (去年完成…); 较去年, 比去年, 去年同期 only name what it is compared with
    if last_year >= 0 and head[last_year - 1 : last_year] not in ("较", "比") and "同期" not in head[last_year:]:
        candidates.append((last_year, dt.date(document_date.year - 1, 12, 31)))
    for word in _NOW:
        if word in head:
            candidates.append((head.rfind(word), document_date))
    if not candidates:
        return default or document_date
    at, date = max(candidates, key=lambda c: c[0])
    return min(date, document_date) if date > document_date else date


def document_span(text: str) -> tuple[dt.date, dt.date] | None:
    """A plan's span stated anywhere in a document ('三年行动计划（2021-2023年）'), the first one given."""
    match = _SPAN.search(to_halfwidth(text))
    if not match:
        return None
    first, last = sorted((int(match.group(1)), int(match.group(2))))
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


_EACH_YEAR = ("每年", "年均", "每一年")


def clause_start(sentence: str, start: int) -> int:
    """Where the clause holding position `start` begins: after the last ，。；： or bracket before it."""
    return max((sentence.rfind(mark, 0, start) for mark in CLAUSE_ENDS), default=-1) + 1


def per_year(sentence: str, start: int) -> bool:
    """A target set for each year (每年新增…200个, 每年安排…不少于5000万元): said in the figure's own clause."""
    return any(word in sentence[clause_start(sentence, start) : start] for word in _EACH_YEAR)


def one_year_of(period: tuple[dt.date, dt.date], document_date: dt.date) -> tuple[dt.date, dt.date]:
    """The year of a period that a per-year target is proposed for: the document's, within the period."""
    year = min(max(document_date.year, period[0].year), period[1].year)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def target_period(
    sentence: str, document_date: dt.date, plan: tuple[dt.date, dt.date] | None
) -> tuple[dt.date, dt.date]:
    """The period a target covers: a span, 到2025年, a five-year plan, a year, else the plan or the year."""
    text = to_halfwidth(sentence)
    if match := _SPAN.search(text):
        first, last = sorted((int(match.group(1)), int(match.group(2))))
        return dt.date(first, 1, 1), dt.date(last, 12, 31)
    for word, (first, last) in _FIVE_YEAR.items():
        if word in text:
            return dt.date(first, 1, 1), dt.date(last, 12, 31)
    if match := _BY_YEAR.search(text):
        last = int(match.group(1))
        first = plan[0].year if plan and plan[0].year <= last else min(document_date.year, last)
        return dt.date(first, 1, 1), dt.date(last, 12, 31)
    if match := _YEAR.search(text):
        year = int(match.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if re.search(r"全年|年度|今年|(?<![一二两三四五六七八九十\d])年内", text):
        return dt.date(document_date.year, 1, 1), dt.date(document_date.year, 12, 31)
    if plan:
        return plan
    return dt.date(document_date.year, 1, 1), dt.date(document_date.year, 12, 31)
