"""When each row last changed, derived from consecutive versions in the history."""

from __future__ import annotations

import datetime as dt

from metrics import editing, row_history, updates


def save(editor, change) -> None:
    """Save the live targets as `change` returns them."""
    frame = change(editing.editable_frame("targets"))
    deletes = updates.check_table("targets", frame).counts["removed"]  # confirmed, as every deletion must be
    result = updates.apply_table(
        "targets", frame, editor, base_version=updates.live_version("targets"), confirm_removed=deletes
    )
    assert result.ok and result.saved.changed


def test_no_history_means_no_known_changes(built):
    assert row_history.last_changes("targets").empty


def test_each_row_carries_its_latest_change_and_removed_rows_are_dropped(built, editor):
    save(editor, lambda frame: frame.assign(target=[160.0, 500.0, 100.0]))
    save(editor, lambda frame: frame.assign(note=["", frame["note"][1], "按2021年度计划"]))
    save(editor, lambda frame: frame.drop(index=0))
    changes = row_history.last_changes("targets")
    versions = updates.versions("targets")  # newest first: remove, note, target, baseline
    assert [v.action for v in versions] == ["edit", "edit", "edit", "baseline"]
    assert changes["period_end"].tolist() == [dt.date(2021, 12, 31)]  # the 2021 retrofit row; the others:
    # the 500 row never changed after the baseline, the 160 row was removed.
    assert changes.iloc[0][["metric_id", "editor", "saved_at"]].tolist() == [
        "retrofit_projects_completed",
        "江晖",
        versions[1].saved_at_text,
    ]


def test_a_rollback_counts_as_a_change_of_the_rows_it_restores(built, editor):
    save(editor, lambda frame: frame.assign(target=[160.0, 500.0, 100.0]))
    baseline = updates.versions("targets")[-1]
    updates.rollback("targets", baseline.snapshot, editor, base_version=updates.live_version("targets"))
    changes = row_history.last_changes("targets")
    assert changes["metric_id"].tolist() == ["diagnosis_enterprises"]
    assert changes.iloc[0]["saved_at"] == updates.versions("targets")[0].saved_at_text
