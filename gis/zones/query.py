"""Spatial queries on protection zones: which zones a place falls in, what lies inside a
zone, sources without a zone, and zones of different sources that overlap."""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis._errors import InputError, UnknownNameError
from gis.coords import in_china
from gis.crs import STORAGE_EPSG, metric_crs
from gis.io import archive
from gis.io.readers import read_vector
from gis.store import Store

# layers whose features can lie inside a zone, and their id column
INSIDE_LAYERS = {
    "quarries": "quarry_id",
    "structures": "structure_id",
    "signboards": "board_id",
    "water_sources": "source_code",
    "admin_units": "admin_code",
}


class ZoneIndex:
    """Zones prepared for classifying many points at once.

    Points are binned on a grid; a grid cell lying wholly inside a zone answers for all
    its points without a polygon test, and only cells on a zone's edge test each point
    exactly. The result equals ``geopandas.sjoin(points, zones, predicate="intersects")``.

    Parameters
    ----------
    zones : GeoDataFrame
        Polygons in a metric CRS (or any projected CRS the points will be given in).
    cells : int
        Grid cells along the longer side of the zones' extent.
    """

    def __init__(self, zones: gpd.GeoDataFrame, *, cells: int = 512) -> None:
        self.zones = zones.reset_index(drop=True)
        geoms = self.zones.geometry.values
        shapely.prepare(geoms)
        self._geoms = geoms
        x0, y0, x1, y1 = self.zones.total_bounds if len(zones) else (0.0, 0.0, 1.0, 1.0)
        self.size = max(x1 - x0, y1 - y0, 1e-9) / cells
        self.origin = (x0, y0)
        self.shape = (
            int(np.ceil((y1 - y0) / self.size)) + 1,
            int(np.ceil((x1 - x0) / self.size)) + 1,
        )
        self._inside, self._edge = self._label_cells()

    def _label_cells(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per zone: flat ids of grid cells wholly inside it, and of cells on its edge."""
        ny, nx = self.shape
        r, c = np.divmod(np.arange(ny * nx), nx)
        x0, y0, s = self.origin[0], self.origin[1], self.size
        boxes = shapely.box(x0 + c * s, y0 + r * s, x0 + (c + 1) * s, y0 + (r + 1) * s)
        tree = shapely.STRtree(boxes)
        inside, edge = [], []
        for g in self._geoms:
            touching = tree.query(g, predicate="intersects")
            within = shapely.contains_properly(g, boxes[touching])
            inside.append(touching[within])
            edge.append(touching[~within])
        return inside, edge

    def classify(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (point index, zone index) of every point inside or on every zone."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        ny, nx = self.shape
        col = np.floor((x - self.origin[0]) / self.size).astype(np.int64)
        row = np.floor((y - self.origin[1]) / self.size).astype(np.int64)
        ok = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)
        cell = np.where(ok, row * nx + col, -1)
        # points sorted by cell, so each cell's points are one slice
        order = np.argsort(cell, kind="stable")
        sorted_cells = cell[order]
        starts = np.searchsorted(sorted_cells, np.arange(ny * nx))
        ends = np.searchsorted(sorted_cells, np.arange(ny * nx), side="right")
        pts_out, zones_out = [], []
        for z, (inside, edge) in enumerate(zip(self._inside, self._edge, strict=True)):
            if len(inside):
                idx = _gather(order, starts[inside], ends[inside])
                pts_out.append(idx)
                zones_out.append(np.full(len(idx), z))
            if len(edge):
                idx = _gather(order, starts[edge], ends[edge])
                hit = idx[shapely.intersects_xy(self._geoms[z], x[idx], y[idx])]
                pts_out.append(hit)
                zones_out.append(np.full(len(hit), z))
        if not pts_out:
            return np.array([], dtype=int), np.array([], dtype=int)
        p, zs = np.concatenate(pts_out), np.concatenate(zones_out)
        o = np.lexsort((zs, p))
        return p[o], zs[o]


def _gather(order: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenate order[s:e] over the slices, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.array([], dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return order[np.arange(total) + offsets]


def parse_point(text: str) -> tuple[float, float]:
    """``"105.3,30.2"`` → (105.3, 30.2); InputError naming the expected form otherwise."""
    parts = str(text).replace("，", ",").split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(code="point.invalid", params={"text": str(text)}) from None


def read_places(path: str | Path, *, crs=None) -> gpd.GeoSeries:
    """The features of a GIS file (GeoPackage, Shapefile or a zipped one, GeoJSON, KML,
    GPX) as a GeoSeries to pass to :func:`zones_at`. ``crs`` is for a file that has none."""
    src = Path(path)
    with tempfile.TemporaryDirectory(prefix="riverchief-places-") as tmp:
        inner = src
        if src.suffix.lower() == ".zip":
            shp = [
                f
                for f in archive.safe_extract(src, Path(tmp))
                if f.suffix.lower() in (".shp", ".geojson", ".gpkg", ".kml")
            ]
            if len(shp) != 1:
                raise InputError(
                    code="archive.several_gis_files", file=str(src), params={"count": len(shp)}
                )
            inner = shp[0]
        raw = read_vector(inner, display=str(src))
    if raw.crs is None and not crs:
        raise InputError(code="places.crs_missing", file=str(src), field="crs")
    if len(raw.frame) == 0:
        raise InputError(code="file.no_features", file=str(src))
    return gpd.GeoSeries(raw.frame.geometry.values, crs=crs or raw.crs)


def zones_at(
    store: Store,
    points: gpd.GeoSeries,
    *,
    zones: gpd.GeoDataFrame | None = None,
    extent_check: bool = True,
) -> list[list[dict]]:
    """For each point (any CRS), the zones it falls in: ``[{zone_id, source_code, level, origin}]``.

    Lines and polygons get the zones they touch. Raises InputError for a place outside
    China or far outside the county, which is nearly always a CRS or lon/lat mix-up.
    """
    if points.crs is None:
        raise InputError(code="points.crs_missing", field="crs")
    zones = store.read("protection_zones") if zones is None else zones
    geo = points.to_crs(STORAGE_EPSG)
    if extent_check:
        _check_extent(store, geo)
    crs = metric_crs(gpd.GeoDataFrame(geometry=geo))
    z = zones.to_crs(crs).reset_index(drop=True)
    pts = geo.to_crs(crs)
    if (pts.geom_type == "Point").all():
        p, k = ZoneIndex(z, cells=64).classify(pts.x.to_numpy(), pts.y.to_numpy())
    else:
        p, k = z.sindex.query(pts.values, predicate="intersects")
        o = np.lexsort((k, p))
        p, k = p[o], k[o]
    out: list[list[dict]] = [[] for _ in range(len(pts))]
    for pi, zi in zip(p, k, strict=True):
        row = z.iloc[int(zi)]
        out[int(pi)].append(
            {
                "zone_id": row["zone_id"],
                "source_code": row["source_code"],
                "level": row["level"],
                "origin": row["origin"],
            }
        )
    return out


def _check_extent(store: Store, geo: gpd.GeoSeries, margin_deg: float = 0.1) -> None:
    admin = store.read("admin_units")
    x0, y0, x1, y1 = admin.to_crs(STORAGE_EPSG).total_bounds if len(admin) else (-180, -90, 180, 90)
    for i, g in enumerate(geo):
        if g is None or g.is_empty:
            raise InputError(code="point.empty", row=i + 1, field="geometry")
        p = g if g.geom_type == "Point" else g.representative_point()
        if not in_china(p.x, p.y) and in_china(p.y, p.x):
            raise InputError(
                code="point.swapped",
                row=i + 1,
                field="geometry",
                params={"x": f"{p.x:.5f}", "y": f"{p.y:.5f}"},
            )
        if not (
            x0 - margin_deg <= p.x <= x1 + margin_deg and y0 - margin_deg <= p.y <= y1 + margin_deg
        ):
            raise InputError(
                code="point.outside_county",
                row=i + 1,
                field="geometry",
                params={
                    "x": f"{p.x:.5f}",
                    "y": f"{p.y:.5f}",
                    "box": f"{x0:.3f}-{x1:.3f} E, {y0:.3f}-{y1:.3f} N",
                },
            )


def inside_zone(store: Store, zone_id: str) -> dict[str, pd.DataFrame]:
    """What lies inside one zone: quarries, structures, signboards, sources and the
    villages it touches, each as a frame of that layer's rows."""
    zones = store.read("protection_zones")
    hit = zones[zones["zone_id"] == zone_id]
    if hit.empty:
        raise UnknownNameError("zone id", zone_id, zones["zone_id"].tolist())
    geom = hit.to_crs(STORAGE_EPSG).geometry.iloc[0]
    out = {}
    for layer, key in INSIDE_LAYERS.items():
        if layer not in store.layers():
            continue
        df = store.read(layer)
        if layer == "admin_units":
            df = df[df["level"] == "village"]
        df = df.to_crs(STORAGE_EPSG)
        mask = df.intersects(geom) if layer == "admin_units" else df.within(geom)
        out[layer if layer != "admin_units" else "villages"] = df[mask].sort_values(key)
    return out


def sources_without_zone(store: Store) -> gpd.GeoDataFrame:
    """Sources with no official zone; ``has_proposal`` says whether one has been proposed."""
    src, zones = store.read("water_sources"), store.read("protection_zones")
    official = set(zones.loc[zones["origin"] == "official", "source_code"])
    proposed = set(zones.loc[zones["origin"] == "proposed", "source_code"])
    out = src[~src["source_code"].isin(official)].copy()
    out["has_proposal"] = out["source_code"].isin(proposed)
    return out.sort_values("source_code")


def overlapping_zones(store: Store, *, min_area_m2: float = 1.0) -> pd.DataFrame:
    """Pairs of zones of different sources that overlap, with the overlap area."""
    zones = store.read("protection_zones")
    if zones.empty:
        return pd.DataFrame(columns=["zone_a", "source_a", "zone_b", "source_b", "overlap_m2"])
    z = zones.to_crs(metric_crs(zones)).reset_index(drop=True)
    a, b = shapely.STRtree(z.geometry.values).query(z.geometry.values, predicate="intersects")
    keep = (a < b) & (z["source_code"].to_numpy()[a] != z["source_code"].to_numpy()[b])
    rows = []
    for i, j in zip(a[keep], b[keep], strict=True):
        area = z.geometry.iloc[i].intersection(z.geometry.iloc[j]).area
        if area >= min_area_m2:
            rows.append(
                {
                    "zone_a": z.zone_id.iloc[i],
                    "source_a": z.source_code.iloc[i],
                    "zone_b": z.zone_id.iloc[j],
                    "source_b": z.source_code.iloc[j],
                    "overlap_m2": round(float(area), 1),
                }
            )
    return pd.DataFrame(rows, columns=["zone_a", "source_a", "zone_b", "source_b", "overlap_m2"])
