"""The column-at-a-time reading of large clean files gives exactly what the per-cell path gives,
and a file with one bad cell among thousands is still reported by line and column."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import importing, records, targets
from metrics.csvfile import read_csv_bytes


def progress_file(rows: int, bad: dict[int, str] | None = None) -> bytes:
    """A progress file of `rows` plain records; `bad` replaces the value cell of some (0-based) rows."""
    lines = ["指标编号,地区,截至日期,数值,限定,来源,备注"]
    metrics = ["diagnosis_enterprises", "retrofit_projects_completed", "完成智能化诊断的规上企业"]
    regions = ["huangshi", "大冶市", "yangxin", "黄石港区"]
    for index in range(rows):
        day = pd.Timestamp("2021-01-01") + pd.Timedelta(days=index)  # one record a day: no repeated key
        value = (bad or {}).get(index, str(index % 997))
        date = day.strftime("%Y/%m/%d") if index % 2 else day.strftime("%Y-%m-%d")
        lines.append(f"{metrics[index % 3]},{regions[index % 4]},{date},{value},,,")
    return ("\n".join(lines) + "\n").encode("utf-8")


def both_paths(data: bytes, spec, registry) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    raw = read_csv_bytes(data, spec.recognises, spec.size_limit)
    positions, _ = importing._map_header(raw, spec)
    names = [importing.LINE, *[c.name for c in spec.columns if c.name in positions]]
    fast = importing._read_cells_fast(raw, spec, positions, registry, names)
    rows, problems = importing._read_cells(raw, spec, positions, registry)
    assert not problems
    return fast, pd.DataFrame.from_records(rows, columns=names)


def test_fast_path_reads_what_the_per_cell_path_reads(registry):
    fast, slow = both_paths(progress_file(600), records.SPEC, registry)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, slow)


def test_fast_path_reads_the_real_targets(data_dir, registry):
    fast, slow = both_paths((data_dir / "targets.csv").read_bytes(), targets.SPEC, registry)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.parametrize("cell", ["2000万元", "500以上"])
def test_numbers_with_units_or_qualifiers_take_the_per_cell_path(registry, cell):
    raw = read_csv_bytes(progress_file(10, {3: cell}), records.SPEC.recognises)
    positions, _ = importing._map_header(raw, records.SPEC)
    names = [importing.LINE, *[c.name for c in records.SPEC.columns if c.name in positions]]
    assert importing._read_cells_fast(raw, records.SPEC, positions, registry, names) is None


def test_one_bad_cell_in_a_large_file_is_located(registry):
    parsed = records.parse_records(progress_file(5000, {4321: "abc"}), registry)
    assert not parsed.ok
    assert [(p.code, p.line, p.column) for p in parsed.errors] == [("not_a_number", 4323, 4)]


def test_a_repeated_record_in_a_large_file_names_both_lines(registry):
    data = progress_file(3000)
    lines = data.decode().splitlines()
    lines.append(lines[10])
    parsed = records.parse_records(("\n".join(lines) + "\n").encode(), registry)
    assert [(p.code, p.line) for p in parsed.errors] == [("duplicate_record", 3002)]
    assert "11" in parsed.errors[0].message("en")


def test_splitting_without_quotes_matches_the_csv_reader():
    from metrics.csvfile import _quoted_rows, _split, table_from_rows

    text = "\ufeffa, b ,c\n\n1,2,3\r\n,,\n４,五, 6 \n7,8\n"
    normalised = text.lstrip("\ufeff").replace("\r\n", "\n")
    plain, quoted = _split(text), table_from_rows(_quoted_rows(normalised, ",", []))
    assert (plain.header, plain.header_line) == (quoted.header, quoted.header_line) == (["a", "b", "c"], 1)
    assert [(r.line, r.cells) for r in plain.rows] == [(r.line, r.cells) for r in quoted.rows]
    assert [r.line for r in plain.rows] == [3, 5, 6]
