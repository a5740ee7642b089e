"""The indicators counted from patrols, problems, 一河一策 items and signboards: each a
frame indexed by chief_id with ``numerator``, ``denominator``, ``raw`` (their ratio, or
``None`` with a ``status`` saying why nothing was measured). Definitions and sources are in
the rule table ``assessment_indicators``; the water indicators are in :mod:`.water`."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gis import catalogue
from gis.assessment.inputs import Inputs
from gis.patrols.clean import LOCAL_TZ
from gis.patrols.network import merge_intervals
from gis.patrols.report import CALENDAR_MONTHS

#: The levels that own a river's 一河一策 and put up its signboards (county and township).
OFFICE_LEVELS = catalogue.CHIEF_LEVELS[2:4]


def ratio(num: pd.Series, den: pd.Series, empty: str) -> pd.DataFrame:
    """``num / den`` per chief; where ``den`` is 0 the value is None with status ``empty``."""
    out = pd.DataFrame({"numerator": num.astype(float), "denominator": den.astype(float)})
    ok = out["denominator"] > 0
    out["raw"] = np.where(ok, out["numerator"] / out["denominator"].where(ok, 1.0), np.nan)
    out["status"] = [None if k else empty for k in ok]
    return out


def under(codes: pd.Series, areas: pd.Series) -> np.ndarray:
    """Row by row: is the admin code ``codes`` inside the admin area ``areas`` (a prefix)?"""
    # np.asarray of a list sizes the string dtype; to_numpy(dtype=str) would truncate to 1
    a, b = np.asarray(codes.astype(str).tolist()), np.asarray(areas.astype(str).tolist())
    return np.char.startswith(a, b) if len(a) else np.zeros(0, dtype=bool)


def nothing(ids: pd.Index, status: str) -> pd.DataFrame:
    """An indicator not measured for anyone (its layer is missing), saying why."""
    zero = pd.Series(0.0, index=ids)
    return ratio(zero, zero, status)


def keyed(keys: pd.Series, ids: pd.Index) -> pd.Series:
    """``keys`` as a categorical on ``ids``: hashed once, then counted and joined by integer
    code (a province's 2.5 M patrols hashed as strings at every count dominate the time)."""
    return keys.astype(pd.CategoricalDtype(ids))


def codes(keys: pd.Series, ids: pd.Index) -> np.ndarray:
    """Position of each key in ``ids`` (-1 when not there)."""
    if isinstance(keys.dtype, pd.CategoricalDtype) and keys.cat.categories.equals(ids):
        return keys.cat.codes.to_numpy().astype(np.intp)
    return ids.get_indexer(keys)


def count(keys: pd.Series, ids: pd.Index, weights: pd.Series | None = None) -> pd.Series:
    """How many rows (or the sum of ``weights``) each chief of ``ids`` has in ``keys``."""
    if isinstance(keys.dtype, pd.CategoricalDtype) and keys.cat.categories.equals(ids):
        c = codes(keys, ids)
        ok = c >= 0
        if weights is None:
            return pd.Series(np.bincount(c[ok], minlength=len(ids)).astype(float), index=ids)
        # groupby's sum, as below (compensated), so totals do not depend on the key's dtype
        w = pd.Series(np.asarray(weights, dtype=float)[ok]).groupby(c[ok]).sum()
        out = np.zeros(len(ids))
        out[w.index.to_numpy()] = w.to_numpy()
        return pd.Series(out, index=ids)
    if weights is None:
        return keys.value_counts().reindex(ids).fillna(0.0)
    return weights.groupby(keys.to_numpy()).sum().reindex(ids).fillna(0.0)


def patrols(inp: Inputs, ids: pd.Index) -> dict[str, pd.DataFrame]:
    """``patrol_rate`` (capped at 1), ``patrol_frequency`` and ``anomaly_rate``."""
    ch = inp.chiefs.set_index("chief_id")
    p = inp.patrols
    valid, required = ch["valid"].astype(float), ch["required"].astype(float)
    return {
        "patrol_rate": ratio(np.minimum(valid, required), required, "none_required"),
        "patrol_frequency": _frequency(inp, ids),
        "anomaly_rate": ratio(
            count(p.loc[~p["valid"], "chief_id"], ids), count(p["chief_id"], ids), "no_patrols"
        ),
    }


def _frequency(inp: Inputs, ids: pd.Index) -> pd.DataFrame:
    """Sub-periods of the chief's level (week, month, quarter) wholly inside the period in
    which he made his level's minimum of valid patrols ÷ those sub-periods: thirteen
    patrols in the last week of a quarter fill the rate, not the frequency."""
    level = inp.chiefs.set_index("chief_id")["level"].reindex(ids).to_numpy()
    p = inp.patrols[inp.patrols["valid"]]
    who = codes(p["chief_id"], ids)  # one lookup, not an isin per level
    local = pd.to_datetime(p["start"], utc=True).dt.tz_convert(LOCAL_TZ).dt.tz_localize(None)
    day = local.to_numpy().astype("datetime64[D]")[who >= 0]
    who = who[who >= 0]
    freq = inp.frequency.set_index("level")
    hit = np.zeros(len(ids))
    periods = np.zeros(len(ids))
    for lv in pd.unique(level):
        if lv not in freq.index:
            continue
        bins = np.array(_bins(inp.start, inp.end, freq.loc[lv]), dtype="datetime64[D]")
        members = level == lv
        periods[members] = max(len(bins) - 1, 0)
        mine = members[who]
        which = np.searchsorted(bins, day[mine], side="right") - 1
        inside = (which >= 0) & (which < len(bins) - 1)
        n = max(len(bins) - 1, 1)
        per = np.bincount(who[mine][inside] * n + which[inside], minlength=len(ids) * n)
        enough = per.reshape(len(ids), n) >= int(freq.loc[lv, "min_patrols"])
        hit[members] = enough.sum(axis=1)[members]
    return ratio(pd.Series(hit, index=ids), pd.Series(periods, index=ids), "none_required")


def _bins(start: dt.date, end: dt.date, row: pd.Series) -> list[dt.date]:
    """Edges of the level's whole sub-periods inside [start, end]: calendar months,
    quarters and years; weeks (any other period) counted in days from ``start``."""
    months = CALENDAR_MONTHS.get(str(row["period"]))
    after = end + dt.timedelta(days=1)
    if months is None:
        step = int(round(float(row["period_days"])))
        n = (after - start).days // step
        return [start + dt.timedelta(days=step * i) for i in range(n + 1)]
    m = start.year * 12 + start.month - 1
    m = m if start.day == 1 and m % months == 0 else (m // months + 1) * months
    edges = []
    while dt.date(m // 12, m % 12 + 1, 1) <= after:
        edges.append(dt.date(m // 12, m % 12 + 1, 1))
        m += months
    return edges if len(edges) > 1 else []


def track_metres(inp: Inputs, ids: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Per chief: metres of his stretches covered by the union of his valid patrols' spans,
    and metres assigned to him."""
    rows = inp.patrols.loc[inp.patrols["valid"], ["row", "chief_id"]]
    v = inp.visits.merge(rows, on="row")[["chief_id", "reach", "lo", "hi"]]
    a = inp.assigned.rename(columns={"lo": "alo", "hi": "ahi"})
    m = v.merge(a, on=["chief_id", "reach"])
    m["lo"], m["hi"] = np.maximum(m["lo"], m["alo"]), np.minimum(m["hi"], m["ahi"])
    m = m.loc[m["hi"] > m["lo"], ["chief_id", "reach", "lo", "hi"]]
    # integer keys: sorting 3 M rows by a string chief_id is most of the cost at scale
    m["chief_id"] = codes(m["chief_id"], ids)
    m = merge_intervals(m[m["chief_id"] >= 0], ["chief_id", "reach"])
    covered = np.bincount(m["chief_id"], weights=m["hi"] - m["lo"], minlength=len(ids))
    total = count(a["chief_id"], ids, a["ahi"] - a["alo"])
    return pd.Series(covered, index=ids), total


def coverage(
    inp: Inputs,
    ids: pd.Index,
    per_patrol_m: pd.Series,
    metres: tuple[pd.Series, pd.Series] | None = None,
) -> pd.DataFrame:
    """Metres of the chief's stretches covered by the union of his valid patrols' spans ÷
    the metres he could be asked to cover: his assigned length, or, when that is more than
    his required patrols can walk, required × the length one patrol of his level is
    expected to cover (``per_patrol_m`` by chief; infinite = no workload cap). ``metres``:
    :func:`track_metres` when already counted."""
    covered, total = metres if metres is not None else track_metres(inp, ids)
    required = inp.chiefs.set_index("chief_id")["required"].reindex(ids).astype(float)
    walkable = required * per_patrol_m.reindex(ids)
    asked = np.minimum(total, walkable.where(walkable > 0, total))
    return ratio(np.minimum(covered, asked), asked, "no_assignment")


def reports(inp: Inputs, ids: pd.Index) -> pd.DataFrame:
    """Problems the chief reported from his own patrols in the period ÷ tens of km of his
    valid patrols."""
    p = inp.patrols[inp.patrols["valid"]]
    tens = count(p["chief_id"], ids, p["distance_m"]) / 10_000
    if inp.events is None:
        return nothing(ids, "no_events_layer")
    ev = inp.events
    mine = ev[(ev["source"] == "patrol") & within(ev["reported_at"], inp.start, inp.end)]
    return ratio(count(mine["reporter"], ids), tens, "no_valid_patrols")


def within(t: pd.Series, start: dt.date, end: dt.date) -> pd.Series:
    """Rows whose time falls on a day of [start, end] (times are Beijing wall clock)."""
    d = t.dt.date
    return d.notna() & (d >= start) & (d <= end)


def on_time(inp: Inputs, ids: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events due in the period resolved by their deadline ÷ events due; and those events."""
    cols = ["chief_id", "event_id", "event_type", "deadline", "resolved_at", "status", "on_time"]
    if inp.events is None:
        return pd.DataFrame(columns=cols), nothing(ids, "no_events_layer")
    ev = inp.events
    due = ev[within(ev["deadline"], inp.start, inp.end) & ev["chief_id"].isin(ids)].copy()
    due["on_time"] = due["resolved_at"].notna() & (due["resolved_at"] <= due["deadline"])
    out = ratio(
        count(due.loc[due["on_time"], "chief_id"], ids), count(due["chief_id"], ids), "none_due"
    )
    return due[cols].reset_index(drop=True), out


def plans(inp: Inputs, ids: pd.Index, rivers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """一河一策 tasks due in the period on the chief's rivers and in his area, completed by
    their deadline ÷ those tasks (county and township chiefs: the plan is theirs).

    ``rivers``: chief_id, river_code, admin_code, level of each chief's rivers.
    """
    cols = ["chief_id", "item_id", "river_code", "text", "deadline", "completed_on", "done"]
    if inp.plan_items is None:
        return pd.DataFrame(columns=cols), nothing(ids, "no_plan_layer")
    items = inp.plan_items.copy()
    items["deadline"] = pd.to_datetime(items["deadline"], errors="coerce")
    items["completed_on"] = pd.to_datetime(items["completed_on"], errors="coerce")
    items = items[within(items["deadline"], inp.start, inp.end)]
    r = rivers[rivers["level"].isin(OFFICE_LEVELS)]
    m = r.merge(items, on="river_code", suffixes=("_chief", ""))
    # a task with no unit's code is the river's: its county chief answers for it
    river_wide = np.where(m["level"] == "county", m["admin_code_chief"], "-")
    area = m["admin_code"].where(m["admin_code"].notna(), river_wide)
    m = m[under(area, m["admin_code_chief"])]
    m = m.drop_duplicates(["chief_id", "item_id"])
    m["done"] = m["completed_on"].notna() & (m["completed_on"] <= m["deadline"])
    out = ratio(count(m.loc[m["done"], "chief_id"], ids), count(m["chief_id"], ids), "none_due")
    return m.reindex(columns=cols).reset_index(drop=True), out


def signboards(inp: Inputs, ids: pd.Index, rivers: pd.DataFrame) -> pd.DataFrame:
    """The boards on the chief's rivers in his area (county boards for a county chief,
    township boards for a township chief) that show his name and phone ÷ those boards."""
    if inp.signboards is None:
        return nothing(ids, "no_signboard_layer")
    b = inp.signboards[inp.signboards["river_code"].notna()].copy()
    county, township = OFFICE_LEVELS
    b["level"] = np.where(b["placed_by"] == county, county, township)
    r = rivers[rivers["level"].isin(OFFICE_LEVELS)]
    m = r.merge(b, on=["river_code", "level"], suffixes=("_chief", ""))
    m = m[under(m["admin_code"], m["admin_code_chief"])]
    m = m.drop_duplicates(["chief_id", "board_id"])
    who = inp.chiefs.set_index("chief_id")
    m["current"] = (m["chief_name"].to_numpy() == who["name"].reindex(m["chief_id"]).to_numpy()) & (
        m["chief_phone"].astype(str).to_numpy()
        == who["phone"].astype(str).reindex(m["chief_id"]).to_numpy()
    )
    return ratio(
        count(m.loc[m["current"], "chief_id"], ids), count(m["chief_id"], ids), "no_boards"
    )


def lower_compliance(inp: Inputs, ids: pd.Index, lower: pd.DataFrame) -> pd.DataFrame:
    """For county and township chiefs: patrols the chiefs of the next level down on their
    stretches made (each capped at what was required) ÷ patrols required of them.

    ``lower``: chief_id, lower_id pairs (:func:`gis.assessment.workload.lower_chiefs`).
    """
    ch = inp.chiefs.set_index("chief_id")
    got = np.minimum(ch["valid"], ch["required"]).astype(float)
    m = lower.assign(
        made=got.reindex(lower["lower_id"]).to_numpy(),
        owed=ch["required"].reindex(lower["lower_id"]).astype(float).to_numpy(),
    )
    return ratio(
        count(m["chief_id"], ids, m["made"]),
        count(m["chief_id"], ids, m["owed"]),
        "no_lower_chiefs",
    )
