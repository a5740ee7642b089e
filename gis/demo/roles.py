"""The chiefs the demo plants for the assessment (issue 17): one lazy chief, one fake patroller,
one overdue handler, one chief on a polluted river and one with a major incident.

Chosen once at build time, all village chiefs, each in a different township and each with a
clean record elsewhere (named by no other answer-key row, no river with an overdue
一河一策 task), so each planted case differs from an ordinary chief in one respect only.
The patrol simulator reads them back from the store's answer key
(:func:`gis.demo.patrols.planted_roles`), so the quarter and the key agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gis import catalogue

#: planted role -> the answer-key kind (ifaces B) that names its chief
KINDS = {
    "polluted": "assess_polluted_river",
    "lazy": "assess_lazy_chief",
    "faker": "assess_fake_patroller",
    "handler": "assess_overdue_handler",
    "major": "assess_major_incident",
}
MIN_KM, MAX_KM = 1.0, 5.0  # a planted chief holds an ordinary village share of river


def stretches(reaches: pd.DataFrame, assigned: pd.DataFrame, chiefs: pd.DataFrame) -> pd.DataFrame:
    """Each chief's assigned stretches as ``chief_id, level, admin_code, township_code,
    river_code, lo, hi`` (chainage along the river, metres).

    ``assigned`` as :func:`gis.patrols.network.assigned_intervals` gives it (along reaches),
    ``chiefs`` as :func:`gis.patrols.network.chief_table`.
    """
    r = assigned["reach"].to_numpy()
    r0 = reaches["from_m"].to_numpy(dtype=float)[r]
    out = pd.DataFrame(
        {
            "chief_id": assigned["chief_id"].to_numpy(),
            "river_code": reaches["river_code"].to_numpy()[r],
            "lo": assigned["lo"].to_numpy(dtype=float) + r0,
            "hi": assigned["hi"].to_numpy(dtype=float) + r0,
        }
    )
    info = chiefs.set_index("chief_id")[["level", "admin_code", "township_code"]]
    return out.join(info, on="chief_id")


def holders(s: pd.DataFrame, river_code: str, chainage: float) -> pd.DataFrame:
    """The stretches of ``s`` that hold the point ``chainage`` of ``river_code``."""
    return s[(s["river_code"] == river_code) & (s["lo"] <= chainage) & (s["hi"] >= chainage)]


def choose_roles(
    s: pd.DataFrame,
    *,
    sections: pd.DataFrame,
    measurements: pd.DataFrame,
    key_rows: list[dict],
    seed: int,
) -> tuple[dict[str, str], str]:
    """Role (:data:`KINDS`) -> chief_id, and the section of the polluted river.

    ``polluted`` is a village chief holding a section worse than its target in every month;
    the others are drawn from the remaining clean village chiefs away from every section's
    river.
    """
    rng = np.random.default_rng([seed, 17, 1])
    named = " ".join(str(r.get(k)) for r in key_rows for k in ("ref_id", "detail"))
    overdue_plans = {r["river_code"] for r in key_rows if r["kind"] == "plan_item_overdue"}
    v = s[s["level"] == "village"]
    km = (v["hi"] - v["lo"]).groupby(v["chief_id"]).sum() / 1000
    rivers = v.groupby("chief_id")["river_code"].agg(set)
    clean = sorted(
        c
        for c in km.index
        if MIN_KM <= km[c] <= MAX_KM and c not in named and not rivers[c] & overdue_plans
    )
    town = v.groupby("chief_id")["township_code"].first()
    roles: dict[str, str] = {}
    order = list(catalogue.WATER_CLASSES)
    target = sections.set_index("section_id")["target_class"].map(order.index)
    worse = (
        measurements["water_class"].map(order.index)
        > target.reindex(measurements["section_id"]).to_numpy()
    )
    always = sorted(set(measurements["section_id"]) - set(measurements["section_id"][~worse]))
    for sid in always:
        sec = sections.set_index("section_id").loc[sid]
        held = holders(v, sec["river_code"], float(sec["chainage_m"]))
        ok = sorted(set(held["chief_id"]) & set(clean))
        if ok:
            roles["polluted"], polluted_section = ok[0], sid
            break
    else:
        raise RuntimeError("no clean village chief holds a section worse than target all quarter")
    section_rivers = set(sections["river_code"])
    pool = [c for c in clean if not rivers[c] & section_rivers]
    towns = {town[roles["polluted"]]}
    for role in ("lazy", "faker", "handler", "major"):
        for c in rng.permutation(pool):
            if town[c] not in towns:
                roles[role] = str(c)
                towns.add(town[c])
                break
    return roles, polluted_section
