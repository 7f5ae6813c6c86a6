"""Sentences that say what a briefing would say, generated from the database by templates.

Every number in a sentence is formatted from a database value here; nothing is typed by hand, and a
lower bound (超过 / 以上) stays a lower bound in the words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from metrics import frames
from metrics.i18n import format_date, text
from metrics.numbers import AT_LEAST, COUNTED, EXACT, format_amount, format_percent, format_value, qualified
from metrics.progress import ON_TRACK, UNDETERMINED


def _present(value: object) -> bool:
    return value is not None and value == value


def value_words(value: float, metric: Mapping, qualifier: str, lang: str, derivation: str | None = None) -> str:
    """A figure in a sentence: '153家', '超过2,000万元', 'more than ¥20 million', '153 enterprises';
    a count of names followed by 等: '至少2家'."""
    unit_en = metric.get("unit_en", "")
    return format_value(value, metric["unit"], qualifier or EXACT, lang, unit_en, "words", derivation)


def number_words(value: float, metric: Mapping, qualifier: str, lang: str, derivation: str | None = None) -> str:
    """A figure without its unit word (English phrases carry their own noun): '153', 'more than 40'."""
    amount = format_amount(value, metric["unit"], lang)
    if qualifier == AT_LEAST:
        return text("scr.words.at_least" if derivation == COUNTED else "words.more_than", lang, amount=amount)
    return amount


def target_words(target: float, metric: Mapping, qualifier: str, lang: str) -> str:
    """A target as plans word it: '152家', '500家以上', 'at least 500 enterprises'."""
    amount = format_value(target, metric["unit"], EXACT, lang, metric.get("unit_en", ""))
    return text("words.at_least", lang, amount=amount) if qualifier == AT_LEAST else amount


def horizon_words(row: Mapping, lang: str) -> str:
    """The target's plan as named in the data ('2021年计划', '三年行动计划（2021–2023年）'), else its
    period ('2022年目标', '2021–2022年目标'); marked '（假设）' when the target rests on an assumed reading."""
    plan = row.get("plan" if lang == "zh" else "plan_en")
    if not (isinstance(plan, str) and plan):
        start, end = pd.Timestamp(row["period_start"]), pd.Timestamp(row["period_end"])
        one_year = start.year == end.year
        key = "horizon.annual" if one_year else "horizon.multi_year"
        plan = text(key, lang, year=start.year, start=start.year, end=end.year)
    if assumption_note(row, lang):
        return text("scr.assumed_mark", lang, horizon=plan)
    return plan


def assumption_note(row: Mapping, lang: str) -> str:
    """The assumed reading a target rests on, in the language shown ('' when the source states it)."""
    note = row.get("assumption_en" if lang == "en" else "assumption")
    if lang == "en" and not (isinstance(note, str) and note):
        note = row.get("assumption")  # an assumption not yet translated is still shown
    if not (isinstance(note, str) and note):
        return ""
    note = note.strip().rstrip("。.")
    return _after_colon(note) if lang == "en" else note


# Every place shows the note after a colon ("Assumption: …", "assumption: …"), where an English sentence
# goes on in lower case. Only an ordinary first word is lowered: a name ("Huangshi", "CPPCC") stays as written.
_ORDINARY_FIRST_WORDS = frozenset(
    "the a an this that these those it its read taken counted assumed no not only as if when where since "
    "because both each every all some one".split()
)


def _after_colon(note: str) -> str:
    first = note.split(" ", 1)[0]
    return note[0].lower() + note[1:] if first.lower() in _ORDINARY_FIRST_WORDS else note


def stated(metric: Mapping, value: float, qualifier: str, lang: str) -> str:
    """The metric's own phrase with its figure: '已完成153家规上企业智能化诊断' / 'diagnosed 153 enterprises'."""
    phrase = metric.get(f"phrase_{lang}")
    fields = {
        "value": value_words(value, metric, qualifier, lang),
        "number": number_words(value, metric, qualifier, lang),
    }
    if isinstance(phrase, str) and phrase:
        return phrase.format(**fields)
    return text("words.label_value", lang, label=metric[f"label_{lang}"], value=fields["value"])


def _phrase_names(metric: Mapping, region_words: str, lang: str) -> bool:
    """Whether the metric's phrase already names the region (a combined group's metric names its members):
    the region's name without its bracketed note ("（合计）", "(combined)") is in the phrase."""
    phrase = metric.get(f"phrase_{lang}")
    core = _BRACKETED_NOTE.sub("", region_words).strip()
    return isinstance(phrase, str) and bool(core) and core in phrase


_BRACKETED_NOTE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


def _has_phrase(metric: Mapping, lang: str) -> bool:
    phrase = metric.get(f"phrase_{lang}")
    return isinstance(phrase, str) and bool(phrase)


def status_clause(row: Mapping, metric: Mapping, lang: str, brief: bool = False, lead: Mapping | None = None) -> str:
    """How the figure stands against one target, in words, by status; `brief` for chart titles.

    `lead`: the figure the sentence or title states (newest_figure). A target judged on another figure
    (an ended period's last one, once a later figure is on file) says which: "（按2021年7月13日的153家）".
    """
    status = row["status"]
    prefix = "clause_brief" if brief else "clause"
    fields = {
        "horizon": horizon_words(row, lang),
        "target": target_words(row["target"], metric, row.get("target_qualifier"), lang),
    }
    if _present(row.get("value_as_of")):
        fields["date"] = format_date(row["value_as_of"], lang)
    if _present(row.get("percent_of_target")):
        fields["percent"] = format_percent(
            row["percent_of_target"], qualifier=row.get("value_qualifier"), lang=lang, style="words"
        )
    if _present(row.get("expected_to_date")):
        expected = row["expected_to_date"]
        if metric["unit"] not in ("元", "%"):  # 88.6家 is not a number of enterprises: round counts
            expected = round(expected)
        fields["expected"] = format_value(expected, metric["unit"], EXACT, lang, metric.get("unit_en", ""))
    if status == "achieved":
        exceeded = _present(row.get("value")) and row["value"] > row["target"]
        if exceeded:
            gap = _gap_words(row["value"] - row["target"], row.get("value_qualifier"), metric, lang)
            clause = text(f"{prefix}.exceeded", lang, gap=gap, **fields)
        else:
            clause = text(f"{prefix}.met", lang, **fields)
    elif status == UNDETERMINED and _present(row.get("value_as_of")) and _ended_by(row["value_as_of"], row):
        clause = text(f"{prefix}.undetermined_end", lang, **fields)  # whether it was met, not its pace
    elif status == ON_TRACK and row.get("value_qualifier") == AT_LEAST:
        clause = text(f"{prefix}.on_track_bound", lang, **fields)  # at least on pace: it may be ahead
    else:
        clause = text(f"{prefix}.{status}", lang, **fields)
    if status != "unreported" and judged_on_another_figure(row, lead):  # an unreported clause names its date
        value = value_words(row["value"], metric, row.get("value_qualifier"), lang)
        clause += text("clause.judged_on", lang, date=fields["date"], value=value)
    # "2021年计划（假设）（152家）": brackets side by side read as one, "2021年计划（假设，152家）".
    clause = clause.replace("）（", "，") if lang == "zh" else clause.replace(") (", ", ")
    note = "" if brief else assumption_note(row, lang)
    return _with_assumption(clause, note, lang) if note else clause


def _ended_by(as_of: object, row: Mapping) -> bool:
    """Whether a figure of `as_of` is from the end of its target's period (or after)."""
    return _present(row.get("period_end")) and pd.Timestamp(as_of) >= pd.Timestamp(row["period_end"])


def _gap_words(gap: float, qualifier: str | None, metric: Mapping, lang: str) -> str:
    """By how much a figure exceeds its target, as surely as the figure is stated: over 1,500万元, a figure
    of 超过2,000万元 exceeds by 500万元以上 ('more than ¥5 million'), one of 约2,000万元 by 约500万元."""
    amount = format_value(gap, metric["unit"], EXACT, lang, metric.get("unit_en", ""))
    return qualified(amount, qualifier, lang, "words", more_than_zh="{}以上")  # not "超出超过500万元"


def judged_on_another_figure(row: Mapping, lead: Mapping | None) -> bool:
    """Whether a target's status rests on a figure other than `lead`, the one stated beside it: its
    period's last figure is older (or other) than the newest, so "已完成120家，超额完成2021年计划" would
    credit July 2021's 153 to 120."""
    if lead is None or not _present(row.get("value")) or not _present(row.get("value_as_of")):
        return False
    return pd.Timestamp(row["value_as_of"]) != pd.Timestamp(lead["value_as_of"]) or row["value"] != lead["value"]


def _with_assumption(clause: str, note: str, lang: str) -> str:
    """The clause with its assumed reading: inside the clause's closing bracket when it ends with one
    ("（按进度应达53个；假设：…）", one bracket, not two side by side), else in a bracket of its own."""
    close = "）" if lang == "zh" else ")"
    if clause.endswith(close):
        return clause[: -len(close)] + text("scr.assumption_inline", lang, note=note) + close
    return clause + text("scr.assumption_note", lang, note=note)


Rows = pd.DataFrame | list[Mapping]


def _records(rows: Rows) -> list[Mapping]:
    """A metric's progress rows as plain rows: a frame is converted once (each pandas filter and row
    lookup on a frame of thirty-odd columns costs as much as the sentence)."""
    return frames.rows(rows) if isinstance(rows, pd.DataFrame) else list(rows)


def _targeted(rows: list[Mapping]) -> list[Mapping]:
    """The rows with a target, earliest period first (rows without a period last, in their order)."""
    with_target = [row for row in rows if pd.notna(row.get("target"))]
    return sorted(with_target, key=lambda row: (pd.isna(row.get("period_end")), _sortable(row.get("period_end"))))


def _sortable(value: object) -> object:
    return 0 if pd.isna(value) else value


def metric_sentence(rows: Rows, metric: Mapping, region_words: str, lang: str) -> str:
    """One sentence for a metric: its latest figure and where it stands against each of its targets.

    e.g. 截至2021年7月13日，全市已完成153家规上企业智能化诊断，超额完成2021年计划（152家）；
    三年行动计划（2021–2023年）目标500家以上，已完成30.6%，快于进度。
    """
    rows = _records(rows)
    latest = newest_figure(rows)
    if latest is None:
        clauses = [status_clause(row, metric, lang) for row in rows if pd.notna(row.get("target"))]
        return text("sentence.no_value", lang, label=metric[f"label_{lang}"], clauses=_join(clauses, lang))
    template = "sentence.lead" if _has_phrase(metric, lang) else "sentence.lead_label"
    if _phrase_names(metric, region_words, lang):  # "大冶市、阳新县、开发区合计拟安排…": the region once
        template = "sentence.lead_named"
    lead = text(
        template,
        lang,
        date=format_date(latest["value_as_of"], lang),
        region=region_words,
        stated=stated(metric, latest["value"], latest["value_qualifier"], lang),
    )
    targeted = _targeted(rows)
    if not targeted:
        return lead + text("sentence.end", lang)
    clauses = [status_clause(row, metric, lang, lead=latest) for row in targeted]
    return lead + text("sentence.comma", lang) + _join(clauses, lang) + text("sentence.end", lang)


def newest_figure(rows: list[Mapping]) -> Mapping | None:
    """The metric's newest figure among its progress rows (value, value_qualifier, value_as_of), also
    when no target period holds it (a target for next year only): what sentences and cards state."""
    for row in rows:
        if pd.notna(row.get("latest_value")):
            return {
                "value": row["latest_value"],
                "value_qualifier": row["latest_qualifier"],
                "value_as_of": row["latest_as_of"],
            }
    with_value = [row for row in rows if pd.notna(row.get("value"))]
    # The last of the newest, as a stable sort by date would give.
    return max(reversed(with_value), key=lambda row: row["value_as_of"]) if with_value else None


def headline(rows: Rows, metric: Mapping, lang: str) -> str:
    """A chart title that states the finding: '已完成153家规上企业智能化诊断，超额完成2021年计划（152家）'."""
    rows = _records(rows)
    latest = newest_figure(rows)
    if latest is None:
        return metric[f"label_{lang}"]
    first = stated(metric, latest["value"], latest["value_qualifier"], lang)
    first = first[:1].upper() + first[1:] if lang == "en" else first
    targeted = _targeted(rows)
    if not targeted:
        return first
    clauses = [status_clause(row, metric, lang, brief=True, lead=latest) for row in targeted]
    return first + text("sentence.comma", lang) + _join(clauses, lang)


def checks_summary(checks: list[Mapping], lang: str) -> str:
    """Every check in one or two sentences: how many agree, then each mismatch with its gap. The document
    is named only when every check is about the same one (答复中5项可核对数据…)."""
    mismatches = [check for check in checks if check["status"] == "mismatch"]
    documents = {check.get(f"document_{lang}") for check in checks}
    document = documents.pop() if len(documents) == 1 else None
    named = "" if isinstance(document, str) and document else "_any"
    fields = {"count": len(checks), "mismatches": len(mismatches), "document": document or ""}
    if not mismatches:
        return text(f"overview.checks_all_consistent{named}", lang, **fields)
    one = "_one" if len(mismatches) == 1 else ""  # English: '1 of the 5 … does not agree'
    return (
        text(f"overview.checks_mismatch{named}{one}", lang, **fields)
        + text("sentence.semicolon", lang).join(check_sentence(check, lang) for check in mismatches)
        + text("sentence.end", lang)
    )


def check_sentence(check: Mapping, lang: str) -> str:
    """A consistency check in words, gap stated plainly with its unit: 分项之和127个，比所述129个少2个;
    a ratio as a ratio: 得66%，与答复所述66%一致 (a gap in percentage points). The document is the one the
    check's expected figure comes from (答复, 进展记录), as the build recorded it."""
    unit = check.get("unit") if isinstance(check.get("unit"), str) else ""
    gap = abs(check["gap"]) if _present(check.get("gap")) else None
    fields = {
        "label": check[f"label_{lang}"],
        "parts": check[f"parts_{lang}"],
        "expected": _with_unit(check["expected"], unit, lang),
        "computed": _with_unit(check["computed"], unit, lang),
        "document": _document_words(check, lang),
        "gap": "—"
        if gap is None
        else text("scr.check.points", lang, gap=_plain(gap))
        if unit == "%"
        else _with_unit(gap, unit, lang),
    }
    if check["status"] == "incomplete":
        return text("check.sentence_incomplete", lang, **fields)
    if check["kind"] == "exceeds":
        return text("check.sentence_exceeds", lang, **fields)
    ratio = check["kind"] == "ratio_percent"
    if check["status"] == "consistent":
        return text("scr.check.ratio_consistent" if ratio else "check.sentence_consistent", lang, **fields)
    direction = "less" if check["gap"] < 0 else "more"
    key = f"scr.check.ratio_mismatch_{direction}" if ratio else f"check.sentence_mismatch_{direction}"
    return text(key, lang, **fields)


def _document_words(check: Mapping, lang: str) -> str:
    """What states the check's expected figure (答复, 进展记录), as the build stored it."""
    words = check.get(f"document_{lang}")
    return words if isinstance(words, str) and words else text("check.document_unknown", lang)


def _with_unit(value: float, unit: str, lang: str) -> str:
    """A check's number with its unit (66%, 129个), plain where the check has none."""
    if not _present(value):
        return "—"
    if unit == "%":
        return f"{_plain(value)}%"
    if unit and unit != "元" and lang == "zh":
        return f"{_plain(value)}{unit}"
    return _plain(value)


def in_sentence(label: str, lang: str) -> str:
    """A label in mid-sentence: 'city-level retrofit funding', not 'City-level ...' (Chinese as it is)."""
    return label[:1].lower() + label[1:] if lang == "en" else label


def parts_total_sentence(parts: list[tuple[str, str]], total: str, as_of, lang: str) -> str:
    """Named parts and their total in one sentence, each figure as stated (a lower bound stays one):
    截至2021年7月13日，市本级…超过2,000万元，县市区…超过5,000万元，合计超过7,000万元。"""
    parts = [(in_sentence(label, lang), value) for label, value in parts]
    items = text("sentence.comma", lang).join(
        text("words.label_value", lang, label=label, value=value) for label, value in parts
    )
    return text("sentence.parts_total", lang, date=format_date(as_of, lang), items=items, total=total)


def _plain(value: float) -> str:
    if not _present(value):
        return "—"
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def _join(clauses: list[str], lang: str) -> str:
    return text("sentence.semicolon", lang).join(clauses)


def event_date_words(date, precision: str, approximate: object, lang: str) -> str:
    """An event's date as precise as the source is: '2020年' for a year only, '约2021年5月' for a month
    inferred from the text ('开通2个月'), never a day the source does not give."""
    words = format_date(date, lang, precision if isinstance(precision, str) and precision else "day")
    if isinstance(approximate, str) and approximate.strip().lower() in ("yes", "true", "1", "约", "是"):
        return text("scr.date.about", lang, date=words)
    return words


def event_position(date, precision: str) -> pd.Timestamp:
    """Where an event sits on a time axis: mid-year for a year only, mid-month for a month only, so a
    year-only 2020 conference is not drawn on 1 January, before the August 2020 training."""
    day = pd.Timestamp(date)
    if precision == "year":
        return pd.Timestamp(year=day.year, month=7, day=1)
    if precision == "month":
        return pd.Timestamp(year=day.year, month=day.month, day=15)
    return day


_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def section_words(section: object, lang: str) -> str:
    """A section of the reply as readers of the language find it: '二（三）' in Chinese; '2(3) 二（三）' in
    English (the number a reader can follow, the Chinese beside it to find it in the document)."""
    if not (isinstance(section, str) and section):
        return ""
    if lang == "zh":
        return section
    parts = []
    for piece in section.split("、"):
        numbered = "".join(str(_NUMERALS[ch]) if ch in _NUMERALS else ch for ch in piece)
        parts.append(numbered.replace("（", "(").replace("）", ")"))
    return f"{', '.join(parts)} {section}"


def in_language(chinese: pd.Series, english: pd.Series | None, lang: str) -> list[str]:
    """A text column as an English page shows it: the English beside it where the data gives one, else the
    Chinese as written; '' for an empty cell."""
    if lang != "en" or english is None:
        return chinese.fillna("").tolist()
    return [
        en if isinstance(en, str) and en else (zh if isinstance(zh, str) else "")
        for zh, en in zip(chinese, english, strict=True)
    ]


def quote_words(evidence: object, evidence_en: object, lang: str) -> str:
    """The reply's words as written; on an English page with the English rendering beside them."""
    words = evidence if isinstance(evidence, str) else ""
    if lang == "en" and isinstance(evidence_en, str) and evidence_en:
        return f'{words} ("{evidence_en}")' if words else evidence_en
    return words


def region_words(region: Mapping, lang: str) -> str:
    """How a sentence names the region: 全市 for the city total, else its name."""
    if region.get("level") == "city":
        return text("words.city_total", lang)
    return region[f"name_{lang}"]


def region_without_data(region: Mapping, parent: Mapping | None, groups: list[Mapping], lang: str) -> str:
    """What a page says of a unit chosen before it has any figure, target or record: that it has none yet;
    then, if its parent has figures, that those are the parent's, with the combined groups the parent's view
    also lists. Said from the regions table and what has data, of no one document: a county of another
    city, listed ahead of its reports, is not told that the reply covers it."""
    name = region[f"name_{lang}"]
    if parent is None:
        return text("scr.region.no_data", lang, region=name)
    fields = {"region": name, "parent": parent[f"name_{lang}"], "where": text("sidebar.region", lang)}
    if not groups:
        return text("scr.region.no_data_parent", lang, **fields)
    quoted = text("sentence.enumeration", lang).join(
        text("words.quoted", lang, words=group[f"name_{lang}"]) for group in groups
    )
    return text("scr.region.no_data_parent_groups", lang, groups=quoted, **fields)
