"""Chart images: real PNGs of the requested size, Chinese in the figure, made with the network cut off,
one browser per process shared safely by threads, and a clear message where chromium or the font is
missing."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image

from metrics import chart_catalog, charts, exports
from metrics.reader import Reader

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
images = pytest.mark.skipif(
    exports.availability() is not None and not os.environ.get("REQUIRE_BROWSER"),
    reason="chromium or fonts-noto-cjk missing (apt-get install -y chromium fonts-noto-cjk)",
)


def png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def ink_share(image: Image.Image) -> float:
    """Share of pixels that are not near-white: a blank or failed render has none."""
    grey = image.convert("L").resize((320, 180))
    return sum(grey.histogram()[:200]) / (320 * 180)


@images
def test_chart_png_has_the_requested_size_and_its_chinese_title(built):
    spec = chart_catalog.retrofit_tiers(Reader(), "huangshi", "zh")
    title = spec.figure.layout.title.text
    assert CJK.search(title) and "127" in title and "129" in title
    footers = [note.text for note in spec.figure.layout.annotations if note.text.startswith("数据截至")]
    assert footers == ["数据截至 2021年7月13日 · 来源：市经信局对市政协〔2021〕50号提案的答复"]

    image = png(exports.figure_png(spec.figure))
    assert image.format == "PNG" and image.size == (3200, 1800)
    assert ink_share(image) > 0.02
    small = png(exports.figure_png(spec.figure, width=800, height=450, scale=1))
    assert small.size == (800, 450)


@images
def test_threads_share_one_browser_and_each_gets_its_own_image():
    exports.start_server()
    sizes = [(400 + 40 * index, 300 - 20 * index) for index in range(4)]
    results: dict[int, tuple[int, int]] = {}

    def render(index: int) -> None:
        figure = go.Figure(go.Bar(x=[1, 2], y=[index, 1]), layout={"title": {"text": f"图{index}"}})
        width, height = sizes[index]
        results[index] = png(exports.figure_png(figure, width=width, height=height, scale=1)).size

    threads = [threading.Thread(target=render, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == dict(enumerate(sizes))
    assert exports.start_server() == 0.0  # still the same browser


@images
def test_the_render_page_loads_nothing_from_the_network():
    page = exports.server_page()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert any(src.endswith("plotly.min.js") for src in scripts)
    assert not [src for src in scripts if src.startswith(("http:", "https:", "//"))], scripts
    assert "mathjax" not in page.lower()


def _network_namespace_available() -> bool:
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@images
@pytest.mark.skipif(not _network_namespace_available(), reason="unshare -n is not permitted here")
def test_export_works_with_the_network_cut_off(tmp_path):
    """A new process in its own network namespace (no interface but a downed loopback) starts the
    browser and renders a Chinese chart: nothing it needs can come from the network."""
    out = tmp_path / "offline.png"
    script = textwrap.dedent(
        f"""
        import plotly.graph_objects as go
        from metrics import exports
        figure = go.Figure(go.Bar(x=["诊断", "改造"], y=[153, 66]), layout={{"title": {{"text": "黄石 离线导出"}}}})
        open({str(out)!r}, "wb").write(exports.figure_png(figure, width=640, height=360, scale=1))
        """
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "HTTP_PROXY": "http://127.0.0.1:9"}
    result = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=environment
    )
    assert result.returncode == 0, result.stderr[-2000:]
    image = png(out.read_bytes())
    assert image.size == (640, 360) and ink_share(image) > 0.01


def test_missing_chromium_says_what_to_install(monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(exports, "_server", None)  # as in a process that has not made an image yet
    problem = exports.availability()
    assert isinstance(problem, exports.ImagesUnavailable) and "chromium" in problem.missing
    assert "apt-get install -y chromium fonts-noto-cjk" in problem.message("zh")
    assert "缺少" in problem.message("zh") and "missing" in problem.message("en")
    with pytest.raises(exports.ImagesUnavailable) as raised:
        exports.figure_png(go.Figure())
    assert "apt-get install -y chromium fonts-noto-cjk" in str(raised.value)
    assert exports._server is None


def test_missing_cjk_font_says_what_to_install(monkeypatch):
    monkeypatch.setattr(exports, "CJK_FONT", "No Such Font Family 42")
    problem = exports.availability()
    assert problem is not None and problem.missing[-1] == "fonts-noto-cjk"
    assert "fonts-noto-cjk" in problem.message("en")


def test_enlarged_scales_type_and_keeps_categories_matched(built):
    figure = chart_catalog.overview_progress(Reader(), "huangshi", "zh").figure
    big = charts.enlarged(figure, 1.5, height=630)
    assert big.layout.height == 630 and figure.layout.height != 630  # the original is untouched
    assert big.layout.font.size == figure.layout.font.size * 1.5
    assert big.layout.title.font.size == figure.layout.title.font.size * 1.5
    assert big.layout.margin.t == pytest.approx(figure.layout.margin.t * 1.5)
    # The horizon under each label is inline HTML: scaled alike in every trace and every annotation,
    # so the value column still sits beside its bar.
    labels = list(big.data[1].y)
    assert all("font-size:18px" in label for label in labels)
    assert list(big.data[0].y) == labels
    annotated = [note.y for note in big.layout.annotations if isinstance(note.y, str)]
    assert annotated and set(annotated) <= set(labels)


def test_availability_is_checked_again_after_a_while(monkeypatch):
    """The answer stands for AVAILABILITY_SECONDS (every chart button asks on every view), then a
    chromium installed or removed meanwhile counts."""
    clock = [1000.0]
    monkeypatch.setattr(exports.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(exports, "_availability", {})
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    assert "chromium" in exports.availability().missing
    monkeypatch.setattr(exports, "_executable", lambda path: True)  # installed now
    assert "chromium" in exports.availability().missing  # the answer of a moment ago stands
    clock[0] += exports.AVAILABILITY_SECONDS + 1
    problem = exports.availability()
    assert problem is None or "chromium" not in problem.missing
