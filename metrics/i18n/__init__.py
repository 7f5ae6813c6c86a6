"""The one translation table: every string a user sees, keyed, in Chinese and English.

Strings live in CSV files beside this module (key, zh, en), one file per area of the product, so that
translators review them as tables. Placeholders use str.format names: {value}, {line}.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

import pandas as pd

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_FOLDER = Path(__file__).parent


@cache
def table() -> dict[str, dict[str, str]]:
    """key → {'zh': ..., 'en': ...}, from every CSV here; a key defined twice is an error."""
    strings: dict[str, dict[str, str]] = {}
    for path in sorted(_FOLDER.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = row["key"]
                if key in strings:
                    raise ValueError(f"translation key {key!r} defined twice (again in {path.name})")
                strings[key] = {"zh": row["zh"], "en": row["en"]}
    return strings


def text(key: str, lang: str = DEFAULT_LANGUAGE, /, **fields: object) -> str:
    """The string for `key` in `lang`, with {placeholders} filled; KeyError for an unknown key. A count of 1
    takes the key's `.one` form where the table has one ("1 target", not "1 targets")."""
    if str(fields.get("count", "")) == "1" and f"{key}.one" in table():
        key = f"{key}.one"
    entry = table()[key]
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return template.format(**fields) if fields else template


def has(key: str) -> bool:
    """Whether the table defines `key`."""
    return key in table()


def bilingual(key: str, /, **fields: object) -> str:
    """'中文 | English': for the command line and logs, which both kinds of reader see."""
    return f"{text(key, 'zh', **fields)} | {text(key, 'en', **fields)}"


_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(value, lang: str = DEFAULT_LANGUAGE, precision: str = "day") -> str:
    """2021-07-13 → '2021年7月13日' or '13 July 2021'; precision 'month' or 'year' drops the rest."""
    if value is None or value != value:
        return "—"
    day = value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else pd.Timestamp(value).date()
    if lang == "zh":
        return {"year": f"{day.year}年", "month": f"{day.year}年{day.month}月"}.get(
            precision, f"{day.year}年{day.month}月{day.day}日"
        )
    month = _EN_MONTHS[day.month - 1]
    return {"year": f"{day.year}", "month": f"{month} {day.year}"}.get(precision, f"{day.day} {month} {day.year}")
