"""The audit trail stays true after a rollback: what depends on the history log is keyed on the log."""

from __future__ import annotations

import pytest

from metrics import editing, updates
from tests.apptest_support import open_page
from ui.editing import EDITOR_KEY, table_key

pytestmark = pytest.mark.usefixtures("built")
UNCHANGED = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}


def save_target(app, target: float, generation: int):
    app.session_state[table_key("targets", generation)] = {**UNCHANGED, "edited_rows": {0: {"target": target}}}
    app.run()
    app.button(key="editui_targets_save").click().run()
    assert not app.exception and not app.error


def history_of(app):
    return next(frame.value for frame in app.dataframe if "当前" in frame.value.columns)


def test_after_a_rollback_a_fresh_session_shows_every_entry_and_the_next_save_too(built, editor):
    app = open_page("targets", session={EDITOR_KEY: editor})
    save_target(app, 160, 0)  # A (and the baseline before it)
    save_target(app, 170, 1)  # B
    a_entry = updates.versions("targets")[1]
    app.selectbox(key="editui_targets_version").select(a_entry.snapshot).run()
    app.button(key="editui_targets_rollback").click().run()
    app.button(key="editui_targets_rollback_yes").click().run()
    assert not app.exception
    assert updates.live_version("targets") == a_entry.version  # the data is back to A's content

    fresh = open_page("targets", session={EDITOR_KEY: editor})
    assert len(history_of(fresh)) == len(updates.versions("targets")) == 4
    assert "尚无修改记录" not in " ".join(c.value for c in fresh.caption)
    # The row's last change is the rollback's, not A's save (same data version, later log).
    assert fresh.dataframe[0].value.iloc[0]["最后修改"].startswith(updates.versions("targets")[0].saved_at_text[:16])

    save_target(fresh, 180, 0)
    again = open_page("targets", session={EDITOR_KEY: editor})
    assert len(history_of(again)) == 5
    assert again.selectbox(key="editui_targets_version") is not None
    assert len(again.selectbox(key="editui_targets_version").options) == 5


# ---------- empty cells ----------


def blank_cells(frame) -> list[tuple[int, str]]:
    """Cells a table would show as 'None' or 'nan'."""
    return [
        (row, column)
        for column in frame.columns
        for row, value in enumerate(frame[column])
        if value is None or (isinstance(value, float) and value != value) or str(value) in ("None", "nan")
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_empty_cells_are_blank_not_none_on_targets_progress_and_sources(built, lang):
    (built / "targets.csv").write_text(
        "metric_id,region_id,period_start,period_end,target,qualifier,source,section,evidence,note\n"
        "diagnosis_enterprises,huangshi,2021-01-01,2021-12-31,152,=,,,,\n",
        encoding="utf-8",
    )
    (built / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\ndiagnosis_enterprises,huangshi,2021-09-30,260,=,,\n",
        encoding="utf-8",
    )
    for page in ("targets", "progress", "sources"):
        app = open_page(page, lang)
        assert not app.exception, page
        for frame in app.dataframe:
            assert blank_cells(frame.value) == [], (page, frame.value.columns.tolist())


# ---------- deleting rows needs a confirmation naming their number ----------


def save_button(app, key: str = "editui_targets_save"):
    return next(button for button in app.button if button.key == key)


def test_deleting_rows_in_the_table_is_named_and_needs_a_tick_naming_the_count(built, editor):
    before = (built / "targets.csv").read_bytes()
    app = open_page("targets", session={EDITOR_KEY: editor})
    app.session_state[table_key("targets")] = {**UNCHANGED, "deleted_rows": [1, 2]}
    app.run()
    warning = " ".join(w.value for w in app.warning)
    assert "此次保存将删除2行" in warning
    assert "完成智能化诊断的规上企业 · 黄石市 · 2021-01-01 · 2023-12-31" in warning  # which rows
    assert "已完成智能化改造项目 · 黄石市" in warning
    assert save_button(app).disabled
    (tick,) = [box for box in app.checkbox if box.label == "确认删除2行"]
    tick.check().run()
    assert not save_button(app).disabled

    # the deletion changes: the earlier tick does not carry over
    app.session_state[table_key("targets")] = {**UNCHANGED, "deleted_rows": [2]}
    app.run()
    assert "此次保存将删除1行" in " ".join(w.value for w in app.warning)
    assert save_button(app).disabled and not app.checkbox(key="editui_targets_table_0_confirm_delete_1").value
    assert (built / "targets.csv").read_bytes() == before

    app.checkbox(key="editui_targets_table_0_confirm_delete_1").check().run()
    save_button(app).click().run()
    assert not app.exception and not app.error
    assert updates.versions("targets")[0].removed == 1
    assert len(editing.editable_frame("targets")) == 2


def test_an_upload_with_only_the_new_rows_says_it_deletes_the_rest(built, editor):
    before = (built / "targets.csv").read_bytes()
    app = open_page("targets", "en", session={EDITOR_KEY: editor})
    content = "metric_id,period_start,period_end,target\nfunding_city_level,2021-01-01,2021-12-31,2000万元\n"
    app.file_uploader(key="editui_targets_upload_0").upload("new.csv", content.encode(), "text/csv").run()
    assert "This save deletes 3 row(s)" in " ".join(w.value for w in app.warning)
    assert save_button(app, "editui_targets_upload_save").disabled
    app.checkbox(key="editui_targets_upload_0_confirm_delete_3").check().run()
    save_button(app, "editui_targets_upload_save").click().run()
    assert not app.exception and not app.error
    assert (built / "targets.csv").read_bytes() != before and updates.versions("targets")[0].removed == 3


def test_a_rollback_that_deletes_rows_says_how_many(built, editor):
    app = open_page("targets", session={EDITOR_KEY: editor})
    content = (built / "targets.csv").read_text(
        encoding="utf-8-sig"
    ) + "funding_city_level,huangshi,2021-01-01,2021-12-31,20000000,>=,,,,\n"
    app.file_uploader(key="editui_targets_upload_0").upload("plus.csv", content.encode(), "text/csv").run()
    save_button(app, "editui_targets_upload_save").click().run()
    baseline = updates.versions("targets")[-1]
    app.selectbox(key="editui_targets_version").select(baseline.snapshot).run()
    app.button(key="editui_targets_rollback").click().run()
    assert "恢复此版本将删除当前的1行" in " ".join(w.value for w in app.warning)
    app.button(key="editui_targets_rollback_yes").click().run()
    assert not app.exception and not app.error
    assert updates.versions("targets")[0].action == "rollback" and updates.versions("targets")[0].removed == 1
