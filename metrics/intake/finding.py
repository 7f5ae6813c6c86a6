"""Find the figures in a line of text: numbers with their unit and qualifier, and counted lists of names.

What is not a figure is left out here: years and dates (no unit follows them), document numbers
(〔2021〕50号), section and list numbers, phone numbers, batch ordinals (第一批), thresholds that describe a
category (2000万元以上的增长点). Edition ordinals count (第六届…大会 → 6 editions held).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from metrics.numbers import ABOUT, AT_LEAST, EXACT, NumberFormatError, parse_chinese_integer

# Full-width digits and signs to ASCII one character for one, so positions in the line stay the same.
_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "％": "%", "．": "."})

_CN = "零〇一二两三四五六七八九十百千"
_NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN}]+(?:点[零〇一二三四五六七八九]+)?)"
# Longest first. Not units here on purpose: 年/月/日 (dates), 号 (document numbers), 批 (batches), 级, 期.
UNITS = (
    "个百分点",
    "百分点",
    "平方公里",
    "平方米",
    "个月",
    "人次",
    "家次",
    "千瓦",
    "兆瓦",
    "小时",
    "%",
    "元",
    "家",
    "个",
    "项",
    "所",
    "名",
    "人",
    "位",
    "次",
    "场",
    "届",
    "台",
    "套",
    "条",
    "款",
    "座",
    "户",
    "吨",
    "亩",
    "篇",
    "件",
    "份",
    "倍",
)
_UNIT = "|".join(re.escape(u) for u in UNITS)
_FIGURE = re.compile(
    rf"(?P<ord>第)?(?P<num>{_NUM})"
    rf"(?:\s*(?P<sep>[-~～—–至到])\s*(?P<num2>{_NUM}))?"
    rf"(?P<more>多|余)?(?P<mag>万亿|千万|百万|万|亿)?(?P<more2>多|余)?(?P<big>大)?"
    rf"(?P<unit>{_UNIT})?(?P<post>及以上|以上|以下|左右|多|余)?"
)
_PERCENT_WORDS = re.compile(rf"百分之(?P<num>{_NUM})")
_EDITION = re.compile(r"首届|首个|首家|首场")
_YEARS_RUNNING = re.compile(rf"连续(?P<num>{_NUM})(?:年|届)(?:成功)?(?:举办|召开)")
_MAGNITUDE = {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千万": 1e7, "百万": 1e6}
_ORDINAL_UNITS = {"届", "场", "个", "家"}  # 第一次 (the first time), 第二条 (article 2) are not counts
_MEASURE_UNITS = {"元", "%", "吨", "亩", "平方米", "平方公里", "千瓦", "兆瓦", "个百分点", "百分点"}
_AT_LEAST_BEFORE = ("超过", "不少于", "不低于", "至少", "突破", "逾", "多于", "高于", "超")
_ABOUT_BEFORE = ("约", "近", "大约", "将近", "接近", "大概")
# Words that hold a numeral without being a number.
_NOT_NUMBERS = ("千家万户", "万一", "一些", "统一", "唯一", "一流", "之一", "一体", "一律", "一致")
_BOUNDARY = set("，,。；;：:！？!?（）()【】[]“”\"'《》\n")


def to_halfwidth(line: str) -> str:
    """Full-width digits, ％ and ． as ASCII, same length (positions unchanged)."""
    return line.translate(_WIDTH)


@dataclass
class Found:
    """A figure found in a line: where (start, end), what it says, and what kind of number it is."""

    start: int
    end: int
    quote: str
    value: float
    unit: str
    qualifier: str
    counted: bool = False  # a list of names counted (华新水泥、新冶钢、劲牌、三丰智能等企业 → 4)
    category: str = ""  # for a counted list: what the names are (企业, 金融机构...)


def parse_number(text: str) -> float:
    """'40' → 40, '10.56' → 10.56, '两千' → 2000, '三点五' → 3.5."""
    text = text.replace(",", "")
    if text[:1].isdigit():
        return float(text)
    whole, _, decimals = text.partition("点")
    value = float(parse_chinese_integer(whole))
    if decimals:
        value += float("0." + "".join(str(parse_chinese_integer(ch)) for ch in decimals))
    return value


def find_figures(line: str, places: frozenset[str] = frozenset()) -> list[Found]:
    """Every figure stated in a line, in order of position; `places` are region names a list may count."""
    text = to_halfwidth(line)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _YEARS_RUNNING.finditer(text):
        value = _safe_number(match.group("num"))
        if value is not None:
            found.append(Found(match.start(), match.end(), line[match.start() : match.end()], value, "届", EXACT))
            taken.append((match.start(), match.end()))
    for match in _PERCENT_WORDS.finditer(text):
        value = _safe_number(match.group("num"))
        if value is not None and free(match.start(), match.end()):
            qualifier = _qualifier_before(text, match.start()) or EXACT
            found.append(Found(match.start(), match.end(), line[match.start() : match.end()], value, "%", qualifier))
            taken.append((match.start(), match.end()))
    for match in _EDITION.finditer(text):
        unit = match.group()[1]
        if unit == "届" and free(match.start(), match.end()):
            found.append(Found(match.start(), match.end(), match.group(), 1.0, "届", EXACT))
            taken.append((match.start(), match.end()))
    for match in _FIGURE.finditer(text):
        item = _figure(match, text, line)
        if item and free(item.start, item.end):
            found.append(item)
            taken.append((item.start, item.end))
    for item in find_counted_lists(text, line, places):
        if free(item.start, item.end):
            found.append(item)
    return sorted(found, key=lambda f: f.start)


def _safe_number(text: str) -> float | None:
    try:
        return parse_number(text)
    except (NumberFormatError, ValueError):
        return None


def _figure(match: re.Match, text: str, line: str) -> Found | None:
    """One number match as a figure, or None where it is not one."""
    start, end = match.start(), match.end()
    number, unit = match.group("num"), match.group("unit")
    if not unit:
        # '三大版块', '3大专题论坛': a count of major parts; any other bare number (years, codes) is not a figure
        if not match.group("big") or number in ("一", "1") or text[end : end + 1] in "批片步":
            return None
        unit = "个"
    before = text[max(0, start - 1) : start]
    if before and (before.isdigit() or before in "〔[." or before.isascii() and before.isalpha()):
        return None  # part of a code, a document number or a decimal
    if before in "(（" and not match.group("unit"):
        return None  # (1), （2021）: a list number or a year; 年度目标（60家） is a figure
    if match.group("ord"):
        if unit not in _ORDINAL_UNITS or text[end - 1 : end + 1].startswith("批"):
            return None
    elif text[max(0, start - 1) : start] == "第":
        return None
    if not number[0].isdigit():
        window = text[max(0, start - 2) : end + 2]
        if any(word in window for word in _NOT_NUMBERS):
            return None
        if number in ("十", "百", "千"):  # 百家, 千台: a figure of speech more often than a count
            return None
    if number[0].isdigit() and len(number.replace(",", "").split(".")[0]) >= 7 and unit not in ("元", "人次"):
        return None  # a phone number or a code
    value = _safe_number(number)
    if value is None:
        return None
    magnitude = match.group("mag")
    if magnitude:
        value *= _MAGNITUDE[magnitude]
    qualifier = _qualifier_before(text, start) or EXACT
    post = match.group("post") or ""
    if match.group("more") or match.group("more2") or post in ("多", "余"):
        qualifier = AT_LEAST
    if match.group("num2"):
        qualifier = AT_LEAST  # a range: at least its lower end
    if post in ("以上", "及以上"):
        qualifier = AT_LEAST
    elif post == "左右":
        qualifier = ABOUT
    if post in ("以上", "及以上", "以下") and _describes_category(text, end, unit):
        return None
    return Found(start, end, line[start:end], value, unit, qualifier)


def _describes_category(text: str, end: int, unit: str) -> bool:
    """'2000万元以上的增长点', '5000万元以上项目': a threshold naming a kind of thing, not a figure."""
    after = text[end : end + 1]
    if after == "的":
        return True
    if unit in _MEASURE_UNITS and after and after not in _BOUNDARY and "\u4e00" <= after <= "\u9fff":
        return True
    return False


def _qualifier_before(text: str, start: int) -> str | None:
    """超过 / 不少于 / 突破 (≥) or 约 / 近 (~) just before the number, allowing 了 or 达 between."""
    head = text[max(0, start - 6) : start]
    for filler in ("了", "达到", "达"):
        if head.endswith(filler):
            head = head[: -len(filler)]
            break
    if head.endswith(_AT_LEAST_BEFORE):
        return AT_LEAST
    if head.endswith(_ABOUT_BEFORE) and not head.endswith(("最近", "附近")):
        return ABOUT
    return None


# ---------- counted lists of names ----------

_LIST_CATEGORIES = {
    "金融机构": "家",
    "头部企业": "家",
    "服务商": "家",
    "企业": "家",
    "公司": "家",
    "银行": "家",
    "机构": "家",
    "平台": "个",
    "高校": "所",
    "院校": "所",
    "大学": "所",
    "县市区": "个",
}
_NAME_SUFFIXES = {"大学": "所", "学院": "所", "职院": "所", "团队": "", "公司": "家", "集团": "家", "银行": "家"}
_ITEM = re.compile(r"[^、，,。；;：:！？!?（）()“”\"《》\s]+")


def find_counted_lists(text: str, line: str, places: frozenset[str] = frozenset()) -> list[Found]:
    """Lists of names the text does not count itself: 'A、B、C等企业' → at least 3 enterprises."""
    results: list[Found] = []
    for chain in _chains(text, places):
        items, start, end, qualifier, category = chain
        unit = _list_unit(items, category, places)
        if unit is None:
            continue
        results.append(
            Found(start, end, line[start:end], float(len(items)), unit, qualifier, counted=True, category=category)
        )
    return results


def _chains(text: str, places: frozenset[str]):
    """Runs of 、-separated names: (items, start, end, qualifier, category named after 等)."""
    position = 0
    while True:
        first = text.find("、", position)
        if first < 0:
            return
        start = first
        while start > 0 and text[start - 1] not in _BOUNDARY and text[start - 1] != "、" and first - start < 12:
            start -= 1
        items = [text[start:first]]
        cursor = first + 1
        while True:
            following = _ITEM.match(text, cursor)
            if not following:
                break
            chunk = following.group()
            if text[following.end() : following.end() + 1] == "、" and len(chunk) <= 12:
                items.append(chunk)
                cursor = following.end() + 1
                continue
            items.append(chunk)
            cursor = following.end()
            break
        position = cursor
        if len(items) < 2:
            continue
        last = items[-1]
        middle_end = first + 1 + sum(len(i) + 1 for i in items[1:-1])
        cut = last.find("等")
        if 2 <= cut <= 12:
            rest = last[cut + 1 :]
            counted_after = rest[:1].isdigit() or (rest[:1] in _CN and not rest.startswith(("一批", "一大批")))
            if counted_after or rest.startswith(("多家", "多个", "几")):
                continue  # 'A、B等7个主导产业': the number that follows is the figure
            category = _category(rest)
            if not category:
                continue
            items[-1] = last[:cut]
            end, qualifier = middle_end + cut, AT_LEAST
            longest = max(len(item) for item in items[1:])
            if len(items[0]) > longest + 1:  # '…主动对接了邮政银行' → '邮政银行': as long as the other names
                items[0] = items[0][-(longest + 1) :] if longest >= 4 else items[0][-longest:]
                items[0] = items[0].lstrip("了的与和及对把向在将从由为是")
                start = first - len(items[0])
        else:
            category, qualifier = "", EXACT
            name = _leading_name(last, places)
            head = _trailing_name(items[0], places)
            if not name or not head:
                continue
            items[0], items[-1] = head, name
            start = first - len(head)
            end = middle_end + len(name)
            after = text[end : end + 2]
            if after[:1].isdigit() or (after[:1] in _CN and after[1:2] in "家个所项名位"):
                continue  # '上达电子、东贝电器两家公司': the number that follows is the figure
        if any(len(item) < 2 or any(ch.isdigit() for ch in item) for item in items):
            continue
        yield items, start, end, qualifier, category


def _category(rest: str) -> str:
    """What the names are, from the words after 等 ('一批…平台头部企业' → 头部企业)."""
    head = rest[:24]
    for word in _LIST_CATEGORIES:
        if word in head:
            return word
    return ""


def _leading_name(item: str, places: frozenset[str]) -> str:
    """The name a list item starts with (湖北工程职院都相应成立… → 湖北工程职院), by its suffix or a place name."""
    for size in range(min(len(item), 12), 1, -1):
        head = item[:size]
        if head in places or head.endswith(tuple(_NAME_SUFFIXES)):
            return head
    return ""


def _trailing_name(item: str, places: frozenset[str]) -> str:
    """The name a first list item ends with (…分别与东贝集团 → the whole item, checked by its suffix)."""
    for size in range(2, min(len(item), 12) + 1):
        if item[-size:] in places:
            return item[-size:]
    return item[-12:] if item.endswith(tuple(_NAME_SUFFIXES)) else ""


def _list_unit(items: list[str], category: str, places: frozenset[str]) -> str | None:
    """家 for enterprises, 所 for universities, 个 for places; '' when any count fits; None: not a count."""
    if category:
        return _LIST_CATEGORIES[category]
    if all(item in places for item in items):
        return "个"
    suffixes = {next((u for s, u in _NAME_SUFFIXES.items() if item.endswith(s)), None) for item in items}
    if None in suffixes or len(suffixes) != 1:
        return None
    return suffixes.pop()
