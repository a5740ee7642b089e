"""Each chief's workload from the data, and whether the scores are fair to it.

Workload: kilometres held, stretches (rivers) held, boundary reaches among them, problems
others reported on his watch per km, chiefs of the next level down on his stretches, and the
spread of his stretches along the network (the distance from the first to the last metre
he holds on each river: how far he travels, not only how much he walks). The workload
index is the mean of their percentile ranks among chiefs of the same level.

Fairness: the correlation, per level, of the total score with the workload index and
with the kilometres held, for the scorecard as computed and for the same scorecard
without normalisation (patrols owed per stretch as 应巡 = frequency × periods × stretches,
coverage of the whole assigned length). Goal: |r| < 0.2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis.assessment.indicators import count, within
from gis.assessment.inputs import Inputs

#: Workload components, in the order shown.
COMPONENTS = ("km", "stretches", "boundary_reaches", "problems_per_km", "lower_chiefs", "span_km")
#: The level below each level whose chiefs' patrols a chief answers for (下级河长管理).
BELOW = {"county": "township", "township": "village"}
FAIR_R = 0.2


def lower_chiefs(inp: Inputs) -> pd.DataFrame:
    """``chief_id, lower_id``: chiefs of the next level down holding part of a reach the
    chief holds (overlapping metres, not only the same reach)."""
    level = inp.chiefs.set_index("chief_id")["level"]
    a = inp.assigned.assign(level=level.reindex(inp.assigned["chief_id"]).to_numpy())
    pairs = []
    for upper, lower in BELOW.items():
        m = a[a["level"] == upper].merge(a[a["level"] == lower], on="reach", suffixes=("", "_l"))
        m = m[np.minimum(m["hi"], m["hi_l"]) > np.maximum(m["lo"], m["lo_l"])]
        pairs.append(m[["chief_id", "chief_id_l"]].rename(columns={"chief_id_l": "lower_id"}))
    return pd.concat(pairs, ignore_index=True).drop_duplicates().reset_index(drop=True)


def workload(inp: Inputs, ids: pd.Index, spans: pd.DataFrame, lower: pd.DataFrame) -> pd.DataFrame:
    """One row per chief: the :data:`COMPONENTS` and ``index`` (0-1, within the level)."""
    a = inp.assigned
    km = count(a["chief_id"], ids, (a["hi"] - a["lo"]) / 1000)
    shared = inp.reaches["shared_admin_code"].notna().to_numpy()[a["reach"].to_numpy()]
    edge = a.loc[shared].drop_duplicates(["chief_id", "reach"])
    ext = spans.groupby(["chief_id", "river_code"]).agg(lo=("lo", "min"), hi=("hi", "max"))
    ext = ext.reset_index()
    out = pd.DataFrame(
        {
            "km": km,
            "stretches": count(spans.drop_duplicates(["chief_id", "river_code"])["chief_id"], ids),
            "boundary_reaches": count(edge["chief_id"], ids),
            "problems_per_km": _problems(inp, ids) / km.where(km > 0),
            "lower_chiefs": count(lower["chief_id"], ids),
            "span_km": count(ext["chief_id"], ids, (ext["hi"] - ext["lo"]) / 1000),
        },
        index=ids,
    )
    level = inp.chiefs.set_index("chief_id")["level"].reindex(ids)
    ranks = out.groupby(level.to_numpy()).rank(pct=True)
    varying = out.groupby(level.to_numpy()).transform("nunique") > 1  # a constant says nothing
    out["index"] = ranks.where(varying).mean(axis=1).round(3)
    out["km"] = out["km"].round(3)
    out["span_km"] = out["span_km"].round(3)
    out["problems_per_km"] = out["problems_per_km"].round(3)
    return out


def _problems(inp: Inputs, ids: pd.Index) -> pd.Series:
    """Problems of the period on the chief's watch that others reported (the public,
    inspections, higher offices): his own finds measure his diligence, not his load."""
    if inp.events is None:
        return pd.Series(np.nan, index=ids)
    ev = inp.events
    others = within(ev["reported_at"], inp.start, inp.end) & (ev["source"] != "patrol")
    return count(ev.loc[others, "chief_id"], ids)


def fairness(chiefs: pd.DataFrame, load: pd.DataFrame) -> pd.DataFrame:
    """Per level: chiefs scored with river stretches, and Pearson r of the total with the
    workload index and with km, for the normalised total and for ``plain`` (the total
    without normalisation). Chiefs with no river stretch on the network (a reservoir only,
    or an assignment the network could not place) have no river workload here and are
    counted apart (``no_river``), not in r."""
    d = chiefs.set_index("chief_id")[["level", "total"]].join(load[["index", "km"]])
    d["plain"] = chiefs.set_index("chief_id")["total_plain"]
    rows = []
    for level, all_ in d.dropna(subset=["total"]).groupby("level", sort=False):
        g = all_[all_["km"] > 0].dropna(subset=["index"])
        rows.append(
            {
                "level": level,
                "chiefs": len(g),
                "no_river": int((all_["km"] <= 0).sum()),
                "r_index": _r(g["total"], g["index"]),
                "r_km": _r(g["total"], g["km"]),
                "r_index_plain": _r(g["plain"], g["index"]),
                "r_km_plain": _r(g["plain"], g["km"]),
            }
        )
    out = pd.DataFrame(rows)
    if len(out):
        worst = out[["r_index", "r_km"]].apply(pd.to_numeric).abs().max(axis=1)
        out["fair"] = np.where(worst.notna(), worst < FAIR_R, None)
    return out


def _r(a: pd.Series, b: pd.Series) -> float | None:
    ok = a.notna() & b.notna()
    if ok.sum() < 3 or a[ok].nunique() < 2 or b[ok].nunique() < 2:
        return None
    return round(float(np.corrcoef(a[ok], b[ok])[0, 1]), 3)
