"""A test file after a browser file can use asyncio.run, whatever the order of the files.

Playwright's sync API keeps its event loop marked as running in the thread that uses it, between its calls
too. The process's one chromium (conftest.chromium_process) used to stay up until the process ended, so from
the first browser file on every asyncio.run in that process failed with "asyncio.run() cannot be called from a
running event loop" (test_gate's eight did), and only the order of the files (browser files last) hid it.

This runs, in a pytest process of its own, with the suite's browser fixtures but without its ordering: a
browser file, a file that calls asyncio.run, and a browser file again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.browser_support import require_chromium

require_chromium()

# Not marked `browser`: it does not use this process's chromium (a test after a browser file that does not
# would stop it, and the next browser file start it again), only one in the pytest process it starts.

ROOT = Path(__file__).resolve().parent.parent

# Every fixture of the suite's conftest, autouse ones too, but not its hooks (the ordering).
CONFTEST = """\
import tests.conftest as suite

globals().update({name: value for name, value in vars(suite).items() if not name.startswith(("pytest_", "_"))})
"""
BROWSER_FILE = """\
def test_a_page_in_the_shared_chromium(browser):
    page = browser.new_page()
    page.set_content("<p>{words}</p>")
    assert page.inner_text("p") == "{words}"
    page.close()
"""
ASYNCIO_FILE = """\
import asyncio


def test_asyncio_run_after_a_browser_file():
    async def answer():
        await asyncio.sleep(0)
        return 42

    assert asyncio.run(answer()) == 42
"""


def test_a_file_calling_asyncio_run_passes_between_two_browser_files(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_1_browser.py").write_text(BROWSER_FILE.format(words="first"))
    (tmp_path / "test_2_asyncio.py").write_text(ASYNCIO_FILE)
    (tmp_path / "test_3_browser.py").write_text(BROWSER_FILE.format(words="again"))
    files = ["test_1_browser.py", "test_2_asyncio.py", "test_3_browser.py"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-v", "--rootdir", ".", *files],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=240,
    )
    ran = [line for line in run.stdout.splitlines() if " PASSED" in line or " FAILED" in line or " ERROR" in line]
    assert [line.split("::")[0] for line in ran] == files, run.stdout[-3000:]  # in the order given
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
