"""`python -m metrics intake FILE --out PROPOSALS.csv`: propose a report's figures into a CSV."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys

from metrics.i18n import bilingual
from metrics.intake import recording
from metrics.intake.proposals import document_title, propose_file, signed_date, signed_issuer, write_proposals
from metrics.intake.reading import IntakeError


def run(args: argparse.Namespace) -> int:
    """Read the file, write the proposals; on a refusal print why (zh | en), write nothing, exit 1.

    With --keep the document is also kept (data/documents/ and a sources.csv row with its title, issuer and
    date, saved with history naming --editor), as the page keeps it when an editor confirms."""
    try:
        document_date = _date(args.date)
        data = args.file.read_bytes()
        document, frame = propose_file(
            data, args.file.name, document_date, args.region or None, title=args.title, issuer=args.issuer
        )
    except IntakeError as error:
        print(f"{args.file.name}: {error.bilingual()}", file=sys.stderr)
        return 1
    except OSError as error:  # the report, or one of the dashboard's own files it is read against
        print(bilingual("cli.unreadable", path=error.filename or args.file, error=error), file=sys.stderr)
        return 1
    write_proposals(frame, args.out)
    matched = int((frame["metric_id"] != "").sum())
    print(bilingual("intake.cli_written", count=len(frame), matched=matched, path=args.out))
    if getattr(args, "keep", False):
        date = document_date or signed_date(document) or dt.date.today()
        title = args.title or document_title(document)
        issuer = args.issuer or signed_issuer(document)  # the 落款 office when --issuer is not given
        editor = getattr(args, "editor", "") or getpass.getuser()
        source_id = recording.keep_document(data, args.file.name, title, issuer, date, (editor, ""))
        print(bilingual("intake.cli_kept", source=source_id, title=title, issuer=issuer or "—"))
    return 0


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise IntakeError("bad_date", value=text) from error
