"""The chiefs' scorecard (河长履职考核) for a period: each indicator with an exact definition
in the rule table ``assessment_indicators`` (data, with its source), a raw value, a score on
a banded line, the weight of the chief's level, and the evidence behind it.

An indicator with nothing to measure (no events due, no section on the chief's stretch) is
``None`` with a status saying why, never 0, and its weight goes to the others. Rates count
by the period's own items (patrols started in it, events due in it), so none passes 100 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gis import catalogue
from gis import rules as rules_mod
from gis.patrols.clean import LOCAL_TZ
from gis.patrols.network import PatrolNetwork, merge_intervals, network_from_store
from gis.patrols.report import PatrolReport, check_period
from gis.reports import strict
from gis.store import Store

#: Grades best first (codes of ``assessment_grades``; the words are in gis.i18n).
GRADES = ("excellent", "good", "pass", "fail")
#: Levels the indicator table weighs (a province or city chief is not scored here).
WEIGHTED_LEVELS = catalogue.CHIEF_LEVELS[2:]
#: Why an indicator has no value.
STATUS = (
    "none_required",
    "no_patrols",
    "no_valid_patrols",
    "no_assignment",
    "none_due",
    "no_sections",
    "no_events_layer",
)


@dataclass
class Scorecard:
    """``chiefs``: one row per chief (total, grade, the incidents that capped it);
    ``indicators``: one row per chief and indicator; ``evidence``: the patrols, events and
    section-months each value was counted from; ``rules``: where each table came from."""

    start: dt.date
    end: dt.date
    chiefs: pd.DataFrame
    indicators: pd.DataFrame
    evidence: dict[str, pd.DataFrame] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The sheets of an export: chiefs, indicators, then the evidence."""
        return {"chiefs": self.chiefs, "indicators": self.indicators, **self.evidence}

    def to_json(self) -> dict:
        """Strict JSON (no NaN) of ``riverchief assess --json``: the period, the rule tables,
        and each chief with its score, grade, vetoes and indicators (``value`` the raw value,
        ``evidence_count`` the items it was counted over, ``status`` why there is none)."""
        by = {c: g for c, g in self.indicators.groupby("chief_id", sort=False)}
        names = {"raw": "value", "denominator": "evidence_count"}
        cols = ["raw", "score", "weight", "numerator", "denominator", "status"]
        chiefs = []
        for r in self.chiefs.itertuples(index=False):
            g = by.get(r.chief_id, self.indicators.iloc[0:0])
            chiefs.append(
                {
                    "chief_id": r.chief_id,
                    "name": r.name,
                    "level": r.level,
                    "admin_code": r.admin_code,
                    "score": r.total,
                    "grade": r.grade,
                    "vetoes": r.capped_by.split(";") if isinstance(r.capped_by, str) else [],
                    "indicators": {
                        i: {names.get(c, c): v for c, v in zip(cols, vals, strict=True)}
                        for i, *vals in g[["indicator", *cols]].itertuples(index=False)
                    },
                }
            )
        period = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        return strict({"period": period, "rules": self.rules, "chiefs": chiefs})


def assess_chiefs(  # noqa: PLR0913 -- the period and its sources, all keyword-only
    store: Store,
    *,
    start: dt.date,
    end: dt.date,
    patrol_report: PatrolReport | None = None,
    tracks: str | Path | None = None,
    net: PatrolNetwork | None = None,
    rule_overrides: Mapping[str, Path | str] | None = None,
) -> Scorecard:
    """Score every chief with an assignment over ``start``..``end`` (Beijing dates).

    Parameters
    ----------
    store : Store
        The county store: chiefs, assignments, rivers; ``events`` and
        ``monitoring_sections``/``section_measurements`` when it has them.
    start, end : datetime.date
        The period, both days included.
    patrol_report : PatrolReport, optional
        :func:`gis.patrols.assess_patrols` of the same period (made here when not given).
    tracks : path, optional
        A track file instead of the store's patrols (as ``assess_patrols``).
    net : PatrolNetwork, optional
        The county's reaches and assignments, when already built.
    rule_overrides : mapping, optional
        ``assessment_indicators``, ``assessment_grades``, ``assessment_vetoes`` (and the
        patrol tables) → the county's CSV.

    Returns
    -------
    Scorecard
    """
    from gis.patrols import assess_patrols

    check_period(start, end)
    ov = dict(rule_overrides or {})
    net = net or network_from_store(store)
    report = patrol_report or assess_patrols(
        store, start=start, end=end, tracks=tracks, net=net, rule_overrides=ov
    )
    table = rules_mod.load("assessment_indicators", override=ov.get("assessment_indicators"))
    grades = rules_mod.load("assessment_grades", override=ov.get("assessment_grades"))
    vetoes = rules_mod.load("assessment_vetoes", override=ov.get("assessment_vetoes"))
    chiefs = report.chiefs[["chief_id", "name", "level", "admin_code", "required", "valid"]].copy()
    patrols = _in_period(report.assessment.patrols, start, end)
    events = _events(store)
    values = {
        **_patrol_values(chiefs, patrols),
        "track_coverage": _coverage(chiefs, patrols, report.assessment.visits, net),
        "reports_per_10km": _reports(chiefs, patrols, events, start, end),
    }
    due, on_time = _on_time(chiefs, events, start, end)
    values["on_time_rate"] = on_time
    sections, water = _water(chiefs, store, net, start, end)
    values["water_quality"] = water
    long = _scored(chiefs, table, values)
    out = _totals(chiefs, long, grades, vetoes, events, start, end)
    evidence = {
        "patrols": patrols[["chief_id", "patrol_id", "start", "valid", "distance_m"]].assign(
            flags=patrols["flags"].map(";".join)
        ),
        "events_due": due,
        "section_months": sections,
    }
    rules = {
        "assessment_indicators": table.attrs["rule_set"],
        "assessment_grades": grades.attrs["rule_set"],
        "assessment_vetoes": vetoes.attrs["rule_set"],
    }
    return Scorecard(start, end, out, long, evidence, rules)


def _in_period(p: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Patrols started in the period (Beijing dates), as the compliance report counts them."""
    day = p["start"].dt.tz_convert(LOCAL_TZ).dt.date
    return p[day.notna() & (day >= start) & (day <= end)].reset_index()


def _ratio(num: pd.Series, den: pd.Series, empty: str) -> pd.DataFrame:
    out = pd.DataFrame({"numerator": num.astype(float), "denominator": den.astype(float)})
    ok = out["denominator"] > 0
    out["raw"] = np.where(ok, out["numerator"] / out["denominator"].where(ok, 1.0), np.nan)
    out["status"] = [None if k else empty for k in ok]
    return out


def _patrol_values(chiefs: pd.DataFrame, patrols: pd.DataFrame) -> dict[str, pd.DataFrame]:
    ids = chiefs["chief_id"]
    made = patrols.groupby("chief_id").size().reindex(ids).fillna(0)
    flagged = patrols[~patrols["valid"]].groupby("chief_id").size().reindex(ids).fillna(0)
    valid = chiefs.set_index("chief_id")["valid"].astype(float)
    required = chiefs.set_index("chief_id")["required"].astype(float)
    rate = _ratio(np.minimum(valid, required), required, "none_required")
    return {"patrol_rate": rate, "anomaly_rate": _ratio(flagged, made, "no_patrols")}


def _coverage(
    chiefs: pd.DataFrame, patrols: pd.DataFrame, visits: pd.DataFrame, net: PatrolNetwork
) -> pd.DataFrame:
    """The union of the valid patrols' spans on each assigned interval, per chief."""
    valid = patrols.loc[patrols["valid"], ["index", "chief_id"]].rename(columns={"index": "patrol"})
    v = visits.merge(valid, on="patrol")[["chief_id", "reach", "lo", "hi"]]
    a = net.assigned.rename(columns={"lo": "alo", "hi": "ahi"})
    m = v.merge(a, on=["chief_id", "reach"])
    m["lo"], m["hi"] = np.maximum(m["lo"], m["alo"]), np.minimum(m["hi"], m["ahi"])
    m = merge_intervals(
        m.loc[m["hi"] > m["lo"], ["chief_id", "reach", "lo", "hi"]], ["chief_id", "reach"]
    )
    ids = chiefs["chief_id"]
    covered = (m["hi"] - m["lo"]).groupby(m["chief_id"]).sum().reindex(ids).fillna(0.0)
    total = (a["ahi"] - a["alo"]).groupby(a["chief_id"]).sum().reindex(ids).fillna(0.0)
    return _ratio(covered, total, "no_assignment")


def _events(store: Store) -> pd.DataFrame | None:
    if "events" not in store.layers():
        return None
    ev = pd.DataFrame(store.read("events").drop(columns="geometry", errors="ignore"))
    for col in ("reported_at", "deadline", "resolved_at"):
        ev[col] = pd.to_datetime(ev[col], errors="coerce")
    return ev


def _days(t: pd.Series, start: dt.date, end: dt.date) -> pd.Series:
    d = t.dt.date
    return d.notna() & (d >= start) & (d <= end)


def _reports(chiefs, patrols, events, start, end) -> pd.DataFrame:
    ids = chiefs["chief_id"]
    tens = patrols[patrols["valid"]].groupby("chief_id")["distance_m"].sum().reindex(ids)
    tens = tens.fillna(0.0) / 10_000
    if events is None:
        out = _ratio(pd.Series(0.0, index=ids), tens, "no_valid_patrols")
        out["raw"], out["status"] = np.nan, "no_events_layer"
        return out
    mine = events[(events["source"] == "patrol") & _days(events["reported_at"], start, end)]
    found = mine.groupby("reporter").size().reindex(ids).fillna(0)
    return _ratio(found, tens, "no_valid_patrols")


def _on_time(chiefs, events, start, end) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = chiefs["chief_id"]
    if events is None:
        out = _ratio(pd.Series(0.0, index=ids), pd.Series(0.0, index=ids), "no_events_layer")
        return pd.DataFrame(columns=["chief_id", "event_id", "deadline", "resolved_at"]), out
    due = events[_days(events["deadline"], start, end) & events["chief_id"].isin(ids)].copy()
    due["on_time"] = due["resolved_at"].notna() & (due["resolved_at"] <= due["deadline"])
    n = due.groupby("chief_id").size().reindex(ids).fillna(0)
    ok = due[due["on_time"]].groupby("chief_id").size().reindex(ids).fillna(0)
    cols = ["chief_id", "event_id", "event_type", "deadline", "resolved_at", "status", "on_time"]
    return due[cols].reset_index(drop=True), _ratio(ok, n, "none_due")


def _water(chiefs, store, net, start, end) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Section-months at or better than target on each chief's stretches (chainage)."""
    ids = chiefs["chief_id"]
    empty = _ratio(pd.Series(0.0, index=ids), pd.Series(0.0, index=ids), "no_sections")
    if not {"monitoring_sections", "section_measurements"} <= set(store.layers()):
        return pd.DataFrame(), empty
    sec = pd.DataFrame(store.read("monitoring_sections").drop(columns="geometry", errors="ignore"))
    months = pd.DataFrame(store.read("section_measurements"))
    if sec.empty or months.empty:
        return pd.DataFrame(), empty
    months = months[_days(pd.to_datetime(months["month"], errors="coerce"), start, end)]
    r = net.assigned["reach"].to_numpy()
    stretch = pd.DataFrame(
        {
            "chief_id": net.assigned["chief_id"].to_numpy(),
            "river_code": net.reaches["river_code"].to_numpy()[r],
            "lo": net.assigned["lo"].to_numpy() + net.reaches["from_m"].to_numpy()[r],
            "hi": net.assigned["hi"].to_numpy() + net.reaches["from_m"].to_numpy()[r],
        }
    )
    on = stretch.merge(
        sec[["section_id", "river_code", "chainage_m", "target_class"]], on="river_code"
    )
    on = on[(on["chainage_m"] >= on["lo"]) & (on["chainage_m"] <= on["hi"])]
    on = on[["chief_id", "section_id", "target_class"]].drop_duplicates()
    rows = on.merge(months[["section_id", "month", "water_class"]], on="section_id")
    order = list(catalogue.WATER_CLASSES)
    rows["meets"] = rows["water_class"].map(order.index) <= rows["target_class"].map(order.index)
    n = rows.groupby("chief_id").size().reindex(ids).fillna(0)
    ok = rows[rows["meets"]].groupby("chief_id").size().reindex(ids).fillna(0)
    return rows.reset_index(drop=True), _ratio(ok, n, "no_sections")


def _scored(chiefs, table, values) -> pd.DataFrame:
    """One row per chief and indicator: raw, score 0-100 on the band, the level's weight."""
    level = chiefs.set_index("chief_id")["level"]
    parts = []
    for spec in table.itertuples(index=False):
        v = values[spec.indicator].copy()
        zero, full = float(spec.zero_at), float(spec.full_at)
        v["score"] = (100 * ((v["raw"] - zero) / (full - zero)).clip(0, 1)).round(1)
        weights = {lv: float(getattr(spec, f"weight_{lv}", 0)) for lv in WEIGHTED_LEVELS}
        v["weight"] = level.reindex(v.index).map(weights).fillna(0.0).to_numpy()
        v.loc[v["raw"].isna(), "weight"] = 0.0  # nothing measured: its weight goes to the others
        v["indicator"] = spec.indicator
        parts.append(v.rename_axis("chief_id").reset_index())
    cols = ["chief_id", "indicator", "numerator", "denominator", "raw", "score", "weight", "status"]
    return pd.concat(parts, ignore_index=True)[cols]


def _totals(chiefs, long, grades, vetoes, events, start, end) -> pd.DataFrame:
    w = long["weight"] * long["score"].fillna(0)
    total = w.groupby(long["chief_id"]).sum() / long.groupby("chief_id")["weight"].sum()
    out = chiefs[["chief_id", "name", "level", "admin_code"]].copy()
    out["total"] = out["chief_id"].map(total.round(1))
    bands = grades.sort_values("min_score", ascending=False)
    out["grade"] = [
        None
        if pd.isna(s)
        else next(g for g, m in zip(bands["grade"], bands["min_score"], strict=True) if s >= m)
        for s in out["total"]
    ]
    out["capped_by"] = None
    if events is not None:
        hit = events[_days(events["reported_at"], start, end)]
        for r in vetoes.itertuples(index=False):
            mine = hit[hit["severity"] == r.severity].groupby("chief_id")["event_id"].agg(list)
            for chief, ids in mine.items():
                i = out.index[out["chief_id"] == chief]
                if len(ids) < int(r.count) or not len(i) or out.at[i[0], "grade"] is None:
                    continue
                if GRADES.index(out.at[i[0], "grade"]) < GRADES.index(r.cap):
                    out.at[i[0], "grade"] = r.cap
                    out.at[i[0], "capped_by"] = ";".join(ids)
    return out.reset_index(drop=True)
