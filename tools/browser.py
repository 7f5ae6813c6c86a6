"""Serve the dashboard on a free loopback port and drive it with Debian's chromium through Playwright.

Nothing here downloads a browser: Playwright is pointed at /usr/bin/chromium.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(base_url: str, timeout: float = 60) -> float:
    """Seconds until /_stcore/health answers ok; raises TimeoutError after `timeout`."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return time.perf_counter() - started
        time.sleep(0.1)
    raise TimeoutError(f"{base_url} not healthy after {timeout}s")


def streamlit_command(start: list[str], port: int) -> list[str]:
    """A Streamlit server on 127.0.0.1:port, headless, no usage statistics; `start` names what runs."""
    return [
        sys.executable,
        *start,
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


@contextlib.contextmanager
def serve(
    script: str = "dashboard.py", port: int | None = None, env: dict | None = None, start: list[str] | None = None
) -> Iterator[str]:
    """Run `streamlit run script` (or `start`, e.g. ["-m", "ui.serve"], the launcher) on 127.0.0.1 and yield
    its base URL once healthy; stop it afterwards."""
    port = port or free_port()
    command = streamlit_command(start or ["-m", "streamlit", "run", script], port)
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base_url)
        yield base_url
    finally:
        stop(process)


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a process, and kill it if it has not ended within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A Playwright browser on Debian's chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_until_painted(page, timeout: float = 30_000, expected: int | None = None) -> int:
    """Wait until the app has finished its run and every plotly chart has drawn; returns the count.

    Streamlit shows its running indicator only after a delay, so "no indicator" alone can be seen
    before a run starts: the page counts as finished when its elements stop changing as well.
    With `expected`, also wait for at least that many charts.
    """
    page.wait_for_selector("[data-testid='stMain'] [data-testid='stHeading']", timeout=timeout)
    # The run is over when the app says its script is not running (with toolbarMode "viewer" the
    # status widget never shows) and its elements have stopped changing (a rerun may follow).
    page.wait_for_function(
        """() => {
            const state = window.__paintWatch || (window.__paintWatch = {count: -1, stable: 0});
            const idle = document.querySelector("[data-testid='stApp']")?.dataset.testScriptState === "notRunning";
            const count = document.querySelectorAll("[data-testid='stMain'] [data-testid='stElementContainer']").length;
            state.stable = (idle && count === state.count) ? state.stable + 1 : 0;
            state.count = count;
            return state.stable >= 4;
        }""",
        timeout=timeout,
        polling=250,
    )
    page.evaluate("() => { delete window.__paintWatch; }")
    # Each chart the page was sent has a keyed container (st-key-chart_…, ui.render.chart) at once; the
    # plotly component inside it loads lazily (seconds on a loaded machine): wait for every one to draw.
    page.wait_for_function(
        """(expected) => {
            const placed = [...document.querySelectorAll("[class*='st-key-chart_']")];
            return placed.length >= expected
                && placed.every(box => box.querySelector("[data-testid='stPlotlyChart'] .main-svg") !== null);
        }""",
        arg=expected or 0,
        timeout=timeout,
    )
    return page.locator("[data-testid='stPlotlyChart']").count()


def full_page_screenshot(page, path, width: int) -> None:
    """Streamlit scrolls inside its main block, so grow the viewport to the content, then capture. The content
    is measured at `width` itself: a phone's narrow column is far taller than the desktop's."""

    def content_height() -> int:
        return int(
            page.evaluate(
                """() => Math.max(
                   ...[...document.querySelectorAll("[data-testid='stMain'], [data-testid='stMainBlockContainer']")]
                       .map(el => el.scrollHeight),
                   window.innerHeight)"""
            )
        )

    original = page.viewport_size
    if width != original["width"]:
        page.set_viewport_size({"width": width, "height": original["height"]})
        page.wait_for_timeout(400)
    page.set_viewport_size({"width": width, "height": content_height() + 40})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(original)
