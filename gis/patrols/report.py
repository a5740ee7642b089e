"""Compliance over a period: patrols required and done per chief, when each reach was last
patrolled, a summary per township, and the suspicious patrols."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gis import _deprecation
from gis import rules as rules_mod
from gis._errors import InputError
from gis.patrols.assess import Assessment
from gis.patrols.clean import LOCAL_TZ
from gis.patrols.network import PatrolNetwork
from gis.reports import records, strict


@dataclass
class PatrolReport:
    """Frames of the report; :meth:`to_json` gives the stable JSON of ``patrols report``."""

    start: dt.date
    end: dt.date
    rule_set: str
    chiefs: pd.DataFrame
    reaches: pd.DataFrame
    suspicious: pd.DataFrame
    by_township: pd.DataFrame
    weekly: pd.DataFrame  # valid patrols per ISO week and level
    assessment: Assessment  # the judged patrols the report was made from

    def to_json(self) -> dict:
        """The stable JSON of ``riverchief patrols report --json`` (strict: no NaN)."""
        sus = self.suspicious
        out = {
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "rule_set": self.rule_set,
            "chiefs": _records(
                self.chiefs[["chief_id", "name", "level", "required", "valid", "compliant"]]
            ),
            "reaches_never_patrolled": self.reaches.loc[
                self.reaches["never_patrolled"], "reach_id"
            ].tolist(),
            "suspicious": [
                {"patrol_id": p, "chief_id": c, "flags": list(f)}
                for p, c, f in zip(sus["patrol_id"], sus["chief_id"], sus["flags"], strict=True)
            ],
            "by_township": _records(self.by_township),
        }
        return strict(out)

    def tables(self) -> dict[str, pd.DataFrame]:
        """``chiefs``, ``reaches``, ``suspicious`` (flags joined by ``;``), ``by_township``
        and ``weekly``: the sheets of the export."""
        sus = self.suspicious.assign(flags=self.suspicious["flags"].map(";".join))
        return {
            "chiefs": self.chiefs,
            "reaches": self.reaches,
            "suspicious": sus,
            "by_township": self.by_township,
            "weekly": self.weekly,
        }


def _records(df: pd.DataFrame) -> list[dict]:
    return records(df, digits=3)


#: Calendar periods counted by the calendar, in months (a quarter starts in Jan/Apr/Jul/Oct);
#: others (a week) by ``period_days``. Dividing days by a mean length (365.25 / 4) would find
#: only three quarters in a 365-day year.
CALENDAR_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def required_patrols(level: str, start: dt.date, end: dt.date, frequency: pd.DataFrame) -> int:
    """Patrols a chief of ``level`` owes over [start, end]: whole periods × the minimum
    (at least one period, so a short window still asks for one patrol).

    Months, quarters, half years and years are calendar periods wholly inside the window.

    Examples
    --------
    >>> import datetime as dt
    >>> from gis import rules
    >>> from gis.catalogue import CHIEF_LEVELS
    >>> freq = rules.load("patrol_frequency")
    >>> year = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    >>> {lv: required_patrols(lv, *year, freq) for lv in CHIEF_LEVELS}
    {'province': 1, 'city': 2, 'county': 4, 'township': 12, 'village': 52}
    >>> required_patrols("county", dt.date(2026, 1, 1), dt.date(2026, 3, 31), freq)  # 90 days
    1
    """
    row = frequency.set_index("level").loc[level]
    months = CALENDAR_MONTHS.get(str(row["period"]))
    if months is None:
        whole = ((end - start).days + 1) // float(row["period_days"])
    else:
        whole = _whole_calendar_periods(start, end, months)
    return int(max(1, int(whole)) * int(row["min_patrols"]))


def _whole_calendar_periods(start: dt.date, end: dt.date, months: int) -> int:
    """Calendar periods of ``months`` months (aligned to January) wholly inside [start, end]."""
    month = start.year * 12 + start.month - 1  # months since year 0
    on_a_start = start.day == 1 and month % months == 0
    first = month // months + (0 if on_a_start else 1)  # first period that starts inside
    after = end + dt.timedelta(days=1)  # a period fits when it ends by ``end``
    stop = (after.year * 12 + after.month - 1) // months  # periods starting before ``after``'s
    return max(0, stop - first)


def check_period(start: dt.date, end: dt.date) -> None:
    """Refuse a period that ends before it starts (checked before any work is done)."""
    if end < start:
        raise InputError(code="period.reversed", params={"start": str(start), "end": str(end)})


def compliance(
    assessment: Assessment,
    net: PatrolNetwork,
    *,
    start: dt.date,
    end: dt.date,
    rule_overrides: Mapping[str, Path | str] | None = None,
    frequency_override=None,
) -> PatrolReport:
    """The compliance report for patrols that started in [start, end] (Beijing dates).

    ``rule_overrides`` maps ``patrol_frequency`` to a county CSV (the other patrol tables
    were used by :func:`~gis.patrols.assess.assess`); ``frequency_override`` is its
    deprecated form.
    """
    ov = _deprecation.fold_override(
        rule_overrides,
        func="compliance",
        old="frequency_override",
        table="patrol_frequency",
        value=frequency_override,
    )
    check_period(start, end)
    freq = rules_mod.load("patrol_frequency", override=ov.get("patrol_frequency"))
    p = assessment.patrols.copy()
    local = p["start"].dt.tz_convert(LOCAL_TZ)
    p["date"] = local.dt.date
    in_period = p["date"].notna() & (p["date"] >= start) & (p["date"] <= end)
    undated = p["start"].isna()
    p = p[in_period | undated]
    valid = p[p["valid"] & in_period.reindex(p.index)]
    ch = net.chiefs[net.chiefs["has_assignment"]].copy()
    owed = {lv: required_patrols(lv, start, end, freq) for lv in set(ch["level"])}  # per level
    ch["required"] = [owed[lv] for lv in ch["level"]]
    ch["valid"] = (
        valid.groupby("chief_id").size().reindex(ch["chief_id"]).fillna(0).astype(int).to_numpy()
    )
    ch["submitted"] = (
        p.groupby("chief_id").size().reindex(ch["chief_id"]).fillna(0).astype(int).to_numpy()
    )
    ch["compliant"] = ch["valid"] >= ch["required"]
    reaches = _reach_table(assessment, net, valid)
    sus = p[~p["valid"]][
        [
            "patrol_id",
            "chief_id",
            "level",
            "township_code",
            "start",
            "flags",
            "duplicate_of",
            "distance_m",
            "duration_s",
            "mean_speed_ms",
            "on_target_share",
        ]
    ].sort_values("patrol_id")
    week = valid.assign(week=pd.to_datetime(valid["date"]).dt.strftime("%G-W%V"))
    weekly = week.groupby(["week", "level"]).size().unstack(fill_value=0).reset_index()
    return PatrolReport(
        start,
        end,
        assessment.rule_set,
        ch.reset_index(drop=True),
        reaches,
        sus.reset_index(drop=True),
        _townships(ch, reaches, p, valid, net),
        weekly,
        assessment,
    )


def _reach_table(a: Assessment, net: PatrolNetwork, valid: pd.DataFrame) -> pd.DataFrame:
    r = net.reaches
    length = np.round(r.geometry.length.to_numpy(), 1)  # the length shown is the one judged
    v = a.visits[a.visits["patrol_id"].isin(valid["patrol_id"])]
    v = v.groupby(["patrol_id", "reach"], as_index=False)["covered_m"].sum()
    need = np.minimum(a.checks["visit_min_m"], 0.5 * length[v["reach"].to_numpy()])
    v = v[v["covered_m"].to_numpy() >= need]
    v = v.merge(valid[["patrol_id", "date"]], on="patrol_id")
    g = v.groupby("reach")
    out = pd.DataFrame(
        {
            "reach_id": r["reach_id"].to_numpy(),
            "river_code": r["river_code"].to_numpy(),
            "admin_code": r["admin_code"].to_numpy(),
            "township_code": r["township_code"].to_numpy(),
            "length_m": length,
        }
    )
    out["patrols"] = g.size().reindex(range(len(r))).fillna(0).astype(int).to_numpy()
    last = g["date"].max().reindex(range(len(r)))
    out["last_patrol"] = [d.isoformat() if isinstance(d, dt.date) else None for d in last]
    out["never_patrolled"] = out["patrols"] == 0
    return out


def _townships(ch, reaches, p, valid, net) -> pd.DataFrame:
    t = ch.groupby("township_code").agg(chiefs=("chief_id", "size"), compliant=("compliant", "sum"))
    t["compliance_rate"] = (100 * t["compliant"] / t["chiefs"]).round(1)
    t["valid_patrols"] = (
        valid.groupby("township_code").size().reindex(t.index).fillna(0).astype(int)
    )
    t["suspicious_patrols"] = (
        p[~p["valid"]].groupby("township_code").size().reindex(t.index).fillna(0).astype(int)
    )
    rg = reaches.groupby("township_code")
    t["reaches"] = rg.size().reindex(t.index).fillna(0).astype(int)
    t["reaches_never_patrolled"] = (
        rg["never_patrolled"].sum().reindex(t.index).fillna(0).astype(int)
    )
    t["never_patrolled_km"] = (
        reaches[reaches["never_patrolled"]]
        .groupby("township_code")["length_m"]
        .sum()
        .reindex(t.index)
        .fillna(0)
        / 1000
    ).round(2)
    t = t.reset_index().rename(columns={"township_code": "township_code"})
    t.insert(1, "township", t["township_code"].map(net.admin_names))
    return t
