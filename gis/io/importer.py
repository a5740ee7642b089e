"""Import one file into a layer of the county store: read, validate, write atomically."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from gis import catalogue
from gis._errors import InputError
from gis.crs import STORAGE_EPSG
from gis.io import archive, readers, tables, validate
from gis.io.validate import Problem
from gis.store import GeoPackageStore, Store


@dataclass
class ImportReport:
    """What an import did, row by row. ``exit_code`` is non-zero if anything was refused."""

    file: str
    layer: str
    row_word: str = "row"
    read: int = 0
    accepted: int = 0
    rejected: list[Problem] = field(default_factory=list)
    repaired: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lost: str | None = None
    rejects_file: str | None = None
    written: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if (self.rejected or self.lost) else 0

    def to_dict(self) -> dict:
        return {"file": self.file, "layer": self.layer, "read": self.read, "accepted": self.accepted,
                "rejected": [p.__dict__ for p in self.rejected], "repaired": [p.__dict__ for p in self.repaired],
                "notes": self.notes, "lost": self.lost, "rejects_file": self.rejects_file, "written": self.written}

    def format(self) -> str:
        lines = [f"{self.file} → layer '{self.layer}': {self.read} read, {self.accepted} accepted, "
                 f"{len(self.rejected)} rejected, {len(self.repaired)} repaired"
                 + ("" if self.written else " (store not changed)")]
        lines += [f"  note: {n}" for n in self.notes]
        if self.lost:
            lines.append(f"  DAMAGED FILE: {self.lost}. Fix: re-export the layer; the rows above were kept")
        lines += [f"  repaired {p.text(self.row_word)}" for p in self.repaired[:50]]
        lines += [f"  REJECTED {p.text(self.row_word)}" for p in self.rejected[:50]]
        if len(self.rejected) > 50:
            lines.append(f"  ... and {len(self.rejected) - 50} more rejected rows")
        if self.rejects_file:
            lines.append(f"  rejected rows with their reasons: {self.rejects_file}")
        return "\n".join(lines)


def import_file(
    path: str | Path,
    layer: str,
    *,
    store: Store | None = None,
    data: str | Path | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    field_map: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    mode: str = "append",
    swap_xy: bool = False,
    allow_outside_china: bool = False,
    source_layer: str | None = None,
    rejects: str | Path | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import ``path`` into ``layer`` of a county store.

    Parameters
    ----------
    path : path
        GeoPackage, Shapefile (.shp or .zip), GeoJSON, KML, GPX, CSV (lon/lat columns) or XLSX.
    layer : str
        Target catalogue layer (see :data:`gis.catalogue.LAYER_NAMES`).
    store, data : optional
        The store, or the path of a GeoPackage store (created if missing).
    crs : str, optional
        CRS of the input when the file lacks one (or to override it), e.g. ``"EPSG:4490"``.
    encoding : str, optional
        Text encoding; detected when omitted (GBK shapefiles with no .cpg decode correctly).
    field_map : dict, optional
        Source column → catalogue field.
    defaults : dict, optional
        Field → value for fields the file lacks (e.g. ``{"management_level": "village"}``).
    mode : {"append", "replace"}
        Add to the layer (keys must be new) or replace it.
    swap_xy : bool
        The file has latitude where longitude belongs.
    allow_outside_china : bool
        Accept coordinates outside China (foreign reference data).
    rejects : path, optional
        Where to write rejected rows; default ``<store folder>/rejects/<file>.<layer>.rejects.csv``.
    dry_run : bool
        Check everything and report, but leave the store untouched.

    Returns
    -------
    ImportReport
        Raises :class:`gis.InputError` when the whole file is unusable; the store is
        then unchanged.
    """
    spec = catalogue.get_layer(layer)
    if mode not in ("append", "replace"):
        raise InputError(f"mode must be 'append' or 'replace', not '{mode}'", field="--mode")
    store = store or GeoPackageStore(data)
    src = Path(path)
    name = str(src)
    if not src.exists():
        raise InputError("no such file", file=name, fix="check the path")
    if src.is_file() and src.stat().st_size == 0:
        raise InputError("the file is empty (0 bytes)", file=name, fix="copy or export it again")
    suffix = src.suffix.lower()
    if suffix not in readers.SUPPORTED:
        raise InputError(f"unsupported file type '{suffix}'", file=name, fix=f"use one of {', '.join(readers.SUPPORTED)}")
    with tempfile.TemporaryDirectory(prefix="riverchief-import-") as tmp:
        if suffix == ".zip":
            inner = archive.extract_layer(src, Path(tmp), set(readers.SUPPORTED))
            display = f"{name}!{inner.name}"
        else:
            inner, display = src, name
        raw = _read(inner, display, source_layer, encoding)
        report = ImportReport(display, layer, raw.row_word, read=len(raw.frame), notes=list(raw.notes), lost=raw.lost)
        too_long = validate.reject_long_text(raw)  # rows with an over-long text cell, taken out of raw
        accepted = _validate(raw, spec, store, report, crs=crs, field_map=field_map or {}, defaults=defaults or {},
                             mode=mode, swap_xy=swap_xy, allow_outside=allow_outside_china)
        if too_long:
            report.rejected = sorted(report.rejected + too_long, key=lambda p: p.row)
    report.accepted = len(accepted)
    if report.rejected:
        report.rejects_file = str(_write_rejects(raw, report, rejects, store, src, layer))
    if dry_run:
        report.notes.append("dry run: nothing was written")
    elif len(accepted) or mode == "replace":
        store.write({layer: accepted}, mode=mode)
        report.written = True
    return report


def _read(path: Path, display: str, source_layer, encoding) -> readers.RawData:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return tables.read_csv(path, encoding=encoding, display=display)
    if suffix in (".xlsx", ".xlsm"):
        return tables.read_xlsx(path, sheet=source_layer, display=display)
    return readers.read_vector(path, source_layer=source_layer, encoding=encoding, display=display)


def _validate(raw, spec, store, report, *, crs, field_map, defaults, mode, swap_xy, allow_outside):
    df, notes = validate.map_columns(raw.frame, spec, field_map)
    report.notes += notes
    rows = list(raw.rows)
    for k, v in defaults.items():
        spec.field(k)  # unknown field names fail here with the valid list
        if k not in df.columns:
            df[k] = v
        else:
            df[k] = df[k].where(df[k].notna(), v)
    df = _resolve_names(df, spec, store, report)
    rejected: dict[int, Problem] = {}

    # geometry
    if spec.geometry is not None:
        if not isinstance(df, gpd.GeoDataFrame) or df.geometry.name not in df.columns:
            if "lon" in df.columns and "lat" in df.columns:
                if spec.geometry != "Point":
                    raise InputError(f"layer '{spec.name}' needs {spec.geometry} geometries; a table with lon/lat gives points",
                                     file=report.file, fix="import a GIS file (GeoPackage, Shapefile, GeoJSON) for this layer")
                df, probs = validate.points_from_table(df, rows, swap_xy)
                for p in probs:
                    rejected.setdefault(rows.index(p.row), p)
                report.notes.append("lon/lat read as CGCS2000/WGS84 degrees" if not crs else f"lon/lat read in {crs}")
                if crs:
                    df = df.set_crs(crs, allow_override=True)
            else:
                raise InputError("no geometry and no longitude/latitude columns", file=report.file,
                                 fix="add columns named 经度/纬度 (or lon/lat), or map them with --field-map X=lon Y=lat")
        else:
            in_crs, crs_notes = validate.resolve_crs(raw, crs, report.file)
            report.notes += crs_notes
            df = df.set_crs(in_crs, allow_override=True)
            if swap_xy:
                df = df.set_geometry(shapely.transform(df.geometry.values, lambda c: c[:, ::-1]), crs=in_crs)
        geoms = []
        for i, g in enumerate(df.geometry):
            if i in rejected:
                geoms.append(None)
                continue
            try:
                fitted, note = validate.fit_geometry(g, spec.geometry)
            except ValueError as exc:
                rejected[i] = Problem(rows[i], "geometry", str(exc), _geom_fix(spec.geometry))
                geoms.append(None)
                continue
            if note:
                report.repaired.append(Problem(rows[i], "geometry", note, action="repaired"))
            geoms.append(fitted)
        df = df.set_geometry(gpd.GeoSeries(geoms, index=df.index, crs=df.crs))
        df = df.to_crs(STORAGE_EPSG)
        swapped = 0
        for i, g in enumerate(df.geometry):
            if i in rejected or g is None:
                continue
            bad = validate.check_location(g, allow_outside=allow_outside)
            if bad:
                rejected[i] = Problem(rows[i], "geometry", bad[0], bad[1])
                swapped += "swapped" in bad[0]
        if swapped and swapped == len(df):
            report.notes.append(f"all {swapped} rows look like latitude/longitude swapped: re-run with --swap-xy")

    # attributes
    out_cols = {}
    missing = [f.name for f in spec.fields if f.required and f.name not in df.columns and f.name != spec.key]
    if missing:
        raise InputError(f"required fields {missing} are missing for layer '{spec.name}'; columns found: "
                         f"{[str(c) for c in raw.frame.columns][:30]}", file=report.file,
                         fix="map a column with --field-map SRC=FIELD, or give a value with --default FIELD=VALUE")
    for f in spec.fields:
        if f.name not in df.columns:
            continue
        values = []
        for i, v in enumerate(df[f.name].tolist()):
            try:
                val, note = validate.coerce(f, v)
            except ValueError as exc:
                rejected.setdefault(i, Problem(rows[i], f.name, str(exc), _field_fix(f)))
                values.append(None)
                continue
            if note:
                report.repaired.append(Problem(rows[i], f.name, note, action="repaired"))
            if isinstance(val, str) and val.startswith("?") and f.name in ("admin_code", "river_code"):
                what = "admin unit" if f.name == "admin_code" else "river"
                rejected.setdefault(i, Problem(rows[i], f.name, f"no {what} named '{val[1:]}' in the store",
                                               f"check the spelling, or import {'admin_units' if what == 'admin unit' else 'rivers'} first"))
            if val is None and f.required and f.name != spec.key:
                rejected.setdefault(i, Problem(rows[i], f.name, "required value is empty", f"fill in {f.zh} ({f.en})"))
            values.append(val)
        out_cols[f.name] = values
    if spec.key not in df.columns:
        prefix = {"chiefs": "C", "assignments": "A"}.get(spec.name, spec.name[:3].upper())
        start = len(store.read(spec.name)) if mode == "append" else 0
        out_cols[spec.key] = [f"{prefix}{start + i + 1:05d}" for i in range(len(df))]
        report.notes.append(f"no '{spec.key}' column: ids {prefix}{start + 1:05d}… were assigned")
    else:
        keys = out_cols[spec.key]
        existing = set(store.read(spec.name)[spec.key]) if mode == "append" else set()
        seen: set = set()
        for i, k in enumerate(keys):
            if k is None:
                rejected.setdefault(i, Problem(rows[i], spec.key, "the id is empty", "give every row a unique id"))
            elif k in seen:
                rejected.setdefault(i, Problem(rows[i], spec.key, f"duplicate id '{k}' in the file", "make ids unique"))
            elif k in existing:
                rejected.setdefault(i, Problem(rows[i], spec.key, f"id '{k}' already exists in the store",
                                               "use --mode replace to replace the layer, or give new ids"))
            seen.add(k)
    geom_col = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    extra = [c for c in df.columns if c not in spec.field_names and c != geom_col and c not in _HELPER_COLUMNS]
    for c in extra:  # the source's own columns travel along rather than being lost
        out_cols[c] = df[c].tolist()
    if extra:
        report.notes.append(f"kept {len(extra)} columns the catalogue does not define: {', '.join(map(str, extra[:10]))}"
                            + (" …" if len(extra) > 10 else ""))
    keep = [i for i in range(len(df)) if i not in rejected]
    report.rejected = [rejected[i] for i in sorted(rejected)]
    frame = pd.DataFrame({k: [v[i] for i in keep] for k, v in out_cols.items()})
    if spec.geometry is not None:
        return gpd.GeoDataFrame(frame, geometry=[df.geometry.iloc[i] for i in keep], crs=STORAGE_EPSG)
    return frame


# register columns that are turned into codes (or points) and not stored themselves
_HELPER_COLUMNS = {"river_name", "township_name", "village_name", "reach", "lon", "lat"}


def _resolve_names(df, spec, store, report):
    """Registers name things (乡镇, 河流名称, 姓名); turn names into the store's codes."""
    fields = spec.field_names
    if "admin_code" in fields and "admin_code" not in df.columns and ({"township_name", "village_name"} & set(df.columns)):
        admin = store.read("admin_units")
        by_name = {(r.level, r.name): r.admin_code for r in admin.itertuples()}
        codes = []
        for t, v in zip(df.get("township_name", [None] * len(df)), df.get("village_name", [None] * len(df)), strict=True):
            if isinstance(v, str) and v.strip():
                codes.append(by_name.get(("village", v.strip()), f"?{v}"))
            elif isinstance(t, str) and t.strip():
                codes.append(by_name.get(("township", t.strip()), f"?{t}"))
            else:
                codes.append(None)
        df["admin_code"] = codes
        report.notes.append("admin_code looked up from 乡镇/村 names in the store")
    if "river_code" in fields and "river_code" not in df.columns and "river_name" in df.columns:
        rivers = store.read("rivers")
        by_name = dict(zip(rivers["name"], rivers["river_code"], strict=True))
        df["river_code"] = [by_name.get(str(n).strip(), f"?{n}") if isinstance(n, str) else None for n in df["river_name"]]
        report.notes.append("river_code looked up from 河流名称 in the store")
    return df


def _geom_fix(target: str) -> str:
    return f"fix the geometry in GIS software (QGIS: Vector › Geometry Tools › Fix Geometries); this layer needs {target}"


def _field_fix(f: catalogue.Field) -> str:
    if f.codes:
        return "use one of the codes listed"
    return {"int": "write a whole number", "float": "write a number", "bool": "write 是 or 否",
            "date": "write a date like 2026-03-01"}.get(f.dtype, f"check the value of {f.zh}")


def _write_rejects(raw, report, rejects, store, src: Path, layer: str) -> Path:
    if rejects:
        out = Path(rejects)
    else:
        base = store.path.parent if hasattr(store, "path") else Path.cwd()
        out = base / "rejects" / f"{src.stem}.{layer}.rejects.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    index = {r: i for i, r in enumerate(raw.rows)}
    records = []
    for p in report.rejected:
        i = index.get(p.row)
        rec = {} if i is None else {str(k): (v.wkt if hasattr(v, "wkt") else v) for k, v in raw.frame.iloc[i].items()}
        records.append({f"_{report.row_word}": p.row, "_field": p.field, "_reason": p.reason, "_fix": p.fix, **rec})
    pd.DataFrame(records).to_csv(out, index=False, encoding="utf-8-sig")
    return out


def report_json(report: ImportReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
