"""Keeping a document and turning an editor's accepted proposals into progress and target rows.

The document is kept as data/documents/<sha256>.<ext> with a row in data/sources.csv, so every record made
from it names it as its source; the rows themselves are saved by metrics.updates (validation, history,
rollback, the editor recorded), never written here.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path, PurePath

import pandas as pd

from metrics import paths, store
from metrics.registry import Registry, read_reference_csv

DOCUMENTS = "documents"


def digest(data: bytes) -> str:
    """The document's identity: the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def source_id_for(data: bytes) -> str:
    """The sources.csv id of a document: doc_ and the start of its hash (the same bytes, the same id)."""
    return f"doc_{digest(data)[:12]}"


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
        sources_path = folder / "sources.csv"
        sources = read_reference_csv(sources_path)
        title = title.strip() or PurePath(name).stem
        row = {column: "" for column in sources.columns}
        row.update(
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
        frame = pd.concat([sources, pd.DataFrame([row])], ignore_index=True)
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        change = store.Change(action="import", detail=relative, added=1)
        store.save("sources", buffer.getvalue().encode("utf-8"), editor[0], change, account=editor[1])
    return source_id


def evidence_note(row: dict) -> str:
    """The note a record keeps: the sentence that states it, and where (line) in the document."""
    return f"原文（第{row['line']}行）：{row['evidence']}"


def progress_rows(accepted: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """Accepted actual figures as data/progress.csv rows."""
    rows = accepted[accepted["kind"] == "actual"]
    return pd.DataFrame(
        {
            "metric_id": rows["metric_id"],
            "region_id": rows["region_id"],
            "as_of": rows["as_of"],
            "value": rows["value"].astype(float),
            "qualifier": rows["qualifier"],
            "source": source_id,
            "note": [evidence_note(row) for row in rows.to_dict("records")],
        }
    )


def target_rows(accepted: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """Accepted targets as data/targets.csv rows, with section and evidence."""
    rows = accepted[accepted["kind"] == "target"]
    return pd.DataFrame(
        {
            "metric_id": rows["metric_id"],
            "region_id": rows["region_id"],
            "period_start": rows["period_start"],
            "period_end": rows["period_end"],
            "target": rows["value"].astype(float),
            "qualifier": rows["qualifier"],
            "source": source_id,
            "section": rows["section"],
            "evidence": rows["evidence"],
            "note": [f"第{line}行" for line in rows["line"]],
        }
    )


KEYS = {
    "progress": ["metric_id", "region_id", "as_of"],
    "targets": ["metric_id", "region_id", "period_start", "period_end"],
}


def merged(kind: str, current: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """The live table with the new rows: a new row replaces the live one with the same key."""
    current = current.astype({c: str for c in KEYS[kind] if c in current}).copy()
    new = new.astype({c: str for c in KEYS[kind]})
    both = pd.concat([current, new], ignore_index=True)
    return both.drop_duplicates(KEYS[kind], keep="last").reset_index(drop=True)


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
