"""What a scorecard is computed from, as plain frames: read from a county store by
:func:`inputs_from_store`, or built by hand (tests) or at province scale (benchmarks), so
the scoring itself never touches a store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from gis.patrols.clean import LOCAL_TZ
from gis.patrols.network import PatrolNetwork
from gis.patrols.report import PatrolReport
from gis.store import Store

#: Optional layers the scorecard reads when a store has them.
OPTIONAL_LAYERS = (
    "events",
    "monitoring_sections",
    "section_measurements",
    "signboards",
    "plan_items",
    "appeals",
)


@dataclass
class Inputs:
    """The period's frames. ``chiefs``: chief_id, name, phone, level, admin_code,
    township_code, required, valid (from the compliance report); ``patrols``: the patrols
    started in the period (``row`` their number in ``visits``, chief_id, patrol_id, start,
    valid, distance_m, flags); ``visits``: patrol row, reach, lo, hi; ``assigned``: chief_id,
    reach, lo, hi; ``reaches``: river_code, from_m, shared_admin_code. An optional layer the
    county has not imported is ``None`` (its indicators say so), never an empty frame."""

    start: dt.date
    end: dt.date
    chiefs: pd.DataFrame
    patrols: pd.DataFrame
    visits: pd.DataFrame
    assigned: pd.DataFrame
    reaches: pd.DataFrame
    frequency: pd.DataFrame
    events: pd.DataFrame | None = None
    sections: pd.DataFrame | None = None
    measurements: pd.DataFrame | None = None
    signboards: pd.DataFrame | None = None
    plan_items: pd.DataFrame | None = None
    appeals: pd.DataFrame | None = None
    admin_names: dict[str, str] = field(default_factory=dict)


def inputs_from_store(
    store: Store,
    *,
    report: PatrolReport,
    net: PatrolNetwork,
    frequency: pd.DataFrame,
) -> Inputs:
    """The frames of ``report``'s period: its judged patrols and the store's layers."""
    start, end = report.start, report.end
    contacts = store.read("chiefs")[["chief_id", "phone"]]
    chiefs = report.chiefs[
        ["chief_id", "name", "level", "admin_code", "township_code", "required", "valid"]
    ].merge(contacts, on="chief_id", how="left")
    p = report.assessment.patrols
    day = p["start"].dt.tz_convert(LOCAL_TZ).dt.date
    mine = p[day.notna() & (day >= start) & (day <= end)]
    patrols = pd.DataFrame(
        {
            "row": mine.index.to_numpy(),
            "chief_id": mine["chief_id"].to_numpy(),
            "patrol_id": mine["patrol_id"].to_numpy(),
            "start": mine["start"].to_numpy(),
            "valid": mine["valid"].to_numpy(dtype=bool),
            "distance_m": mine["distance_m"].to_numpy(dtype=float),
            "flags": mine["flags"].map(";".join).to_numpy(),
        }
    )
    visits = report.assessment.visits.rename(columns={"patrol": "row"})[
        ["row", "reach", "lo", "hi"]
    ]
    reaches = pd.DataFrame(net.reaches[["river_code", "from_m", "shared_admin_code"]])
    layers = set(store.layers())
    read = {n: _table(store, n) if n in layers else None for n in OPTIONAL_LAYERS}
    for col in ("reported_at", "deadline", "resolved_at"):
        if read["events"] is not None:
            read["events"][col] = pd.to_datetime(read["events"][col], errors="coerce")
    return Inputs(
        start=start,
        end=end,
        chiefs=chiefs,
        patrols=patrols,
        visits=visits,
        assigned=net.assigned[["chief_id", "reach", "lo", "hi"]],
        reaches=reaches,
        frequency=frequency,
        events=read["events"],
        sections=read["monitoring_sections"],
        measurements=read["section_measurements"],
        signboards=read["signboards"],
        plan_items=read["plan_items"],
        appeals=read["appeals"],
        admin_names=dict(net.admin_names),
    )


def _table(store: Store, name: str) -> pd.DataFrame:
    return pd.DataFrame(store.read(name).drop(columns="geometry", errors="ignore"))
