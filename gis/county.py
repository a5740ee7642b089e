"""Set up a county: a new store with the county's unit, its boundary and its meta.

Every other command reads the county's name, code and Gauss-Krüger zone from the store's meta
(the summary header, the app's title, the metric CRS), so a county's own store starts here:
``init_county`` reads the county outline with the import readers (a zipped GBK shapefile
without ``.prj`` needs ``crs=``), dissolves its polygons into one ``county`` unit of the
``admin_units`` layer and writes it with the meta in one transaction. It never writes into
a store that already holds data.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from gis import crs as crs_mod
from gis._errors import InputError, StoreError
from gis.audit import TABLE as AUDIT_TABLE
from gis.audit import event as audit_event
from gis.coords import in_china
from gis.i18n import t
from gis.io import archive, readers, validate
from gis.store import Store
from gis.store_pg import open_data, redact

#: The level of the unit ``init_county`` writes (a code of ``catalogue.ADMIN_LEVELS``).
COUNTY_LEVEL = "county"
ADMIN_LAYER = "admin_units"
#: GB/T 2260: a county-level code is six digits.
COUNTY_CODE = re.compile(r"\d{6}")
#: Meta keys of a county store (what the summary header and the app's title read).
META_KEYS = ("county_code", "county_name", "gk_epsg")


@dataclass(frozen=True)
class InitReport:
    """What :func:`init_county` wrote: the store, the county and its boundary."""

    store: str
    code: str
    name: str
    gk_epsg: int
    area_km2: float
    parts_dissolved: int  # features of the boundary file dissolved into the one unit
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The report as strict JSON (``riverchief init --json``)."""
        out = asdict(self)
        out["notes"] = list(self.notes)
        return out

    def format(self, lang: str = "zh") -> str:
        """Lines for a terminal in ``lang``: the county, its boundary, zone and area, the
        store, then the readers' notes."""
        done = t("setup_done", lang).format(
            name=self.name,
            code=self.code,
            parts=self.parts_dissolved,
            area=f"{self.area_km2:,.1f}",
            gk=self.gk_epsg,
        )
        colon = "：" if lang == "zh" else ": "
        lines = [done, f"  {t('data_file', lang)}{colon}{self.store}"]
        return "\n".join(lines + [f"  note: {n}" for n in self.notes])


def init_county(  # noqa: PLR0913 -- the public call and the CLI options, one by one
    path: str | Path,
    *,
    code: str,
    name: str,
    boundary: str | Path,
    crs: str | None = None,
    encoding: str | None = None,
    source_layer: str | None = None,
    audit: Mapping[str, str | None] | None = None,
) -> InitReport:
    """Create a new county store at ``path`` from the county's boundary file.

    Parameters
    ----------
    path : path
        The GeoPackage to create; an existing file must hold no data yet.
    code : str
        The county's six-digit administrative code (GB/T 2260), e.g. ``"330106"``.
    name : str
        The county's name, e.g. ``"西湖区"``.
    boundary : path
        The county outline: GeoPackage, Shapefile (.shp or .zip), GeoJSON or KML; every
        polygon feature in it is dissolved into the one county unit.
    crs : str, optional
        CRS of the boundary when the file has none (a shapefile without ``.prj``).
    encoding : str, optional
        Text encoding of the attributes (detected when omitted).
    source_layer : str, optional
        The layer of a file with several.
    audit : mapping, optional
        ``who`` and ``role`` (and ``client``): an ``init`` row goes into the audit log in
        the same transaction.

    Returns
    -------
    InitReport

    Raises
    ------
    InputError
        The code is not six digits, the name is empty, the file has no CRS and none was
        given, holds no features, or a feature that is not a polygon.
    StoreError
        The store already holds data.

    Examples
    --------
    A county outline as GeoJSON (lon/lat, so it declares its CRS), made into a new store:

    >>> import json, tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> square = [[[120.0, 30.2], [120.1, 30.2], [120.1, 30.3], [120.0, 30.3], [120.0, 30.2]]]
    >>> outline = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...     "properties": {}, "geometry": {"type": "Polygon", "coordinates": square}}]}
    >>> _ = (folder / "outline.geojson").write_text(json.dumps(outline))
    >>> report = init_county(folder / "county.gpkg", code="330106", name="西湖区",
    ...                      boundary=folder / "outline.geojson")
    >>> report.gk_epsg, round(report.area_km2), report.parts_dissolved
    (4549, 107, 1)
    >>> from gis.store import GeoPackageStore
    >>> store = GeoPackageStore(folder / "county.gpkg")
    >>> {k: store.meta()[k] for k in META_KEYS}
    {'county_code': '330106', 'county_name': '西湖区', 'gk_epsg': '4549'}
    >>> store.read("admin_units")[["admin_code", "name", "level"]].values.tolist()
    [['330106', '西湖区', 'county']]
    """
    code, name = _checked_code(code), _checked_name(name)
    store = open_data(path)  # a GeoPackage, or a postgresql://...?county= URL
    _refuse_data(store, path)
    geom, parts, notes = _read_boundary(Path(boundary), crs, encoding, source_layer)
    centre = geom.centroid
    if not in_china(centre.x, centre.y):
        raise InputError(
            code="county.outside_china",
            file=str(boundary),
            params={"lon": f"{centre.x:.4f}", "lat": f"{centre.y:.4f}"},
        )
    gk = crs_mod.gk_epsg_for_lon(centre.x)
    unit = gpd.GeoDataFrame(
        {"admin_code": [code], "name": [name], "level": [COUNTY_LEVEL], "parent_code": [None]},
        geometry=[geom],
        crs=crs_mod.STORAGE_EPSG,
    )
    area_km2 = float(unit.to_crs(gk).area.iloc[0]) / 1e6
    tables: dict[str, Any] = {ADMIN_LAYER: unit}
    modes = {ADMIN_LAYER: "replace"}
    if audit is not None:
        who: dict[str, Any] = {"detail": str(boundary), **audit}  # event() checks the names
        tables[AUDIT_TABLE] = audit_event(**who, action="init", target=ADMIN_LAYER, rows=1)
        modes[AUDIT_TABLE] = "append"
    meta = dict(zip(META_KEYS, (code, name, str(gk)), strict=True))
    store.write(tables, mode=modes, meta=meta)
    return InitReport(redact(str(path)), code, name, gk, round(area_km2, 3), parts, tuple(notes))


def _checked_code(code: str) -> str:
    code = str(code).strip()
    if not COUNTY_CODE.fullmatch(code):
        raise InputError(code="county.code", field="code", params={"code": code})
    return code


def _checked_name(name: str) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise InputError(code="county.name_empty", field="name")
    return name


def can_init(path: str | Path) -> bool:
    """Whether :func:`init_county` may set up the store at ``path``: it does not exist, or
    holds neither a county nor any layer but the audit log (the app's logins write that
    into a store about to be set up).

    Parameters
    ----------
    path : path

    Returns
    -------
    bool
    """
    store = open_data(path)
    return not store.exists() or not (_data_layers(store) or store.meta().get("county_code"))


def _data_layers(store: Store) -> list[str]:
    return [n for n in store.layers() if n != AUDIT_TABLE]


def _refuse_data(store: Store, path: str | Path) -> None:
    """A store that already holds layers or a county is never set up again (its data would
    be under another county's name)."""
    if not can_init(path):
        layers = _data_layers(store)
        raise StoreError(
            code="county.store_has_data",
            params={"path": redact(str(path)), "layers": ", ".join(layers) or "-"},
        )


def _read_boundary(
    path: Path, crs: str | None, encoding: str | None, source_layer: str | None
) -> tuple[shapely.Geometry, int, list[str]]:
    """The boundary's polygons dissolved into one (Multi)Polygon in the storage CRS, the
    number of features dissolved, and the readers' notes."""
    name = str(path)
    if not path.is_file():
        raise InputError(code="file.missing", file=name)
    with tempfile.TemporaryDirectory(prefix="riverchief-init-") as tmp:
        if path.suffix.lower() == ".zip":
            inner = archive.extract_layer(path, Path(tmp), set(readers.VECTOR_SUFFIXES))
            display = f"{name}!{inner.name}"
        else:
            inner, display = path, name
        raw = readers.read_vector(
            inner, source_layer=source_layer, encoding=encoding, display=display
        )
    if raw.lost:  # a part of the outline missing would be a wrong county
        raise InputError(code="county.boundary_damaged", file=display, params={"lost": raw.lost})
    frame = raw.frame
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all() or not len(frame):
        raise InputError(code="county.boundary_empty", file=display)
    source_crs, notes = validate.resolve_crs(raw, crs, display)
    geoms = []
    for row, geom in zip(raw.rows, frame.geometry, strict=True):
        try:
            fitted, repaired = validate.fit_geometry(geom, "MultiPolygon")
        except ValueError as exc:
            raise InputError(
                code="county.boundary_not_polygon",
                file=display,
                row=row,
                field="geometry",
                params={"why": str(exc)},
            ) from exc
        geoms.append(fitted)
        if repaired:  # said, never silent
            notes.append(f"{raw.row_word} {row}: {repaired}")
    parts = gpd.GeoSeries(geoms, crs=source_crs).to_crs(crs_mod.STORAGE_EPSG)
    dissolved = shapely.union_all(parts.to_numpy())
    if dissolved.geom_type == "Polygon":  # the layer's type
        dissolved = shapely.MultiPolygon([dissolved])
    if dissolved.is_empty:
        raise InputError(code="county.boundary_empty", file=display)
    return dissolved, len(geoms), [*raw.notes, *notes]
