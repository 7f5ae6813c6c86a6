"""Things pages build from query results are built once per data version and choice, then shared."""

from __future__ import annotations

from pathlib import Path

from ui import data


def test_derived_is_built_once_per_version_and_key(built: Path):
    calls: list[str] = []

    def build(label: str):
        return lambda: calls.append(label) or label

    assert data.derived(("test", "zh"), build("zh")) == "zh"
    assert data.derived(("test", "zh"), build("again")) == "zh"
    assert data.derived(("test", "en"), build("en")) == "en"
    assert calls == ["zh", "en"]

    path = built / "targets.csv"
    path.write_bytes(path.read_bytes().replace(b",152,", b",160,"))  # a new data version
    assert data.derived(("test", "zh"), build("new")) == "new"
    assert calls == ["zh", "en", "new"]
