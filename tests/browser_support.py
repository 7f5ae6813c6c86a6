"""What the browser tests share: Debian chromium or a skip (a failure under CI), a dashboard served on a
private built copy of data/, and the screenshot folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tools.browser import chromium_available, serve

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "screens"


CSV_ONLY = shutil.ignore_patterns("*.duckdb", "history", ".*")
_BUILT: list[Path] = []


def _built_once() -> Path:
    """data/ built once per test process for the served copies (a build writes and fsyncs the whole
    database: seconds on a busy disk), in a temporary folder removed when the process ends."""
    if not _BUILT:
        from metrics.build import build

        holder = tempfile.TemporaryDirectory(prefix="served_built_")
        atexit.register(holder.cleanup)
        data = Path(holder.name) / "data"
        shutil.copytree(ROOT / "data", data, ignore=CSV_ONLY)
        _BUILT.append(build(data).path)
    return _BUILT[0]


def require_chromium() -> None:
    """Skip the calling module without chromium; fail instead where CI says the browser must be there."""
    if chromium_available():
        return
    reason = "Debian chromium is not installed (apt-get install -y chromium fonts-noto-cjk)"
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@contextmanager
def served_copy(
    folder: Path, env: dict[str, str] | None = None, start: list[str] | None = None
) -> Iterator[tuple[str, Path]]:
    """The dashboard on a free loopback port, serving a built copy of data/ in `folder`: (url, data).

    `start`: how the server is started (tools.browser.serve), `streamlit run dashboard.py` by default."""
    from metrics.build import build

    data = folder / "data"
    shutil.copytree(ROOT / "data", data, ignore=CSV_ONLY)
    shutil.copy2(_built_once(), data / "dashboard.duckdb")
    build(data)  # finds the copied database up to date (same CSVs); were they any different, it would rebuild
    with serve(env={"DASHBOARD_DATA_DIR": str(data), **(env or {})}, start=start) as base_url:
        yield base_url, data


def leaves_the_machine(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return url.startswith("http") and host not in ("127.0.0.1", "localhost")


@contextmanager
def served_copy_with_editor(folder: Path, start: list[str] | None = None) -> Iterator[tuple[str, Path]]:
    """served_copy with one editor account, jianghui / correct horse (江晖), in the server's secrets."""
    from metrics import editors

    secrets = folder / "secrets.toml"
    original_cost = editors.SCRYPT_N
    editors.SCRYPT_N = 2**12  # the hash records its cost; the server checks it with the same cost
    try:
        editors.add_editor("jianghui", "correct horse", "江晖", path=secrets)
    finally:
        editors.SCRYPT_N = original_cost
    with served_copy(folder, env={"DASHBOARD_SECRETS": str(secrets)}, start=start) as site:
        yield site
