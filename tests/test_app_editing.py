"""Editing from the browser (AppTest): sign-in, edit and upload with per-cell problems, preview, save,
stale saves, history and rollback; and that nobody but a signed-in editor can write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from metrics import editors, updates
from tests.apptest_support import all_text, metric_values, open_page
from ui.editing import EDITOR_KEY, table_key

FIXTURES = Path(__file__).parent / "fixtures"
UNCHANGED = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}

pytestmark = pytest.mark.usefixtures("built")


def as_editor(page: str, editor, lang: str = "zh"):
    """A page opened by a session that signed in through metrics.editors.authenticate."""
    return open_page(page, lang, session={EDITOR_KEY: editor})


def edit(app, kind: str = "targets", generation: int = 0, **changes):
    """Simulate edits in the data editor, as the browser sends them, and rerun."""
    app.session_state[table_key(kind, generation)] = {**UNCHANGED, **changes}
    return app.run()


def button_keys(app) -> set[str]:
    return {button.key for button in app.button}


def tables_text(app) -> str:
    return "\n".join(frame.value.to_string() for frame in app.dataframe)


def errors(app) -> str:
    return "\n".join(element.value for element in app.error)


def open_sign_in(app) -> None:
    """Click 编辑人员登录, as a viewer does to get the sign-in form."""
    app.button(key="editui_open_sign_in").click().run()


# ---------- viewers and signing in ----------


@pytest.mark.parametrize("page", ["targets", "progress"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_viewers_see_the_tables_and_history_and_a_sign_in_box_but_nothing_to_save(page, lang):
    app = open_page(page, lang)
    assert not app.exception and not app.error
    assert "editui_open_sign_in" in button_keys(app)  # the form itself is drawn when asked for
    assert "editui_sign_in" not in button_keys(app)
    app.button(key="editui_open_sign_in").click().run()
    assert "editui_sign_in" in button_keys(app) and app.text_input(key="editui_username") is not None
    assert not {key for key in button_keys(app) if key and key.endswith(("_save", "_rollback"))}
    assert not app.file_uploader
    text = all_text(app)
    assert ("编辑人员登录后" if lang == "zh" else "Editors who sign in") in text
    headings = [heading.value for heading in app.subheader]
    assert ("历史版本" if lang == "zh" else "Version history") in headings


def test_targets_page_still_lists_every_target_for_viewers():
    app = open_page("targets")
    table = app.dataframe[0].value
    assert set(table["目标"]) == {"152家", "500家以上", "100个"}
    # The target and its period beside the metric: what a phone's grid shows before its own scroll.
    assert list(table.columns[:3]) == ["指标", "目标", "周期"]
    assert set(table["最后修改"]) == {"—"}  # nothing saved through the dashboard yet
    # Not the file's modification time, which a checkout or a deploy sets as well as an edit.
    captions = [caption.value for caption in app.caption]
    assert "黄石市：共3项目标；看板历史中尚无目标修改记录" in captions
    assert not any("最后修改：" in caption for caption in captions)


def refused_sign_in():
    """The Targets page after a wrong password: the form open, its message shown."""
    app = open_page("targets")
    open_sign_in(app)
    app.text_input(key="editui_username").input("jianghui")
    app.text_input(key="editui_password").input("wrong password")
    app.button(key="editui_sign_in").click().run()
    assert "用户名或密码不正确" in errors(app)
    return app


def test_an_editor_signs_in_on_the_page_and_out_again(editor):
    app = refused_sign_in()
    assert EDITOR_KEY not in app.session_state

    app.text_input(key="editui_username").input("jianghui")
    app.text_input(key="editui_password").input("correct horse")
    app.button(key="editui_sign_in").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == ["已登录为编辑人员：江晖（jianghui）"]
    assert app.session_state["editui_password"] == ""  # not kept
    assert isinstance(app.session_state[EDITOR_KEY], editors.Editor)
    assert "editui_targets_save" not in button_keys(app)  # nothing edited yet: nothing to save

    signed_in = app.session_state[EDITOR_KEY]
    app.button(key="editui_sign_out_targets").click().run()
    assert EDITOR_KEY not in app.session_state
    assert "editui_open_sign_in" in button_keys(app) and "editui_sign_in" not in button_keys(app)  # a viewer's page
    with pytest.raises(editors.NotAuthorised):
        editors.verify(signed_in)  # ended on the server, not only in the page


def test_repeated_wrong_passwords_are_refused_for_a_while(secrets_file):
    editors.add_editor("jianghui", "correct horse", "江晖")
    app = open_page("targets", "en")
    open_sign_in(app)
    for _ in range(editors.MAX_FAILURES + 1):
        app.text_input(key="editui_username").input("jianghui")
        app.text_input(key="editui_password").input("not it at all")
        app.button(key="editui_sign_in").click().run()
    assert "Too many failed sign-ins; try again in 15 minute(s)" in errors(app)
    app.text_input(key="editui_username").input("jianghui")
    app.text_input(key="editui_password").input("correct horse")
    app.button(key="editui_sign_in").click().run()
    assert "Too many failed sign-ins" in errors(app) and EDITOR_KEY not in app.session_state


def sign_in_form_is_open(app) -> bool:
    """The form (account, password, 登录) is on the page, not the single 编辑人员登录 button."""
    keys = button_keys(app)
    return "editui_sign_in" in keys and "editui_open_sign_in" not in keys


def cancel_sign_in(app) -> None:
    """Click the form's 取消."""
    app.button(key="editui_sign_in_cancel").click().run()


@pytest.mark.parametrize(("lang", "label"), [("zh", "取消"), ("en", "Cancel")])
def test_a_viewer_who_opened_the_sign_in_form_by_mistake_closes_it_and_nothing_typed_stays(lang, label):
    app = open_page("targets", lang)
    open_sign_in(app)
    assert sign_in_form_is_open(app)
    assert app.button(key="editui_sign_in_cancel").label == label
    app.text_input(key="editui_username").input("jianghui")
    app.text_input(key="editui_password").input("typed by mistake")
    cancel_sign_in(app)
    assert not app.exception and not app.error
    assert not sign_in_form_is_open(app) and "editui_open_sign_in" in button_keys(app)  # the single button again
    assert not app.text_input  # the form's fields are gone from the page
    assert "typed by mistake" not in [app.session_state[key] for key in app.session_state]  # nor kept in memory
    app.run()
    assert not sign_in_form_is_open(app)  # closed stays closed
    open_sign_in(app)
    assert sign_in_form_is_open(app)
    assert app.text_input(key="editui_username").value == "" and app.text_input(key="editui_password").value == ""

    fresh = open_page("progress", lang)  # a later visitor
    assert not sign_in_form_is_open(fresh) and "editui_open_sign_in" in button_keys(fresh)


def test_after_a_refused_sign_in_cancel_closes_the_form_and_its_message(editor):
    app = refused_sign_in()
    cancel_sign_in(app)
    assert not app.error and not sign_in_form_is_open(app)
    assert "jianghui" not in [app.session_state[key] for key in app.session_state]
    open_sign_in(app)  # reopened: empty, without the old message
    assert not app.error and app.text_input(key="editui_username").value == ""

    # Cancelling did not get in the way of signing in, out, and in again.
    for _ in range(2):
        app.text_input(key="editui_username").input("jianghui")
        app.text_input(key="editui_password").input("correct horse")
        app.button(key="editui_sign_in").click().run()
        assert [s.value for s in app.success] == ["已登录为编辑人员：江晖（jianghui）"]
        app.button(key="editui_sign_out_targets").click().run()
        assert EDITOR_KEY not in app.session_state and not sign_in_form_is_open(app)
        open_sign_in(app)


def test_when_a_sign_in_lapses_cancel_closes_the_form_that_opened_by_itself_and_the_table_stays(built, editor):
    app = as_editor("targets", editor)
    edit(app, edited_rows={0: {"target": 160}})
    editors.sign_out(editor)
    app.run()
    assert sign_in_form_is_open(app)  # opened by itself, under its message
    cancel_sign_in(app)
    assert not sign_in_form_is_open(app) and "editui_open_sign_in" in button_keys(app)
    assert "您已退出登录，请重新登录后再保存" in " ".join(w.value for w in app.warning)  # the reason stays
    assert "152家 → 160家" in tables_text(app)  # and so does the editor's work
    app.run()
    assert not sign_in_form_is_open(app)

    open_sign_in(app)
    app.text_input(key="editui_username").input("jianghui")
    app.text_input(key="editui_password").input("correct horse")
    app.button(key="editui_sign_in").click().run()
    app.button(key="editui_targets_save").click().run()
    assert ",160,=" in (built / "targets.csv").read_text(encoding="utf-8-sig")


def test_the_single_sign_on_button_shows_with_the_form_open_and_after_cancel(secrets_file, monkeypatch):
    import streamlit

    monkeypatch.setattr(editors, "is_oidc_configured", lambda path=None: True)
    monkeypatch.setattr(editors, "oidc_provider", lambda path=None: "default")
    monkeypatch.setattr(streamlit, "user", type("Nobody", (), {"is_logged_in": False})())
    app = open_page("targets")
    assert {"editui_open_sign_in", "editui_oidc"} <= button_keys(app)
    open_sign_in(app)
    assert "editui_oidc" in button_keys(app) and sign_in_form_is_open(app)
    cancel_sign_in(app)
    assert {"editui_open_sign_in", "editui_oidc"} <= button_keys(app) and not sign_in_form_is_open(app)

    # Signing in with single sign-on after a cancel: should that sign-in lapse, the form opens by itself again.
    editors.add_editor("jianghui", "correct horse", "江晖", email="jianghui@example.gov.cn")
    monkeypatch.setattr(streamlit, "user", FakeUser("jianghui@example.gov.cn"))
    app.run()
    assert [s.value for s in app.success] == ["已登录为编辑人员：江晖（jianghui）"]
    editors.sign_out(app.session_state[EDITOR_KEY])
    app.run()
    assert sign_in_form_is_open(app) and "您已退出登录" in " ".join(w.value for w in app.warning)


class FakeUser:
    """What st.user says after the bureau's single sign-on (Streamlit verified it server-side)."""

    is_logged_in = True

    def __init__(self, email: str):
        self.email = email

    def get(self, key: str, default=None):
        return {"email": self.email}.get(key, default)


def test_single_sign_on_makes_a_listed_email_an_editor_and_nobody_else(secrets_file, monkeypatch):
    import streamlit

    editors.add_editor("jianghui", "correct horse", "江晖", email="jianghui@example.gov.cn")
    monkeypatch.setattr(editors, "is_oidc_configured", lambda path=None: True)
    monkeypatch.setattr(editors, "oidc_provider", lambda path=None: "default")
    monkeypatch.setattr(streamlit, "user", FakeUser("JiangHui@example.gov.cn"))
    app = open_page("targets")
    assert [s.value for s in app.success] == ["已登录为编辑人员：江晖（jianghui）"]
    assert isinstance(app.session_state[EDITOR_KEY], editors.Editor)

    monkeypatch.setattr(streamlit, "user", FakeUser("someone@example.gov.cn"))
    app = open_page("targets")
    assert "someone@example.gov.cn 不在编辑人员名单中" in " ".join(i.value for i in app.info)
    assert EDITOR_KEY not in app.session_state and "editui_oidc" in button_keys(app)


# ---------- editing, saving, history ----------


def test_an_editor_edits_a_cell_and_saves_and_every_page_follows(built, editor):
    app = as_editor("targets", editor)
    assert not app.exception and not app.error
    edit(app, edited_rows={0: {"target": 160}})
    assert "保存前预览：新增0行，修改1行，删除0行" in all_text(app)
    assert "152家 → 160家" in tables_text(app)
    assert (built / "targets.csv").read_text(encoding="utf-8-sig").count(",152,") == 1  # not yet saved

    app.button(key="editui_targets_save").click().run()
    assert not app.exception
    assert any("已保存新版本" in s.value for s in app.success)
    assert ",160,=" in (built / "targets.csv").read_text(encoding="utf-8-sig")
    latest = updates.versions("targets")[0]
    assert (latest.editor, latest.account, latest.action) == ("江晖", "jianghui", "edit")
    history = app.dataframe[-1].value
    assert history.iloc[0]["编辑人"] == "江晖" and history.iloc[0]["变更"] == "新增0行，修改1行，删除0行"
    assert "160家" in set(app.dataframe[0].value["目标"])
    assert app.dataframe[0].value.iloc[0]["最后修改"].endswith("（江晖）")
    saved = f"{latest.saved_at_text[:16]}"
    assert f"黄石市：共3项目标；目标文件最后修改：{saved}" in [caption.value for caption in app.caption]
    assert "editui_targets_save" not in button_keys(app)  # a clean table on the new version

    overview = open_page("overview")
    assert "2021年计划目标160家，完成95.6%" in all_text(overview)


def test_an_editor_uploads_a_gbk_file_from_excel_and_saves(built, editor):
    app = as_editor("targets", editor)
    content = (FIXTURES / "targets" / "gbk_chinese_headers_crlf.csv").read_bytes()
    content.decode("gbk")  # really GBK, not UTF-8
    template = next(b for b in app.get("download_button") if b.proto.label == "下载填写模板（CSV）")
    assert template
    app.file_uploader(key="editui_targets_upload_0").upload("目标.csv", content, "text/csv").run()
    assert not app.exception
    assert "已读取 目标.csv（编码 GBK，4行数据）" in all_text(app)
    assert "保存前预览：新增1行，修改3行，删除0行" in all_text(app)
    assert "2,000万元" in tables_text(app)

    app.button(key="editui_targets_upload_save").click().run()
    assert not app.exception
    saved = (built / "targets.csv").read_text(encoding="utf-8-sig")
    assert "funding_city_level,huangshi,2021-01-01,2021-12-31,20000000" in saved
    latest = updates.versions("targets")[0]
    assert (latest.editor, latest.action, latest.detail) == ("江晖", "import", "目标.csv")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            "第3行 A列（指标编号）：未知指标“diagnosis_enterprise”，"
            "是否是“diagnosis_enterprises”（完成智能化诊断的规上企业）？",
        ),
        ("en", "diagnosis_enterprise"),
    ],
)
def test_a_bad_file_shows_each_cell_and_changes_nothing(built, editor, lang, expected):
    before = (built / "targets.csv").read_bytes()
    app = as_editor("targets", editor, lang)
    content = (FIXTURES / "targets" / "many_problems.csv").read_bytes()
    app.file_uploader(key="editui_targets_upload_0").upload("bad.csv", content, "text/csv").run()
    assert not app.exception
    assert ("发现6个问题" if lang == "zh" else "6 problem(s) found") in errors(app)
    listing = app.table[0].value
    # cells of a static table are markdown: the problems quote the file's cells, escaped to show as text
    assert expected in re.sub(r"\\(.)", r"\1", " ".join(listing.iloc[:, 2]))
    assert listing.iloc[:, 0].tolist() == ["3", "4", "5", "5", "6", "7"]  # the file's line numbers
    if lang == "en":
        assert "Unknown" in " ".join(listing.iloc[:, 2]) or "unknown" in " ".join(listing.iloc[:, 2])
    assert "editui_targets_upload_save" not in button_keys(app)
    assert (built / "targets.csv").read_bytes() == before
    assert updates.versions("targets") == []


@pytest.mark.parametrize(
    ("change", "row", "column", "words"),
    [
        ({1: {"period_end": "2020-12-31"}}, "2", "结束日期", "早于"),
        # A plan's targets entered before the plan's row in sources.csv would cite the bare id in every footer.
        (
            {0: {"source": "plan_2024_2026"}},
            "1",
            "来源",
            "来源“plan_2024_2026”是文件编号的写法，但 sources.csv 中没有这份文件；请先在 sources.csv 登记该文件",
        ),
    ],
)
def test_a_bad_cell_in_the_table_is_named_by_row_and_column(built, editor, change, row, column, words):
    before = (built / "targets.csv").read_bytes()
    app = as_editor("targets", editor)
    edit(app, edited_rows=change)
    assert "发现1个问题" in errors(app)
    listing = app.table[0].value
    assert listing.iloc[0]["行"] == row and listing.iloc[0]["列"] == column
    problem = listing.iloc[0]["问题"].replace("\\_", "_")  # the table's cells are markdown, "_" escaped
    assert problem.startswith(f"第{row}行（{column}）：") and words in problem
    assert "editui_targets_save" not in button_keys(app)
    assert (built / "targets.csv").read_bytes() == before


def test_a_source_in_words_is_kept_as_written(editor):
    app = as_editor("targets", editor)
    edit(app, edited_rows={0: {"source": "2024年上半年调度会"}})
    assert not app.error and "editui_targets_save" in button_keys(app)


def test_an_editor_rolls_back_to_an_earlier_version_recorded_as_a_new_history_line(built, editor):
    original = (built / "targets.csv").read_bytes()
    app = as_editor("targets", editor)
    edit(app, edited_rows={0: {"target": 160}})
    app.button(key="editui_targets_save").click().run()
    first = updates.versions("targets")[-1]  # the file as it was before the dashboard's first save
    assert first.action == "baseline"

    app.selectbox(key="editui_targets_version").select(first.snapshot).run()
    app.button(key="editui_targets_rollback").click().run()
    assert (built / "targets.csv").read_bytes() != original  # nothing happens before confirming
    assert any("确定恢复到" in w.value for w in app.warning)
    app.button(key="editui_targets_rollback_yes").click().run()
    assert not app.exception
    assert (built / "targets.csv").read_bytes() == original
    latest = updates.versions("targets")[0]
    assert (latest.action, latest.editor, latest.detail) == ("rollback", "江晖", first.version)
    assert len(updates.versions("targets")) == 3  # nothing deleted
    assert "152家" in set(app.dataframe[0].value["目标"])
    # Versions are named by content: the live version is the restored one again, named once, not as "new".
    assert latest.version == first.version
    said = [s.value for s in app.success if "已恢复版本" in s.value]
    assert said == [f"已恢复版本 {first.version}：它重新成为当前版本，看板各页已按此版本显示。"], said


def ask_to_restore_then_another_saves(built, editor):
    """Editor A saves 160, then asks to restore the version before it; 江晖 then saves an edit of his own.
    Returns A's session and the bytes 江晖 saved."""
    first = as_editor("targets", editor)
    edit(first, edited_rows={0: {"target": 160}})
    first.button(key="editui_targets_save").click().run()
    baseline = updates.versions("targets")[-1]
    first.selectbox(key="editui_targets_version").select(baseline.snapshot).run()
    first.button(key="editui_targets_rollback").click().run()
    assert "确定恢复到" in " ".join(w.value for w in first.warning)
    second = as_editor("targets", editors.authenticate("jianghui", "correct horse"))
    edit(second, edited_rows={2: {"target": 120}})
    second.button(key="editui_targets_save").click().run()
    return first, (built / "targets.csv").read_bytes()


def test_a_restore_confirmed_after_another_save_is_refused_with_who_saved(built, editor):
    """A restore asked for, another editor's save, then 确认恢复: nothing restored, and the editor is told
    where the question was, in words that fit a restore (not the table's reload-and-reapply)."""
    first, saved_by_second = ask_to_restore_then_another_saves(built, editor)

    first.button(key="editui_targets_rollback_yes").click().run()
    assert not first.exception
    assert (built / "targets.csv").read_bytes() == saved_by_second
    assert updates.versions("targets")[0].action == "edit"
    assert "未恢复：您要求恢复旧版本后，江晖已于" in errors(first)
    assert not [s.value for s in first.success if "已恢复版本" in s.value]
    assert "您打开此表后" not in all_text(first)  # that notice is for table edits, and A had none
    assert not [b for b in first.button if b.key in ("editui_targets_reapply", "editui_targets_rollback_yes")]
    editor_table = next(frame.value for frame in first.dataframe if "metric_id" in frame.value.columns)
    assert editor_table["target"].tolist() == [160.0, 500.0, 120.0]  # the table A now sees is 江晖's version

    first.run()
    assert not first.error  # said once


def test_a_restore_overtaken_by_another_save_is_not_asked_again(built, editor):
    """After the other save, A's next run (any click) replaces the question by why it is gone: its answer
    would be refused. Asking again then restores, from the new version."""
    first, saved_by_second = ask_to_restore_then_another_saves(built, editor)

    first.run()
    assert "未恢复：您要求恢复旧版本后，江晖已于" in errors(first)
    assert not [b for b in first.button if b.key == "editui_targets_rollback_yes"]
    assert (built / "targets.csv").read_bytes() == saved_by_second
    editor_table = next(frame.value for frame in first.dataframe if "metric_id" in frame.value.columns)
    assert editor_table["target"].tolist() == [160.0, 500.0, 120.0]

    first.button(key="editui_targets_rollback").click().run()
    first.button(key="editui_targets_rollback_yes").click().run()
    assert not first.exception and not first.error
    assert updates.versions("targets")[0].action == "rollback"
    editor_table = next(frame.value for frame in first.dataframe if "metric_id" in frame.value.columns)
    assert editor_table["target"].tolist() == [152.0, 500.0, 100.0]


def test_choosing_another_version_drops_the_restore_question(built, editor):
    """The question belongs to the version it was asked of: choose another, and coming back does not
    bring it back (nor does it hold the page on an old version meanwhile)."""
    app = as_editor("targets", editor)
    edit(app, edited_rows={0: {"target": 160}})
    app.button(key="editui_targets_save").click().run()
    baseline, saved = updates.versions("targets")[-1], updates.versions("targets")[0]
    app.selectbox(key="editui_targets_version").select(baseline.snapshot).run()
    app.button(key="editui_targets_rollback").click().run()
    assert [b for b in app.button if b.key == "editui_targets_rollback_yes"]
    app.selectbox(key="editui_targets_version").select(saved.snapshot).run()
    app.selectbox(key="editui_targets_version").select(baseline.snapshot).run()
    assert not [b for b in app.button if b.key == "editui_targets_rollback_yes"]
    assert "确定恢复到" not in all_text(app)


def test_two_saves_from_the_same_version_the_second_is_refused_then_reapplied(built, editor):
    first = as_editor("targets", editor)
    second = as_editor("targets", editors.authenticate("jianghui", "correct horse"))
    edit(first, edited_rows={0: {"target": 160}})
    edit(second, edited_rows={0: {"target": 170}, 2: {"target": 120}})
    first.button(key="editui_targets_save").click().run()
    saved_by_first = (built / "targets.csv").read_bytes()

    second.button(key="editui_targets_save").click().run()
    assert not second.exception
    assert "未保存：您打开此表后，江晖已于" in errors(second)
    assert (built / "targets.csv").read_bytes() == saved_by_first  # the first save is kept
    assert ",160,=" in saved_by_first.decode("utf-8-sig")

    second.button(key="editui_targets_reapply").click().run()
    assert not second.exception
    warnings = " ".join(w.value for w in second.warning)
    assert "以下1个单元格对方也修改过" in warnings
    conflicts = next(frame.value for frame in second.dataframe if "对方的值" in frame.value.columns)
    assert conflicts.iloc[0][["原值", "对方的值", "您的值"]].tolist() == ["152家", "160家", "170家"]
    assert "160家 → 170家" in tables_text(second) and "100个 → 120个" in tables_text(second)
    second.button(key="editui_targets_save").click().run()
    saved = (built / "targets.csv").read_text(encoding="utf-8-sig")
    assert ",170,=" in saved and ",120,=" in saved


def save_elsewhere(editor, target: float) -> None:
    """Someone else's save of the first target, through the same backend."""
    from metrics import editing

    frame = editing.editable_frame("targets").assign(target=[target, 500.0, 100.0])
    assert updates.apply_table("targets", frame, editor, base_version=updates.live_version("targets")).ok


def test_with_nothing_pending_the_page_simply_opens_the_newer_version(built, editor):
    app = as_editor("targets", editor)
    save_elsewhere(editor, 160.0)
    app.run()
    assert not app.error and "对方" not in all_text(app)
    editor_table = next(frame.value for frame in app.dataframe if "metric_id" in frame.value.columns)
    assert editor_table["target"].tolist() == [160.0, 500.0, 100.0]


def test_with_edits_pending_the_page_says_a_newer_version_exists_before_saving(built, editor):
    app = as_editor("targets", editor)
    edit(app, edited_rows={2: {"target": 120}})
    save_elsewhere(editor, 160.0)
    app.run()
    assert "您打开此表后，江晖已于" in " ".join(w.value for w in app.warning)
    app.button(key="editui_targets_reapply").click().run()
    assert "已载入最新版本" in all_text(app) and "对方也修改过" not in all_text(app)
    assert "100个 → 120个" in tables_text(app) and "152家 → 160家" not in tables_text(app)
    app.button(key="editui_targets_save").click().run()
    saved = (built / "targets.csv").read_text(encoding="utf-8-sig")
    assert ",160,=" in saved and ",120,=" in saved


def test_the_editing_page_in_english(editor):
    app = as_editor("targets", editor, "en")
    assert [s.value for s in app.success] == ["Signed in as editor: 江晖 (jianghui)"]
    assert [tab.label for tab in app.tabs] == ["Edit in the table", "Upload a file"]
    edit(app, edited_rows={0: {"target": 160}})
    assert "Preview before saving: 0 added, 1 changed, 0 removed" in all_text(app)
    preview = next(frame.value for frame in app.dataframe if "Change" in frame.value.columns)
    assert list(preview.columns) == ["Change", "Metric", "Region", "Start", "End", "Target"]
    assert preview.iloc[0]["Target"] == "152 → 160"


def test_an_upload_refused_as_stale_is_reapplied_into_the_table(built, editor):
    first = as_editor("targets", editor)
    second = as_editor("targets", editors.authenticate("jianghui", "correct horse"))
    edit(first, edited_rows={2: {"target": 120}})
    first.button(key="editui_targets_save").click().run()
    content = (FIXTURES / "targets" / "gbk_chinese_headers_crlf.csv").read_bytes()
    second.file_uploader(key="editui_targets_upload_0").upload("目标.csv", content, "text/csv").run()
    second.button(key="editui_targets_upload_save").click().run()
    assert "未保存：" in errors(second)
    assert "funding_city_level" not in (built / "targets.csv").read_text(encoding="utf-8-sig")

    second.button(key="editui_targets_reapply").click().run()
    assert "已载入最新版本" in all_text(second) and "对方也修改过" not in all_text(second)  # different cells
    second.button(key="editui_targets_save").click().run()
    saved = (built / "targets.csv").read_text(encoding="utf-8-sig")
    assert "funding_city_level,huangshi,2021-01-01,2021-12-31,20000000" in saved  # the upload's new row
    assert "retrofit_projects_completed,huangshi,2021-01-01,2021-12-31,120," in saved  # the other save's value


# ---------- nobody else can write ----------


@pytest.mark.parametrize(
    "forged",
    [
        "江晖",
        {"username": "jianghui", "display_name": "江晖"},
        editors.Editor("jianghui", "江晖", "e30.AAAA", dt.datetime(2100, 1, 1, tzinfo=dt.UTC)),
    ],
    ids=["name", "dict", "forged-editor"],
)
def test_a_viewer_who_sets_session_state_cannot_save(built, editor, forged):
    before = (built / "targets.csv").read_bytes()
    app = open_page("targets", session={EDITOR_KEY: forged})
    edit(app, edited_rows={0: {"target": 999}})
    assert not app.exception
    assert EDITOR_KEY not in app.session_state  # not a sign-in: dropped
    assert "editui_targets_save" not in button_keys(app) and not app.file_uploader
    assert (built / "targets.csv").read_bytes() == before and updates.versions("targets") == []


def test_a_forged_editor_swapped_in_after_the_save_button_showed_cannot_save(built, editor):
    before = (built / "targets.csv").read_bytes()
    app = as_editor("targets", editor)
    edit(app, edited_rows={0: {"target": 999}})
    assert "editui_targets_save" in button_keys(app)
    app.session_state[EDITOR_KEY] = dataclasses.replace(editor, token=editor.token[:-4] + "AAAA")
    app.button(key="editui_targets_save").click().run()
    assert not app.exception
    assert (built / "targets.csv").read_bytes() == before and updates.versions("targets") == []


def test_an_account_removed_meanwhile_cannot_save_and_keeps_its_table(built, editor):
    before = (built / "targets.csv").read_bytes()
    app = as_editor("targets", editor)
    edit(app, edited_rows={0: {"target": 999}})
    editors.remove_editor("jianghui")
    app.run()
    assert "您的编辑账号已被删除或密码已更改" in " ".join(w.value for w in app.warning)
    assert "999家" in tables_text(app)  # the editor's work is still on screen
    app.button(key="editui_targets_save").click().run()
    assert "您的编辑账号已被删除或密码已更改" in errors(app)
    assert (built / "targets.csv").read_bytes() == before and updates.versions("targets") == []


def test_after_a_sign_in_lapses_the_editor_signs_in_again_and_saves_the_same_table(built, editor):
    app = as_editor("targets", editor)
    edit(app, edited_rows={0: {"target": 160}})
    editors.sign_out(editor)  # e.g. signed out from the sidebar of another tab of the same session
    app.run()
    assert "您已退出登录，请重新登录后再保存" in " ".join(w.value for w in app.warning)
    app.button(key="editui_targets_save").click().run()
    assert "您已退出登录" in errors(app) and updates.versions("targets") == []

    app.text_input(key="editui_username").input("jianghui")
    app.text_input(key="editui_password").input("correct horse")
    app.button(key="editui_sign_in").click().run()
    assert "152家 → 160家" in tables_text(app)  # the edit survived signing in again
    app.button(key="editui_targets_save").click().run()
    assert ",160,=" in (built / "targets.csv").read_text(encoding="utf-8-sig")


# ---------- progress records ----------


def test_an_editor_records_progress_and_the_overview_shows_the_latest_record(built, editor):
    app = as_editor("progress", editor)
    assert not app.exception and "黄石市尚无进展记录。" in [i.value for i in app.info]
    record = {
        "metric_id": "diagnosis_enterprises",
        "region_id": "huangshi",
        "as_of": "2021-09-30",
        "value": 260,
        "qualifier": "=",
        "source": "2021年第三季度调度会",
        "note": "",
    }
    edit(app, "progress", added_rows=[record])
    assert "保存前预览：新增1行，修改0行，删除0行" in all_text(app)
    app.button(key="editui_progress_save").click().run()
    assert not app.exception
    saved = (built / "progress.csv").read_text(encoding="utf-8-sig")
    assert "diagnosis_enterprises,huangshi,2021-09-30,260,=,2021年第三季度调度会," in saved
    records = app.dataframe[0].value
    assert records.iloc[0][["数值", "来源"]].tolist() == ["260家", "2021年第三季度调度会"]
    # The value and its date beside the metric: what a phone's grid shows before its own scroll.
    assert list(records.columns[:3]) == ["指标", "数值", "截至"]

    overview = open_page("overview")
    assert metric_values(overview)["完成智能化诊断的规上企业"] == "260家"
    assert "截至2021年9月30日，全市已完成260家规上企业智能化诊断" in all_text(overview)


def test_a_record_far_from_the_figure_before_it_is_noted_before_saving_and_still_saved(built, editor):
    """2500 typed for the city's funding, meaning 2,500万元: the value column is in yuan, so it reads as
    ¥2,500 against the reply's 超过2,000万元. The preview says so, with what to check; the save goes
    ahead (it may be news). A figure near the one before it gets no note."""
    app = as_editor("progress", editor)
    funding = {
        "metric_id": "funding_city_level",
        "region_id": "huangshi",
        "as_of": "2021-12-31",
        "value": 2500,
        "qualifier": "=",
        "source": "2021年第四季度调度会",
        "note": "",
    }
    diagnosis = {**funding, "metric_id": "diagnosis_enterprises", "value": 260}
    edit(app, "progress", added_rows=[funding, diagnosis])
    notes = " ".join(info.value for info in app.info)
    assert (
        "市本级智能化改造资金（拟安排）（黄石市，2021年12月31日）：2,500元与此前的≥2,000万元（2021年7月13日）"
        "相差约8,000倍，请核对数值和单位" in notes
    )
    assert "完成智能化诊断的规上企业" not in notes  # 260 against 153: no note
    app.button(key="editui_progress_save").click().run()
    assert not app.exception
    assert "funding_city_level,huangshi,2021-12-31,2500,=" in (built / "progress.csv").read_text(encoding="utf-8-sig")


def test_records_and_sources_list_the_selected_region_only_newest_first(built):
    (built / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "diagnosis_enterprises,huangshi,2021-09-30,260,=,2021年第三季度调度会,\n"
        "diagnosis_enterprises,huangshi,2021-12-31,330,=,2021年第四季度调度会,\n"
        "diagnosis_enterprises,daye,2021-12-31,41,=,大冶市报送,\n",
        encoding="utf-8",
    )
    city = open_page("progress")
    records = city.dataframe[0].value
    assert records["数值"].tolist() == ["330家", "260家"]  # the city's own, newest first; not 大冶市's
    assert "黄石市：共2条记录，最新的在前" in all_text(city)

    county = open_page("progress", region="daye")
    assert county.dataframe[0].value["数值"].tolist() == ["41家"]

    sources = open_page("sources", region="daye")
    assert sources.dataframe[0].value["数值"].tolist() == ["41家"]
    assert "大冶市：显示1条，共1条" in all_text(sources)
    assert open_page("sources").dataframe[0].value.shape[0] == 38 + 2


def test_a_progress_file_from_wps_is_checked_and_saved(built, editor):
    app = as_editor("progress", editor, "en")
    content = (FIXTURES / "progress" / "gbk_chinese_headers_crlf.csv").read_bytes()
    app.file_uploader(key="editui_progress_upload_0").upload("jindu.csv", content, "text/csv").run()
    assert "Preview before saving: 4 added, 0 changed, 0 removed" in all_text(app)
    app.button(key="editui_progress_upload_save").click().run()
    assert not app.exception
    assert "diagnosis_enterprises,huangshi,2021-12-31,160" in (built / "progress.csv").read_text(encoding="utf-8-sig")
    assert updates.versions("progress")[0].editor == "江晖"


# ---------- files edited outside the app ----------


@pytest.mark.parametrize("page", ["targets", "progress"])
def test_a_broken_file_on_the_server_shows_the_banner_and_pauses_table_editing(built, editor, page):
    path = built / "targets.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace(",152,", ",一百五十二左右吧,"), encoding="utf-8")
    app = as_editor(page, editor)
    assert not app.exception
    assert "数据文件有错误，看板仍显示上一版有效数据" in errors(app)
    if page == "targets":
        assert set(app.dataframe[0].value["目标"]) == {"152家", "500家以上", "100个"}  # the last good data
        assert "在线编辑已暂停" in " ".join(w.value for w in app.warning)
        assert app.file_uploader  # a corrected file can still be uploaded
        assert not app.tabs
    else:
        assert app.tabs  # progress.csv itself is fine: its editing goes on


def test_a_secrets_file_broken_by_hand_stops_sign_ins_and_saves_with_its_line_but_no_viewer_page(built, editor):
    """An administrator's hand edit leaves secrets.toml unreadable: every viewer's page still opens, a
    sign-in and a save are refused naming the file's line and column, the editor's table stays, and once
    the file is mended the editor signs in and saves."""
    path = editors.secrets_path()
    app = as_editor("targets", editor)
    edit(app, edited_rows={0: {"target": 160}})
    mended = path.read_text(encoding="utf-8")
    path.write_text(mended.replace("[editors.jianghui]", "[editors.jianghui", 1), encoding="utf-8")
    line = mended.splitlines().index("[editors.jianghui]") + 1
    where = f"编辑账号文件 secrets.toml 第{line}行第18列有误"

    for page, lang in [("overview", "zh"), ("retrofit", "en"), ("progress", "zh")]:
        viewer = open_page(page, lang)
        assert not viewer.exception and viewer.title, page
    app.run()
    assert not app.exception
    warning = " ".join(w.value for w in app.warning)
    assert where in warning and "暂时无法登录或保存" in warning
    assert "152家 → 160家" in tables_text(app)  # the editor's work stays
    app.button(key="editui_targets_save").click().run()  # a save checks the account again: refused
    assert not app.exception and ",160," not in (built / "targets.csv").read_text(encoding="utf-8-sig")

    app.text_input(key="editui_username").input("jianghui")
    app.text_input(key="editui_password").input("correct horse")
    app.button(key="editui_sign_in").click().run()
    assert not app.exception and where in errors(app)
    assert ",160," not in (built / "targets.csv").read_text(encoding="utf-8-sig")

    path.write_text(mended, encoding="utf-8")
    app.text_input(key="editui_username").input("jianghui")
    app.text_input(key="editui_password").input("correct horse")
    app.button(key="editui_sign_in").click().run()
    app.button(key="editui_targets_save").click().run()
    assert ",160,=" in (built / "targets.csv").read_text(encoding="utf-8-sig")


def test_a_whole_file_in_the_wrong_unit_is_noted_ten_rows_then_counted(built):
    """Twelve county funding rows typed in 万元 as bare numbers: ten notes name their rows, one counts the
    rest; a row with no figure before it, or near it, gets none."""
    import pandas as pd

    from metrics import editing
    from metrics.reader import Reader
    from metrics.registry import Registry

    months = pd.date_range("2022-01-31", periods=12, freq="ME")
    changes = pd.DataFrame(
        {
            "change": "added",
            "metric_id": "funding_city_level",
            "region_id": "huangshi",
            "as_of": months,
            "new_value": 3000.0,
            "new_qualifier": "=",
        }
    )
    near = {"change": "changed", "metric_id": "diagnosis_enterprises", "region_id": "huangshi"}
    changes = pd.concat(
        [
            changes,
            pd.DataFrame([{**near, "as_of": pd.Timestamp("2021-12-31"), "new_value": 200.0, "new_qualifier": "="}]),
        ]
    )
    figures = Reader().fetch("figures_for_region", region_id="huangshi")
    notes = editing.magnitude_notes(changes, figures, Registry.load(), "en")
    assert len(notes) == 11 and notes[-1] == (
        "2 more rows differ from the figure before them by a factor of 10 or more; check them too"
    )
    assert notes[0].startswith("City-level retrofit funding (planned) — Huangshi, 31 January 2022: ¥3,000 differs")
    assert not any("Enterprises diagnosed" in note for note in notes)
