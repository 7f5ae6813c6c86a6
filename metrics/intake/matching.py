"""Which registry metric a figure measures: the words around it against each metric's label and aliases.

data/metrics.csv `aliases_zh` holds the words documents use for a metric, separated by |; parts joined
by + must all stand in the sentence (拟支持+示范项目). A word close to the number weighs more, a word in
the same clause more than one in the next, and the noun right after the unit (24个智能工厂) most. The unit
must fit: 家 is not 个, 个 is not 元.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from metrics.intake.context import CLAUSE_ENDS, clause_numbers

# Units that name the same thing in reports; everything else must be written as the metric's unit.
_SAME_UNIT = (frozenset({"人", "名", "位"}), frozenset({"个", "项"}), frozenset({"次", "场"}))
_COUNTS = frozenset({"家", "个", "所", "项"})
THRESHOLD = 1.5  # a score this high picks a metric; lower ones only when no other metric is near
ALONE = 1.0


@dataclass(frozen=True)
class Match:
    """The metric chosen (or '') and how sure we are, 0–1."""

    metric_id: str
    confidence: float
    unit: str


_DIGIT = re.compile(r"[0-9０-９]|[一二两三四五六七八九十][个家项所名次场届]")
NEAR = 16  # parts of an alias joined by + stand in the figure's clause or this many characters from it


def _alternatives(label: str, aliases: str) -> tuple[list[list[str]], list[str]]:
    """Alias alternatives (each a list of parts) and the words that rule the metric out (!国家级)."""
    words = [label] + [a.strip() for a in aliases.split("|") if a.strip()]
    excluded = [word[1:] for word in words if word.startswith("!")]
    alternatives = [[p.strip() for p in word.split("+") if p.strip()] for word in words if not word.startswith("!")]
    return alternatives, excluded


class Matcher:
    """Metric labels and aliases, ready to score a sentence."""

    def __init__(self, metrics: pd.DataFrame):
        aliases = metrics["aliases_zh"] if "aliases_zh" in metrics else pd.Series([""] * len(metrics))
        self.metrics = [
            (row.metric_id, row.unit, *_alternatives(row.label_zh, alias))
            for row, alias in zip(metrics.itertuples(), aliases, strict=True)
        ]

    def match(
        self, sentence: str, start: int, end: int, unit: str, counted: bool = False, lenient: bool = False
    ) -> Match:
        """The best metric for a figure at [start, end) of its sentence, with a unit it fits.

        `lenient` (a whole paragraph searched when the sentence named nothing) takes a weak match that no
        other metric competes with."""
        scored = []
        clauses = clause_numbers(sentence)
        for metric_id, metric_unit, alternatives, excluded in self.metrics:
            if not unit_fits(unit, metric_unit, counted):
                continue
            if any(_near_before(sentence, word, start, clauses) for word in excluded):
                continue
            score = max(self._score(parts, sentence, start, end, unit, counted, clauses) for parts in alternatives)
            if score > 0:
                scored.append((score, metric_id, metric_unit))
        scored.sort(reverse=True)
        if not scored:
            return Match("", 0.0, unit)
        best, metric_id, metric_unit = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        alone = ALONE if not lenient else 0.3
        if best < THRESHOLD and not (best >= alone and best >= 3 * runner_up):
            return Match("", 0.0, unit)
        sure = min(1.0, best / 12) * (0.5 + 0.5 * (best - runner_up) / best)
        return Match(metric_id, round(max(0.05, sure), 2), metric_unit)

    @staticmethod
    def _score(
        parts: list[str], sentence: str, start: int, end: int, unit: str, counted: bool, clauses: list[int]
    ) -> float:
        total = 0.0
        own_clause = clauses[start]
        joined = len(parts) > 1
        for part in parts:
            best = 0.0
            at = sentence.find(part)
            while at >= 0:
                part_end = at + len(part)
                if counted and at < end:
                    pass  # a counted list is named by the words after it (…等金融机构, …都成立了研究机构)
                elif at >= end:
                    distance = at - end
                    same = clauses[at] == clauses[end - 1]
                    # words after the figure that label the next number (…23个，在建项目1200个) are not its own
                    if not _labels_next(sentence, end, at, part_end) and not (joined and not same and distance > NEAR):
                        weight = len(part) / (1 + distance / 16) * (1.0 if same else 0.5)
                        if distance == 0:
                            weight *= 3  # the noun the measure word counts: 24个智能工厂
                        best = max(best, weight)
                elif part_end <= start:
                    distance = start - part_end
                    same = clauses[part_end] == own_clause
                    if not (joined and not same and distance > NEAR):
                        weight = len(part) / (1 + distance / 16) * (1.0 if same else 0.5)
                        if _counts_other_things(sentence[part_end:start], unit):
                            weight *= 0.5  # 省级示范项目6个，3家企业…: the word names the projects, not these
                        best = max(best, weight)
                at = sentence.find(part, at + 1)
            if best == 0:
                return 0.0
            total += best
        return total


_MEASURED = re.compile(r"[0-9０-９][0-9０-９.]*\s*(?:余|多)?\s*(?:万|亿)?\s*(家|个|项|所|名|人|位|次|场|届|元|%|％)")


def _counts_other_things(between: str, unit: str) -> bool:
    """A number of another unit stands between a word and the figure (项目6个 before 3家): the word is that
    number's label. One of the same unit may share it (已完成项目58个，计划全年完成120个)."""
    return any(not unit_fits(found, unit) for found in _MEASURED.findall(between))


def _labels_next(sentence: str, end: int, at: int, part_end: int) -> bool:
    """A word after the figure names the next number: one stands between, or follows it in its clause."""
    if _DIGIT.search(sentence, end, at):
        return True
    tail = sentence[part_end : part_end + 10]
    cut = min((i for i, ch in enumerate(tail) if ch in CLAUSE_ENDS), default=len(tail))
    return _DIGIT.search(tail[:cut]) is not None


def _near_before(sentence: str, word: str, start: int, clauses: list[int]) -> bool:
    """A word that rules a metric out stands in the figure's clause or just before it."""
    at = sentence.rfind(word, 0, start)
    return at >= 0 and (clauses[at] == clauses[start] or start - at - len(word) <= NEAR)


def unit_fits(written: str, metric_unit: str, counted: bool = False) -> bool:
    """家 fits 家 only; 个 and 项, 人 and 名 are the same; a counted list with no unit fits any count."""
    if written == metric_unit:
        return True
    if counted and not written:
        return metric_unit in _COUNTS
    return any(written in group and metric_unit in group for group in _SAME_UNIT)
