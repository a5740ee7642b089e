"""Sand-quarry compliance: every rule a quarry breaks, with the distance.

Distances to structures are measured along the channel (upstream or downstream as the
rule says), never in a straight line. The prohibited distances come from the
``sand_mining_distances`` rule table, which a county can override.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from gis import _deprecation, rules
from gis._errors import InputError, UnknownNameError
from gis.channel import Channel
from gis.crs import metric_crs
from gis.dates import parse_date, parse_datetime
from gis.network import build_network
from gis.reports import strict
from gis.store import Store

DEFAULT_TOLERANCE_M = 200.0  # max distance from a quarry to its river
RULE_TABLES = ("sand_mining_distances",)  # what rule_overrides may replace
RULES = (
    "prohibited_mining_zone",
    "protection_zone",
    "bridge_upstream",
    "bridge_downstream",
    "dam_upstream",
    "dam_downstream",
    "intake_upstream",
    "intake_downstream",
    "ferry_upstream",
    "ferry_downstream",
    "gauging_station_upstream",
    "gauging_station_downstream",
    "management_range_no_permit",
    "closed_still_operating",
    "missing_weighbridge",
    "missing_video",
)


@dataclass
class QuarryReport:
    """One row per quarry with its violations, and the rule set used."""

    quarries: gpd.GeoDataFrame  # quarry_id, name, status, violations (list of dicts), geometry
    rule_set: str
    as_of: str

    def violations(self) -> gpd.GeoDataFrame:
        """One row per violation (quarries without one are left out)."""
        rows = [
            {
                "quarry_id": q.quarry_id,
                "name": q.name,
                "status": q.status,
                **v,
                "geometry": q.geometry,
            }
            for q in self.quarries.itertuples()
            for v in q.violations
        ]
        cols = ["quarry_id", "name", "status", "rule", "ref", "detail", "distance_m", "geometry"]
        return gpd.GeoDataFrame(rows, columns=cols, geometry="geometry", crs=self.quarries.crs)

    def summary(self) -> dict[str, int]:
        counts = Counter(v["rule"] for vs in self.quarries["violations"] for v in vs)
        return {
            "quarries": len(self.quarries),
            "quarries_with_violations": int(sum(bool(v) for v in self.quarries["violations"])),
            **{r: counts.get(r, 0) for r in RULES if counts.get(r)},
        }

    def to_json(self) -> dict:
        """The stable JSON of ``riverchief quarries --json`` (strict: no NaN)."""
        out = {
            "quarries": [
                {
                    "quarry_id": q.quarry_id,
                    "name": q.name,
                    "status": q.status,
                    "violations": [
                        {
                            "rule": v["rule"],
                            "detail": v["detail"],
                            "distance_m": v["distance_m"],
                        }
                        for v in q.violations
                    ],
                }
                for q in self.quarries.itertuples()
            ],
            "summary": self.summary(),
            "rule_set": self.rule_set,
            "as_of": self.as_of,
        }
        return strict(out)

    def tables(self) -> dict[str, pd.DataFrame]:
        """``quarries`` (with their number of violations) and ``violations`` (one row each)."""
        q = self.quarries.drop(columns="violations").copy()
        q["violations"] = [len(v) for v in self.quarries["violations"]]
        return {"quarries": q, "violations": self.violations()}


def check_quarries(
    store: Store,
    *,
    rule_overrides: Mapping[str, Path | str] | None = None,
    as_of: str | date | None = None,
    tolerance: float = DEFAULT_TOLERANCE_M,
    include_proposed_zones: bool = False,
    rule_override: str | Path | None = None,
) -> QuarryReport:
    """Check every quarry in ``store`` against the sand-mining rules.

    Parameters
    ----------
    store : Store
        The county store (quarries, structures, rivers, zones, mining plan).
    rule_overrides : mapping, optional
        Rule table name → the county's CSV replacing it; the table is
        ``sand_mining_distances`` (:data:`RULE_TABLES`).
    as_of : str or date, optional
        The date permits and closures are judged at (default: the store's ``as_of``, else
        today), read by :func:`gis.dates.parse_date`: ``01/07/2026`` or ``yesterday`` is
        refused, never compared as text.
    tolerance : float
        How far (m) a quarry or structure may lie from its river to be measured along it.
    include_proposed_zones : bool
        Also count proposed (not yet approved) protection zones.
    rule_override : path, optional
        Deprecated: use ``rule_overrides={"sand_mining_distances": path}``.

    Returns
    -------
    QuarryReport
        One row per quarry with its violations; ``tables()`` and ``to_json()``.

    Examples
    --------
    >>> from gis import check_quarries, datasets
    >>> from gis.store import GeoPackageStore
    >>> report = check_quarries(GeoPackageStore(datasets.get_path("demo")))
    >>> sorted(report.tables())
    ['quarries', 'violations']
    >>> report.rule_set
    'default:sand_mining_distances'
    """
    overrides = _deprecation.fold_override(
        rule_overrides,
        func="check_quarries",
        old="rule_override",
        table="sand_mining_distances",
        value=rule_override,
    )
    unknown = sorted(set(overrides) - set(RULE_TABLES))
    if unknown:
        raise UnknownNameError("rule table", unknown[0], RULE_TABLES)
    table = rules.load("sand_mining_distances", override=overrides.get("sand_mining_distances"))
    day = parse_date(as_of or store.meta().get("as_of") or date.today(), field="as_of")
    quarries = store.read("quarries")
    crs = metric_crs(quarries) if len(quarries) else None
    found: dict[str, list[dict]] = {q: [] for q in quarries["quarry_id"]}
    if len(quarries):
        q = quarries.to_crs(crs)
        _zones(store, q, crs, found, include_proposed_zones)
        _structures(store, q, crs, table, tolerance, found)
        _paperwork(store, q, crs, day, found)
    out = quarries.copy()
    out["violations"] = [
        sorted(found[k], key=lambda v: (RULES.index(v["rule"]), v["ref"] or ""))
        for k in out["quarry_id"]
    ]
    return QuarryReport(out, table.attrs["rule_set"], day.isoformat())


def _add(found, qid, rule, ref, detail, distance):
    found[qid].append(
        {
            "rule": rule,
            "ref": ref,
            "detail": detail,
            "distance_m": None if distance is None else round(float(distance), 1),
        }
    )


def _zones(store, q, crs, found, include_proposed):
    mining = store.read("mining_zones")
    prohibited = mining[mining["kind"] == "prohibited"].to_crs(crs)
    for qi, zi in zip(*prohibited.sindex.query(q.geometry, predicate="within"), strict=True):
        z = prohibited.iloc[zi]
        _add(
            found,
            q.quarry_id.iloc[qi],
            "prohibited_mining_zone",
            z.zone_id,
            f"inside prohibited mining zone {z.zone_id} ({z.river_code})",
            0.0,
        )
    zones = store.read("protection_zones")
    if not include_proposed:
        zones = zones[zones["origin"] == "official"]
    zones = zones.to_crs(crs)
    for qi, zi in zip(*zones.sindex.query(q.geometry, predicate="within"), strict=True):
        z = zones.iloc[zi]
        _add(
            found,
            q.quarry_id.iloc[qi],
            "protection_zone",
            z.zone_id,
            f"inside the {z.level} protection zone {z.zone_id} of source {z.source_code} "
            f"({z.origin})",
            0.0,
        )


def _structures(store, q, crs, table, tolerance, found):
    structures = store.read("structures").to_crs(crs)
    ruled = [
        (s, d) for s in structures.to_dict("records") if (d := rules.sand_mining_distance(table, s))
    ]
    if not ruled:
        return
    channel = Channel(build_network(store.read("rivers")))
    spots = {}
    for r in q.itertuples():
        try:
            spots[r.quarry_id] = channel.locate(
                r.geometry, tolerance=tolerance, river=r.river_code, what=f"quarry {r.quarry_id}"
            )
        except InputError:
            continue  # not on a river: no along-channel rule can apply
    for s, (up, down) in ruled:
        try:
            at = channel.locate(
                s["geometry"],
                tolerance=tolerance,
                river=s.get("river_code"),
                what=f"structure {s['structure_id']}",
            )
        except InputError:
            continue
        kind = s["kind"]
        for qid, spot in spots.items():
            off = channel.offset(at, spot)
            if off is None:
                continue
            if off >= 0 and off <= down:
                _add(
                    found,
                    qid,
                    f"{kind}_downstream",
                    s["structure_id"],
                    f"{off:.0f} m downstream of {kind} {s['structure_id']} {s.get('name') or ''} "
                    f"(prohibited within {down:.0f} m)".replace("  ", " "),
                    off,
                )
            elif off < 0 and -off <= up:
                _add(
                    found,
                    qid,
                    f"{kind}_upstream",
                    s["structure_id"],
                    f"{-off:.0f} m upstream of {kind} {s['structure_id']} {s.get('name') or ''} "
                    f"(prohibited within {up:.0f} m)".replace("  ", " "),
                    -off,
                )


def _paperwork(store, q, crs, as_of, found):
    ranges = store.read("management_ranges").to_crs(crs)
    in_range = (
        set(q.quarry_id.iloc[ranges.sindex.query(q.geometry, predicate="within")[0]])
        if len(ranges)
        else set()
    )
    for r in q.itertuples():
        closure, start, end = (
            _date(getattr(r, f), f, r.quarry_id)
            for f in ("closure_date", "permit_valid_from", "permit_valid_to")
        )
        closed = closure is not None and closure <= as_of
        valid_permit = (
            isinstance(r.permit_no, str)
            and bool(r.permit_no)
            and (start or date.min) <= as_of <= (end or date.min)
        )
        if closed and r.status == "operating":
            _add(
                found,
                r.quarry_id,
                "closed_still_operating",
                None,
                f"closure ordered {closure} but status is still 'operating'",
                None,
            )
            continue
        if r.status == "closed" or closed:
            continue
        if r.quarry_id in in_range and not valid_permit:
            _add(
                found,
                r.quarry_id,
                "management_range_no_permit",
                None,
                "working inside a river management range without a valid permit",
                None,
            )
            continue
        if r.status == "operating" and valid_permit:
            if not r.has_weighbridge:
                _add(
                    found,
                    r.quarry_id,
                    "missing_weighbridge",
                    None,
                    "no weighbridge (地磅) installed",
                    None,
                )
            if not r.has_video:
                _add(
                    found,
                    r.quarry_id,
                    "missing_video",
                    None,
                    "no video surveillance installed",
                    None,
                )


def _date(v, field: str, quarry_id: str) -> date | None:
    """The stored date (ISO text, maybe with a time), or None for a missing value; a value
    that is no date (a store edited by hand) is refused, never compared as text."""
    if (
        v is None
        or (isinstance(v, str) and not v.strip())
        or (not isinstance(v, str) and pd.isna(v))
    ):
        return None
    return parse_datetime(v, field=f"quarries.{field} of quarry {quarry_id}").date()
