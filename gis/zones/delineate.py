"""Propose protection zones for drinking-water sources from the rule tables.

Official zones are never touched: results are proposals (``origin == "proposed"``),
saved only by :func:`write_proposals`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import rules
from gis._errors import InputError, UnknownNameError
from gis.admin_codes import ABOVE_COUNTY
from gis.channel import Channel
from gis.crs import STORAGE_EPSG, metric_crs
from gis.dem import Dem
from gis.network import build_network
from gis.reports import strict
from gis.store import Store
from gis.zones.reservoir import reservoir_zones
from gis.zones.river import river_zones
from gis.zones.well import DEFAULT_MATERIAL, well_radii, well_zones

DEFAULT_TOLERANCE_M = 100.0  # max distance from an intake to its river
ZONE_TABLES = (
    "river_zone_distances",
    "channel_half_width",
    "reservoir_zones",
    "groundwater_travel_time",
    "groundwater_empirical_radius",
)
COLUMNS = [
    "zone_id",
    "source_code",
    "level",
    "origin",
    "rule",
    "notes",
    "area_m2",
    "water_area_m2",
    "land_area_m2",
    "geometry",
]


@dataclass
class Delineation:
    """Proposed zones (EPSG:4490, one row per source and level) and the sources that failed."""

    zones: gpd.GeoDataFrame
    problems: list[dict] = field(default_factory=list)
    stops: list[dict] = field(default_factory=list)
    rule_sets: dict[str, str] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """``zones`` (the proposals), ``problems`` (sources that failed, with the fix) and
        ``stops`` (where a walk along the channel ran out)."""
        return {
            "zones": self.zones,
            "problems": pd.DataFrame(
                self.problems, columns=["source_code", "row", "reason", "fix"]
            ),
            "stops": pd.DataFrame(self.stops),
        }

    def to_json(self) -> dict:
        """The stable JSON of ``riverchief zones delineate --json`` (strict: no NaN)."""
        out = {
            "proposals": [
                {
                    "source_code": r.source_code,
                    "level": r.level,
                    "area_m2": round(float(r.area_m2), 1),
                    "rule": r.rule,
                    "notes": r.notes,
                }
                for r in self.zones.itertuples()
            ],
            "problems": self.problems,
            "rule_sets": self.rule_sets,
        }
        return strict(out)


def delineate_zones(
    store: Store,
    *,
    sources: Iterable[str] | None = None,
    missing: bool = False,
    rule_overrides: Mapping[str, str | Path] | None = None,
    dem: str | Path | Dem | None = None,
    tolerance: float = DEFAULT_TOLERANCE_M,
    aquifers: Mapping[str, Mapping[str, float]] | None = None,
    material: str = DEFAULT_MATERIAL,
) -> Delineation:
    """Delineate zones for ``sources`` (codes), for every source without an official zone
    (``missing=True``), or for all sources.

    Parameters
    ----------
    store : Store
        The county store.
    sources : iterable of str, optional
        Source codes; an unknown code raises :class:`UnknownNameError`.
    missing : bool
        Only the sources with no official zone.
    rule_overrides : mapping, optional
        Rule table name → the county's CSV replacing it.
    dem : path or Dem, optional
        Keeps land bands inside the catchment and gives small reservoirs their
        catchment as level 2 land.
    tolerance : float
        How far (m) an intake may lie from its river.
    aquifers : mapping, optional
        Source code → ``{"K": m/d, "I": gradient, "n": porosity}`` for wells.
    material : str
        Aquifer material for wells without parameters (``groundwater_empirical_radius``).

    Returns
    -------
    Delineation
        The proposals (EPSG:4490) and the problems; ``tables()`` and ``to_json()``.

    Examples
    --------
    >>> from gis import datasets, delineate_zones
    >>> from gis.store import GeoPackageStore
    >>> store = GeoPackageStore(datasets.get_path("demo"))
    >>> d = delineate_zones(store, sources=["512099S001"])
    >>> sorted(d.zones["level"])
    ['level1', 'level2']
    >>> d.rule_sets["river_zone_distances"]
    'default:river_zone_distances'
    """
    overrides = dict(rule_overrides or {})
    unknown = set(overrides) - set(ZONE_TABLES)
    if unknown:
        raise UnknownNameError("zone rule table", sorted(unknown)[0], ZONE_TABLES)
    tables = {name: rules.load(name, override=overrides.get(name)) for name in ZONE_TABLES}
    if isinstance(dem, str | Path):
        dem = Dem.load(dem)
    src = store.read("water_sources")
    if src.empty or src.geometry.isna().all():
        raise InputError(code="zones.no_sources", field="water_sources")
    chosen = _choose(src, store.read("protection_zones"), sources, missing)
    crs = metric_crs(src)
    out = Delineation(
        gpd.GeoDataFrame(columns=COLUMNS, geometry="geometry", crs=STORAGE_EPSG),
        rule_sets={k: t.attrs["rule_set"] for k, t in tables.items()},
    )
    if chosen.empty:
        return out
    chosen = chosen.to_crs(crs)
    ctx = _Context(store, crs, tables, dem, tolerance)
    rows = []
    for row in chosen.itertuples():
        try:
            rows += _one(ctx, row, aquifers or {}, material, out.stops)
        except InputError as exc:
            out.problems.append(
                {
                    "source_code": row.source_code,
                    "row": int(row.Index) + 1,
                    "reason": exc.reason,
                    "fix": exc.fix,
                }
            )
    if rows:
        zones = gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs=crs).to_crs(
            STORAGE_EPSG
        )
        out.zones = zones
    return out


#: The old name of :func:`delineate_zones`.
delineate = delineate_zones


def _choose(src: gpd.GeoDataFrame, zones: pd.DataFrame, codes, missing: bool) -> gpd.GeoDataFrame:
    if codes is not None:
        codes = list(codes)
        valid = src["source_code"].astype(str).tolist()
        for c in codes:
            if c not in valid:
                raise UnknownNameError("source code", c, valid)
        src = src[src["source_code"].isin(codes)]
    if missing:
        official = (
            set(zones.loc[zones["origin"] == "official", "source_code"]) if len(zones) else set()
        )
        src = src[
            ~src["source_code"].isin(official)
            & ~src["has_official_zone"].fillna(False).astype(bool)
        ]
    return src


class _Context:
    """Layers and indexes built once per call, lazily (a well-only run needs no network)."""

    def __init__(
        self, store: Store, crs, tables: dict[str, pd.DataFrame], dem: Dem | None, tolerance: float
    ) -> None:
        self.store, self.crs, self.tables, self.dem, self.tolerance = (
            store,
            crs,
            tables,
            dem,
            tolerance,
        )
        self._channel: Channel | None = None
        self._reservoirs: gpd.GeoDataFrame | None = None

    @property
    def channel(self) -> Channel:
        if self._channel is None:
            rivers = self.store.read("rivers")
            admin = self.store.read("admin_units")
            county = (
                admin[admin["level"] == "county"].to_crs(self.crs).union_all()
                if len(admin)
                else None
            )
            self._channel = Channel(build_network(rivers), border=county)
            widths = (
                self.tables["channel_half_width"]
                .set_index("management_level")["half_width_m"]
                .astype(float)
            )
            levels = self._channel.net.lines.get(
                "management_level", pd.Series("village", index=self._channel.net.lines.index)
            )
            default = float(widths.min())
            # a river managed above the county is at least as wide as the widest class the
            # table has (no number invented for province and city rivers)
            wide = {lv: float(widths.max()) for lv in ABOVE_COUNTY}
            self.half_width = np.array(
                [float(widths.get(lv, wide.get(lv, default))) for lv in levels]
            )
        return self._channel

    @functools.cached_property
    def river_rule_text(self) -> dict[str, str]:
        table = self.tables["river_zone_distances"]
        return {r["level"]: _rule_text(table, r) for r in table.to_dict("records")}

    @functools.cache  # noqa: B019  (one context per call; the cache dies with it)
    def reservoir_rule(self, scale: str) -> pd.Series:
        return rules.row(self.tables["reservoir_zones"], "scale", scale)

    @property
    def reservoirs(self) -> gpd.GeoDataFrame:
        if self._reservoirs is None:
            self._reservoirs = (
                self.store.read("reservoirs").to_crs(self.crs).set_index("reservoir_code")
            )
        return self._reservoirs

    def catchment_of(self, geom):
        """Catchment of every DEM cell a geometry passes through, in the metric CRS."""
        if self.dem is None or geom is None or geom.is_empty:
            return None
        if self.dem.epsg != self.crs.to_epsg():
            raise InputError(
                code="dem.crs_mismatch",
                field="epsg",
                params={"dem": self.dem.epsg, "crs": str(self.crs), "epsg": self.crs.to_epsg()},
            )
        pts = shapely.get_coordinates(
            shapely.segmentize(
                geom.boundary if geom.geom_type.endswith("Polygon") else geom,
                self.dem.grid.cell / 2,
            )
        )
        return self.dem.catchment(pts[:, 0], pts[:, 1])


def _rule_text(table: pd.DataFrame, row) -> str:
    return f"{table.attrs['rule_set']} ({row['source']})"


def _one(ctx: _Context, src, aquifers, material, stops) -> list[list]:
    code, kind = src.source_code, src.source_type
    what = f"intake of source {code}"
    if kind == "river":
        if not isinstance(src.river_code, str) or not src.river_code:
            raise InputError(code="zones.no_river", field="river_code", params={"source": code})
        spot = ctx.channel.locate(
            src.geometry, tolerance=ctx.tolerance, river=src.river_code, what=what
        )
        table = ctx.tables["river_zone_distances"]
        parts = river_zones(ctx.channel, spot, table, lambda e: ctx.half_width[e])
        # land never crosses the watershed divide: keep it inside the catchment of the zone's
        # channel
        clip = ctx.catchment_of(
            shapely.union_all([parts["level1"]["lines"], parts["level2"]["lines"]])
        )
        if clip is not None:
            for part in parts.values():
                part["land"] = part["land"].intersection(clip)
        rule = ctx.river_rule_text
        notes = {
            lv: _stop_notes(ctx.channel, parts[lv]["stops"])
            + (["land clipped at the watershed divide (DEM)"] if clip else [])
            for lv in parts
        }
        for lv in parts:
            stops += [dict(s, source_code=code) for s in parts[lv]["stops"]]
    elif kind == "reservoir":
        rc = src.reservoir_code
        if not isinstance(rc, str) or rc not in ctx.reservoirs.index:
            raise InputError(
                code="zones.no_reservoir",
                field="reservoir_code",
                params={"source": code, "reservoir": str(rc)},
            )
        res = ctx.reservoirs.loc[rc]
        table = ctx.tables["reservoir_zones"]
        rrow = ctx.reservoir_rule(res["scale"])
        water = res.geometry
        parts = reservoir_zones(water, src.geometry, rrow, catchment=ctx.catchment_of(water))
        rule = {lv: _rule_text(table, rrow) for lv in parts}
        notes = {lv: parts[lv]["notes"] for lv in parts}
    elif kind == "groundwater":
        radii, how = well_radii(
            ctx.tables["groundwater_travel_time"],
            ctx.tables["groundwater_empirical_radius"],
            aquifer=aquifers.get(code),
            material=material,
        )
        parts = well_zones(src.geometry, radii)
        table = ctx.tables[
            "groundwater_travel_time" if aquifers.get(code) else "groundwater_empirical_radius"
        ]
        rule = {lv: f"{table.attrs['rule_set']} ({how}; R = {radii[lv]:.0f} m)" for lv in parts}
        notes = {lv: [] for lv in parts}
    else:
        raise InputError(
            code="zones.source_type",
            field="source_type",
            params={"source": code, "source_type": kind},
        )
    out = []
    for lv, part in parts.items():
        geom = shapely.union_all([part["water"], part["land"]])
        out.append(
            [
                f"{code}-{lv[0].upper()}{lv[-1]}-proposed",
                code,
                lv,
                "proposed",
                rule[lv],
                "; ".join(notes[lv]) or None,
                geom.area,
                part["water"].area,
                part["land"].area,
                shapely.make_valid(geom),
            ]
        )
    return out


def _stop_notes(channel: Channel, stops: list[dict]) -> list[str]:
    words = {
        "source": "reached the river's source",
        "network_end": "reached the end of the network",
        "county_border": "reached the county border",
    }
    out = []
    for s in stops:
        river = (
            channel.net.lines["river_code"].iloc[s["edge"]]
            if "river_code" in channel.net.lines
            else s["edge"]
        )
        out.append(
            f"{words[s['kind']]} on {river} after {s['walked_m']:.0f} m (rule asks "
            f"{s['wanted_m']:.0f} m)"
        )
    return out


def write_proposals(store: Store, zones: gpd.GeoDataFrame) -> int:
    """Save proposals into ``protection_zones``, replacing earlier proposals for the same
    sources; official zones stay exactly as they were. Returns the rows written."""
    if len(zones) and (zones["origin"] != "proposed").any():
        raise InputError(code="zones.only_proposed", field="origin")
    old = store.read("protection_zones")
    keep = old[~((old["origin"] == "proposed") & old["source_code"].isin(zones["source_code"]))]
    new = zones[[c for c in old.columns if c in zones.columns]]
    store.write(
        {"protection_zones": pd.concat([keep, new.to_crs(old.crs)], ignore_index=True)},
        mode="replace",
    )
    return len(new)
