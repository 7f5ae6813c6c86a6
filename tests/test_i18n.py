"""Every string a user sees comes from the translation table, complete in both languages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from metrics.i18n import LANGUAGES, has, table

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_key_has_chinese_and_english():
    for key, entry in table().items():
        assert entry["zh"], key
        # A few entries are deliberately empty in English (Chinese-only punctuation joins).
        assert entry["en"] or key.startswith(("sentence.", "words.")), key


def test_placeholders_match_between_languages():
    for key, entry in table().items():
        zh = set(re.findall(r"{(\w+)}", entry["zh"]))
        en = set(re.findall(r"{(\w+)}", entry["en"]))
        assert not en or zh == en, key


def test_a_count_of_one_takes_the_singular_where_there_is_one():
    """English needs "1 target"; a key's `.one` form says it, with the same placeholders as the key."""
    from metrics.i18n import text

    singular = [key for key in table() if key.endswith(".one")]
    assert "chart.overview_title.one" in singular
    for key in singular:
        base = key.removesuffix(".one")
        assert has(base), key
        for lang in LANGUAGES:
            assert set(re.findall(r"{(\w+)}", table()[key][lang])) == set(re.findall(r"{(\w+)}", table()[base][lang]))
    assert text("chart.overview_title", "en", count=1, statuses="1 ahead") == "1 target: 1 ahead"
    assert text("chart.overview_title", "en", count=2, statuses="2 ahead") == "2 targets: 2 ahead"
    assert text("chart.overview_title", "zh", count=1, statuses="1项超前") == "1项目标：1项超前"
    assert text("overview.checks_mismatch_one", "en", count=1, document="the reply").startswith("1 of the 1")


# Placeholders that stand for a number inside a sentence (a count, a size); a card's "目标 152家" is a
# label and its value, spaced as labels are.
NUMBER_PLACEHOLDERS = (
    "count|shown|total|added|changed|removed|minutes|length|row|rows|pages|size|limit|seconds"
    "|confirmed|matched|recorded"
)
SPACED_NUMBER = re.compile(
    rf"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef] +{{(?:{NUMBER_PLACEHOLDERS})}}"
    # after a command-line option's value ("--confirm-delete 3 与…") the space ends the command, not a number
    rf"|(?<![a-z] ){{(?:{NUMBER_PLACEHOLDERS})}} +[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
)


def test_chinese_sentences_have_no_spaces_around_their_numbers():
    """Issue 12: "共 1 条记录" reads as typeset by a machine; Chinese puts no space beside a number."""
    spaced = {key: entry["zh"] for key, entry in table().items() if SPACED_NUMBER.search(entry["zh"])}
    assert not spaced


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_pages_and_ui_have_no_chinese_literals():
    for folder in ("pages", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            literals = [(line, value) for line, value in _string_literals(path) if CJK.search(value)]
            # The only Chinese allowed is punctuation joining Chinese text from the table.
            assert all(set(value) <= set("、（）：；，。") for _, value in literals), (path.name, literals)


def test_keys_used_in_pages_exist():
    used = set()
    for folder in ("pages", "ui", "metrics"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text(encoding="utf-8")))
            used |= set(re.findall(r"""\btext\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if not has(key))
    assert not missing
    assert LANGUAGES == ("zh", "en")
