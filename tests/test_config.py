"""The Streamlit configuration fits an office intranet."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_config_is_fit_for_an_intranet():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["disableDataExport"] is True  # tables hand out no un-neutralised CSV
    assert config["server"]["maxUploadSize"] <= 10
    assert config["theme"]["font"].startswith("'Noto Sans CJK SC'")


def test_pinned_requirements():
    lines = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert lines and all("==" in line for line in lines)
    for pin in ("streamlit==1.67.0", "pandas==3.1.1", "plotly==7.1.0", "duckdb==2.0.1"):
        assert pin in lines


def test_readme_names_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
