"""Appeals (申诉) against an indicator: a decision that upholds an appeal, in whole or in
part, sets the indicator's value (``value_after``); the scorecard keeps the value as
measured beside it, so both show. An appeal that cannot apply (another period, an unknown
chief or indicator, upheld without a value) is listed with the reason, never dropped."""

from __future__ import annotations

import pandas as pd

from gis.assessment.inputs import Inputs

#: Decisions that change the value.
CHANGES = ("upheld", "partial")
COLUMNS = ["appeal_id", "chief_id", "indicator", "decision", "value_after", "reason", "problem"]


def apply_appeals(long: pd.DataFrame, inp: Inputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``long`` with ``raw_measured``, ``appeal_id`` and ``decision`` added and ``raw`` set
    by the appeals decided in its favour; and every appeal of the period with its problem
    (``None`` when it applied or was decided against)."""
    out = long.assign(raw_measured=long["raw"], appeal_id=None, decision=None)
    if inp.appeals is None or inp.appeals.empty:
        return out, pd.DataFrame(columns=COLUMNS)
    ap = inp.appeals.copy()
    starts = pd.to_datetime(ap["period_start"], errors="coerce").dt.date
    ends = pd.to_datetime(ap["period_end"], errors="coerce").dt.date
    ap = ap[(starts == inp.start) & (ends == inp.end)].copy()
    where = {
        (c, i): n for n, (c, i) in enumerate(zip(out["chief_id"], out["indicator"], strict=True))
    }
    problems = []
    for r in ap.itertuples(index=False):
        row = where.get((r.chief_id, r.indicator))
        value = pd.to_numeric(getattr(r, "value_after", None), errors="coerce")
        if row is None:
            problem = "not_scored"  # no such chief, indicator, or not in his level's mix
        elif r.decision in CHANGES and pd.isna(value):
            problem = "no_value_after"
        else:
            problem = None
            out.at[out.index[row], "appeal_id"] = r.appeal_id
            out.at[out.index[row], "decision"] = r.decision
            if r.decision in CHANGES:
                out.at[out.index[row], "raw"] = float(value)
        problems.append(problem)
    ap["problem"] = problems
    return out, ap.reindex(columns=COLUMNS).reset_index(drop=True)
