"""English pages show the data's English beside the Chinese (issue 12): the figures' and targets' notes
and the targets' quotes, filled for every row."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.registry import read_reference_csv
from tests.apptest_support import ROOT, open_page


def test_every_note_and_quote_in_the_data_has_its_english():
    figures = read_reference_csv(ROOT / "data" / "figures.csv")
    assert ((figures["note"] != "") == (figures["note_en"] != "")).all()
    targets = read_reference_csv(ROOT / "data" / "targets.csv")
    assert ((targets["note"] != "") == (targets["note_en"] != "")).all()
    assert (targets["evidence_en"] != "").all()
    for frame in (figures, targets):  # English text carries no Chinese quotation marks
        assert not frame["note_en"].str.contains("[“”，：；]").any()


def _table(app, column: str) -> pd.DataFrame:
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


@pytest.mark.usefixtures("built")
def test_the_targets_table_in_english_gives_notes_and_quotes_in_english():
    app = open_page("targets", "en")
    assert not app.exception
    table = _table(app, "Note")
    notes = list(table["Note"])
    assert "The 2021 annual plan" in notes and "Three-year action plan (2021–2023) target: 500 or more" in notes
    assert not any("计划" in note for note in notes)
    quotes = list(table["Source's words"])
    assert '2021年计划完成152家规上企业诊断服务 ("the 2021 plan is to complete diagnosis services' in quotes[0]
    assert all('("' in quote for quote in quotes)
    chinese = _table(open_page("targets", "zh"), "备注")
    assert "2021年度计划" in list(chinese["备注"]) and not any('("' in q for q in chinese["原文"])


@pytest.mark.usefixtures("built")
def test_the_sources_page_in_english_gives_figure_notes_and_target_quotes_in_english():
    app = open_page("sources", "en")
    assert not app.exception
    notes = list(_table(app, "Note")["Note"])
    assert 'The reply gives no total: it names 4 followed by "etc.", so at least 4' in notes
    assert not any("答复" in note or "下限" in note for note in notes)
    target_quotes = [frame.value for frame in app.dataframe if "Target" in frame.value.columns][0]["Source's words"]
    assert all('("' in quote for quote in target_quotes)


def test_the_figures_workbook_in_english_gives_notes_and_quotes_in_english(built):
    from metrics import xlsx
    from metrics.reader import Reader

    table, _ = xlsx.figures(Reader().figures("huangshi"), "en")
    assert 'The reply gives no total: it names 4 followed by "etc.", so at least 4' in list(table["note"])
    assert not any("答复" in note for note in table["note"])
    assert any(quote.startswith('截止目前已完成153家，超额完成全年计划 ("153 have been') for quote in table["evidence"])
    chinese, _ = xlsx.figures(Reader().figures("huangshi"), "zh")
    assert "答复未给出总数：列名4家，“等”：至少4家" in list(chinese["note"])


@pytest.mark.usefixtures("built")
def test_the_sources_section_filter_names_all_once():
    app = open_page("sources", "en")
    options = next(box.options for box in app.selectbox if box.label == "Section")
    assert options[0] == "All" and "2(1) 二（一）" in options
