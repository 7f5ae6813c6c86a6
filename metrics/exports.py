"""Chart images for briefings: PNGs rendered by one long-lived kaleido browser per process, offline.

kaleido drives Debian's chromium. Its page loads plotly.js from the installed plotly package and no
MathJax (MathJax would come from a CDN), so an image never needs the network. The browser starts on the
first image and serves every later one.

We run kaleido's async API on a loop thread of our own rather than `kaleido.start_sync_server`: that
server blocks forever when the browser cannot start or dies, and its shared result queue can hand one
caller another caller's image when two threads ask at once (two Streamlit sessions downloading).

Where chromium or the Chinese font is missing, every function here raises ImagesUnavailable, whose
message says what to install; nothing else in the dashboard depends on images.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import subprocess
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import plotly
import plotly.graph_objects as go

from metrics.charts import enlarged, image_height
from metrics.i18n import bilingual, text
from metrics.style import IMAGE_HEIGHT, IMAGE_SCALE, IMAGE_WIDTH

CJK_FONT = "Noto Sans CJK SC"
INSTALL_HINT = "apt-get install -y chromium fonts-noto-cjk"
# An image is seen smaller than the same chart on a page (a slide, a pasted picture): larger type.
IMAGE_FONT_SCALE = 1.4
START_TIMEOUT, RENDER_TIMEOUT = 60.0, 60.0
# Two tabs in the one browser: a briefing queues its nine pictures at once and two are drawn side by side
# (one tab drew them in turn: 4.0 of the Word briefing's 5.3 s). A single PNG still takes one tab.
TABS = 2
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


class ImagesUnavailable(RuntimeError):
    """Chart images cannot be made on this machine; `missing` names what to install."""

    def __init__(self, missing: tuple[str, ...], detail: str = "") -> None:
        self.missing = missing
        self.detail = detail
        super().__init__(bilingual("exports.unavailable", missing=", ".join(missing), command=INSTALL_HINT))

    def message(self, lang: str) -> str:
        """What is missing and the command that installs it, in the reader's language."""
        return text("exports.unavailable", lang, missing=", ".join(self.missing), command=INSTALL_HINT)


DEBIAN_CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> Path | None:
    """Debian's chromium ($CHROMIUM overrides), or None when it is not installed."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return Path(configured) if _executable(configured) else None
    if _executable(DEBIAN_CHROMIUM):
        return Path(DEBIAN_CHROMIUM)
    found = shutil.which("chromium")  # only when Debian's is absent: every chart's button asks, every view
    return Path(found) if found else None


def _executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)


@lru_cache(maxsize=8)
def font_installed(family: str = CJK_FONT) -> bool:
    """Whether fontconfig knows the font family (what chromium draws Chinese with)."""
    try:
        listed = subprocess.run(["fc-list", family, "family"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return family.lower() in listed.stdout.lower()


AVAILABILITY_SECONDS = 30.0  # how long an answer of availability() stands
_availability: dict[tuple[str | None, str], tuple[float, ImagesUnavailable | None]] = {}


def availability() -> ImagesUnavailable | None:
    """None when images can be made here, else what is missing (cheap: no browser is started).

    Every chart's image button asks on every view; the answer stands for AVAILABILITY_SECONDS, so a
    chromium or font installed meanwhile is found within that.
    """
    key = (os.environ.get("CHROMIUM"), CJK_FONT)
    known = _availability.get(key)
    now = time.monotonic()
    if known is not None and now - known[0] < AVAILABILITY_SECONDS:
        return known[1]
    answer = _missing_for_images()
    _availability[key] = (now, answer)
    return answer


def _missing_for_images() -> ImagesUnavailable | None:
    missing = []
    if chromium_path() is None:
        missing.append("chromium")
    if not font_installed(CJK_FONT):
        missing.append("fonts-noto-cjk")
    return ImagesUnavailable(tuple(missing)) if missing else None


def file_stem(region_id: str, lang: str) -> str:
    """'briefing_huangshi_zh': the briefing deck's and zip's name."""
    return f"briefing_{region_id}_{lang}"


def image_name(chart_name: str, region_id: str, lang: str) -> str:
    """'funding_huangshi_zh.png': a chart's image, from the dashboard's button or in a briefing pack."""
    return f"{chart_name}_{region_id}_{lang}.png"


@dataclass
class _Server:
    """A kaleido browser on its own event loop thread; callers on any thread submit to the loop."""

    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    kaleido: object
    started_seconds: float

    def render(self, spec: go.Figure, opts: dict) -> bytes:
        return _wait(self.submit(spec, opts))

    def submit(self, spec: go.Figure, opts: dict) -> Future:
        """Queue the figure for the browser and return at once; the future holds the PNG's bytes."""
        return asyncio.run_coroutine_threadsafe(self.kaleido.calc_fig(spec, opts=opts), self.loop)

    def close(self) -> None:
        if self.loop.is_running():
            future = asyncio.run_coroutine_threadsafe(self.kaleido.close(), self.loop)
            try:
                future.result(15)
            except Exception:  # noqa: BLE001 - closing a broken browser: nothing left to save
                pass
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=15)


_lock = threading.Lock()
_server: _Server | None = None

# The image browser renders one local page with a local plotly.js and system fonts: it needs no network,
# and a page never needs another origin's data. choreographer starts chromium with web security off and
# file:// pages allowed to read any file, and without turning background networking off (issue 13: 112
# DNS queries to Google in 45 s). These flags go; these come in, including a resolver that finds nothing.
WEAKENING_FLAGS = ("--disable-web-security", "--allow-file-access-from-files")
QUIET_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-features=OptimizationHints,OptimizationGuideModelDownloading,MediaRouter,Translate,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def chromium_flags(command: list[str]) -> list[str]:
    """The image browser's command line without the weakening flags and with the quiet ones."""
    kept = [part for part in command if part not in WEAKENING_FLAGS]
    return kept + [flag for flag in QUIET_FLAGS if flag not in kept]


def _harden(browser: object) -> None:
    """Make choreographer start chromium with `chromium_flags` (its own list is fixed in get_cli)."""
    implementation = browser._browser_impl
    original = implementation.get_cli
    implementation.get_cli = lambda: chromium_flags(list(original()))


# kaleido reloads a tab after every image, so each picture paid for plotly.js (3.5 MB) being parsed again:
# 2.6 of the Word briefing's 3.9 s warm (nine pictures, load 5). A tab is reloaded after this many images
# instead, which still bounds what a long-lived page holds; a render that fails stops the whole browser.
RELOAD_EVERY = 25


def _reload_sometimes(browser: object) -> None:
    """Make the browser reload a tab after every RELOAD_EVERY images it draws rather than after each."""
    reload_and_return = browser._return_kaleido_tab
    drawn: dict[int, int] = {}

    async def return_tab(tab) -> None:
        drawn[id(tab)] = drawn.get(id(tab), 0) + 1
        if drawn[id(tab)] >= RELOAD_EVERY:
            drawn[id(tab)] = 0
            await reload_and_return(tab)
        else:
            await browser.tabs_ready.put(tab)

    browser._return_kaleido_tab = return_tab


def _start(chromium: Path) -> _Server:
    import kaleido

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="kaleido-images", daemon=True)
    thread.start()
    started = time.perf_counter()

    async def open_browser():
        # mathjax=False: no CDN script; plotlyjs: the local file, never plotly's CDN fallback.
        browser = kaleido.Kaleido(n=TABS, timeout=RENDER_TIMEOUT, mathjax=False, plotlyjs=str(PLOTLY_JS), path=chromium)
        _harden(browser)
        _reload_sometimes(browser)
        await browser.open()
        return browser

    try:
        browser = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT)
    except BaseException as error:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        raise ImagesUnavailable(("chromium",), detail=f"{type(error).__name__}: {error}") from error
    return _Server(loop, thread, browser, time.perf_counter() - started)


def start_server() -> float:
    """Start the image browser if it is not running (thread-safe); seconds it took, 0 if it was running."""
    global _server
    if _server is not None:
        return 0.0
    with _lock:
        if _server is not None:
            return 0.0
        problem = availability()
        if problem is not None:
            raise problem
        _server = _start(chromium_path())
        return _server.started_seconds


def stop_server() -> None:
    """Close the image browser (the next image starts a new one)."""
    global _server
    with _lock:
        server, _server = _server, None
    if server is not None:
        server.close()


def server_running() -> bool:
    """Whether an image browser is running in this process."""
    return _server is not None


def server_page() -> str:
    """The HTML page the browser renders figures in: what it loads, for a reader or a test to inspect."""
    start_server()
    index = getattr(_server.kaleido, "_index", "")
    return Path(index.removeprefix("file://")).read_text(encoding="utf-8") if index else ""


atexit.register(stop_server)


def figure_png(
    figure: go.Figure,
    width: int = IMAGE_WIDTH,
    height: int | None = None,
    scale: float = IMAGE_SCALE,
    font_scale: float = IMAGE_FONT_SCALE,
) -> bytes:
    """The figure as a PNG of width×scale by height×scale pixels, title, date and source inside it; by default
    16:9, or taller when its rows need it (charts.image_height)."""
    height = image_height(figure, font_scale) if height is None else height
    return figure_png_later(figure, width, height, scale, font_scale).result()


@dataclass
class PendingPng:
    """A PNG the image browser is drawing; `result()` waits for its bytes (raises what the render raised)."""

    future: Future
    server: _Server

    def result(self) -> bytes:
        try:
            return _wait(self.future)
        except ImagesUnavailable:
            raise
        except Exception:
            # A browser that failed once is not trusted with the next image: start afresh next time.
            if self.server is _server:
                stop_server()
            raise


def figure_png_later(
    figure: go.Figure,
    width: int = IMAGE_WIDTH,
    height: int = IMAGE_HEIGHT,
    scale: float = IMAGE_SCALE,
    font_scale: float = IMAGE_FONT_SCALE,
) -> PendingPng:
    """Queue the figure's PNG (as figure_png makes it) and return at once, so the caller can build the
    next chart or the document while the browser draws this one; `.result()` gives the bytes."""
    start_server()
    spec = enlarged(figure, font_scale)
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    server = _server
    if server is None:  # stopped by another thread between start and here
        return figure_png_later(figure, width, height, scale, font_scale)
    return PendingPng(server.submit(spec, opts), server)


def figure_svg(figure: go.Figure, width: int, height: int, font_scale: float = IMAGE_FONT_SCALE) -> str:
    """The figure as SVG, laid out as figure_png lays out its PNG: what a test reads each text's size from."""
    start_server()
    server = _server
    opts = {"format": "svg", "width": width, "height": height, "scale": 1}
    data = _wait(server.submit(enlarged(figure, font_scale), opts))
    return data.decode("utf-8") if isinstance(data, bytes) else data


def _wait(future: Future) -> bytes:
    try:
        return future.result(RENDER_TIMEOUT + 5)
    except FutureTimeout:
        future.cancel()
        raise
