"""The update flow the browser uses: edited tables and uploads validated as imports, written only by a
signed-in editor, from the version they loaded; previews, history, rollback and templates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from metrics import editing, editors, queries, store, updates
from metrics.registry import read_reference_csv


def live_targets(data_dir: Path) -> pd.DataFrame:
    return read_reference_csv(data_dir / "targets.csv").astype({"target": float})


def edited_targets() -> pd.DataFrame:
    """The live targets as the data editor shows them, with the 2021 diagnosis target raised to 160."""
    frame = editing.editable_frame("targets")
    frame.loc[0, "target"] = 160.0
    return frame


def test_editable_frame_is_the_live_table(built: Path):
    frame = editing.editable_frame("targets")
    assert list(frame.columns) == list(updates.KINDS["targets"].columns)
    assert frame["target"].tolist() == [152.0, 500.0, 100.0]
    assert frame["period_start"].iloc[0] == dt.date(2021, 1, 1)


def test_saving_an_edited_table_records_the_editor_and_rebuilds(built: Path, editor):
    base = updates.live_version("targets")
    result = updates.apply_table("targets", edited_targets(), editor, base_version=base)
    assert result.ok and result.saved.changed and result.counts == {"added": 0, "changed": 1, "removed": 0}
    assert live_targets(built)["target"].tolist() == [160.0, 500.0, 100.0]
    latest = updates.versions("targets")[0]
    assert (latest.editor, latest.account, latest.action) == ("江晖", "jianghui", "edit")
    targets = queries.fetch("all_targets", database=built / "dashboard.duckdb")
    assert 160.0 in targets["target"].tolist()


@pytest.mark.parametrize(
    "forged",
    [
        "江晖",  # what a viewer might put in session_state["editor"]
        {"username": "jianghui", "display_name": "江晖"},
        editors.Editor("jianghui", "江晖", "e30.AAAA", dt.datetime(2100, 1, 1, tzinfo=dt.UTC)),
    ],
)
def test_forged_identities_cannot_write_anything(built: Path, editor, forged):
    before = (built / "targets.csv").read_bytes()
    database = (built / "dashboard.duckdb").read_bytes()
    base = updates.live_version("targets")
    with pytest.raises(editors.NotAuthorised):
        updates.apply_table("targets", edited_targets(), forged, base_version=base)
    with pytest.raises(editors.NotAuthorised):
        updates.apply("targets", updates.KINDS["targets"].to_bytes(edited_targets()), forged, base_version=base)
    with pytest.raises(editors.NotAuthorised):
        updates.rollback("targets", "x.csv", forged, base_version=base)
    assert (built / "targets.csv").read_bytes() == before
    assert (built / "dashboard.duckdb").read_bytes() == database
    assert updates.versions("targets") == []


def test_the_identity_is_checked_again_at_the_moment_of_writing(built: Path, editor, monkeypatch):
    """An account removed between the editor's check and the save cannot write."""
    real_check = updates.check

    def check_then_remove_account(*args, **kwargs):
        result = real_check(*args, **kwargs)
        editors.remove_editor("jianghui")
        return result

    monkeypatch.setattr(updates, "check", check_then_remove_account)
    before = (built / "targets.csv").read_bytes()
    with pytest.raises(editors.NotAuthorised):
        updates.apply_table("targets", edited_targets(), editor, base_version=updates.live_version("targets"))
    assert (built / "targets.csv").read_bytes() == before


def test_command_line_import_is_refused_inside_the_dashboard_server(built: Path, monkeypatch):
    class Runtime:
        @staticmethod
        def exists() -> bool:
            return True

    monkeypatch.setitem(__import__("sys").modules, "streamlit.runtime", Runtime)
    with pytest.raises(editors.NotAuthorised):
        updates.import_file("targets", (built / "targets.csv").read_bytes(), operator="江晖")


# ---------- problems located in the edited table ----------


def test_problems_in_an_edited_table_name_its_rows_and_columns(built: Path, editor):
    frame = edited_targets()
    frame.loc[1, "target"] = -5.0
    frame.loc[2, "period_end"] = "下半年"
    frame.loc[3] = [
        "diagnosis_enterprise",
        "huangshi",
        "2022-01-01",
        "2022-12-31",
        200.0,
        "",
        "",
        "",
        "",
        "",
        *[""] * (len(frame.columns) - 10),
    ]
    frame.loc[4] = [
        *frame.loc[0, ["metric_id", "region_id", "period_start", "period_end"]],
        1.0,
        "",
        "",
        "",
        "",
        "",
        *[""] * (len(frame.columns) - 10),
    ]
    result = updates.check_table("targets", frame)
    assert not result.ok
    found = {(p.row, p.column): p for p in result.table_problems if p.severity == "error"}
    assert set(found) == {(1, "target"), (2, "period_end"), (3, "metric_id"), (4, "metric_id")}
    assert found[(1, "target")].message("zh") == "第2行（目标值）：目标值不能为负数（-5）"
    assert found[(1, "target")].message("en") == "row 2 (Target): A target cannot be negative (-5)"
    assert "第3行（结束日期）" in found[(2, "period_end")].message("zh")
    assert "did you mean 'diagnosis_enterprises'" in found[(3, "metric_id")].message("en")
    assert found[(4, "metric_id")].message("zh") == "第5行（指标）：与第1行重复（同一指标、地区、周期只能有一个目标）"
    before = (built / "targets.csv").read_bytes()
    refused = updates.apply_table("targets", frame, editor, base_version=updates.live_version("targets"))
    assert not refused.ok and refused.saved is None
    assert (built / "targets.csv").read_bytes() == before


def test_line_breaks_in_a_cell_do_not_shift_the_rows_named(built: Path):
    frame = edited_targets()
    frame.loc[0, "note"] = "第一行\n第二行\r\n第三行"
    frame.loc[2, "target"] = -1.0
    result = updates.check_table("targets", frame)
    assert [(p.row, p.column) for p in result.table_problems] == [(2, "target")]
    frame.loc[2, "target"] = 100.0
    assert updates.check_table("targets", frame).ok


def test_an_edited_table_and_the_same_file_give_the_same_result(built: Path):
    frame = edited_targets()
    from_table = updates.check_table("targets", frame)
    from_file = updates.check("targets", editing.table_to_csv("targets", frame).data)
    assert from_table.parsed.frame.equals(from_file.parsed.frame)
    assert from_table.changes.equals(from_file.changes)


def test_data_editor_types_are_accepted(built: Path):
    """What st.data_editor hands back: Timestamps, numpy numbers, None and NaN for empty cells."""
    frame = edited_targets().astype({"target": "Float64"})
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame.loc[1, "note"] = None
    frame.loc[2, "source"] = float("nan")
    frame["ui_only"] = "ignored"
    result = updates.check_table("targets", frame)
    assert result.ok and result.counts == {"added": 0, "changed": 3, "removed": 0}


def test_an_empty_row_added_in_the_editor_is_skipped_with_a_warning(built: Path):
    frame = edited_targets()
    frame.loc[3] = [
        "funding_city_level",
        "huangshi",
        None,
        None,
        None,
        "",
        "",
        "",
        "",
        "",
        *[""] * (len(frame.columns) - 10),
    ]
    result = updates.check_table("targets", frame)
    assert result.ok and result.counts["added"] == 0
    (warning,) = result.table_problems
    assert warning.severity == "warning"
    assert "表格第4行" in warning.message("zh") and "row(s) 4" in warning.message("en")


# ---------- preview ----------


def test_preview_shows_old_and_new_values_per_row(built: Path):
    frame = edited_targets().drop(index=2)
    frame.loc[5] = [
        "funding_city_level",
        "daye",
        "2021-01-01",
        "2021-12-31",
        20_000_000.0,
        ">=",
        "",
        "",
        "",
        "",
        *[""] * (len(frame.columns) - 10),
    ]
    result = updates.check_table("targets", frame)
    assert editing.summary(result.counts, "zh") == "新增1行，修改1行，删除1行"
    assert editing.summary(result.counts, "en") == "1 added, 1 changed, 1 removed"
    shown = editing.describe_changes("targets", result.changes, "zh").set_index("change")
    assert shown.loc["修改", "target"] == "152家 → 160家"
    assert shown.loc["修改", "metric_id"] == "完成智能化诊断的规上企业"
    assert shown.loc["新增", "target"] == "2,000万元" and shown.loc["新增", "region_id"] == "大冶市"
    assert shown.loc["新增", "qualifier"] == "以上"
    assert shown.loc["删除", "target"] == "100个"
    english = editing.describe_changes("targets", result.changes, "en").set_index("change")
    assert english.loc["Added", "target"] == "¥20 million" and english.loc["Changed", "target"] == "152 → 160"
    assert editing.labels(list(english.columns), "zh")["period_start"] == "开始日期"


# ---------- stale saves ----------


def test_a_save_from_an_old_version_is_refused_with_who_and_when(built: Path, editor, secrets_file):
    base = updates.live_version("targets")
    updates.apply_table("targets", edited_targets(), editor, base_version=base)
    editors.add_editor("wangfang", "another one", "王芳")
    other = editors.authenticate("wangfang", "another one")
    mine = edited_targets()
    mine.loc[2, "target"] = 120.0
    with pytest.raises(store.StaleVersionError) as stale:
        updates.apply_table("targets", mine, other, base_version=base)
    message = editing.stale_message("targets", stale.value, "zh")
    assert "江晖" in message and stale.value.live in message and "重新应用" in message
    assert "江晖" in editing.stale_message("targets", stale.value, "en")
    assert live_targets(built)["target"].tolist() == [160.0, 500.0, 100.0]


def test_reapply_replays_my_changes_onto_the_latest_version(built: Path, editor):
    base = updates.live_version("targets")
    original = editing.editable_frame("targets")
    theirs = original.copy()
    theirs.loc[0, "target"] = 160.0  # they change the 2021 target
    theirs.loc[1, "note"] = "他们的备注"  # and a note I do not touch
    updates.apply_table("targets", theirs, editor, base_version=base)

    mine = original.copy()
    mine.loc[0, "target"] = 155.0  # I change the same cell differently
    mine.loc[2, "target"] = 120.0  # and another one
    mine.loc[3] = [
        "funding_city_level",
        "huangshi",
        "2021-01-01",
        "2021-12-31",
        20_000_000.0,
        *[""] * (len(mine.columns) - 5),
    ]
    again = updates.reapply("targets", mine, base)
    assert again.base_version == updates.live_version("targets") and again.base_found
    merged = again.frame.set_index(["metric_id", "period_end"])
    assert merged.loc[("diagnosis_enterprises", dt.date(2021, 12, 31)), "target"] == 155.0
    assert merged.loc[("diagnosis_enterprises", dt.date(2023, 12, 31)), "note"] == "他们的备注"
    assert merged.loc[("retrofit_projects_completed", dt.date(2021, 12, 31)), "target"] == 120.0
    assert len(merged) == 4
    (conflict,) = again.conflicts.to_dict("records")
    assert (conflict["column"], conflict["base"], conflict["theirs"], conflict["mine"]) == ("target", 152, 160, 155)
    shown = editing.describe_conflicts("targets", again.conflicts, "zh").iloc[0]
    assert (shown["cell"], shown["base"], shown["theirs"], shown["mine"]) == ("目标值", "152家", "160家", "155家")
    saved = updates.apply_table("targets", again.frame, editor, base_version=again.base_version)
    assert saved.saved.changed and saved.counts == {"added": 1, "changed": 2, "removed": 0}


def test_reapply_keeps_their_removal_unless_i_changed_the_row(built: Path, editor):
    base = updates.live_version("targets")
    original = editing.editable_frame("targets")
    updates.apply_table("targets", original.drop(index=[1, 2]), editor, base_version=base, confirm_removed=2)
    mine = original.copy()
    mine.loc[2, "target"] = 120.0  # they removed this row; I changed it
    again = updates.reapply("targets", mine, base)
    assert again.frame["target"].tolist() == [152.0, 120.0]
    (conflict,) = again.conflicts.to_dict("records")
    assert conflict["theirs"] is None and conflict["mine"] == 120.0


# ---------- uploads ----------


def test_upload_is_validated_like_the_cli_and_saved_with_its_file_name(built: Path, editor):
    data = (Path(__file__).parent / "fixtures" / "targets" / "units.csv").read_bytes()
    preview = updates.check("targets", data)
    assert preview.ok and preview.base_version == updates.live_version("targets")
    deletes = preview.counts["removed"]
    result = updates.apply(
        "targets", data, editor, base_version=preview.base_version, detail="units.csv", confirm_removed=deletes
    )
    assert result.saved.changed
    assert updates.versions("targets")[0].detail == "units.csv"
    bad = (Path(__file__).parent / "fixtures" / "targets" / "negative.csv").read_bytes()
    refused = updates.apply("targets", bad, editor, base_version=updates.live_version("targets"))
    assert not refused.ok and "第2行 D列" in refused.parsed.errors[0].message("zh")


# ---------- history and rollback ----------


def test_history_lists_every_version_and_rollback_makes_an_old_one_live_again(built: Path, editor):
    original = (built / "targets.csv").read_bytes()
    updates.apply_table("targets", edited_targets(), editor, base_version=updates.live_version("targets"))
    history = editing.history_table("targets", "zh")
    assert history["action"].tolist() == ["在线编辑", "看板外的版本（首次记录）"]
    assert history["summary"].tolist() == ["新增0行，修改1行，删除0行", ""]
    assert history["editor"].tolist() == ["江晖", ""] and history["live"].tolist() == [True, False]
    assert dt.datetime.strptime(history["saved_at"].iloc[0], "%Y-%m-%d %H:%M:%S")
    old = history.iloc[1]
    assert updates.version_bytes("targets", old["snapshot"]) == original
    assert editing.version_file_name("targets", old["snapshot"]).startswith("targets-")

    result = updates.rollback("targets", old["snapshot"], editor, base_version=updates.live_version("targets"))
    assert result.saved.changed and result.counts == {"added": 0, "changed": 1, "removed": 0}
    assert (built / "targets.csv").read_bytes() == original
    after = editing.history_table("targets", "en")
    assert after["action"].iloc[0] == "Rollback" and after["version"].iloc[0] == old["version"]
    assert after["detail"].iloc[0] == f"Back to version {old['version']} ({old['saved_at']})"
    assert len(after) == 3 and after["live"].tolist() == [True, False, True]


def test_rollback_to_a_version_that_no_longer_validates_is_refused(built: Path, editor):
    bad = (built / "targets.csv").read_bytes().replace(b"diagnosis_enterprises", b"retired_metric", 1)
    store.save("targets", bad, "", store.Change("baseline"))  # a version from before a metric was retired
    updates.import_file("targets", (Path(__file__).parent / "fixtures" / "targets" / "utf8.csv").read_bytes(), "甲")
    snapshot = next(v.snapshot for v in updates.versions("targets") if v.version == store.content_version(bad))
    live = (built / "targets.csv").read_bytes()
    result = updates.rollback("targets", snapshot, editor, base_version=updates.live_version("targets"))
    assert not result.ok and result.parsed.errors[0].code == "unknown_metric"
    assert (built / "targets.csv").read_bytes() == live


def test_a_snapshot_name_cannot_reach_outside_the_history(built: Path, editor):
    with pytest.raises(FileNotFoundError):
        updates.version_bytes("targets", "../../targets.csv")


# ---------- templates ----------


def test_targets_template_has_chinese_headers_every_target_and_a_row_per_other_metric(built: Path):
    data = editing.template_bytes("targets")
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    header = "指标编号,指标名称,地区,开始日期,结束日期,目标值,限定,来源,章节,原文,备注"
    assert lines[0] == header + ",计划名称,计划名称（英文）,假设,假设（英文）,原文（英文）,备注（英文）"
    metrics = read_reference_csv(built / "metrics.csv")
    assert len(lines) == 1 + 3 + (len(metrics) - 2)  # 3 targets of 2 metrics, one row for each other metric
    assert lines[2].startswith("diagnosis_enterprises,完成智能化诊断的规上企业,黄石市,2021-01-01,2023-12-31,500,以上")
    assert "diagnosis_providers,智能化改造诊断服务机构,黄石市,,,,,,,,,,,,,," in lines


def test_untouched_templates_import_without_changes(built: Path):
    for kind in ("targets", "progress"):
        result = updates.check(kind, editing.template_bytes(kind))
        assert result.ok, [p.bilingual() for p in result.parsed.errors]
        assert result.changes.empty
        assert [p.code for p in result.parsed.warnings] == ["placeholder_rows"]
        before = store.read_live(kind)
        assert not updates.import_file(kind, editing.template_bytes(kind), "甲").saved.changed
        assert store.read_live(kind) == before


def as_excel_saves_it(template: bytes, fill: dict[str, str]) -> bytes:
    """Fill template rows in as an official would, then save as Excel's "CSV (逗号分隔)" on Chinese Windows:
    GBK, CRLF, no BOM, dates re-written as 2021/1/1."""
    lines = template.decode("utf-8-sig").splitlines()
    out = []
    for line in lines:
        for prefix, replacement in fill.items():
            if line.startswith(prefix + ","):
                line = replacement
        out.append(line.replace("2021-01-01", "2021/1/1").replace("2021-12-31", "2021/12/31"))
    return "\r\n".join(out).encode("gbk") + b"\r\n"


def test_targets_template_filled_in_as_excel_saves_it_imports(built: Path):
    template = editing.template_bytes("targets")
    saved = as_excel_saves_it(
        template,
        {"funding_city_level": "funding_city_level,,黄石市,2021/1/1,2021/12/31,2000万元,,,,,"},
    )
    assert updates.import_file("targets", saved, "甲", detail="模板.csv").saved.changed
    frame = live_targets(built)
    assert frame[frame.metric_id == "funding_city_level"]["target"].tolist() == [20_000_000]
    assert len(frame) == 4


def test_progress_template_filled_in_as_excel_saves_it_imports(built: Path):
    template = editing.template_bytes("progress")
    saved = as_excel_saves_it(
        template,
        {
            "diagnosis_enterprises": "diagnosis_enterprises,,黄石市,2021/12/31,超过200家,,,年报",
            "wechat_reads": "wechat_reads,,黄石市,2021/12/31,1.5万,,,",
        },
    )
    result = updates.import_file("progress", saved, "甲")
    assert result.ok and result.counts == {"added": 2, "changed": 0, "removed": 0}
    records = read_reference_csv(built / "progress.csv")
    assert records[["metric_id", "value", "qualifier"]].values.tolist() == [
        ["diagnosis_enterprises", "200", ">="],
        ["wechat_reads", "15000", "="],
    ]
    # the new template holds those records, so it too imports without changes
    assert updates.check("progress", editing.template_bytes("progress")).changes.empty


def test_template_text_that_excel_would_run_as_a_formula_round_trips(built: Path):
    frame = editing.editable_frame("targets")
    frame.loc[0, "note"] = '=HYPERLINK("http://x")'
    frame.loc[1, "note"] = "-见附件"
    updates.import_file("targets", updates.KINDS["targets"].to_bytes(frame), "甲")
    template = editing.template_bytes("targets").decode("utf-8-sig")
    assert "'=HYPERLINK" in template and ",'-见附件" in template
    assert updates.check("targets", template.encode("utf-8-sig")).changes.empty
