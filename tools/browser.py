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
import tempfile
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


# WeChat's browser on an iPhone: chat apps keep the phone's "Mobile" in their User-Agent, which is what gives
# a page its phone layout of charts (ui/phone.py); a desktop browser at 390 px keeps the desktop layout.
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.47"
)


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
    # The server's log goes to a file, not a pipe: nothing reads a pipe while the server runs, and a server
    # that had written a pipe's 64 KB would stop at its next log line, its pages no longer answering.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=log
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_healthy(base_url)
            except TimeoutError as late:
                log.seek(0)
                wrote = log.read()[-4000:].decode(errors="replace")
                raise TimeoutError(f"{late}; the server wrote:\n{wrote}") from None
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


# The app's run is over when Streamlit says its script is not running (with toolbarMode "viewer" the status
# widget never shows) and the main block's elements have stopped changing. "Not running" alone can be seen
# before a run an action asked for has begun (the request is still on its way), so unless this wait saw a run
# start and end, the page must stay quiet for QUIET_MS, a second: as long as the four checks 250 ms apart this
# replaced. After a run it saw end, QUIET_AFTER_RUN_MS covers the run a script's st.rerun starts (the server
# says "not running" between the two, in messages tens of ms apart on a busy machine).
QUIET_MS = 1000
QUIET_AFTER_RUN_MS = 500
RUN_OVER = """([quietMs, quietAfterRunMs]) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app) return false;
    let watch = window.__paintWatch;
    if (!watch) {
        watch = window.__paintWatch = {count: -1, since: performance.now(), ran: false};
        // a run that starts and ends between two checks is still seen
        watch.observer = new MutationObserver(() => {
            if (app.dataset.testScriptState !== "notRunning") watch.ran = true;
        });
        watch.observer.observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
    }
    const idle = app.dataset.testScriptState === "notRunning";
    const count = document.querySelectorAll("[data-testid='stMain'] [data-testid='stElementContainer']").length;
    const now = performance.now();
    if (!idle) watch.ran = true;
    if (!idle || count !== watch.count) watch.since = now;
    watch.count = count;
    return idle && now - watch.since >= (watch.ran ? quietAfterRunMs : quietMs);
}"""
# Each chart the page was sent has a keyed container (st-key-chart_…, ui.render.chart) at once; the plotly
# component inside it loads lazily (seconds on a loaded machine): every one has drawn, and the fonts are in.
CHARTS_DRAWN = """(expected) => {
    const placed = [...document.querySelectorAll("[class*='st-key-chart_']")];
    return placed.length >= expected
        && placed.every(box => box.querySelector("[data-testid='stPlotlyChart'] .main-svg") !== null)
        && document.fonts.status === "loaded";
}"""


def wait_until_painted(page, timeout: float = 30_000, expected: int | None = None) -> int:
    """Wait until the app has finished its run and every plotly chart has drawn; returns the count.

    With `expected`, also wait for at least that many charts."""
    page.wait_for_selector("[data-testid='stMain'] [data-testid='stHeading']", timeout=timeout)
    try:
        page.wait_for_function(RUN_OVER, arg=[QUIET_MS, QUIET_AFTER_RUN_MS], timeout=timeout, polling=50)
    finally:
        page.evaluate("() => { window.__paintWatch?.observer.disconnect(); delete window.__paintWatch; }")
    page.wait_for_function(CHARTS_DRAWN, arg=expected or 0, timeout=timeout)
    return page.locator("[data-testid='stPlotlyChart']").count()


# After a viewport change the page lays itself out again: Streamlit's columns and the sidebar react, and plotly
# redraws a chart for its new width after a 100 ms timer of its own. Settled: no finite animation or transition
# running, and the content's size and every chart's drawn size unchanged for SETTLE_MS over successive frames.
SETTLE_MS = 250
LAYOUT_SETTLED = """(settleMs) => {
    const watch = window.__layoutWatch || (window.__layoutWatch = {shape: "", since: performance.now()});
    const boxes = [...document.querySelectorAll("[data-testid='stMain'], [data-testid='stMainBlockContainer'], "
        + "[data-testid='stSidebar'], [data-testid='stPlotlyChart'] .main-svg")];
    const shape = [window.innerWidth, window.innerHeight, ...boxes.flatMap(el => {
        const r = el.getBoundingClientRect();
        return [Math.round(r.left), Math.round(r.width), Math.round(r.height), el.scrollHeight];
    })].join(",");
    const moving = document.getAnimations().some(a => a.playState === "running"
        && Number.isFinite(a.effect?.getComputedTiming().endTime));
    const now = performance.now();
    if (moving || shape !== watch.shape) {
        watch.shape = shape;
        watch.since = now;
    }
    return now - watch.since >= settleMs;
}"""


def wait_until_laid_out(page, timeout: float = 30_000) -> None:
    """Wait until the page has laid itself out again after a viewport change (LAYOUT_SETTLED)."""
    try:
        page.wait_for_function(LAYOUT_SETTLED, arg=SETTLE_MS, timeout=timeout, polling="raf")
    finally:
        page.evaluate("() => { delete window.__layoutWatch; }")


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
        wait_until_laid_out(page)
    page.set_viewport_size({"width": width, "height": content_height() + 40})
    wait_until_laid_out(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(original)
