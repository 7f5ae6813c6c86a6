"""Concurrent viewers on loopback: websocket clients that do what the browser does.

Each simulated viewer loads the page HTML (getting nginx's route cookie when there is a proxy), opens
the Streamlit websocket with the browser's Origin, then opens every page in turn the way the
frontend does on navigation (a rerun_script message naming the page) and waits until the server
has sent every element and the script has finished. Time per page is from the request to the
script-finished message: the server's side of "charts painted" (the browser's own drawing, measured
in benchmarks/browser.py, is left out so 50 chromium tabs on 2 cores do not measure chromium).

Viewers are paced like people: each waits a think time (seeded, 1-4 s) before each page, so 50
concurrent sessions are 50 open dashboards, not 50 clicks in the same millisecond. A burst run (no
think time, every viewer at once) is reported too: the worst case a single process can meet.

Bounded: a fixed number of sessions, each page once per round, a timeout per page.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.browser import server
from benchmarks.common import Page, median, percentile, registered_pages, rss_mb
from metrics.i18n import text
from metrics.paths import PROJECT_ROOT
from tools.browser import free_port, wait_healthy

PAGE_TIMEOUT = 60.0
NGINX_SITE = PROJECT_ROOT / "deploy" / "nginx.conf"


@dataclass
class PageResult:
    session: int
    page: str
    seconds: float
    charts: int = 0
    title: str = ""
    error: str = ""


@dataclass
class LoadResult:
    """What one load run saw."""

    label: str
    sessions: int
    results: list[PageResult] = field(default_factory=list)
    wall: float = 0.0
    rss_idle_mb: float = 0.0
    rss_peak_mb: float = 0.0
    replicas: Counter = field(default_factory=Counter)

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.results if not r.error]

    @property
    def errors(self) -> list[PageResult]:
        return [r for r in self.results if r.error]

    @property
    def p50(self) -> float:
        return percentile(self.times, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.times, 0.95)


def _rerun(page: Page, lang: str) -> bytes:
    message = BackMsg()
    message.rerun_script.query_string = f"lang={lang}"
    message.rerun_script.page_name = "" if page.default else page.url
    return message.SerializeToString()


def _first_get(base_url: str) -> tuple[str, str]:
    """Load the page HTML as a browser does first: the route cookie and the replica that answered."""
    with urllib.request.urlopen(f"{base_url}/", timeout=30) as response:
        response.read()
        cookies = [value.split(";", 1)[0] for value in response.headers.get_all("Set-Cookie") or []]
        return "; ".join(cookies), response.headers.get("X-Dashboard-Replica", "")


async def _open_page(socket, page: Page, lang: str, session: int) -> PageResult:
    started = time.perf_counter()
    await socket.send(_rerun(page, lang))
    result = PageResult(session, page.name, 0.0)
    while True:
        message = ForwardMsg.FromString(await asyncio.wait_for(socket.recv(), PAGE_TIMEOUT))
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            element_type = element.WhichOneof("type")
            if element_type == "plotly_chart":
                result.charts += 1
            elif element_type == "exception":
                result.error = f"exception: {element.exception.message[:120]}"
            elif element_type == "heading" and not result.title:
                result.title = element.heading.body
        elif kind == "script_finished":
            if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                result.error = "compile error"
            if message.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
                break
    result.seconds = time.perf_counter() - started
    expected = text(page.title_key, lang)
    if not result.error and result.title != expected:
        result.error = f"title {result.title!r}, expected {expected!r}"
    return result


async def _viewer(
    base_url: str, pages: list[Page], session: int, lang: str, rounds: int, start: asyncio.Event, think: tuple
):
    cookie, replica = await asyncio.to_thread(_first_get, base_url)
    headers = {"Origin": base_url, **({"Cookie": cookie} if cookie else {})}
    socket_url = base_url.replace("http://", "ws://") + "/_stcore/stream"
    results: list[PageResult] = []
    await start.wait()
    try:
        async with websockets.connect(
            socket_url, subprotocols=["streamlit"], additional_headers=headers, max_size=None, open_timeout=60
        ) as socket:
            pace = random.Random(session)
            for _ in range(rounds):
                for page in pages:
                    if think[1]:
                        await asyncio.sleep(pace.uniform(*think))
                    results.append(await _open_page(socket, page, lang, session))
    except (OSError, TimeoutError, websockets.WebSocketException) as error:
        results.append(PageResult(session, "connection", 0.0, error=f"{type(error).__name__}: {error}"[:160]))
    return results, replica


async def _run(base_url: str, pages: list[Page], sessions: int, lang: str, rounds: int, think: tuple):
    start = asyncio.Event()
    tasks = [asyncio.create_task(_viewer(base_url, pages, n, lang, rounds, start, think)) for n in range(sessions)]
    await asyncio.sleep(0.5)  # every viewer has loaded the HTML; then all open their websockets at once
    started = time.perf_counter()
    start.set()
    done = await asyncio.gather(*tasks)
    return done, time.perf_counter() - started


class _RssSampler(threading.Thread):
    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self.stopped = pids, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, sum(rss_mb(pid) for pid in self.pids))
            self.stopped.wait(0.2)


PACED = (1.0, 4.0)  # seconds a viewer looks at a page before the next
BURST = (0.0, 0.0)
SINGLE = (0.3, 1.0)  # one viewer alone: shorter pauses, more samples in the same time


def load(
    base_url: str,
    pids: list[int],
    label: str,
    sessions: int,
    pages: list[Page],
    lang: str = "zh",
    rounds: int = 1,
    think: tuple[float, float] = PACED,
) -> LoadResult:
    """`sessions` viewers at once, each opening every page `rounds` times after a think time."""
    idle = sum(rss_mb(pid) for pid in pids)
    sampler = _RssSampler(pids)
    sampler.start()
    try:
        done, wall = asyncio.run(_run(base_url, pages, sessions, lang, rounds, think))
    finally:
        sampler.stopped.set()
        sampler.join()
    result = LoadResult(label, sessions, wall=wall, rss_idle_mb=idle, rss_peak_mb=max(sampler.peak, idle))
    for results, replica in done:
        result.results += results
        result.replicas[replica or "direct"] += 1
    return result


@contextlib.contextmanager
def replicas(count: int, env: dict | None = None) -> Iterator[list[tuple[int, subprocess.Popen]]]:
    """`count` dashboard servers on free loopback ports: (port, process) each."""
    with contextlib.ExitStack() as stack:
        started = []
        for _ in range(count):
            base_url, _, process = stack.enter_context(server(PROJECT_ROOT / "dashboard.py", env, launcher=True))
            started.append((int(base_url.rsplit(":", 1)[1]), process))
        yield started


def nginx_binary(install: bool = True) -> tuple[str | None, str]:
    """The nginx executable, installing Debian's package if missing and possible; else None and why."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found, ""
    if not install or not shutil.which("apt-get") or os.geteuid() != 0:
        return None, "nginx is not installed and cannot be installed here (needs root and apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "install", "-y", "nginx"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "nginx"],
    ):
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
        found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if found:
            return found, ""
    return None, "nginx is not installed and `apt-get install -y nginx` did not succeed"


def nginx_config(site: str, listen_port: int, upstream_ports: list[int], prefix: Path) -> str:
    """deploy/nginx.conf with the bench's ports, inside a main config that lives in a temp folder."""
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstream_ports)
    lines = [line for line in site.splitlines(keepends=True) if not line.strip().startswith("server 127.0.0.1:")]
    site = "".join(lines).replace(
        "hash $dashboard_route consistent;\n", "hash $dashboard_route consistent;\n" + servers
    )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    temp = prefix / "temp"
    return f"""worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""


@contextlib.contextmanager
def nginx(binary: str, upstream_ports: list[int]) -> Iterator[tuple[str, subprocess.Popen]]:
    """nginx on a free loopback port in front of the replicas, from deploy/nginx.conf."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder)
        (prefix / "temp").mkdir()
        port = free_port()
        config = prefix / "nginx.conf"
        config.write_text(nginx_config(NGINX_SITE.read_text(), port, upstream_ports, prefix), encoding="utf-8")
        process = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base_url, timeout=30)
            yield base_url, process
        except TimeoutError:
            process.terminate()
            raise RuntimeError(f"nginx did not start: {process.communicate(timeout=10)[1].decode()[-500:]}") from None
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def run_load(
    sessions: int = 50,
    data_dir: Path | None = None,
    pages: list[Page] | None = None,
    rounds: int = 2,
    with_nginx: bool = True,
    single_rounds: int = 20,
) -> tuple[list[LoadResult], str]:
    """One server: one viewer, then `sessions` paced, then a burst; then the same through nginx + 2 replicas."""
    pages = pages or registered_pages()
    env = {"DASHBOARD_DATA_DIR": str(data_dir)} if data_dir else {}
    runs: list[LoadResult] = []

    def scenario(base_url: str, pids: list[int], where: str) -> None:
        # Paced, not back to back: a request sent the instant the last answer arrived waits ~40 ms
        # more (a latency floor of its own), which would flatter the comparison.
        runs.append(load(base_url, pids, f"{where}, 1 viewer", 1, pages, rounds=single_rounds, think=SINGLE))
        runs.append(load(base_url, pids, f"{where}, {sessions} viewers", sessions, pages, rounds=rounds))
        runs.append(load(base_url, pids, f"{where}, {sessions} viewers, burst", sessions, pages, think=BURST))

    with replicas(1, env) as started:
        port, process = started[0]
        base_url = f"http://127.0.0.1:{port}"
        load(base_url, [process.pid], "warm-up", 1, pages, think=BURST)  # imports and caches: the first visitor
        scenario(base_url, [process.pid], "1 server")
    note = ""
    if with_nginx:
        binary, note = nginx_binary()
        if binary:
            with replicas(2, env) as started, nginx(binary, [port for port, _ in started]) as (proxy, _):
                pids = [process.pid for _, process in started]
                for port, _ in started:
                    load(f"http://127.0.0.1:{port}", pids, "warm-up", 1, pages, think=BURST)
                scenario(proxy, pids, "nginx + 2 replicas")
    return runs, note


def summary(run: LoadResult) -> dict[str, object]:
    return {
        "label": run.label,
        "page views": len(run.results),
        "p50": run.p50,
        "p95": run.p95,
        "median": median(run.times),
        "errors": len(run.errors),
        "rss idle MB": run.rss_idle_mb,
        "rss peak MB": run.rss_peak_mb,
    }
