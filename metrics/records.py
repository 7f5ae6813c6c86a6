"""Progress records: actual figures officials add after the reply (data/progress.csv)."""

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

TABLE = "progress"

SPEC = FileSpec(
    columns=(
        METRIC,
        METRIC_LABEL,
        REGION,
        REGION_NAME,
        Column(
            "as_of", ("截至日期", "数据日期", "日期", "截止日期", "as of", "date"), "date", required=True, past=True
        ),
        Column("value", ("数值", "完成值", "实际值", "值", "value", "actual"), "number", required=True),
        QUALIFIER,
        SOURCE,
        NOTE,
    ),
    key=("metric_id", "region_id", "as_of"),
    duplicate_code="duplicate_record",
    negative_code="negative_value",
    size_limit=200 * 1024 * 1024,
    sheet_names=("进展", "记录", "progress", "record"),
)

COLUMNS = [c.name for c in SPEC.columns if not c.fallback_for]


def parse_records(data: bytes, registry: Registry) -> ParsedFile:
    """Read a progress file as an official saved it; the frame is canonical when there are no errors."""
    parsed = parse_file(data, SPEC, registry)
    if parsed.ok and not parsed.frame.empty:
        parsed.frame = canonical(parsed.frame)
    return parsed


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Records in a stable order and form."""
    frame = frame[COLUMNS].copy()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    frame["value"] = frame["value"].astype(float)
    return frame.sort_values(["metric_id", "region_id", "as_of"], kind="stable").reset_index(drop=True)


def records_csv_bytes(frame: pd.DataFrame) -> bytes:
    """data/progress.csv content, UTF-8 with BOM."""
    return to_csv_bytes(canonical(frame), number_columns=("value",))
