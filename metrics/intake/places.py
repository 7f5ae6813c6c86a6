"""Which region a sentence is about: a county or district of data/regions.csv, the city, or another place.

A place not in data/regions.csv (another city, another province) gives no region_id, only its name, so a
news post about another city is never filed under Huangshi. A place the sentence only visits
(在开发区召开, 赴杭州考察) is where something happened, not whose figure it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

# Places outside data/regions.csv that reports name: Hubei's other cities and prefectures, the provinces and
# the cities officials compare themselves with. A name that regions.csv also holds is taken from there.
OTHER_PLACES = (
    "武汉市 襄阳市 宜昌市 荆州市 十堰市 孝感市 荆门市 鄂州市 黄冈市 咸宁市 随州市 恩施州 "
    "仙桃市 潜江市 天门市 神农架林区 北京市 上海市 天津市 重庆市 广东省 江苏省 浙江省 山东省 "
    "河南省 湖南省 安徽省 江西省 四川省 福建省 河北省 陕西省 山西省 辽宁省 吉林省 黑龙江省 "
    "贵州省 云南省 广西 海南省 甘肃省 青海省 内蒙古 宁夏 新疆 西藏 杭州市 宁波市 "
    "南京市 苏州市 无锡市 深圳市 广州市 长沙市 郑州市 合肥市 南昌市 成都市 西安市 青岛市 "
    "厦门市 株洲市 九江市 岳阳市"
).split()
_VISITING = ("在", "赴", "到", "来", "去", "于", "至")


@dataclass(frozen=True)
class Place:
    """A place named in a sentence: its region id ('' when not in regions.csv) and its name."""

    region_id: str
    name: str


class Gazetteer:
    """Region names from data/regions.csv plus other places, longest name first."""

    def __init__(self, regions: pd.DataFrame, default_region: str = "huangshi"):
        self.default = default_region
        self.names: dict[str, str] = {}
        self.groups: dict[frozenset[str], str] = {}
        self.level = dict(zip(regions["region_id"], regions["level"], strict=True))
        self.parent = dict(zip(regions["region_id"], regions["parent_id"].fillna(""), strict=True))
        self.display = dict(zip(regions["region_id"], regions["name_zh"], strict=True))
        for row in regions.itertuples():
            if row.level == "group":
                continue
            self.names[row.name_zh] = row.region_id
            if row.name_zh.endswith(("市", "省")) and len(row.name_zh) >= 3:
                self.names.setdefault(row.name_zh[:-1], row.region_id)  # 黄石 for 黄石市, 湖北 for 湖北省
        if "kaifaqu" in self.level:
            self.names.setdefault("开发区", "kaifaqu")
        for row in regions.itertuples():
            if row.level == "group":
                members = frozenset(rid for name, rid in self.names.items() if name in row.name_zh)
                if members:
                    self.groups[members] = row.region_id
        for name in OTHER_PLACES:
            self.names.setdefault(name, "")
            if name.endswith(("市", "省")) and len(name) >= 3:
                self.names.setdefault(name[:-1], "")
        self._ordered = sorted(self.names, key=len, reverse=True)

    @cached_property
    def county_words(self) -> frozenset[str]:
        """Names of county-level units, the items a list of places counts (大冶市、阳新县、开发区)."""
        return frozenset(name for name, rid in self.names.items() if rid and self.level.get(rid) == "county")

    def mentions(self, text: str) -> list[tuple[int, str]]:
        """(position, name) of every place named, longer names first where they overlap."""
        taken: list[tuple[int, int]] = []
        found = []
        for name in self._ordered:
            start = text.find(name)
            while start >= 0:
                end = start + len(name)
                if all(end <= a or start >= b for a, b in taken) and not _inside_a_name(text, start, end, name):
                    taken.append((start, end))
                    found.append((start, name))
                start = text.find(name, end)
        return sorted(found)

    def place_of(self, sentence: str, offset: int, counted_places: bool = False) -> Place:
        """The region a figure at `offset` in its sentence is about: places named before it, not visited."""
        if counted_places:  # 大冶市、阳新县、开发区 counted: the figure is the city's
            return Place(self.default, self.display.get(self.default, ""))
        named = [
            (at, name)
            for at, name in self.mentions(sentence[:offset])
            if not sentence[max(0, at - 1) : at].endswith(_VISITING)
        ]
        if not named:
            return Place(self.default, self.display.get(self.default, ""))
        ids = {self.names[name] for _, name in named}
        if len(named) > 1 and "" not in ids:
            group = self.groups.get(frozenset(ids))
            if group:
                return Place(group, self.display[group])
        listed = _listed_last(sentence, named)
        ids = [self.names[name] for _, name in listed]
        after = sentence[listed[-1][0] + len(listed[-1][1]) : offset]
        if len(ids) > 1 and all(ids) and not any(word in after for word in ("各", "分别")):
            # 大冶市、阳新县合计…: the units' sum is none of theirs but their parent's, as counted places are
            # (… each, 各: the figure is every unit's, and stays with the last one named)
            parents = {self.parent.get(region_id, "") for region_id in ids}
            parent = next(iter(parents)) if len(parents) == 1 else ""
            parent = parent if parent in self.display else self.default
            return Place(parent, self.display.get(parent, ""))
        at, name = named[-1]
        region_id = self.names[name]
        return Place(region_id, self.display.get(region_id, name) if region_id else name)


_LIST_JOINS = ("、", "和", "及", "与", "以及")


def _listed_last(sentence: str, named: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The places named last, when they are a list (大冶市、阳新县): each joined to the next by 、 和 及 与."""
    listed = [named[-1]]
    for at, name in reversed(named[:-1]):
        if sentence[at + len(name) : listed[-1][0]] not in _LIST_JOINS:
            break
        listed.append((at, name))
    return listed[::-1]


def _inside_a_name(text: str, start: int, end: int, name: str) -> bool:
    """'大冶特钢' and '黄石日报' hold a place name without being about that place."""
    if name.endswith(("市", "县", "区", "省", "州")):
        return False
    after = text[end : end + 1]
    return bool(after) and after not in "，,。；：、（）() 的" and name not in ("开发区",) and len(name) <= 2
