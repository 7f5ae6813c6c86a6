"""Shared fixtures: every test works on its own copy of data/, never on the real one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metrics.build import build
from metrics.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


CSV_ONLY = shutil.ignore_patterns("*.duckdb", "history", ".*")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the data CSVs, with DASHBOARD_DATA_DIR pointing at it."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder, ignore=CSV_ONLY)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def built_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/ built once per test process: a build writes and fsyncs the whole database (about 3 s of a busy
    disk), and some 300 tests start from the same one."""
    folder = tmp_path_factory.mktemp("built_once") / "data"
    shutil.copytree(ROOT / "data", folder, ignore=CSV_ONLY)
    return build(folder).path


@pytest.fixture
def built(data_dir: Path, built_database: Path) -> Path:
    """The private copy with its database built: the one built for this process, copied beside the CSVs.

    build() then finds it up to date (same content version) and leaves it; were the CSVs any different,
    it would build them as before."""
    shutil.copy2(built_database, data_dir / "dashboard.duckdb")
    build(data_dir)
    return data_dir


@pytest.fixture
def registry(data_dir: Path) -> Registry:
    return Registry.load(data_dir)


@pytest.fixture
def secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private secrets.toml (DASHBOARD_SECRETS), cheap password hashing and a fresh login limiter."""
    from metrics import editors

    path = tmp_path / "secrets.toml"
    monkeypatch.setenv("DASHBOARD_SECRETS", str(path))
    monkeypatch.setattr(editors, "SCRYPT_N", 2**12)  # production cost is 2**17; the scheme is the same
    monkeypatch.setattr(editors, "limiter", editors.LoginLimiter())
    return path


@pytest.fixture
def editor(secrets_file: Path):
    """A signed-in editor: account jianghui (江晖)."""
    from metrics import editors

    editors.add_editor("jianghui", "correct horse", "江晖")
    signed_in = editors.authenticate("jianghui", "correct horse", "127.0.0.1")
    assert signed_in is not None
    return signed_in


@pytest.fixture(scope="session")
def chromium_process():
    """One headless Debian chromium per test process (starting one takes seconds on a busy machine)."""
    from tools.browser import chromium

    with chromium() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(chromium_process):
    """The process's chromium for one browser-test module: every page and context the module opened is
    closed at its end, so the next module starts with none (as with a chromium of its own)."""
    assert not chromium_process.contexts, "a previous module left pages open"
    yield chromium_process
    for context in list(chromium_process.contexts):
        context.close()


# Files that take long for their few tests: by test count (xdist's default order) they came last, where one
# worker could be left running a long one alone. `make test` hands out whole files (--dist loadfile) in
# collection order (--no-loadscope-reorder). Seconds for each file run alone on this 2-core machine while
# another job kept it busy (2026-12-03).
LONG_FIRST = [
    "test_bench_report.py",  # 40 s
    "test_store_faults.py",  # 35 s
    "test_exports_network.py",  # 20 s
    "test_exports_reuse.py",  # 15 s
]
# The browser files, longest first, come after every other file: the process's one chromium (Playwright's
# sync API, conftest.chromium_process) keeps an asyncio loop running in the worker's main thread from the first
# browser file on, and a later file calling asyncio.run would fail (test_gate did). Longest first, the two
# workers share them out so that both finish at about the same time.
BROWSER_LONGEST_FIRST = [
    "test_browser_intake.py",  # 165-290 s
    "test_browser_phone.py",  # 210-280 s
    "test_browser.py",  # 125 s
    "test_browser_editing.py",  # 95 s
    "test_browser_exports.py",  # 90 s
    "test_browser_words.py",  # 80 s
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collection order: LONG_FIRST, then the other files most tests first (as xdist would order them), then
    the browser files (marked `browser`), BROWSER_LONGEST_FIRST in its order; each file's tests in their own
    order."""
    counts: dict[str, int] = {}
    browser_files = set()
    for item in items:
        counts[item.path.name] = counts.get(item.path.name, 0) + 1
        if item.get_closest_marker("browser"):
            browser_files.add(item.path.name)

    def rank(name: str) -> tuple[int, int]:
        if name in BROWSER_LONGEST_FIRST or name in browser_files:
            listed = BROWSER_LONGEST_FIRST.index(name) if name in BROWSER_LONGEST_FIRST else len(counts)
            return (2, listed)
        if name in LONG_FIRST:
            return (0, LONG_FIRST.index(name))
        return (1, -counts[name])

    items.sort(key=lambda item: rank(item.path.name))  # stable: a file's tests keep their order
