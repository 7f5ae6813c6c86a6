"""A file of 100,000 rows previews and saves in the browser; one with 100,000 problems draws its summary.

Streamlit refuses to style more than 262,144 cells, and a page listing 100,000 problems never finished
drawing: previews and problem lists show the first rows, with counts of everything."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics import updates
from metrics.registry import Registry
from tests.apptest_support import all_text, open_page
from ui.editing import EDITOR_KEY, PREVIEW_ROWS, PROBLEMS_LISTED

pytestmark = pytest.mark.usefixtures("built")
ROWS = 100_000
SLOW = 600  # seconds for one run of the page: the importer reads 100,000 rows (seconds on a busy machine)


def many_records(count: int) -> bytes:
    """`count` valid progress records: every metric and region, one day after another from 2021-07-14."""
    registry = Registry.load()
    lines = ["metric_id,region_id,as_of,value"]
    day = 0
    while len(lines) <= count:
        as_of = (dt.date(2021, 7, 14) + dt.timedelta(days=day)).isoformat()
        lines += [f"{m},{r},{as_of},{1 + day % 50}" for m in registry.metric_ids for r in registry.region_ids]
        day += 1
    return ("\n".join(lines[: count + 1]) + "\n").encode()


def test_a_file_of_100000_rows_previews_and_saves(built, editor):
    app = open_page("progress", session={EDITOR_KEY: editor})
    uploader = app.file_uploader(key="editui_progress_upload_0")
    uploader.upload("十万行.csv", many_records(ROWS), "text/csv").run(timeout=SLOW)
    assert not app.exception and not app.error
    text = all_text(app)
    assert f"保存前预览：新增{ROWS}行，修改0行，删除0行" in text
    assert f"下表列出前 {PREVIEW_ROWS} 行变更（共 {ROWS} 行" in text
    preview = next(frame.value for frame in app.dataframe if "变更" in frame.value.columns)
    assert len(preview) == PREVIEW_ROWS

    app.button(key="editui_progress_upload_save").click().run(timeout=SLOW)
    assert not app.exception and not app.error
    assert updates.versions("progress")[0].added == ROWS
    assert (built / "progress.csv").read_text(encoding="utf-8-sig").count("\n") == ROWS + 1


def test_a_file_with_100000_problems_shows_their_kinds_and_the_first_of_them(built, editor):
    before = (built / "progress.csv").read_bytes()
    lines = ["metric_id,region_id,as_of,value"]
    lines += ["diagnosis_enterprises,huangshi,2021-08-01,x"] * ROWS  # under the 5 MB upload limit
    app = open_page("progress", "en", session={EDITOR_KEY: editor})
    uploader = app.file_uploader(key="editui_progress_upload_0")
    uploader.upload("bad.csv", ("\n".join(lines) + "\n").encode(), "text/csv").run(timeout=SLOW)
    assert not app.exception
    assert f"{ROWS} problem(s) found" in " ".join(e.value for e in app.error)
    kinds, listing = app.table[0].value, app.table[1].value
    assert kinds.iloc[0].tolist()[1] == str(ROWS)  # one kind, counted whole
    assert "line 2" in kinds.iloc[0].tolist()[0]  # with its first occurrence as the example
    assert len(listing) == PROBLEMS_LISTED
    assert f"first {PROBLEMS_LISTED} of {ROWS} problems" in all_text(app)
    assert (built / "progress.csv").read_bytes() == before
