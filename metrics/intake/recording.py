"""Keeping a document and turning an editor's accepted proposals into progress and target rows.

The document is kept as data/documents/<sha256>.<ext> with a row in data/sources.csv, so every record made
from it names it as its source; the rows themselves are saved by metrics.updates (validation, history,
rollback, the editor recorded), never written here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd

from metrics import paths, store, updates
from metrics.intake.reference import csv_with_rows
from metrics.registry import Registry, read_reference_csv

DOCUMENTS = "documents"


def digest(data: bytes) -> str:
    """The document's identity: the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def source_id_for(data: bytes) -> str:
    """The sources.csv id of a document: doc_ and the start of its hash (the same bytes, the same id)."""
    return f"doc_{store.content_version(data)}"  # the start of the same SHA-256 that names its file


def document_file(data: bytes, name: str) -> str:
    """Where the document is kept, relative to data/: documents/<sha256>.<ext>."""
    ext = PurePath(name).suffix.lower().lstrip(".") or "txt"
    return f"{DOCUMENTS}/{digest(data)}.{ext}"


def known_source(data: bytes, folder: Path | None = None) -> dict | None:
    """The sources.csv row of a document read before, or None."""
    folder = folder or paths.data_dir()
    sources = read_reference_csv(folder / "sources.csv")
    found = sources[sources["source_id"] == source_id_for(data)]
    return found.iloc[0].to_dict() if not found.empty else None


def keep_document(
    data: bytes, name: str, title: str, issuer: str, date: dt.date, editor: tuple[str, str] = ("", "")
) -> str:
    """Store the document and its sources.csv row (once; reading it again changes nothing); its source id.

    sources.csv is saved as a new version with history (metrics.store), naming `editor` (name, account)."""
    folder = paths.data_dir()
    source_id = source_id_for(data)
    relative = document_file(data, name)
    path = folder / relative
    if not path.exists():
        store.atomic_write(path, data)
    if known_source(data, folder) is None:
        title = title.strip() or PurePath(name).stem
        row = dict(
            source_id=source_id,
            issuer_zh=issuer.strip(),
            issuer_en=issuer.strip(),
            date=date.isoformat(),
            title_zh=title,
            title_en=title,
            short_zh=title,
            short_en=title,
            file=relative,
        )
        change = store.Change(action="import", detail=relative, added=1)
        store.save("sources", csv_with_rows(folder / "sources.csv", [row]), editor[0], change, account=editor[1])
    return source_id


def evidence_note(row: dict) -> str:
    """The note a record keeps: the sentence that states it, and where (line) in the document."""
    return f"原文（第{row['line']}行）：{row['evidence']}"


@dataclass(frozen=True)
class _Rows:
    """How accepted proposals of one kind become one table's rows."""

    kind: str  # the proposals' kind: actual or target
    value: str  # the table's column for the proposal's value
    copied: tuple[str, ...]  # columns taken from the proposal as they are
    note: Callable[[dict], str]


_TABLES = {
    "progress": _Rows("actual", "value", ("as_of",), evidence_note),
    "targets": _Rows(
        "target", "target", ("period_start", "period_end", "section", "evidence"), lambda r: f"第{r['line']}行"
    ),
}


def table_rows(table: str, accepted: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """Accepted proposals of the table's kind (actuals → progress, targets → targets) as that table's rows:
    the document as their source, the sentence (or its line) as their note."""
    how = _TABLES[table]
    rows = accepted[accepted["kind"] == how.kind]
    frame = rows[["metric_id", "region_id", "qualifier", *how.copied]].copy()
    frame[how.value] = rows["value"].astype(float)
    frame["source"] = source_id
    frame["note"] = [how.note(row) for row in rows.to_dict("records")]
    return frame[[column for column in updates.KINDS[table].columns if column in frame]]


def with_document(registry: Registry, source_id: str) -> Registry:
    """The registry as it will be once the document is kept (keep_document): the rows that name it as their
    source are checked against it, before sources.csv has its row."""
    if source_id in set(registry.sources["source_id"]):
        return registry
    return registry.with_rows("sources", [{"source_id": source_id}])


def merged(kind: str, current: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """The live table with the new rows: a new row replaces the live one with the same key."""
    key = list(updates.KINDS[kind].key)
    current = current.astype({c: str for c in key if c in current}).copy()
    new = new.astype({c: str for c in key})
    both = pd.concat([current, new], ignore_index=True)
    return both.drop_duplicates(key, keep="last").reset_index(drop=True)


def clashes(accepted: pd.DataFrame) -> list[tuple[dict, dict]]:
    """Pairs of accepted rows that the saved table would hold as one row (same kind, metric, region and
    date or period) with different values: saving would keep the later and drop the other without a word
    (this year's 96家 and the three years' 352家, both read as diagnoses at the end of June), so the editor
    must choose. The same figure accepted twice is no clash."""
    pairs, first = [], {}
    for row in accepted.to_dict("records"):
        key = tuple(row[c] for c in ("kind", "metric_id", "region_id", "as_of", "period_start", "period_end"))
        if key not in first:
            first[key] = row
        elif (float(first[key]["value"]), first[key]["qualifier"]) != (float(row["value"]), row["qualifier"]):
            pairs.append((first[key], row))
    return pairs


def mark_recorded(proposals: pd.DataFrame, progress: pd.DataFrame, targets: pd.DataFrame) -> list[bool]:
    """For each proposal, whether the live tables already hold it (same metric, region, date(s) and value)."""
    actual = {(r["metric_id"], r["region_id"], str(r["as_of"]), float(r["value"])) for r in progress.to_dict("records")}
    planned = {
        (r["metric_id"], r["region_id"], str(r["period_start"]), str(r["period_end"]), float(r["target"]))
        for r in targets.to_dict("records")
    }
    marks = []
    for row in proposals.to_dict("records"):
        if not row["metric_id"]:
            marks.append(False)
        elif row["kind"] == "target":
            key = (row["metric_id"], row["region_id"], row["period_start"], row["period_end"], float(row["value"]))
            marks.append(key in planned)
        else:
            marks.append((row["metric_id"], row["region_id"], row["as_of"], float(row["value"])) in actual)
    return marks


def registry_now() -> Registry:
    """The registry as the data folder holds it now (after a document row was added)."""
    return Registry.load()


def intake_document_text(source: dict, lang: str) -> str:
    """A document kept by intake in one line for the Sources page: title, issuer, date and its file."""
    from metrics.i18n import format_date, text

    issuer = source.get(f"issuer_{lang}") or ""
    issuer = "" if issuer != issuer else issuer  # NULL from the database
    return text(
        "intake.source_document",
        lang,
        title=source[f"title_{lang}"],
        issuer=issuer or "—",
        date=format_date(source["date"], lang),
        file=source["file"],
    )
