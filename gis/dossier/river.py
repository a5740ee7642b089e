"""The per-river archive (一河一档): every fact of one river, gathered from the store and
the analyses, as tables.

What an archive holds follows ``shared/ASSESSMENT.md`` §3: a base sheet, the chain of chiefs
per reach, points of interest with their chainage, protection zones and quarries along the
river, patrols, problems, water quality, the 一河一策 lists with completion, and what the gap
analysis finds on the river. A part that could not be filled says why (``status``), never an
empty table that would read as "none".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import catalogue
from gis._errors import AmbiguousNameError, UnknownNameError
from gis.coverage import Coverage, find_gaps
from gis.crs import to_metric
from gis.jurisdiction import Jurisdiction, find_jurisdiction
from gis.linref import format_k
from gis.privacy import mask_phone, mask_text
from gis.quarries import QuarryReport, check_quarries
from gis.reports import records, strict
from gis.store import Store

#: Points farther than this from the river are not its points of interest (metres).
POI_DISTANCE_M = 200.0
#: Layers whose points are listed along the river, with the field that names them.
POI_LAYERS = {
    "structures": "name",
    "water_sources": "name",
    "signboards": "chief_name",
    "quarries": "name",
}
#: Gap findings that carry a river code, by table of :meth:`Coverage.tables`.
GAP_TABLES = (
    "unassigned",
    "boundary_reaches_unagreed",
    "agreements_unmatched",
    "holes",
    "duplicates",
    "signboard_issues",
    "zero_coverage",
)
#: Layers added by later issues: read when the catalogue has them, else said to be absent.
OPTIONAL_LAYERS = ("events", "monitoring_sections", "section_measurements")


@dataclass
class Part:
    """One part of the archive: a table, or why there is none (``status`` not None)."""

    table: pd.DataFrame
    status: str | None = None  # None: filled ("checked"; an empty table means none)


@dataclass
class RiverDossier:
    """One river's archive. ``parts`` are named tables; :meth:`tables` is the export."""

    river: dict[str, Any]
    parts: dict[str, Part]
    geometry: gpd.GeoDataFrame  # the river line and its reaches, metric CRS
    context: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)  # for the maps
    as_of: dt.date = field(default_factory=dt.date.today)

    def tables(self) -> dict[str, pd.DataFrame]:
        """``river`` (the base sheet as one row) and every filled part."""
        out = {"river": pd.DataFrame([self.river])}
        for name, part in self.parts.items():
            if part.status is None:
                out[name] = pd.DataFrame(part.table.drop(columns="geometry", errors="ignore"))
        return out

    def to_json(self) -> dict[str, Any]:
        """Strict JSON: the base sheet, and each part's rows or its status."""
        parts = {
            name: (
                {"status": part.status}
                if part.status is not None
                else {
                    "status": "ok",
                    "rows": records(
                        pd.DataFrame(part.table.drop(columns="geometry", errors="ignore")),
                        digits=1,
                    ),
                }
            )
            for name, part in self.parts.items()
        }
        return strict({"as_of": self.as_of.isoformat(), "river": self.river, "parts": parts})


def resolve_river(rivers: pd.DataFrame, river: str) -> str:
    """The code of ``river``, given as a code or a name that only one river has.

    Raises
    ------
    UnknownNameError
        No river has that code or name (the message lists close ones).
    AmbiguousNameError
        Several rivers share the name: their codes are listed, never one of them guessed.
    """
    text = str(river).strip()
    if text in set(rivers["river_code"]):
        return text
    hits = rivers.loc[rivers["name"] == text, "river_code"].tolist()
    if len(hits) == 1:
        return str(hits[0])
    if len(hits) > 1:
        raise AmbiguousNameError("river", text, sorted(hits), field="river")
    close = [n for n in rivers["name"].dropna() if text[:1] and text[:1] in n][:10]
    raise UnknownNameError("river", text, close or list(rivers["river_code"][:10]))


@dataclass
class County:
    """What every river's archive reads, computed once per county (a batch of 337 rivers
    reads the store and runs the analyses once, not 337 times)."""

    as_of: dt.date
    rivers: gpd.GeoDataFrame  # metric CRS
    jurisdiction: Jurisdiction
    gaps: Coverage
    quarries: QuarryReport
    points: dict[str, gpd.GeoDataFrame]  # POI layers, metric CRS
    zones: gpd.GeoDataFrame  # metric CRS
    source_names: dict[str, str]
    townships: gpd.GeoDataFrame  # metric CRS
    plan_items: pd.DataFrame
    optional: dict[str, pd.DataFrame]  # later layers, None when the catalogue lacks them
    freshness: pd.DataFrame
    patrols: Any = None


def county_context(
    store: Store,
    *,
    as_of: dt.date | None = None,
    jurisdiction: Jurisdiction | None = None,
    gaps: Coverage | None = None,
    quarries: QuarryReport | None = None,
    patrols: Any = None,
) -> County:
    """Read the store and run the analyses a river archive needs, once.

    Parameters
    ----------
    store : Store
        The county store.
    as_of : datetime.date, optional
        The day the archives are made for: the store's ``as_of`` (its data's date), else
        today.
    jurisdiction, gaps, quarries : optional
        The county's analyses when already computed (the app holds them).
    patrols : PatrolReport, optional
        The patrol report of a period; without it the patrol part says it was not computed.

    Returns
    -------
    County
    """
    if as_of is None:
        meta = store.meta().get("as_of")
        as_of = dt.date.fromisoformat(meta) if meta else dt.date.today()
    rivers = to_metric(store.read("rivers"))
    crs = rivers.crs
    points = {}
    for layer in POI_LAYERS:  # in the rivers' zone: one county, one metric frame
        gdf = store.read(layer)
        points[layer] = gdf.to_crs(crs) if not gdf.empty else gdf
    zones = store.read("protection_zones")
    src = store.read("water_sources")
    admin = store.read("admin_units")
    optional = {name: store.read(name) for name in OPTIONAL_LAYERS if name in catalogue.LAYER_NAMES}
    return County(
        as_of=as_of,
        rivers=rivers,
        jurisdiction=jurisdiction or find_jurisdiction(store),
        gaps=gaps or find_gaps(store),
        quarries=quarries or check_quarries(store, as_of=as_of),
        points=points,
        zones=zones.to_crs(crs) if not zones.empty else zones,
        source_names=dict(zip(src["source_code"], src["name"], strict=True)),
        townships=admin[admin["level"] == "township"].to_crs(crs),
        plan_items=store.read("plan_items"),
        optional=optional,
        freshness=_freshness(store),
        patrols=patrols,
    )


def river_dossier(
    store: Store,
    river: str,
    *,
    staff: bool = False,
    county: County | None = None,
    as_of: dt.date | None = None,
) -> RiverDossier:
    """The archive (一河一档) of one river.

    Parameters
    ----------
    store : Store
        The county store.
    river : str
        A river code, or a name only one river has.
    staff : bool
        Show phones and names unmasked (staff only); masked by default.
    county : County, optional
        :func:`county_context` of the store, when several rivers are made (else built here).
    as_of : datetime.date, optional
        The day the archive is made for, when ``county`` is not given (today by default).

    Returns
    -------
    RiverDossier
    """
    if county is None:
        resolve_river(store.read("rivers"), river)  # a wrong name before the analyses
    c = county or county_context(store, as_of=as_of)
    code = resolve_river(c.rivers, river)
    line = c.rivers[c.rivers["river_code"] == code]
    j = c.jurisdiction
    names = dict(zip(j.admin["admin_code"], j.admin["name"], strict=True))
    reaches = j.reaches[j.select("river", code)].sort_values("from_m")
    row = line.iloc[0]
    # a 界河 reach lies in two townships: the other is the shared unit's (or its parent)
    level = dict(zip(j.admin["admin_code"], j.admin["level"], strict=True))
    parent = dict(zip(j.admin["admin_code"], j.admin["parent_code"], strict=True))
    shared = [
        s if level.get(s) == "township" else parent.get(s)
        for s in reaches["shared_admin_code"].dropna()
    ]
    towns = [t for t in dict.fromkeys([*reaches["township_code"].dropna(), *shared]) if t in names]
    base = {
        "river_code": code,
        "name": row["name"],
        "management_level": row["management_level"],
        "in_register": bool(row["in_register"]) if pd.notna(row["in_register"]) else None,
        "length_m": round(float(line.geometry.length.sum()), 1),
        "townships": [names[t] for t in towns],
        "villages": int(reaches["admin_code"].nunique()),
        "reaches": len(reaches),
    }
    geom = line.geometry.iloc[0]
    parts = {
        "reaches": Part(_reach_rows(c, reaches, names, staff=staff)),
        "chiefs": Part(_chief_rows(j, reaches, staff=staff)),
        "points": Part(_points(c, geom, code)),
        "zones": Part(_zones(c, geom)),
        "quarries": Part(_quarry_rows(c.quarries, code)),
        "gaps": Part(_gap_rows(c.gaps, code)),
        "plan": _plan(c.plan_items, code, c.as_of),
        "patrols": _patrols(c.patrols, reaches),
        **_events(c, code),
        "water_quality": _water_quality(c, code),
        "freshness": Part(c.freshness),
    }
    ctx = {"townships": c.townships, "reaches": reaches, "points": parts["points"].table}
    return RiverDossier(base, parts, line, ctx, c.as_of)


def _reach_rows(
    c: County, reaches: gpd.GeoDataFrame, names: dict[str, str], *, staff: bool
) -> gpd.GeoDataFrame:
    """Each reach with its chiefs per level and the levels the gap analysis finds empty."""
    j = c.jurisdiction
    people = j.chiefs.set_index("chief_id")["name"]
    links = j.links[j.links["reach_id"].isin(reaches["reach_id"])].sort_values("from_m")
    shown = people if staff else people.map(mask_text)
    links = links.assign(who=links["chief_id"].map(shown).fillna(links["chief_id"]))
    by = links.groupby(["reach_id", "level"])["who"].agg(lambda s: "、".join(dict.fromkeys(s)))
    # unassigned reaches are cut at their own level (a township's reach spans villages):
    # a village reach lacks a chief at that level where the two overlap by over 1 m
    un = c.gaps.tables()["unassigned"]
    un = un[un["river_code"].isin(reaches["river_code"])]
    order = {lv: i for i, lv in enumerate(catalogue.CHIEF_LEVELS)}
    lo, hi = reaches["from_m"].to_numpy(), reaches["to_m"].to_numpy()
    missing: list[set[str]] = [set() for _ in range(len(reaches))]
    for u in un.itertuples():
        overlap = np.minimum(hi, u.to_m) - np.maximum(lo, u.from_m)
        for i in np.flatnonzero(overlap > 1.0):
            missing[i].add(u.level)
    missing_levels = [sorted(m, key=order.__getitem__) if m else None for m in missing]
    out = pd.DataFrame(
        {
            "reach_id": reaches["reach_id"].to_numpy(),
            "chainage": [
                f"{format_k(a)} – {format_k(b)}"
                for a, b in zip(reaches["from_m"], reaches["to_m"], strict=True)
            ],
            "from_m": reaches["from_m"].to_numpy(),
            "to_m": reaches["to_m"].to_numpy(),
            "length_m": reaches["length_m"].round(1).to_numpy(),
            "township": reaches["township_code"].map(names).to_numpy(),
            "village": reaches["admin_code"].map(names).to_numpy(),
            "shared_with": reaches["shared_admin_code"].map(names).to_numpy(),
        }
    )
    for lv in j.levels:
        col = by.xs(lv, level="level") if lv in by.index.get_level_values("level") else None
        out[f"chiefs_{lv}"] = out["reach_id"].map(col) if col is not None else None
    out["levels_without_chief"] = missing_levels
    return gpd.GeoDataFrame(out, geometry=reaches.geometry.to_numpy(), crs=reaches.crs)


def _chief_rows(j: Jurisdiction, reaches: pd.DataFrame, *, staff: bool) -> pd.DataFrame:
    links = j.links[j.links["reach_id"].isin(reaches["reach_id"])]
    km = (links["to_m"] - links["from_m"]).groupby(links["chief_id"]).sum() / 1000.0
    people = j.chiefs.set_index("chief_id")
    rows = []
    for cid, level in links.drop_duplicates("chief_id")[["chief_id", "level"]].itertuples(
        index=False
    ):
        p = people.loc[cid] if cid in people.index else None
        rows.append(
            {
                "level": level,
                "chief_id": cid,
                "name": None if p is None else (p["name"] if staff else mask_text(p["name"])),
                "post": None if p is None else (p["post"] if staff else mask_text(p["post"])),
                "phone": None if p is None else (p["phone"] if staff else mask_phone(p["phone"])),
                "km": round(float(km[cid]), 2),
            }
        )
    order = {lv: i for i, lv in enumerate(catalogue.CHIEF_LEVELS)}
    out = pd.DataFrame(rows, columns=["level", "chief_id", "name", "post", "phone", "km"])
    return out.sort_values(
        ["level", "chief_id"], key=lambda s: s.map(order) if s.name == "level" else s
    ).reset_index(drop=True)


def _points(c: County, geom: shapely.Geometry, code: str) -> gpd.GeoDataFrame:
    """Points of interest within :data:`POI_DISTANCE_M` of the river (or coded to it),
    in chainage order."""
    parts = list(getattr(geom, "geoms", [geom]))
    rows = []
    for layer, name_field in POI_LAYERS.items():
        gdf = c.points[layer]
        if gdf.empty:
            continue
        key = catalogue.get_layer(layer).key
        near = gdf.iloc[gdf.sindex.query(geom, predicate="dwithin", distance=POI_DISTANCE_M)]
        if "river_code" in gdf.columns:
            near = pd.concat([near, gdf[gdf["river_code"] == code]]).drop_duplicates(key)
        for p in near.to_dict("records"):
            pt = p["geometry"]
            chain = _chainage(parts, pt)
            rows.append(
                {
                    "layer": layer,
                    "kind": p.get("kind") if layer == "structures" else layer,
                    "id": p[key],
                    "name": p.get(name_field),
                    "chainage_m": chain,
                    "chainage": format_k(chain) if chain is not None else None,
                    "offset_m": round(float(pt.distance(geom)), 1),
                    "geometry": pt,
                }
            )
    cols = ["layer", "kind", "id", "name", "chainage_m", "chainage", "offset_m", "geometry"]
    out = pd.DataFrame(rows, columns=cols)
    return gpd.GeoDataFrame(
        out.sort_values("chainage_m", na_position="last").reset_index(drop=True),
        geometry="geometry",
        crs=c.rivers.crs,
    )


def _chainage(parts: list[shapely.LineString], pt: shapely.Point) -> float | None:
    """Metres from the source along the part nearest ``pt`` (parts measured in turn)."""
    if pt is None or pt.is_empty:
        return None
    start = 0.0
    best = (np.inf, None)
    for part in parts:
        d = part.distance(pt)
        if d < best[0]:
            best = (d, start + part.project(pt))
        start += part.length
    return None if best[1] is None else round(float(best[1]), 1)


def _zones(c: County, geom: shapely.Geometry) -> pd.DataFrame:
    """Protection zones the river passes through, with the length and chainage inside."""
    cols = ["zone_id", "source_code", "source_name", "level", "origin", "inside_m", "chainage"]
    if c.zones.empty:
        return pd.DataFrame(columns=cols)
    hit = c.zones.iloc[c.zones.sindex.query(geom, predicate="intersects")]
    parts = list(getattr(geom, "geoms", [geom]))
    rows = []
    for z in hit.to_dict("records"):
        inside = geom.intersection(z["geometry"])
        pieces = [p for p in getattr(inside, "geoms", [inside]) if p.length > 0]
        ends = [
            _chainage(parts, shapely.Point(xy))
            for p in pieces
            for xy in (p.coords[0], p.coords[-1])
        ]
        known = [e for e in ends if e is not None]
        rows.append(
            {
                "zone_id": z["zone_id"],
                "source_code": z.get("source_code"),
                "source_name": c.source_names.get(z.get("source_code")),
                "level": z.get("level"),
                "origin": z.get("origin"),
                "inside_m": round(float(inside.length), 1),
                "chainage": f"{format_k(min(known))} – {format_k(max(known))}" if known else None,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _quarry_rows(q: QuarryReport, code: str) -> pd.DataFrame:
    t = q.tables()
    quarries = t["quarries"]
    mine = quarries[quarries["river_code"] == code]
    v = t["violations"]
    v = v[v["quarry_id"].isin(mine["quarry_id"])]
    rules = v.groupby("quarry_id")["rule"].agg(lambda s: "、".join(dict.fromkeys(s)))
    out = pd.DataFrame(
        {
            "quarry_id": mine["quarry_id"],
            "name": mine["name"],
            "status": mine["status"],
            "permit_valid_to": mine["permit_valid_to"],
            "violations": mine["quarry_id"].map(v.groupby("quarry_id").size()).fillna(0),
            "rules": mine["quarry_id"].map(rules),
        }
    )
    out["violations"] = out["violations"].astype(int)
    return out.reset_index(drop=True)


def _gap_rows(g: Coverage, code: str) -> pd.DataFrame:
    """Every gap finding on this river, one row each: which kind, where, what."""
    t = g.tables()
    rows = []
    for kind in GAP_TABLES:
        df = t.get(kind)
        if df is None or df.empty or "river_code" not in df.columns:
            continue
        for r in df[df["river_code"] == code].to_dict("records"):
            rows.append(
                {
                    "kind": kind,
                    "level": r.get("level"),
                    "admin_code": r.get("admin_code"),
                    "from_m": r.get("from_m"),
                    "to_m": r.get("to_m"),
                    "length_m": r.get("length_m"),
                    "detail": r.get("detail") or r.get("reason") or r.get("chief_ids"),
                }
            )
    cols = ["kind", "level", "admin_code", "from_m", "to_m", "length_m", "detail"]
    return pd.DataFrame(rows, columns=cols)


def _plan(items: pd.DataFrame, code: str, as_of: dt.date) -> Part:
    """The river's 一河一策 items; tasks past their deadline and not done are overdue."""
    mine = items[items["river_code"] == code].copy()
    if items.empty:
        return Part(mine, status="no_plan_layer")
    if mine.empty:
        return Part(mine, status="no_plan")
    order = {k: i for i, k in enumerate(catalogue.PLAN_LISTS)}
    deadline = pd.to_datetime(mine["deadline"], errors="coerce")
    # only tasks and measures are done or not; a target's deadline is the plan's end
    mine["overdue"] = (
        mine["list"].isin(("task", "measure"))
        & deadline.notna()
        & (deadline.dt.date < as_of)
        & (mine["status"] != "done")
    )
    mine["_o"] = mine["list"].map(order)
    return Part(mine.sort_values(["_o", "seq"]).drop(columns="_o").reset_index(drop=True))


def plan_completion(part: Part) -> dict[str, Any]:
    """Tasks done, in progress, overdue and the done share, from the plan part."""
    if part.status is not None:
        return {"status": part.status}
    tasks = part.table[part.table["list"].isin(("task", "measure"))]
    done = int((tasks["status"] == "done").sum())
    return {
        "items": len(tasks),
        "done": done,
        "overdue": int(tasks["overdue"].sum()),
        "done_pct": round(100.0 * done / len(tasks), 1) if len(tasks) else None,
    }


def _patrols(report: Any, reaches: pd.DataFrame) -> Part:
    if report is None:
        return Part(pd.DataFrame(), status="patrols_not_computed")
    r = report.reaches
    mine = r[r["reach_id"].isin(reaches["reach_id"])]
    return Part(
        mine[["reach_id", "length_m", "patrols", "last_patrol", "never_patrolled"]].reset_index(
            drop=True
        )
    )


def _optional(c: County, name: str, code: str) -> Part:
    """The river's rows of a layer later issues add; why not, when there are none to show."""
    if name not in c.optional:
        return Part(pd.DataFrame(), status="layer_unknown")
    df = pd.DataFrame(c.optional[name].drop(columns="geometry", errors="ignore"))
    if df.empty:
        return Part(df, status="no_data")
    return Part(df[df["river_code"] == code].reset_index(drop=True))


def _events(c: County, code: str) -> dict[str, Part]:
    """``events``: the river's problems by type (how many, resolved on time, overdue, still
    open at the archive's date); ``events_attention``: the ones to act on (overdue, open,
    sent back, or more than general), each in full. The full list is the export's."""
    rows = _optional(c, "events", code)
    if rows.status is not None:
        return {"events": rows, "events_attention": rows}
    ev = rows.table
    deadline = pd.to_datetime(ev["deadline"], errors="coerce")
    done = pd.to_datetime(ev["resolved_at"], errors="coerce")
    late = (done > deadline) | (done.isna() & (deadline < pd.Timestamp(c.as_of)))
    counts = pd.DataFrame(
        {
            "event_type": ev["event_type"],
            "count": 1,
            "on_time": (done.notna() & ~late).astype(int),
            "overdue": late.astype(int),
            "open": done.isna().astype(int),
        }
    )
    by_type = counts.groupby("event_type", sort=False).sum().reset_index()
    act = late | done.isna() | (ev["status"] == "returned") | (ev["severity"] != "general")
    attention = ev[act].sort_values("reported_at", kind="stable").reset_index(drop=True)
    return {"events": Part(by_type), "events_attention": Part(attention)}


def _water_quality(c: County, code: str) -> Part:
    """Each section on the river with its months measured and its worst class."""
    sections = _optional(c, "monitoring_sections", code)
    if sections.status is not None:
        return sections
    m = c.optional["section_measurements"]
    m = m[m["section_id"].isin(sections.table["section_id"])]
    worst = m.groupby("section_id")["water_class"].agg(lambda s: _worst(list(s)))
    t = sections.table.copy()
    t["months"] = t["section_id"].map(m.groupby("section_id").size()).fillna(0).astype(int)
    t["worst_class"] = t["section_id"].map(worst)
    return Part(t)


def _worst(classes: list[str]) -> str | None:
    order = list(getattr(catalogue, "WATER_CLASSES", {}))
    known = [c for c in classes if c in order]
    return max(known, key=order.index) if known else None


def _freshness(store: Store) -> pd.DataFrame:
    """The last recorded import of each layer the archive uses (None: no import recorded,
    e.g. a store built by the demo generator)."""
    log = store.read("audit_log")
    used = ["rivers", "admin_units", "chiefs", "assignments", *POI_LAYERS, "protection_zones"]
    used += ["plan_items", *[x for x in OPTIONAL_LAYERS if x in catalogue.LAYER_NAMES]]
    writes = log[log["action"].isin(("import", "replace"))]
    last = writes.groupby("target")["time_utc"].max().to_dict()
    return pd.DataFrame({"layer": used, "last_import_utc": [last.get(x) for x in used]})
