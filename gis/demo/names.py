"""Chinese names for the demo county: rivers, townships, villages, people, posts.

All people are fictitious. Phone numbers start 100-0000, which is no real Chinese
number range, so nobody can mistake them for real ones.
"""

from __future__ import annotations

import numpy as np

_FIRST = list(
    "青白黄清石龙凤金银桃李杨柳松柏竹梅兰花云雾双三五马牛鹿鹤虎狮东西南北中上下新古高长平安永太福寿和兴隆丰盛富宝玉明光华红绿紫"
)
_SECOND = list(
    "溪山岭坪坝湾滩口桥沟塘堰田林岩峰谷川源泉湖洲池冲垭场坡岗台关寺庙庄园堡镇水阳阴家河浦岸"
)
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴莫孔向汤"
)
_GIVEN = list(
    "建国军华明伟强平勇杰涛斌超波辉刚健东林海峰磊洋敏静丽娟霞艳芳燕红玲秀英慧琴兰梅晓志文德成福贵永春宏义忠良"
)

COUNTY_POSTS = [
    "县委书记",
    "县长",
    "县人大常委会主任",
    "县政协主席",
    "县委副书记",
    "常务副县长",
    "县纪委书记",
    "县委组织部部长",
    "县委宣传部部长",
    "县委政法委书记",
    "县委统战部部长",
    "县人武部政委",
    "副县长",
    "县人大常委会副主任",
    "县政协副主席",
]
TOWNSHIP_POSTS = [
    "党委书记",
    "镇长",
    "人大主席",
    "党委副书记",
    "纪委书记",
    "副镇长",
    "武装部部长",
    "组织委员",
    "宣传委员",
]
VILLAGE_POSTS = [
    "村党支部书记",
    "村委会主任",
    "村委会副主任",
    "村民小组长",
    "专职巡河员",
    "保洁员兼巡河员",
]


class NameMaker:
    """Unique names drawn from the pools, reproducible for a given generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def place(self, suffix: str) -> str:
        for _ in range(10_000):
            stem = self.rng.choice(_FIRST) + self.rng.choice(_SECOND)
            name = stem + suffix
            if stem not in self.used and name not in self.used:
                self.used.update((stem, name))
                return name
        raise RuntimeError("name pool exhausted")

    def person(self) -> str:
        for _ in range(10_000):
            given = "".join(self.rng.choice(_GIVEN, size=int(self.rng.integers(1, 3))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("name pool exhausted")


def phone(n: int) -> str:
    """A fictitious phone number: 100-0000-NNNN (no Chinese number starts 100)."""
    return f"100-0000-{n:04d}"
