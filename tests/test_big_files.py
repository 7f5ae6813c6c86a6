"""A file with more rows than a preview draws previews and saves in the browser; one with more problems than
are listed draws their summary.

Streamlit refuses to style more than 262,144 cells, and a page listing 100,000 problems never finished
drawing: previews and problem lists show the first rows, with counts of everything. This checks that
behaviour at a modest size; `make bench` (benchmarks/uploads.py) runs the same uploads at 100,000 rows."""

from __future__ import annotations

import pytest

from benchmarks.uploads import many_problems, many_records
from metrics import updates
from metrics.registry import Registry
from tests.apptest_support import all_text, open_page
from ui.editing import EDITOR_KEY, PREVIEW_ROWS, PROBLEMS_LISTED

pytestmark = pytest.mark.usefixtures("built")
ROWS = 4 * PREVIEW_ROWS  # past what a preview draws and a problem list lists, so both are cut and counted
SLOW = 120  # seconds for one run of the page on a busy machine


def test_a_file_of_more_rows_than_a_preview_draws_previews_and_saves(built, editor):
    app = open_page("progress", session={EDITOR_KEY: editor})
    uploader = app.file_uploader(key="editui_progress_upload_0")
    uploader.upload("两千行.csv", many_records(ROWS, Registry.load()), "text/csv").run(timeout=SLOW)
    assert not app.exception and not app.error
    text = all_text(app)
    assert f"保存前预览：新增{ROWS}行，修改0行，删除0行" in text
    assert f"下表列出前{PREVIEW_ROWS}行变更（共{ROWS}行" in text
    preview = next(frame.value for frame in app.dataframe if "变更" in frame.value.columns)
    assert len(preview) == PREVIEW_ROWS

    app.button(key="editui_progress_upload_save").click().run(timeout=SLOW)
    assert not app.exception and not app.error
    assert updates.versions("progress")[0].added == ROWS
    assert (built / "progress.csv").read_text(encoding="utf-8-sig").count("\n") == ROWS + 1


def test_a_file_with_more_problems_than_listed_shows_their_kinds_and_the_first_of_them(built, editor):
    before = (built / "progress.csv").read_bytes()
    app = open_page("progress", "en", session={EDITOR_KEY: editor})
    uploader = app.file_uploader(key="editui_progress_upload_0")
    uploader.upload("bad.csv", many_problems(ROWS), "text/csv").run(timeout=SLOW)
    assert not app.exception
    assert f"{ROWS} problem(s) found" in " ".join(e.value for e in app.error)
    kinds, listing = app.table[0].value, app.table[1].value
    assert kinds.iloc[0].tolist()[1] == str(ROWS)  # one kind, counted whole
    assert "line 2" in kinds.iloc[0].tolist()[0]  # with its first occurrence as the example
    assert len(listing) == PROBLEMS_LISTED
    assert f"first {PROBLEMS_LISTED} of {ROWS} problems" in all_text(app)
    assert (built / "progress.csv").read_bytes() == before
