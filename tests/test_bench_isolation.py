"""The page benchmark runs AppTest as a server runs pages, and leaves AppTest as it was."""

from __future__ import annotations

from streamlit.testing.v1 import app_test, local_script_runner

from benchmarks import pages


def test_the_page_benchmark_leaves_apptest_as_it_found_it():
    before = (app_test.ScriptCache, local_script_runner.ScriptCache, app_test.PagesManager)
    with pages.as_the_server_runs():
        assert app_test.PagesManager is pages.ServerPagesManager
    assert (app_test.ScriptCache, local_script_runner.ScriptCache, app_test.PagesManager) == before
