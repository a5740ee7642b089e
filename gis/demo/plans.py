"""The demo's 一河一策 plans: the five lists for 14 county-managed rivers (the seed report:
"完成了…14条县管河流'一河一策'保护方案编制"), plan period 2025–2026, with a few tasks past
their deadline and not done (keyed in the answer key).

A random stream of its own, so adding plans changed no other layer of the demo.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gis.demo.context import AnswerKey
from gis.demo.plan import AS_OF, COUNTY_CODE

N_PLANS = 14
PLAN_START, PLAN_END = "2025-01-01", "2026-12-31"
PROBLEMS = (
    "部分河段岸坡有生活垃圾乱堆",
    "沿河存在未登记的排污口",
    "河道管理范围内有违章搭建",
    "局部河段河床采砂后未平整",
    "汛期河道行洪断面被侵占",
    "支流入河口水质不稳定",
)
TARGETS = (
    "主要断面水质稳定达到Ⅲ类",
    "河道管理范围内四乱问题清零",
    "入河排污口全部登记、监测",
    "河长公示牌信息准确率 100%",
)
TASKS = (
    ("清理河道两岸乱堆垃圾", "县住建局"),
    ("排查登记沿河排污口并设立标识", "县生态环境局"),
    ("拆除河道管理范围内违章建筑", "县水利局"),
    ("完成河道管理范围划界确权", "县自然资源局"),
    ("整治畜禽养殖污染", "县农业农村局"),
    ("更新河长公示牌", "县河长办"),
    ("建设重点河段视频监控", "县水利局"),
)
MEASURES = (
    "镇村保洁员按日巡查、按周清运",
    "排污口一口一档、季度监测",
    "采砂场视频与地磅数据接入县平台",
)


def build_plans(
    rivers: pd.DataFrame,
    chiefs: pd.DataFrame,
    assignments: pd.DataFrame,
    key: AnswerKey,
    seed: int,
) -> pd.DataFrame:
    """The ``plan_items`` table for the longest county-managed rivers; overdue tasks keyed.

    Parameters
    ----------
    rivers, chiefs, assignments : DataFrame
        The demo's layers (rivers longest first).
    key : AnswerKey
        Gets one ``plan_item_overdue`` row per task past its deadline and not done.
    seed : int
        The demo's seed; the plans use a stream of their own.

    Returns
    -------
    DataFrame
    """
    rng = np.random.default_rng([seed, 18])
    as_of = dt.date.fromisoformat(AS_OF)
    county = rivers[rivers["management_level"] == "county"].head(N_PLANS)
    names = dict(zip(chiefs["chief_id"], chiefs["name"], strict=True))
    top = assignments[(assignments["level"] == "county") & (assignments["target_type"] == "river")]
    chief_of = dict(zip(top["river_code"], top["chief_id"], strict=True))
    rows: list[dict] = []

    def add(river: str, lst: str, seq: int, text: str, **kw) -> None:
        rows.append(
            {
                "item_id": f"{COUNTY_CODE}Y{len(rows) + 1:04d}",
                "river_code": river,
                "list": lst,
                "seq": seq,
                "text": text,
                "plan_start": PLAN_START,
                "plan_end": PLAN_END,
                **kw,
            }
        )

    for river in county["river_code"]:
        for i, j in enumerate(rng.choice(len(PROBLEMS), size=3, replace=False), start=1):
            add(river, "problem", i, PROBLEMS[j])
        for i, j in enumerate(rng.choice(len(TARGETS), size=2, replace=False), start=1):
            add(river, "target", i, TARGETS[j], deadline=PLAN_END)
        for i, j in enumerate(rng.choice(len(TASKS), size=4, replace=False), start=1):
            text, unit = TASKS[j]
            deadline = dt.date(2025, 6, 30) + dt.timedelta(days=int(rng.integers(0, 550)))
            late = deadline < as_of and rng.random() < 0.15
            if deadline < as_of and not late:
                status, done = "done", deadline - dt.timedelta(days=int(rng.integers(0, 60)))
            else:
                status, done = ("in_progress" if rng.random() < 0.7 else "not_started"), None
            add(
                river,
                "task",
                i,
                text,
                unit=unit,
                deadline=deadline.isoformat(),
                status=status,
                completed_on=done.isoformat() if done else None,
            )
            if late:
                key.add(
                    "plan_item_overdue",
                    "plan_items",
                    ref_id=rows[-1]["item_id"],
                    river_code=river,
                    detail=deadline.isoformat(),
                )
        for i, j in enumerate(rng.choice(len(MEASURES), size=2, replace=False), start=1):
            add(river, "measure", i, MEASURES[j], unit="县河长办", status="in_progress")
        cid = chief_of.get(river)
        duty = f"县级河长{names.get(cid, '')}：牵头组织方案实施，协调解决重大问题"
        add(river, "duty", 1, duty, unit="县河长办")
    return pd.DataFrame(rows)
