"""The machine and versions a run measured on, for the report."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def _version_of(command: list[str]) -> str:
    if not shutil.which(command[0]):
        return "not installed"
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "unknown"


def describe() -> dict[str, str]:
    """CPU, cores, RAM, OS, Python and the versions that matter here."""
    packages = ("streamlit", "pandas", "plotly", "duckdb", "pandera", "kaleido", "playwright", "websockets")
    info = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "ram": f"{_ram_gb():.0f} GB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "chromium": _version_of(["chromium", "--version"]),
        "nginx": _version_of(["nginx", "-v"]) if shutil.which("nginx") or Path("/usr/sbin/nginx").exists() else "",
    }
    if not info["nginx"]:
        info["nginx"] = _version_of(["/usr/sbin/nginx", "-v"]) if Path("/usr/sbin/nginx").exists() else "not installed"
    for name in packages:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = "not installed"
    return info
