"""Target files: the columns officials may use, the rules, and the canonical form kept in data/targets.csv."""

from __future__ import annotations

import pandas as pd

from metrics.importing import (
    METRIC,
    METRIC_LABEL,
    NOTE,
    QUALIFIER,
    REGION,
    REGION_NAME,
    SOURCE,
    Column,
    FileSpec,
    ParsedFile,
    parse_file,
)
from metrics.registry import Registry
from metrics.tablefile import to_csv_bytes

TABLE = "targets"

SPEC = FileSpec(
    columns=(
        METRIC,
        METRIC_LABEL,
        REGION,
        REGION_NAME,
        Column(
            "period_start", ("开始日期", "起始日期", "周期开始", "开始", "start", "start date", "from"), "date", True
        ),
        Column("period_end", ("结束日期", "截止日期", "周期结束", "结束", "end", "end date", "to"), "date", True),
        Column("target", ("目标值", "目标", "计划值", "value", "target value"), "number", required=True),
        QUALIFIER,
        SOURCE,
        Column("section", ("章节", "出处章节", "section"), "text"),
        Column("evidence", ("原文", "原文依据", "evidence"), "text"),
        NOTE,
        # The programme a target belongs to, as named (三年行动计划（2021–2023年）); labels come from it.
        Column("plan", ("计划名称", "所属计划", "plan"), "text"),
        Column("plan_en", ("计划名称（英文）", "计划英文名称", "plan_en", "plan (english)"), "text"),
        # A reading the source does not state (a year it leaves out): shown wherever the target is.
        Column("assumption", ("假设", "理解假设", "assumption"), "text"),
        Column("assumption_en", ("假设（英文）", "assumption_en", "assumption (english)"), "text"),
        # The source's words and the note in English, shown beside the Chinese on English pages.
        Column("evidence_en", ("原文（英文）", "原文英文", "evidence_en", "evidence (english)"), "text"),
        Column("note_en", ("备注（英文）", "备注英文", "note_en", "note (english)"), "text"),
    ),
    key=("metric_id", "region_id", "period_start", "period_end"),
    duplicate_code="duplicate_row",
    negative_code="negative",
    rules=((lambda frame: frame["period_end"] >= frame["period_start"], "period_order", "period_end"),),
    sheet_names=("目标", "target"),
)

COLUMNS = [c.name for c in SPEC.columns if not c.fallback_for]


def parse_targets(data: bytes, registry: Registry) -> ParsedFile:
    """Read a target file as an official saved it; the frame is canonical when there are no errors."""
    parsed = parse_file(data, SPEC, registry)
    if parsed.ok:
        parsed.frame = canonical(parsed.frame)
    return parsed


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Targets in a stable order and form, so importing the same content writes the same bytes."""
    frame = frame[COLUMNS].copy()
    frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    frame["period_end"] = pd.to_datetime(frame["period_end"]).dt.date
    frame["target"] = frame["target"].astype(float)
    return frame.sort_values(["metric_id", "region_id", "period_start", "period_end"], kind="stable").reset_index(
        drop=True
    )


def targets_csv_bytes(frame: pd.DataFrame) -> bytes:
    """data/targets.csv content: UTF-8 with BOM so Excel and WPS open it with Chinese intact."""
    return to_csv_bytes(canonical(frame), number_columns=("target",))
