"""Pages (AppTest): what officials read on a page stays true and is said once (issue 12)."""

from __future__ import annotations

import pytest

from tests.apptest_support import all_text, open_page
from ui.editing import EDITOR_KEY

pytestmark = pytest.mark.usefixtures("built")


def test_missing_targets_are_not_repeated_on_cards_nor_shown_to_viewers():
    text = all_text(open_page("activities", "zh"))
    assert "data/targets.csv" not in text and "未设定目标" not in text


def test_an_editor_is_told_once_per_page_without_a_file_path(editor):
    app = open_page("activities", "zh", session={EDITOR_KEY: editor})
    text = all_text(app)
    assert text.count("未设定目标") == 1 and "data/targets.csv" not in text
    english = all_text(open_page("activities", "en", session={EDITOR_KEY: editor}))
    assert english.count("no target") == 1 and "targets.csv" not in english


def test_screenshot_mode_has_no_editing_hint(editor):
    text = all_text(open_page("activities", "zh", session={EDITOR_KEY: editor}, shot="1"))
    assert "未设定目标" not in text
