"""Read numbers as Chinese officials write them, and write them back the same way.

Reading accepts full-width digits, thousands separators (2,000), magnitude words (2000万元, 40亿元),
unit suffixes (152家, 66%), Chinese numerals (三, 两家, 第一场) and the qualifiers the reply uses
(超过 / 以上 / 多 for lower bounds, 约 / 左右 for approximations).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

EXACT, AT_LEAST, ABOUT = "=", ">=", "~"
QUALIFIERS = (EXACT, AT_LEAST, ABOUT)
# A figure's derivation (figures.csv): 'stated' in the source's words, or 'counted' from the names it lists.
COUNTED = "counted"

# Spellings of a qualifier that officials type in its own column.
QUALIFIER_WORDS = {
    "": EXACT,
    "=": EXACT,
    "==": EXACT,
    "等于": EXACT,
    "exact": EXACT,
    ">=": AT_LEAST,
    "≥": AT_LEAST,
    "≧": AT_LEAST,
    ">": AT_LEAST,
    "超过": AT_LEAST,
    "以上": AT_LEAST,
    "不少于": AT_LEAST,
    "至少": AT_LEAST,
    "多于": AT_LEAST,
    "at least": AT_LEAST,
    "more than": AT_LEAST,
    "~": ABOUT,
    "≈": ABOUT,
    "约": ABOUT,
    "左右": ABOUT,
    "about": ABOUT,
    "approx": ABOUT,
    "approximately": ABOUT,
}

_PREFIX_QUALIFIERS = (
    ("不少于", AT_LEAST),
    ("至少", AT_LEAST),
    ("超过", AT_LEAST),
    ("多于", AT_LEAST),
    (">=", AT_LEAST),
    ("≥", AT_LEAST),
    ("≧", AT_LEAST),
    (">", AT_LEAST),
    ("约", ABOUT),
    ("≈", ABOUT),
    ("~", ABOUT),
    ("=", EXACT),
)
_SUFFIX_QUALIFIERS = (("以上", AT_LEAST), ("左右", ABOUT))

MAGNITUDES = {"万": 10_000, "亿": 100_000_000}

# Units that name the same kind of thing; a value written in one is accepted for a metric in another.
UNIT_GROUPS = (
    frozenset({"个", "项", "所", "家", "座"}),
    frozenset({"人", "名", "位"}),
    frozenset({"次", "场", "届"}),
)

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}

_ARABIC = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_CHINESE = re.compile(r"^[零〇一二两三四五六七八九十百千]+")


class NumberFormatError(ValueError):
    """A cell that should hold a number does not."""


@dataclass(frozen=True)
class Quantity:
    """A number read from text: value in base units, qualifier and the unit written after it."""

    value: float
    qualifier: str = EXACT
    unit: str = ""


def normalise_text(text: str) -> str:
    """Full-width to half-width (NFKC) and trimmed: １５２，％ become 152,%."""
    return unicodedata.normalize("NFKC", text).strip()


def chinese_ordinal(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五: the numbers of a document's sections and items
    (一、（二）), as parse_chinese_integer reads them back; up to 99."""
    digits = "一二三四五六七八九"
    if not 1 <= number <= 99:
        raise ValueError(f"no section number {number}")
    tens, ones = divmod(number, 10)
    words = ("" if tens <= 1 else digits[tens - 1]) + ("十" if tens else "")
    return words + (digits[ones - 1] if ones else "")


def parse_chinese_integer(text: str) -> int:
    """三 → 3, 十二 → 12, 二百五十 → 250; digits written one by one (一五二) → 152."""
    if not text:
        raise NumberFormatError(text)
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, digit = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            total += (digit or 1) * _CN_SMALL_UNITS[ch]
            digit = 0
        else:
            raise NumberFormatError(text)
    return total + digit


def parse_quantity(text: str) -> Quantity:
    """Parse '超过2,000万元' → Quantity(20000000, '>=', '元'); raise NumberFormatError if not a number."""
    original = text
    text = normalise_text(str(text)).replace(" ", "")
    if not text:
        raise NumberFormatError(original)
    qualifier = EXACT
    for word, meaning in _PREFIX_QUALIFIERS:
        if text.startswith(word):
            qualifier, text = meaning, text[len(word) :]
            break
    for word, meaning in _SUFFIX_QUALIFIERS:
        if text.endswith(word):
            qualifier, text = meaning, text[: -len(word)]
            break
    if text.startswith("第"):  # 第一场: the first one, so one so far
        text = text[1:]
    if text.startswith("首"):
        text = "1" + text[1:]

    match = _ARABIC.match(text)
    if match:
        sign, digits, fraction = match.groups()
        value = float(digits.replace(",", "") + (fraction or ""))
        value = -value if sign == "-" else value
        rest = text[match.end() :]
    else:
        match = _CHINESE.match(text)
        if not match:
            raise NumberFormatError(original)
        value = float(parse_chinese_integer(match.group()))
        rest = text[match.end() :]
    if rest.startswith("多"):  # 40多家: forty-odd, so at least forty
        qualifier, rest = AT_LEAST, rest[1:]
    if rest[:1] in MAGNITUDES:
        value *= MAGNITUDES[rest[0]]
        rest = rest[1:]
    if rest.startswith("%"):
        if rest != "%":
            raise NumberFormatError(original)
        return Quantity(value, qualifier, "%")
    if rest.startswith("大"):  # 3大专题论坛 / 三大版块: "three major ..."
        rest = rest[1:]
    if rest and not _looks_like_unit(rest):
        raise NumberFormatError(original)
    return Quantity(value, qualifier, rest)


def _looks_like_unit(rest: str) -> bool:
    """A unit is a short run of CJK characters or letters with no digits (元, 家, 人次, 个月, yuan)."""
    return len(rest) <= 6 and not any(ch.isdigit() for ch in rest) and not re.search(r"[,.;:!?/\\]", rest)


def unit_matches(written: str, metric_unit: str) -> bool:
    """True when a unit written after a number fits the metric's unit (or none was written)."""
    if not written or written == metric_unit:
        return True
    if metric_unit == "元" and written in {"元", "yuan", "rmb", "RMB"}:
        return True
    return any(written in group and metric_unit in group for group in UNIT_GROUPS)


def parse_qualifier(text: str) -> str:
    """Read a qualifier column: '以上', '≥', 'at least' → '>='; raise ValueError if unknown."""
    key = normalise_text(str(text)).lower()
    if key in QUALIFIER_WORDS:
        return QUALIFIER_WORDS[key]
    raise ValueError(text)


# ---------- writing numbers back ----------


def _grouped(value: float, decimals: int = 0) -> str:
    """1234.5 → '1,234.5' with at most `decimals` places and no trailing zeros."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_amount(value: float, unit: str, lang: str = "zh") -> str:
    """Number and unit without qualifier: 20000000 元 → '2,000万元' (zh) or '¥20 million' (en)."""
    if unit == "元":
        return _format_yuan(value, lang)
    if unit == "%":
        return f"{_grouped(value, 1)}%"
    if lang == "zh":
        if abs(value) >= 10_000:  # 10000人次 reads as 1万人次 in Chinese
            return f"{_grouped(value / 10_000, 2)}万{unit}"
        return f"{_grouped(value, 1)}{unit}"
    return _grouped(value, 1)


def _format_yuan(value: float, lang: str) -> str:
    if lang == "zh":
        if abs(value) >= 100_000_000:
            return f"{_grouped(value / 100_000_000, 2)}亿元"
        if abs(value) >= 10_000:
            return f"{_grouped(value / 10_000, 1)}万元"
        return f"{_grouped(value, 2)}元"
    if abs(value) >= 1_000_000_000:
        return f"¥{_grouped(value / 1_000_000_000, 2)} billion"
    if abs(value) >= 1_000_000:
        return f"¥{_grouped(value / 1_000_000, 1)} million"
    return f"¥{_grouped(value, 2)}"


def format_value(
    value: float | None,
    unit: str,
    qualifier: str = EXACT,
    lang: str = "zh",
    unit_en: str = "",
    style: str = "compact",
    derivation: str | None = None,
) -> str:
    """A figure as shown to people, keeping its qualifier.

    style 'compact' (cards, axes): '≥2,000万元', '~40亿元'; style 'words' (sentences): '超过2,000万元',
    'more than ¥20 million', '约40亿元'. A lower bound counted from names the source lists followed by
    等 (derivation 'counted') is worded as the source supports it: '至少2家', 'at least 2'.
    """
    if value is None or value != value:  # None or NaN
        return "—"
    amount = format_amount(value, unit, lang)
    if lang != "zh" and unit not in {"元", "%"} and unit_en:
        amount = f"{amount} {english_unit(unit_en, value)}"
    if qualifier == AT_LEAST and style == "words" and derivation == COUNTED:
        return f"至少{amount}" if lang == "zh" else f"at least {amount}"
    return qualified(amount, qualifier, lang, style)


def qualified(amount: str, qualifier: str | None, lang: str, style: str, more_than_zh: str = "超过{}") -> str:
    """A figure's words with its qualifier: compact '≥x', '~x'; in words 超过x / more than x, 约x / about x.
    `more_than_zh` places 超过 where a Chinese phrase needs it ('{}以上': 30%以上, 超出500万元以上)."""
    if qualifier == AT_LEAST:
        if style != "words":
            return f"≥{amount}"
        return more_than_zh.format(amount) if lang == "zh" else f"more than {amount}"
    if qualifier == ABOUT:
        if style != "words":
            return f"~{amount}"
        return f"约{amount}" if lang == "zh" else f"about {amount}"
    return amount


def english_unit(unit_en: str, value: float) -> str:
    """'enterprises' → 'enterprise' for exactly one."""
    if value != 1 or not unit_en.endswith("s"):
        return unit_en
    return unit_en[:-3] + "y" if unit_en.endswith("ies") else unit_en[:-1]


def format_percent(
    value: float | None, decimals: int = 1, qualifier: str | None = None, lang: str = "zh", style: str = "compact"
) -> str:
    """66.0 → '66%', 30.6 → '30.6%'; None → '—'. The percent of a lower bound is one too: '≥25%', in
    words '25%以上' / 'more than 25%' (of an approximate figure '~25%', '约25%' / 'about 25%')."""
    if value is None or value != value:
        return "—"
    return qualified(f"{_grouped(value, decimals)}%", qualifier, lang, style, more_than_zh="{}以上")
