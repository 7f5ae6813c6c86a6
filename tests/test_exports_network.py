"""The image browser (kaleido's chromium) talks to nothing outside this machine and runs without the flags
that weaken it (issue 13: 112 DNS queries to Google in 45 s, web security off).

Watched with strace: every connect() of the exporting process and its children, and chromium's own
command line. Skipped where strace is missing (CI installs it, see .ci/run)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from metrics import exports

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = re.compile(r"^(127\.|::1$|::ffff:127\.)")


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    try:
        return (
            subprocess.run(["strace", "-f", "-o", "/dev/null", "true"], capture_output=True, timeout=20).returncode == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


needs = pytest.mark.skipif(
    (exports.availability() is not None or not _strace_works()) and not os.environ.get("REQUIRE_BROWSER"),
    reason="needs chromium, fonts-noto-cjk and strace (apt-get install -y strace)",
)


def test_the_command_line_drops_the_weakening_flags_and_turns_background_networking_off():
    command = exports.chromium_flags(["chromium", "--disable-web-security", "--allow-file-access-from-files", "--x"])
    assert "--disable-web-security" not in command and "--allow-file-access-from-files" not in command
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"):
        assert flag in command
    assert command[:1] == ["chromium"] and "--x" in command


def connections(trace: str) -> list[tuple[str, str, int]]:
    """(UDP | TCP | ?, address, port) of every IPv4/IPv6 connect() in an `strace -yy` log."""
    found = []
    for line in trace.splitlines():
        if "connect(" not in line:
            continue
        v4 = re.search(r'sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)', line)
        v6 = re.search(r'sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"', line)
        match = v4 or v6
        if match:
            kind = re.search(r"connect\(\d+<(UDP|TCP)", line)
            found.append((kind.group(1) if kind else "?", match.group(2), int(match.group(1))))
    return found


def leaving(found: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The connections that send something off this machine. A datagram connect() sends no packet: it
    only picks a route (chromium's IPv6 reachability probe to 2001:4860:4860::8888 does that); a DNS
    query (port 53) or any stream connection to another host does."""
    return [
        (kind, address, port)
        for kind, address, port in found
        if port == 53 or (not LOOPBACK.match(address) and kind != "UDP")
    ]


def test_connections_are_read_from_an_strace_log():
    log = (
        '12 connect(5<UDP:[1]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.1")}, 16) = 0\n'
        "13 connect(6<TCPv6:[2]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
        'inet_pton(AF_INET6, "2404:6800::1", &sin6_addr), sin6_scope_id=0}, 28) = -1\n'
        "14 connect(7<UDPv6:[3]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
        'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0\n'
        '15 connect(8<TCP:[4]>, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16) = 0\n'
        '16 connect(9<UNIX:[5]>, {sa_family=AF_UNIX, sun_path="/run/dbus"}, 110) = -1\n'
    )
    found = connections(log)
    assert len(found) == 4
    assert leaving(found) == [("UDP", "10.0.0.1", 53), ("TCP", "2404:6800::1", 443)]


@needs
def test_a_png_export_connects_to_nothing_outside_loopback(tmp_path):
    out, log = tmp_path / "chart.png", tmp_path / "trace.log"
    script = textwrap.dedent(
        f"""
        import time
        import plotly.graph_objects as go
        from metrics import exports
        figure = go.Figure(go.Bar(x=["诊断", "改造"], y=[153, 66]), layout={{"title": {{"text": "黄石 导出"}}}})
        open({str(out)!r}, "wb").write(exports.figure_png(figure, width=640, height=360, scale=1))
        time.sleep(8)  # background networking starts within seconds of the browser's start
        exports.stop_server()
        """
    )
    result = subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-yy",
            "-s",
            "200",
            "-e",
            "trace=connect,execve",
            "-o",
            str(log),
            sys.executable,
            "-c",
            script,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    trace = log.read_text(errors="replace")
    outside = leaving(connections(trace))
    assert not outside, outside
    started = [line for line in trace.splitlines() if "execve(" in line and "chromium" in line and "--headless" in line]
    assert started, "chromium's start was not seen"
    assert not any("--disable-web-security" in line or "--allow-file-access-from-files" in line for line in started)
    assert any("--disable-background-networking" in line for line in started)
