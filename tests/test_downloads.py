"""Every CSV the dashboard hands out is neutralised for spreadsheets; the stored files are not changed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from metrics import editing, tablefile, updates
from tests.apptest_support import open_page

pytestmark = pytest.mark.usefixtures("built")


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """file id → the callable a download button runs when clicked (AppTest has no server to click)."""
    found: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        found[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


def downloaded(app, deferred: dict[str, object], label: str) -> bytes:
    button = next(b for b in app.get("download_button") if b.proto.label == label)
    return deferred[button.proto.deferred_file_id]()


def cells(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def store_formulas(built: Path) -> bytes:
    frame = editing.editable_frame("targets")
    frame.loc[0, "note"] = "=1+1"
    frame.loc[1, "evidence"] = '=HYPERLINK("http://example.com","点此")'
    frame.loc[2, "source"] = "@SUM(A1)"
    assert updates.import_file("targets", updates.KINDS["targets"].to_bytes(frame), "甲").saved.changed
    return (built / "targets.csv").read_bytes()


def test_the_live_targets_and_every_history_version_download_neutralised(built, deferred):
    stored = store_formulas(built)
    history = {
        entry.snapshot: updates.version_bytes("targets", entry.snapshot) for entry in updates.versions("targets")
    }
    app = open_page("targets")
    assert not app.exception
    for label in ("下载当前目标（CSV）", "下载此版本（CSV）"):  # the version choice starts at the newest: live
        texts = [cell for row in cells(downloaded(app, deferred, label)) for cell in row]
        assert "'=1+1" in texts and "=1+1" not in texts, label
        assert '\'=HYPERLINK("http://example.com","点此")' in texts and "'@SUM(A1)" in texts, label
    # stored as they were
    assert (built / "targets.csv").read_bytes() == stored
    assert {s: updates.version_bytes("targets", s) for s in history} == history
    # and a download imported again changes nothing: the importer takes the apostrophe off
    assert updates.check("targets", updates.download_bytes("targets")).changes.empty


def test_templates_are_neutralised_by_the_same_function(built):
    store_formulas(built)
    template = [cell for row in cells(editing.template_bytes("targets")) for cell in row]
    assert "'=1+1" in template and "'@SUM(A1)" in template
    assert updates.check("targets", editing.template_bytes("targets")).changes.empty


def test_a_stored_file_saved_from_excel_is_read_whatever_its_encoding():
    gbk = "指标编号,备注\r\ndiagnosis_enterprises,=1+1\r\n".encode("gbk")
    assert cells(tablefile.neutralised_csv(gbk)) == [["指标编号", "备注"], ["diagnosis_enterprises", "'=1+1"]]
    utf16 = "指标编号\t备注\r\ndiagnosis_enterprises\t+1\r\n".encode("utf-16")
    assert cells(tablefile.neutralised_csv(utf16))[1] == ["diagnosis_enterprises", "'+1"]


@pytest.mark.parametrize(
    ("lang", "label", "columns", "qualifier"),
    [
        ("zh", "下载为 CSV（Excel 可直接打开）", ["数值", "数值（基本单位）", "单位", "限定", "截至"], "以上"),
        (
            "en",
            "Download as CSV (opens in Excel)",
            ["Value", "Value (base units)", "Unit", "Qualifier", "As of"],
            "at least",
        ),
    ],
)
def test_the_sources_csv_has_a_number_beside_each_value_as_written(built, deferred, lang, label, columns, qualifier):
    import pandas as pd

    app = open_page("sources", lang)
    assert not app.exception
    button = next(b for b in app.get("download_button") if b.proto.label == label)
    data = deferred[button.proto.deferred_file_id]()
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={columns[1]: float})
    value_at = table.columns.get_loc(columns[0])
    assert table.columns[value_at : value_at + 5].tolist() == columns
    funding = table[table[columns[0]].isin(["超过2,000万元", "more than ¥20 million"])].iloc[0]
    assert funding[columns[1]] == 20_000_000 and funding[columns[3]] == qualifier
    assert funding[columns[2]] == ("元" if lang == "zh" else "yuan")
    assert table[columns[1]].notna().all()  # every figure has its number: the column sums in Excel
