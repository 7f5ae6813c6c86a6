"""Command line: python -m metrics build | targets|progress check|import FILE | editors add|list|remove |
briefing --out DIR [--lang zh|en] [--region ID] [--format pptx|docx|pdf] |
intake FILE --out PROPOSALS.csv [--date D] [--title T] [--issuer I] [--region R] [--keep [--editor NAME]]."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from metrics import editors, importing, store, updates
from metrics.build import BuildError, build
from metrics.i18n import DEFAULT_LANGUAGE, LANGUAGES, bilingual, text
from metrics.registry import DEFAULT_REGION


def _print_problems(result: updates.UpdateResult, name: str) -> None:
    for item in result.parsed.problems:
        label = "错误 error" if item.severity == "error" else "提示 warning"
        print(f"{name}: {label}: {item.bilingual()}", file=sys.stderr)


def _print_changes(kind: str, result: updates.UpdateResult) -> None:
    """The summary, then one line per changed row in words, in both languages as every CLI message."""
    from metrics import editing

    changes = result.changes
    print(bilingual("cli.changes", **result.counts))
    if changes.empty:
        return
    described = {lang: editing.describe_changes(kind, changes, lang).to_dict("records") for lang in ("zh", "en")}
    key = updates.KINDS[kind].key
    for change, zh, en in zip(changes["change"], described["zh"], described["en"], strict=True):
        print(f"  {_change_line(zh, change, key, 'zh')} | {_change_line(en, change, key, 'en')}")
    if kind == "progress":  # as the browser's preview notes them: a figure far from the one before it
        from metrics.reader import Reader
        from metrics.registry import Registry

        reader, registry = Reader(), Registry.load()
        figures = editing.stored_figures(changes, lambda region: reader.fetch("figures_for_region", region_id=region))
        notes = [editing.magnitude_notes(changes, figures, registry, lang) for lang in ("zh", "en")]
        for zh, en in zip(*notes, strict=True):
            print(f"提示 note: {zh} | {en}", file=sys.stderr)


def _change_line(row: dict[str, str], change: str, key: tuple[str, ...], lang: str) -> str:
    """'修改 指标：完成智能化诊断的规上企业；…；目标值：152家 → 160家' / 'Changed Metric: …; Target: 152 → 160':
    the row's key, then what changed (every value of an added or removed row)."""
    from metrics import editing

    fields = [
        text("audit.cli_field", lang, label=editing.label(column, lang), value=value)
        for column, value in row.items()
        if column != "change" and value and (change != "changed" or column in key or " → " in value)
    ]
    return f"{row['change']} {text('audit.cli_separator', lang).join(fields)}"


def _update(kind: str, action: str, file: Path, editor: str, confirm_delete: int = 0) -> int:
    try:
        # the same limit as the browser's upload, checked before a large file is read into memory
        too_large = importing.upload_too_large(file.stat().st_size)
        data = b"" if too_large else file.read_bytes()
    except OSError as error:
        print(bilingual("cli.unreadable", path=file, error=error), file=sys.stderr)
        return 1
    if too_large:
        print(f"{file.name}: 错误 error: {too_large.bilingual()}", file=sys.stderr)
        print(bilingual("cli.refused", count=1), file=sys.stderr)
        return 1
    try:
        if action == "check":
            result = updates.check(kind, data)
        else:
            result = updates.import_file(kind, data, operator=editor, detail=file.name, confirm_removed=confirm_delete)
    except updates.DeletionNotConfirmed as refused:
        _print_problems(refused.result, file.name)
        _print_changes(kind, refused.result)
        key = "audit.cli_delete_mismatch" if refused.confirmed else "audit.cli_delete_unconfirmed"
        print(bilingual(key, count=refused.count, confirmed=refused.confirmed, file=file), file=sys.stderr)
        return 1
    except store.StaleVersionError as stale:
        entry = next((entry for entry in updates.versions(kind) if entry.version == stale.live), None)
        who = entry.editor if entry and entry.editor else "?"
        when = entry.saved_at_text if entry else "?"
        print(bilingual("audit.cli_stale", who=who, when=when, live=stale.live, file=file), file=sys.stderr)
        return 1
    _print_problems(result, file.name)
    if not result.ok:
        count = len(result.parsed.errors)
        print(bilingual("cli.refused", count=count), file=sys.stderr)
        return 1
    _print_changes(kind, result)
    if action == "check" and result.counts["removed"]:
        print(bilingual("audit.cli_check_deletes", count=result.counts["removed"], file=file))
    if action == "import":
        saved = result.saved
        key = "cli.saved" if saved and saved.changed else "cli.unchanged"
        version = saved.version if saved else ""
        print(bilingual(key, version=version))
        for name, item in result.build_problems:
            print(f"{name}: {item.bilingual()}", file=sys.stderr)
        return 1 if result.build_problems else 0
    return 0


def _read_password(name: str, from_stdin: bool) -> str | None:
    """The new password: one line of standard input, or typed twice without echo."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            print(bilingual("editors.password_empty"), file=sys.stderr)
            return None
        return password
    first = getpass.getpass(bilingual("editors.password_prompt", name=name))
    second = getpass.getpass(bilingual("editors.password_again"))
    if first != second:
        print(bilingual("editors.password_mismatch"), file=sys.stderr)
        return None
    return first


def _editors(args: argparse.Namespace) -> int:
    path = editors.secrets_path()
    try:
        if args.action == "list":
            found = editors.accounts()
            if not found:
                print(bilingual("editors.none", path=path))
            for account in found.values():
                email = f" <{account.email}>" if account.email else ""
                name, display_name = account.username, account.display_name
                print(bilingual("editors.list_row", name=name, display_name=display_name, email=email))
            return 0
        if args.action == "remove":
            if not editors.remove_editor(args.name):
                print(bilingual("editors.not_found", name=args.name), file=sys.stderr)
                return 1
            print(bilingual("editors.removed", name=args.name))
            return 0
        editors.check_username(args.name)  # before asking for a password
        password = _read_password(args.name, args.password_stdin)
        if password is None:
            return 1
        is_new = editors.add_editor(args.name, password, args.display_name, args.email)
    except editors.EditorError as error:
        print(f"{error.message('zh')} | {error.message('en')}", file=sys.stderr)
        return 1
    display_name = editors.accounts()[args.name].display_name
    key = "editors.added" if is_new else "editors.updated"
    print(bilingual(key, name=args.name, display_name=display_name, path=path))
    return 0


def _word_briefing(out: Path, lang: str, region_id: str, pdf: bool) -> int:
    from metrics import wordbrief

    result = wordbrief.write_briefing(out, lang, region_id, pdf=pdf)
    print(result.docx)
    if result.pdf is not None:
        print(result.pdf)
    written = result.pdf or result.docx
    print(bilingual("brief.written", path=written.name, seconds=f"{result.seconds['total']:.1f}"))
    failed = False
    if result.images_unavailable is not None:
        print(str(result.images_unavailable), file=sys.stderr)
        failed = True
    if pdf and result.pdf is None:
        print(result.pdf_problem, file=sys.stderr)
        failed = True
    return 1 if failed else 0


def _briefing(out: Path, lang: str, region_id: str, kind: str = "pptx") -> int:
    from metrics.reader import Reader

    # The briefing states what the files say now: a database older than an edited CSV (or than the
    # program's tables) is rebuilt first; nothing is rebuilt when it is current.
    try:
        build()
    except BuildError as error:
        for name, item in error.problems:
            print(f"{name}: {item.bilingual()}", file=sys.stderr)
        print(bilingual("cli.briefing_not_written"), file=sys.stderr)
        return 1
    known = Reader().fetch("regions_with_data")["region_id"].tolist()
    if region_id not in known:
        print(bilingual("cli.unknown_region", region=region_id, known=", ".join(known)), file=sys.stderr)
        return 1
    if kind in ("docx", "pdf"):
        return _word_briefing(out, lang, region_id, pdf=kind == "pdf")
    from metrics import briefing

    pack = briefing.build_pack(out, lang, region_id)
    for path in pack.paths:
        print(path)
    print(bilingual("cli.briefing_written", count=len(pack.images), seconds=f"{pack.seconds['total']:.1f}"))
    if pack.images_unavailable is not None:
        print(str(pack.images_unavailable), file=sys.stderr)
        return 1
    return 0


def _intake(args: argparse.Namespace) -> int:
    from metrics import intake

    return intake.cli.run(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics", description="黄石工业互联网进展看板 data tools")
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="build data/dashboard.duckdb from data/*.csv")
    build_command.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    for kind in ("targets", "progress"):
        table = commands.add_parser(kind, help=f"check or import a {kind} CSV")
        actions = table.add_subparsers(dest="action", required=True)
        for action in ("check", "import"):
            command = actions.add_parser(action)
            command.add_argument("file", type=Path)
            command.add_argument("--editor", default=getpass.getuser(), help="name recorded in the history")
            if action == "import":
                command.add_argument(
                    "--confirm-delete",
                    type=int,
                    default=0,
                    metavar="N",
                    help="the import deletes N rows: required, and must equal that number, when it deletes any",
                )
    accounts = commands.add_parser("editors", help="editor accounts in .streamlit/secrets.toml (DASHBOARD_SECRETS)")
    account_actions = accounts.add_subparsers(dest="action", required=True)
    add = account_actions.add_parser("add", help="add an editor, or set a new password for one")
    add.add_argument("name", help="account name: lower-case pinyin, e.g. jianghui")
    add.add_argument("--display-name", default="", help="name shown in the history, e.g. 江晖")
    add.add_argument("--email", default="", help="email the OIDC provider reports for this editor (optional)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    account_actions.add_parser("list", help="list editor accounts")
    remove = account_actions.add_parser("remove", help="remove an editor account")
    remove.add_argument("name")
    briefing_command = commands.add_parser("briefing", help="write the briefing deck and chart images into a folder")
    briefing_command.add_argument("--out", type=Path, required=True, help="folder for the deck and the PNGs")
    briefing_command.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    briefing_command.add_argument("--region", default=DEFAULT_REGION, help="region id, e.g. huangshi")
    briefing_command.add_argument(
        "--format",
        choices=("pptx", "docx", "pdf"),
        default="pptx",
        help="pptx: the deck and chart images; docx: the A4 Word briefing; pdf: the Word briefing and its PDF",
    )
    intake_command = commands.add_parser("intake", help="propose the figures a report states, with evidence")
    intake_command.add_argument("file", type=Path, help=".txt .md .docx .pdf .html")
    intake_command.add_argument("--out", type=Path, required=True, help="proposals CSV to write (UTF-8 with BOM)")
    intake_command.add_argument("--date", default="", help="the document's date, YYYY-MM-DD")
    intake_command.add_argument("--title", default="", help="the document's title")
    intake_command.add_argument("--issuer", default="", help="who issued the document")
    intake_command.add_argument("--region", default="", help="region the document is about (default 黄石市)")
    intake_command.add_argument(
        "--keep",
        action="store_true",
        help="also keep the document in data/documents/ with its sources.csv row (title, issuer, date)",
    )
    intake_command.add_argument("--editor", default=getpass.getuser(), help="name recorded in the history (--keep)")
    args = parser.parse_args(argv)

    if args.command == "editors":
        return _editors(args)
    if args.command == "briefing":
        return _briefing(args.out, args.lang, args.region, args.format)
    if args.command == "intake":
        return _intake(args)

    if args.command == "build":
        try:
            result = build(force=args.force)
        except BuildError as error:
            for name, item in error.problems:
                print(f"{name}: {item.bilingual()}", file=sys.stderr)
            return 1
        state = "built" if result.rebuilt else "up to date"
        print(f"{result.path} {state} (data version {result.data_version})")
        return 0
    return _update(args.command, args.action, args.file, args.editor, getattr(args, "confirm_delete", 0))


if __name__ == "__main__":
    sys.exit(main())
