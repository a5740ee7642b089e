"""Water-quality indicators of the chiefs' stretches: the share of section-months at
target (``water_quality``) and the classes gained against the section's base year
(``water_trend``). A section on a boundary between two units (both ``upstream_admin`` and
``downstream_admin`` set) counts for each side's chiefs with that side's weight from the
rule table ``assessment_boundary_sections`` (0.7 upstream, 0.3 downstream); a chief above
both sides (the county chief of the river) counts it whole."""

from __future__ import annotations

import pandas as pd

from gis import catalogue
from gis.assessment.indicators import count, nothing, ratio, under, within
from gis.assessment.inputs import Inputs

ORDER = {c: i for i, c in enumerate(catalogue.WATER_CLASSES)}  # Ⅰ best ... 劣Ⅴ worst


def stretches(inp: Inputs) -> pd.DataFrame:
    """Each chief's assigned stretches as chainage along the river: chief_id, river_code,
    lo, hi (metres)."""
    r = inp.assigned["reach"].to_numpy()
    r0 = inp.reaches["from_m"].to_numpy(dtype=float)[r]
    return pd.DataFrame(
        {
            "chief_id": inp.assigned["chief_id"].to_numpy(),
            "river_code": inp.reaches["river_code"].to_numpy()[r],
            "lo": inp.assigned["lo"].to_numpy(dtype=float) + r0,
            "hi": inp.assigned["hi"].to_numpy(dtype=float) + r0,
        }
    )


def water(
    inp: Inputs, ids: pd.Index, spans: pd.DataFrame, boundary: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The section-months each chief is counted on, and ``water_quality`` and
    ``water_trend`` (mean classes gained per section-month against the base year, weighted
    as the months are)."""
    if inp.sections is None or inp.measurements is None:
        gone = nothing(ids, "no_sections")
        return pd.DataFrame(), {"water_quality": gone, "water_trend": gone.copy()}
    sec = inp.sections
    months = inp.measurements[
        within(pd.to_datetime(inp.measurements["month"], errors="coerce"), inp.start, inp.end)
    ]
    cols = [
        "section_id",
        "river_code",
        "chainage_m",
        "target_class",
        "base_class",
        "upstream_admin",
        "downstream_admin",
    ]
    on = spans.merge(sec[[c for c in cols if c in sec]], on="river_code")
    on = on[(on["chainage_m"] >= on["lo"]) & (on["chainage_m"] <= on["hi"])]
    on = on.drop_duplicates(["chief_id", "section_id"]).copy()
    admin = inp.chiefs.set_index("chief_id")["admin_code"].astype(str)
    on["share"] = _shares(on, admin, boundary)
    rows = on.merge(months[["section_id", "month", "water_class"]], on="section_id")
    rows["meets"] = rows["water_class"].map(ORDER) <= rows["target_class"].map(ORDER)
    rows["gained"] = rows["base_class"].map(ORDER) - rows["water_class"].map(ORDER)
    w = rows["share"]
    quality = ratio(
        count(rows["chief_id"], ids, w * rows["meets"]),
        count(rows["chief_id"], ids, w),
        "no_sections",
    )
    based = rows[rows["gained"].notna()]
    trend = ratio(
        count(based["chief_id"], ids, based["share"] * based["gained"]),
        count(based["chief_id"], ids, based["share"]),
        "no_base_year",
    )
    keep = [
        "chief_id",
        "section_id",
        "month",
        "water_class",
        "target_class",
        "base_class",
        "meets",
        "gained",
        "share",
    ]
    return rows[keep].reset_index(drop=True), {"water_quality": quality, "water_trend": trend}


def _shares(on: pd.DataFrame, admin: pd.Series, boundary: pd.DataFrame) -> pd.Series:
    """1 for an ordinary section; on a boundary section, the weight of the chief's side."""
    weight = boundary.set_index("side")["weight"].astype(float)
    mine = pd.Series(admin.reindex(on["chief_id"]).to_numpy(), index=on.index)
    share = pd.Series(1.0, index=on.index)
    if "upstream_admin" not in on:
        return share
    up, down = on["upstream_admin"], on["downstream_admin"]
    both = up.notna() & down.notna()
    for side, codes in (("upstream", up), ("downstream", down)):
        share[both & under(mine, codes)] = weight[side]
    return share
