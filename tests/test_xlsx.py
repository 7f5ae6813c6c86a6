"""Excel downloads read back with openpyxl: numbers as numbers, unit and qualifier columns, headers in
the reader's language, formula-like text kept as text."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from metrics import xlsx
from metrics.reader import Reader


def rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_numbers_stay_numbers_and_formula_like_text_stays_text():
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain"], "n": [1, 2.5, 3, 4, 5]})
    data = xlsx.workbook(frame, {"name": "名称", "n": "数值"})
    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[1]] == ["名称", "数值"]
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s" and isinstance(row[1].value, int | float)
    assert sheet["A2"].value == '=HYPERLINK("http://x")' and sheet["B3"].value == 2.5


@pytest.mark.usefixtures("built")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_key_figures_give_value_target_and_percent_as_numbers(lang):
    frame, headers = xlsx.key_figures(Reader().progress("huangshi"), lang)
    table = rows(xlsx.workbook(frame, headers, "key"))
    assert table[0][:4] == (
        ("指标", "数值", "数值限定（超过/约）", "单位")
        if lang == "zh"
        else ("Metric", "Value", "Value qualifier (more than / about)", "Unit")
    )
    by_metric = {}
    for row in table[1:]:
        by_metric.setdefault(row[0], []).append(row)
    diagnosis = by_metric["完成智能化诊断的规上企业" if lang == "zh" else next(k for k in by_metric if "iagnos" in k)]
    assert diagnosis[0][1] == 153 and diagnosis[0][5] == 152 and diagnosis[0][7] == pytest.approx(100.66, abs=0.01)
    assert diagnosis[1][5] == 500 and diagnosis[1][6] == ("以上" if lang == "zh" else "at least")
    city = [row for row in table[1:] if row[3] == "万元"][1]  # after the investment (400,000万元)
    assert city[1] == 2000 and city[2] == ("超过" if lang == "zh" else "more than") and city[5] is None


@pytest.mark.usefixtures("built")
def test_a_regions_figures_with_unit_and_qualifier_columns():
    frame, headers = xlsx.figures(Reader().figures("huangshi"), "zh")
    table = rows(xlsx.workbook(frame, headers, "figures"))
    assert table[0][:5] == ("指标", "地区", "数值", "数值限定（超过/约）", "单位")
    investment = next(row for row in table if row[0] == "在建项目总投资")
    assert investment[2:5] == (400000, None, "万元") and investment[5] == "40亿元"
