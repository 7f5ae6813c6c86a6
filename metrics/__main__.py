"""Command line: python -m metrics build | targets check|import FILE | progress check|import FILE."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from metrics import updates
from metrics.build import BuildError, build
from metrics.i18n import bilingual


def _print_problems(result: updates.UpdateResult, name: str) -> None:
    for item in result.parsed.problems:
        label = "错误 error" if item.severity == "error" else "提示 warning"
        print(f"{name}: {label}: {item.bilingual()}", file=sys.stderr)


def _print_changes(result: updates.UpdateResult) -> None:
    changes = result.changes
    counts = changes["change"].value_counts() if not changes.empty else {}
    print(bilingual("cli.changes", **{change: counts.get(change, 0) for change in ("added", "changed", "removed")}))
    for row in changes.to_dict("records"):
        print("  " + " ".join(f"{key}={value}" for key, value in row.items() if value == value and value is not None))


def _update(kind: str, action: str, file: Path, editor: str) -> int:
    try:
        data = file.read_bytes()
    except OSError as error:
        print(bilingual("cli.unreadable", path=file, error=error), file=sys.stderr)
        return 1
    if action == "check":
        result = updates.check(kind, data)
    else:
        result = updates.apply(kind, data, editor=editor, detail=file.name)
    _print_problems(result, file.name)
    if not result.ok:
        count = len(result.parsed.errors)
        print(bilingual("cli.refused", count=count), file=sys.stderr)
        return 1
    _print_changes(result)
    if action == "import":
        saved = result.saved
        key = "cli.saved" if saved and saved.changed else "cli.unchanged"
        version = saved.version if saved else ""
        print(bilingual(key, version=version))
        for name, item in result.build_problems:
            print(f"{name}: {item.bilingual()}", file=sys.stderr)
        return 1 if result.build_problems else 0
    return 0


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
    args = parser.parse_args(argv)

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
    return _update(args.command, args.action, args.file, args.editor)


if __name__ == "__main__":
    sys.exit(main())
