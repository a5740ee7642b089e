"""The chiefs' scorecard (河长履职考核) for a period: each indicator with an exact definition
in the rule table ``assessment_indicators`` (data, with its source), a raw value, a score on
a banded line, the weight of the chief's level, and the evidence behind it; each chief's
workload, and the correlation of the scores with it (fairness).

An indicator with nothing to measure (no events due, no section on the chief's stretch) is
``None`` with a status saying why, never 0, and its weight goes to the others; one outside
the level's mix (weight 0) is not listed. Rates count the period's own items (patrols
started in it, events due in it), so none passes 100 %. An upheld appeal sets a value; the
value as measured, its score and the total before appeals are kept beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from gis import catalogue
from gis import rules as rules_mod
from gis.assessment import indicators as ind
from gis.assessment.appeals import apply_appeals
from gis.assessment.inputs import Inputs, inputs_from_store
from gis.assessment.water import stretches, water
from gis.assessment.workload import fairness, lower_chiefs, workload
from gis.patrols.network import PatrolNetwork, network_from_store
from gis.patrols.report import PatrolReport, check_period
from gis.reports import records, strict
from gis.store import Store

#: Grades best first (codes of ``assessment_grades``; the words are in gis.i18n).
GRADES = ("excellent", "good", "pass", "fail")
#: Levels the indicator table weighs (a province or city chief is not scored here).
WEIGHTED_LEVELS = catalogue.CHIEF_LEVELS[2:]
#: The rule tables a scorecard reads; a county overrides any of them.
RULE_TABLES = (
    "assessment_indicators",
    "assessment_grades",
    "assessment_vetoes",
    "assessment_workload",
    "assessment_boundary_sections",
    "patrol_frequency",
)
#: What each chief's indicator row holds beside its keys (the JSON's and the bulletin's).
VALUE_COLUMNS = (
    "raw",
    "score",
    "weight",
    "numerator",
    "denominator",
    "status",
    "raw_measured",
    "score_measured",
    "appeal_id",
    "decision",
)
#: Why an indicator has no value.
STATUS = (
    "none_required",
    "no_patrols",
    "no_valid_patrols",
    "no_assignment",
    "none_due",
    "no_sections",
    "no_base_year",
    "no_events_layer",
    "no_plan_layer",
    "no_signboard_layer",
    "no_boards",
    "no_lower_chiefs",
)


@dataclass
class Scorecard:
    """``chiefs``: one row per chief (total and grade after appeals, ``total_measured`` and
    ``grade_measured`` before, the incidents that capped it); ``indicators``: one row per
    chief and indicator of his level; ``workload``: per chief; ``fairness``: per level;
    ``by_township``: grades per township; ``evidence``: the patrols, events, section-months,
    plan tasks, lower chiefs and appeals each value was counted from; ``rules``: where each
    table came from."""

    start: dt.date
    end: dt.date
    chiefs: pd.DataFrame
    indicators: pd.DataFrame
    workload: pd.DataFrame = field(default_factory=pd.DataFrame)
    fairness: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_township: pd.DataFrame = field(default_factory=pd.DataFrame)
    evidence: dict[str, pd.DataFrame] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The sheets of an export: chiefs, indicators, workload, fairness, townships, then
        the evidence."""
        return {
            "chiefs": self.chiefs,
            "indicators": self.indicators,
            "workload": self.workload.reset_index(),
            "fairness": self.fairness,
            "by_township": self.by_township,
            **self.evidence,
        }

    def of_level(self, level: str) -> Scorecard:
        """The same scorecard with only the chiefs of ``level`` (fairness kept for it)."""
        keep = self.chiefs["level"] == level
        ids = set(self.chiefs.loc[keep, "chief_id"])
        ev = {
            k: v[v["chief_id"].isin(ids)] if "chief_id" in v else v
            for k, v in self.evidence.items()
        }
        return Scorecard(
            self.start,
            self.end,
            self.chiefs[keep].reset_index(drop=True),
            self.indicators[self.indicators["chief_id"].isin(ids)].reset_index(drop=True),
            self.workload[self.workload.index.isin(ids)],
            self.fairness[self.fairness["level"] == level].reset_index(drop=True),
            self.by_township,
            ev,
            self.rules,
        )

    def to_json(self) -> dict:
        """Strict JSON (no NaN) of ``riverchief assess --json``: the period, the rule tables,
        each chief with score, grade, vetoes, workload and indicators (``value`` the raw value
        after appeals, ``value_measured`` before, ``evidence_count`` the items it was counted
        over, ``status`` why there is none), the townships and the fairness per level."""
        by = {c: g for c, g in self.indicators.groupby("chief_id", sort=False)}
        names = {"raw": "value", "raw_measured": "value_measured", "denominator": "evidence_count"}
        cols = list(VALUE_COLUMNS)
        load = self.workload.to_dict("index") if len(self.workload) else {}
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
                    "score_measured": r.total_measured,
                    "grade_measured": r.grade_measured,
                    "vetoes": r.capped_by.split(";") if isinstance(r.capped_by, str) else [],
                    "indicators": {
                        i: {names.get(c, c): v for c, v in zip(cols, vals, strict=True)}
                        for i, *vals in g[["indicator", *cols]].itertuples(index=False)
                    },
                    "workload": load.get(r.chief_id, {}),
                }
            )
        period = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        fair = {r.pop("level"): r for r in records(self.fairness)}
        return strict(
            {
                "period": period,
                "rules": self.rules,
                "chiefs": chiefs,
                "by_township": records(self.by_township),
                "fairness": fair,
            }
        )


def load_rules(overrides: Mapping[str, Path | str] | None = None) -> dict[str, pd.DataFrame]:
    """The :data:`RULE_TABLES`, each the county's CSV where ``overrides`` names one."""
    ov = dict(overrides or {})
    return {n: rules_mod.load(n, override=ov.get(n)) for n in RULE_TABLES}


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
        The county store: chiefs, assignments, rivers; ``events``, ``monitoring_sections``
        and ``section_measurements``, ``signboards``, ``plan_items`` and ``appeals`` when it
        has them.
    start, end : datetime.date
        The period, both days included.
    patrol_report : PatrolReport, optional
        :func:`gis.patrols.assess_patrols` of the same period (made here when not given).
    tracks : path, optional
        A track file instead of the store's patrols (as ``assess_patrols``).
    net : PatrolNetwork, optional
        The county's reaches and assignments, when already built.
    rule_overrides : mapping, optional
        Any of :data:`RULE_TABLES` (and the patrol tables) → the county's CSV.

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
    tables = load_rules(ov)
    inp = inputs_from_store(store, report=report, net=net, frequency=tables["patrol_frequency"])
    return score(inp, tables)


def score(inp: Inputs, tables: Mapping[str, pd.DataFrame] | None = None) -> Scorecard:
    """The scorecard of ``inp`` (any number of counties at once) by ``tables``
    (:func:`load_rules`, the defaults when not given)."""
    tables = dict(tables or load_rules())
    chiefs = inp.chiefs
    ids = pd.Index(chiefs["chief_id"])
    given, inp = inp, _keyed(inp, ids)
    spans = stretches(inp)
    lower = lower_chiefs(inp)
    rivers = (
        spans[["chief_id", "river_code"]]
        .drop_duplicates()
        .merge(chiefs[["chief_id", "level", "admin_code"]], on="chief_id")
    )
    load = workload(inp, ids, spans, lower)
    per_patrol = tables["assessment_workload"].set_index("level")["patrol_km"].astype(float) * 1000
    level = chiefs.set_index("chief_id")["level"]
    due, on_time = ind.on_time(inp, ids)
    plans_due, plans = ind.plans(inp, ids, rivers)
    months, wq = water(inp, ids, spans, tables["assessment_boundary_sections"])
    metres = ind.track_metres(inp, ids)
    values = {
        **ind.patrols(inp, ids),
        "track_coverage": ind.coverage(inp, ids, level.map(per_patrol), metres),
        "reports_per_10km": ind.reports(inp, ids),
        "on_time_rate": on_time,
        "lower_compliance": ind.lower_compliance(inp, ids, lower),
        **wq,
        "signboards_current": ind.signboards(inp, ids, rivers),
        "plan_done": plans,
    }
    table = tables["assessment_indicators"]
    long, appeals = apply_appeals(_long(chiefs, table, values), inp)
    long = _scored(long, table, "raw", "score", "weight")
    long = _scored(long, table, "raw_measured", "score_measured", "weight_measured")
    out = _totals(chiefs, long, tables, inp)
    plain = _plain_totals(chiefs, inp, table, values, load, metres)
    out["total_plain"] = out["chief_id"].map(plain)
    fair = fairness(out, load)
    evidence = {
        "patrols": given.patrols[
            ["chief_id", "patrol_id", "start", "valid", "distance_m", "flags"]
        ],
        "events_due": due,
        "section_months": months,
        "plan_items_due": plans_due,
        "lower_chiefs": lower.astype(str),
        "appeals": appeals,
    }
    rules = {n: str(t.attrs.get("rule_set", n)) for n, t in tables.items()}
    return Scorecard(
        inp.start, inp.end, out, long, load, fair, _townships(out, inp), evidence, rules
    )


def _keyed(inp: Inputs, ids: pd.Index) -> Inputs:
    """``inp`` with the chief ids of its two big frames (patrols, assignments) as
    categoricals on ``ids`` (:func:`gis.assessment.indicators.keyed`)."""
    if not ids.is_unique:
        dup = ids[ids.duplicated()].unique()[:5].tolist()
        raise ValueError(f"chief_id: a chief is listed twice ({dup}); each chief_id once")
    return replace(
        inp,
        patrols=inp.patrols.assign(chief_id=ind.keyed(inp.patrols["chief_id"], ids)),
        assigned=inp.assigned.assign(chief_id=ind.keyed(inp.assigned["chief_id"], ids)),
    )


def _long(chiefs: pd.DataFrame, table: pd.DataFrame, values: dict) -> pd.DataFrame:
    """One row per chief and indicator of his level's mix (a weight above 0)."""
    level = chiefs.set_index("chief_id")["level"]
    parts = []
    for spec in table.itertuples(index=False):
        weights = {lv: float(getattr(spec, f"weight_{lv}", 0)) for lv in WEIGHTED_LEVELS}
        v = values[spec.indicator].copy()
        v["level_weight"] = level.reindex(v.index).map(weights).fillna(0.0).to_numpy()
        v["indicator"] = spec.indicator
        parts.append(v[v["level_weight"] > 0].rename_axis("chief_id").reset_index())
    cols = ["chief_id", "indicator", "numerator", "denominator", "raw", "status", "level_weight"]
    return pd.concat(parts, ignore_index=True)[cols]


def _scored(long: pd.DataFrame, table: pd.DataFrame, raw: str, score: str, weight: str):
    """Score 0-100 on the indicator's band (linear between ``zero_at`` and ``full_at``, no
    cliff), and the level's weight where there is a value (else 0: it goes to the others)."""
    # only the two numbers: the rule table's text columns copied to every row cost 1 GiB
    spec = table.set_index("indicator")[["zero_at", "full_at"]].astype(float)
    band = spec.reindex(long["indicator"]).to_numpy()
    zero, full = band[:, 0], band[:, 1]
    s = ((long[raw].to_numpy(dtype=float) - zero) / (full - zero)).clip(0, 1)
    long[score] = (100 * s).round(1)
    long[weight] = np.where(long[raw].notna(), long["level_weight"], 0.0)
    return long


def _grade(total: pd.Series, grades: pd.DataFrame) -> list:
    """The best grade whose ``min_score`` the total reaches (None without a total)."""
    bands = grades.sort_values("min_score", ascending=False)
    s = total.to_numpy(dtype=float)
    out = np.full(len(s), None, dtype=object)
    left = ~np.isnan(s)
    for g, m in zip(bands["grade"], bands["min_score"].astype(float), strict=True):
        hit = left & (s >= m)
        out[hit] = g
        left &= ~hit
    return out.tolist()


def _weighted(long: pd.DataFrame, score: str, weight: str) -> pd.Series:
    w = long[weight] * long[score].fillna(0)
    den = long.groupby("chief_id")[weight].sum()
    return (w.groupby(long["chief_id"]).sum() / den.where(den > 0)).round(1)


def _totals(chiefs, long, tables, inp) -> pd.DataFrame:
    out = chiefs[["chief_id", "name", "level", "admin_code", "township_code"]].copy()
    for suffix, score, weight in (
        ("", "score", "weight"),
        ("_measured", "score_measured", "weight_measured"),
    ):
        out[f"total{suffix}"] = out["chief_id"].map(_weighted(long, score, weight))
        out[f"grade{suffix}"] = _grade(out[f"total{suffix}"], tables["assessment_grades"])
    out["capped_by"] = None
    if inp.events is not None:
        hit = inp.events[ind.within(inp.events["reported_at"], inp.start, inp.end)]
        for r in tables["assessment_vetoes"].itertuples(index=False):
            mine = hit[hit["severity"] == r.severity].groupby("chief_id")["event_id"].agg(list)
            for chief, events in mine.items():
                i = out.index[out["chief_id"] == chief]
                if len(events) < int(r.count) or not len(i):
                    continue
                out.at[i[0], "capped_by"] = ";".join(events)  # named even where it did not bite
                for col in ("grade", "grade_measured"):
                    g = out.at[i[0], col]
                    if g is not None and GRADES.index(g) < GRADES.index(r.cap):
                        out.at[i[0], col] = r.cap
    return out.reset_index(drop=True)


def _plain_totals(chiefs, inp, table, values, load, metres) -> pd.Series:  # noqa: PLR0913
    """The totals without normalisation, for the fairness comparison: patrols owed per
    stretch held (应巡 = frequency × periods × stretches) and coverage of the whole
    assigned length."""
    ch = chiefs.set_index("chief_id")
    ids = ch.index
    owed = ch["required"].astype(float) * load["stretches"].reindex(ids).clip(lower=1)
    plain = {
        **values,
        "patrol_rate": ind.ratio(
            np.minimum(ch["valid"].astype(float), owed), owed, "none_required"
        ),
        "track_coverage": ind.coverage(inp, ids, pd.Series(np.inf, index=ids), metres),
    }
    long = _long(chiefs, table, plain).assign(raw_measured=np.nan)
    return _weighted(_scored(long, table, "raw", "score", "weight"), "score", "weight")


def _townships(out: pd.DataFrame, inp: Inputs) -> pd.DataFrame:
    """Chiefs of each township (township and village) with their mean total and grades."""
    t = out[out["township_code"].notna()]
    g = t.groupby("township_code")
    d = pd.DataFrame({"chiefs": g.size()})
    # Series.mean per group (not groupby().mean(): a different summation order rounds a
    # half-way mean the other way)
    d["mean_total"] = g["total"].agg(lambda x: round(float(x.mean()), 1)).astype(float)
    grades = pd.crosstab(t["township_code"], t["grade"]).reindex(index=d.index, columns=GRADES)
    d[list(GRADES)] = grades.fillna(0).astype(int)
    d["ungraded"] = t["grade"].isna().groupby(t["township_code"]).sum().astype(int)
    d = d.rename_axis("township_code").reset_index()
    d.insert(1, "township", [inp.admin_names.get(str(c)) for c in d["township_code"]])
    cols = ["township_code", "township", "chiefs", "mean_total", *GRADES, "ungraded"]
    return d[cols]
