"""Two appeals (申诉) against the demo quarter's assessment, with their decisions: an
ordinary village chief's patrol rate, upheld (floods closed his road in August), and the
planted fake patroller's anomaly rate, rejected. Both go into the answer key."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis.demo.context import AnswerKey
from gis.demo.patrols import QUARTER_START

QUARTER_END = "2026-09-30"


def build_appeals(
    chiefs: pd.DataFrame, assignments: pd.DataFrame, key: AnswerKey, *, seed: int
) -> pd.DataFrame:
    """The ``appeals`` table; run after the planted chiefs are in ``key``."""
    rows = key.rows
    named = " ".join(str(r.get(k)) for r in rows for k in ("ref_id", "detail"))
    faker = next(r["ref_id"] for r in rows if r["kind"] == "assess_fake_patroller")
    on_rivers = set(assignments.loc[assignments["river_code"].notna(), "chief_id"])
    village = chiefs[(chiefs["level"] == "village") & chiefs["chief_id"].isin(on_rivers)]
    pool = sorted(c for c in village["chief_id"] if c not in named)
    flooded = str(np.random.default_rng([seed, 17, 4]).choice(pool))
    period = {"period_start": QUARTER_START, "period_end": QUARTER_END}
    out = pd.DataFrame(
        [
            {
                "appeal_id": "AP2026Q3001",
                "chief_id": flooded,
                "indicator": "patrol_rate",
                **period,
                "filed_at": "2026-10-09T09:30:00",
                "reason": "8月山洪冲毁进村道路,两周无法到达责任河段,已报乡镇备案",
                "decision": "upheld",
                "value_after": 1.0,
                "decided_at": "2026-10-16T15:00:00",
                "decided_by": "县河长办",
            },
            {
                "appeal_id": "AP2026Q3002",
                "chief_id": faker,
                "indicator": "anomaly_rate",
                **period,
                "filed_at": "2026-10-10T10:00:00",
                "reason": "山区手机信号差,轨迹漂移被误判为异常",
                "decision": "rejected",
                "value_after": None,
                "decided_at": "2026-10-17T11:00:00",
                "decided_by": "县河长办",
            },
        ]
    )
    for r in out.itertuples():
        key.add(
            f"appeal_{r.decision}",
            "appeals",
            ref_id=r.appeal_id,
            detail=f"chief {r.chief_id}; {r.indicator}",
        )
    return out
