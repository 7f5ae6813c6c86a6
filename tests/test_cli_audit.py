"""The command line's import: deletions need --confirm-delete N, changes are printed in words in both
languages, and an import whose base changed meanwhile is refused like a stale browser save."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics import editing, store, updates
from metrics.__main__ import main

pytestmark = pytest.mark.usefixtures("built")


def write_targets(path: Path, frame) -> Path:
    path.write_bytes(updates.KINDS["targets"].to_bytes(frame))
    return path


def only_first_row(tmp_path: Path) -> Path:
    """A file with only one of the three live rows, its target changed: 1 changed, 2 deleted."""
    frame = editing.editable_frame("targets").iloc[[0]].assign(target=[160.0])
    return write_targets(tmp_path / "只有一行.csv", frame)


def test_an_import_that_deletes_rows_needs_their_number(built, tmp_path, capsys):
    before = (built / "targets.csv").read_bytes()
    path = only_first_row(tmp_path)
    assert main(["targets", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "此文件将删除2行" in err and "--confirm-delete 2" in err and "deletes 2 row(s)" in err
    assert (built / "targets.csv").read_bytes() == before and store.versions("targets") == []

    assert main(["targets", "import", str(path), "--confirm-delete", "3"]) == 1
    err = capsys.readouterr().err
    assert "--confirm-delete 3 与此文件将删除的行数2不符" in err and "use --confirm-delete 2" in err
    assert (built / "targets.csv").read_bytes() == before

    assert main(["targets", "check", str(path)]) == 0
    assert "导入时须加上 --confirm-delete 2" in capsys.readouterr().out

    assert main(["targets", "import", str(path), "--confirm-delete", "2"]) == 0
    assert len(editing.editable_frame("targets")) == 1
    assert store.versions("targets")[0].removed == 2


def test_changes_are_printed_in_words_in_both_languages(built, tmp_path, capsys):
    frame = editing.editable_frame("targets").assign(target=[160.0, 500.0, 100.0])
    assert main(["targets", "import", str(write_targets(tmp_path / "t.csv", frame))]) == 0
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if line.startswith("  ")]
    assert line == (
        "  修改 指标：完成智能化诊断的规上企业；地区：黄石市；开始日期：2021-01-01；结束日期：2021-12-31；"
        "目标值：152家 → 160家"
        " | Changed Metric: Enterprises diagnosed; Region: Huangshi; Start: 2021-01-01; End: 2021-12-31; "
        "Target: 152 → 160"
    )
    assert "metric_id=" not in out and "old_target" not in out


def test_an_import_racing_another_is_refused_and_the_other_kept(built, tmp_path, capsys, monkeypatch):
    """Two imports read the same version; the one that saves second must not overwrite the first."""
    mine = write_targets(tmp_path / "mine.csv", editing.editable_frame("targets").assign(target=[170.0, 500.0, 100.0]))
    theirs = write_targets(
        tmp_path / "theirs.csv", editing.editable_frame("targets").assign(target=[152.0, 500.0, 120.0])
    )
    original_check = updates.check

    def check_then_the_other_import_saves(kind, data, registry=None):
        result = original_check(kind, data, registry)  # mine is read and compared with the live version...
        monkeypatch.setattr(updates, "check", original_check)
        assert main(["targets", "import", str(theirs), "--editor", "王芳"]) == 0  # ...then theirs is saved
        return result

    monkeypatch.setattr(updates, "check", check_then_the_other_import_saves)
    assert main(["targets", "import", str(mine), "--editor", "江晖"]) == 1
    captured = capsys.readouterr()
    assert "未导入：读取" in captured.err and "王芳已于" in captured.err and "run the command again" in captured.err
    assert captured.out.count("已保存为新版本") == 1  # only theirs says Saved
    assert (built / "targets.csv").read_bytes() == theirs.read_bytes()
    assert [v.editor for v in store.versions("targets")] == ["王芳", ""]


def test_a_browser_save_that_deletes_rows_needs_their_number_too(built, editor):
    before = (built / "targets.csv").read_bytes()
    frame = editing.editable_frame("targets").iloc[[0]]
    base = updates.live_version("targets")
    with pytest.raises(updates.DeletionNotConfirmed) as refused:
        updates.apply_table("targets", frame, editor, base_version=base)
    assert refused.value.count == 2 and "须先确认删除2行" in refused.value.message("zh")
    with pytest.raises(updates.DeletionNotConfirmed):
        updates.apply_table("targets", frame, editor, base_version=base, confirm_removed=1)
    assert (built / "targets.csv").read_bytes() == before
    assert updates.apply_table("targets", frame, editor, base_version=base, confirm_removed=2).saved.changed


def test_a_progress_check_notes_a_figure_far_from_the_one_before_it(built, tmp_path, capsys):
    """2500 in the value column is ¥2,500, against the reply's ≥2,000万元: `check` says so before any import
    (in both languages), and still exits 0; 160 diagnosed after 153 gets no note."""
    path = tmp_path / "jindu.csv"
    path.write_text(
        "指标,地区,截至日期,数值,来源\n"
        "funding_city_level,黄石市,2021/12/31,2500,市财政\n"
        "diagnosis_enterprises,黄石市,2021/12/31,160,调度会\n",
        encoding="utf-8",
    )
    assert main(["progress", "check", str(path)]) == 0
    err = capsys.readouterr().err
    assert "提示 note: 市本级智能化改造资金（拟安排）（黄石市，2021年12月31日）：2,500元与此前的≥2,000万元" in err
    assert "by a factor of about 8,000" in err and "完成智能化诊断" not in err
