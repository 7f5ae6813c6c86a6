"""Shared fixtures: every test works on its own copy of data/, never on the real one."""

from __future__ import annotations

import contextlib
import os
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


class SharedChromium:
    """The process's one headless Debian chromium (starting one takes seconds on a busy machine), started when
    a browser-test module first needs it and stopped when a test that does not use it comes next.

    Playwright's sync API keeps its asyncio loop marked as running in this thread, between its calls too, for
    as long as it is started: an asyncio.run there fails ("cannot be called from a running event loop"), as
    test_gate's did after a browser file. Stopping it before such a test (and starting it again for the next
    browser module) makes any file order work; the collection order below keeps browser files together so
    that it starts once per process."""

    def __init__(self) -> None:
        self._running: contextlib.ExitStack | None = None
        self._browser = None
        self.in_use = False  # a module's `browser` fixture holds it: its pages may outlive one test

    def start(self):
        if self._browser is None:
            from tools.browser import chromium

            running = contextlib.ExitStack()
            self._browser = running.enter_context(chromium())
            self._running = running
        return self._browser

    def stop(self) -> None:
        if self._running is not None:
            running, self._running, self._browser = self._running, None, None
            running.close()


@pytest.fixture(scope="session")
def chromium_process():
    shared = SharedChromium()
    yield shared
    shared.stop()


@pytest.fixture(scope="module")
def browser(chromium_process: SharedChromium):
    """The process's chromium for one browser-test module: every page and context the module opened is
    closed at its end, so the next module starts with none (as with a chromium of its own)."""
    instance = chromium_process.start()
    assert not instance.contexts, "a previous module left pages open"
    chromium_process.in_use = True
    yield instance
    chromium_process.in_use = False
    for context in list(instance.contexts):
        context.close()


@pytest.fixture(autouse=True)
def no_event_loop_left_by_the_browser(request: pytest.FixtureRequest, chromium_process: SharedChromium):
    """A test that does not use the browser runs without Playwright's loop marked as running in its thread.

    Not within a module whose `browser` fixture is still set up: a test there that calls asyncio.run would
    meet the loop, so such a test belongs in a file of its own."""
    if "browser" not in request.fixturenames and not chromium_process.in_use:
        chromium_process.stop()


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
# The browser files, longest first, come after every other file: there the process's one chromium
# (SharedChromium) starts once, whereas each test that does not use the browser after a browser file would
# stop it and the next browser file start it again (about 3 s: Playwright's driver 1.3 s, chromium 1.5 s, on
# this machine busy, 2026-12-03). Not needed for correctness: any order passes (tests/test_file_order.py).
# Longest first, the workers share them out so that they finish at about the same time. Seconds each
# file took in a `make test` of 2026-12-04 (the intake scenarios, then one file of 140 s, split since).
BROWSER_LONGEST_FIRST = [
    "test_browser_phone.py",  # 92 s
    "test_browser.py",  # 57 s
    "test_browser_intake_metric.py",  # 57 s
    "test_browser_intake_region.py",  # 50 s
    "test_browser_editing.py",  # 50 s
    "test_browser_exports.py",  # 33 s
    "test_browser_words.py",  # 31 s
    "test_browser_intake.py",  # 29 s
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collection order: LONG_FIRST, then the other files most tests first (as xdist would order them), then
    the browser files (marked `browser`), BROWSER_LONGEST_FIRST in its order; each file's tests in their own
    order.

    TESTS_AS_GIVEN=1 keeps the order of the command line instead (to look for tests that depend on order)."""
    if os.environ.get("TESTS_AS_GIVEN"):
        return
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


LATER_RECORDS = (
    "metric_id,region_id,as_of,value,qualifier,source,note\n"
    "diagnosis_enterprises,huangshi,2021-09-30,260,=,2021年第三季度调度会,\n"
    "diagnosis_enterprises,daye,2021-09-30,41,=,2021年第三季度调度会,\n"
)


@pytest.fixture
def with_later_records(data_dir: Path) -> Path:
    """The data with progress recorded after the reply (2021-09-30): two update dates to choose between."""
    (data_dir / "progress.csv").write_text(LATER_RECORDS, encoding="utf-8")
    build(data_dir)
    return data_dir


@pytest.fixture
def with_a_later_whole_of_one_tier(data_dir: Path) -> Path:
    """A record of the projects under way with one of its three tiers (2021-12-31): the latest check of the
    tiers is incomplete, while the reply's own tiers (as of 2021-07-13) add up to 127 against its 129."""
    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "retrofit_projects_under_way,huangshi,2021-12-31,140,=,2021年第四季度调度会,\n"
        "smart_factory_projects,huangshi,2021-12-31,30,=,2021年第四季度调度会,\n",
        encoding="utf-8",
    )
    build(data_dir)
    return data_dir
