"""Read patrol tracks from GPX, KML, GeoJSON, CSV, XLSX and (Geo)Parquet into one frame of
raw points.

Every point keeps where it came from (file, track, segment, the row or point number a
user would quote) and its coordinates exactly as recorded; conversion and cleaning come
later, so nothing is lost or changed here.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd

from gis._errors import InputError
from gis.io import tables
from gis.io.readers import clean_errors
from gis.patrols.columns import RAW_COLUMNS
from gis.patrols.parquet import read_parquet_points

SUFFIXES = (".gpx", ".kml", ".geojson", ".json", ".csv", ".txt", ".xlsx", ".parquet", ".geoparquet")
MAX_BYTES = 200 << 20  # a quarter of one chief's tracks is a few MB; refuse anything absurd
# Header words of patrol exports (Chinese apps and English tools) -> raw column.
HEADERS = {
    "chief": (
        "河长编号",
        "chief_id",
        "chief",
        "河长",
        "巡河人",
        "巡河员",
        "姓名",
        "name",
        "巡查人",
    ),
    "patrol_ref": ("巡河编号", "轨迹编号", "patrol_id", "patrol", "track", "track_id", "轨迹id"),
    "time_text": (
        "时间",
        "定位时间",
        "巡河时间",
        "采集时间",
        "记录时间",
        "time",
        "timestamp",
        "datetime",
        "date_time",
    ),
    "lon": ("经度", "lon", "lng", "longitude", "x"),
    "lat": ("纬度", "lat", "latitude", "y"),
}


@clean_errors
def read_tracks(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """All points of every track in ``path``, and notes about the file.

    Returns
    -------
    points : DataFrame
        Columns :data:`RAW_COLUMNS` (and ``coords`` when a Parquet file names each point's
        system); ``point`` is the number a user would look for (the spreadsheet or Parquet
        row, or the point's position in its GPX/KML segment).
    notes : list of str

    Raises
    ------
    InputError
        If the file cannot be read, is hostile, or holds no track at all.
    """
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            code="track.format", file=name, params={"suffix": suffix, "formats": list(SUFFIXES)}
        )
    if not path.exists():
        raise InputError(code="file.missing", file=name)
    if suffix in (
        ".parquet",
        ".geoparquet",
    ):  # compressed and columnar: limited by its row count instead
        df, notes = read_parquet_points(path, name, HEADERS)
        _check_degrees(df, name)
        return df, notes
    size = path.stat().st_size
    if size == 0:
        raise InputError(code="track.empty", file=name)
    if size > MAX_BYTES:
        raise InputError(
            code="track.too_big", file=name, params={"mb": size >> 20, "limit": MAX_BYTES >> 20}
        )
    if suffix in (".gpx", ".kml"):
        root = _parse_xml(path, name)
        rows, notes = _gpx(root) if suffix == ".gpx" else _kml(root)
    elif suffix in (".geojson", ".json"):
        rows, notes = _geojson(path, name)
    else:
        raw = (
            tables.read_csv(path, display=name)
            if suffix in (".csv", ".txt")
            else tables.read_xlsx(path, display=name)
        )
        df, notes = _table(raw, name)
        _check_degrees(df, name)
        return df, notes
    if not rows:
        raise InputError(code="track.none", file=name)
    df = pd.DataFrame(rows, columns=RAW_COLUMNS[1:])
    df.insert(0, "file", name)
    _check_degrees(df, name)
    return df, notes


def _check_degrees(df: pd.DataFrame, name: str) -> None:
    """Refuse a file whose coordinates are mostly not degrees: it is in some projected system.

    Single bad points are the cleaner's business (it drops them with a reason); a file in
    metres would otherwise reach the distance code with coordinates no CRS can take.
    """
    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(dtype=float)
    numeric = np.isfinite(lon) & np.isfinite(lat)
    degrees = (
        numeric & (np.abs(lon) <= 180) & (np.abs(lat) <= 180)
    )  # 180 both ways: swapped pairs are fixable
    if numeric.sum() and degrees.sum() * 2 <= numeric.sum():
        i = int(np.flatnonzero(numeric & ~degrees)[0])
        raise InputError(
            code="track.not_degrees", file=name, params={"lon": f"{lon[i]:g}", "lat": f"{lat[i]:g}"}
        )


def _parse_xml(path: Path, name: str) -> ET.Element:
    head = path.read_bytes()
    # entity declarations are how XML bombs and external-file reads work; tracks never need them
    if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
        raise InputError(code="track.doctype", file=name)
    try:
        root = ET.fromstring(head)
    except ET.ParseError as exc:
        raise InputError(code="track.broken_xml", file=name, params={"detail": str(exc)}) from exc
    for el in root.iter():  # namespaces differ between GPX 1.0/1.1 and KML 2.2/gx: ignore them
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def _gpx(root: ET.Element) -> tuple[list, list[str]]:
    rows, notes = [], []
    n_wpt = len(root.findall("wpt"))
    if n_wpt:
        notes.append(f"{n_wpt} waypoints are not part of any track and were not imported")
    tracks = root.findall("trk") + root.findall("rte")
    for t, trk in enumerate(tracks, start=1):
        tname = (trk.findtext("name") or "").strip() or None
        segs = trk.findall("trkseg") if trk.tag == "trk" else [trk]
        if not segs:
            notes.append(
                f"track {t} ({tname or 'no name'}) has no segments (nothing to import from it)"
            )
        for s, seg in enumerate(segs, start=1):
            if not seg.findall("trkpt") + seg.findall("rtept"):
                notes.append(f"track {t} segment {s} has no points (nothing to import from it)")
            for p, pt in enumerate(seg.findall("trkpt") + seg.findall("rtept"), start=1):
                rows.append(
                    (
                        t,
                        s,
                        tname,
                        None,
                        None,
                        p,
                        (pt.findtext("time") or "").strip() or None,
                        pt.get("lon"),
                        pt.get("lat"),
                    )
                )
    return rows, notes


def _kml(root: ET.Element) -> tuple[list, list[str]]:
    rows, notes, timed_points = [], [], []
    for t, pm in enumerate(root.iter("Placemark"), start=1):
        tname = (pm.findtext("name") or "").strip() or None
        s = 0
        for track in pm.iter("Track"):  # gx:Track: <when> and <gx:coord> in pairs
            s += 1
            whens = [w.text for w in track.findall("when")]
            coords = [c.text.split() if c.text else [None, None] for c in track.findall("coord")]
            for p, c in enumerate(coords, start=1):
                rows.append(
                    (
                        t,
                        s,
                        tname,
                        None,
                        None,
                        p,
                        whens[p - 1] if p <= len(whens) else None,
                        c[0] if c else None,
                        c[1] if len(c) > 1 else None,
                    )
                )
        for line in pm.iter("LineString"):
            s += 1
            for p, tok in enumerate((line.findtext("coordinates") or "").split(), start=1):
                xyz = tok.split(",")
                rows.append(
                    (t, s, tname, None, None, p, None, xyz[0], xyz[1] if len(xyz) > 1 else None)
                )
        if s == 0:
            for pt in pm.iter("Point"):
                xyz = (pt.findtext("coordinates") or "").strip().split(",")
                when = pm.findtext(".//TimeStamp/when")
                if when:
                    timed_points.append((when, tname, xyz))
    for p, (when, tname, xyz) in enumerate(timed_points, start=1):
        rows.append((0, 1, tname, None, None, p, when, xyz[0], xyz[1] if len(xyz) > 1 else None))
    if any(r[6] is None for r in rows):
        notes.append(
            "some KML lines carry no times: duration and speed cannot be computed for them"
        )
    return rows, notes


def _geojson(path: Path, name: str) -> tuple[list, list[str]]:
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(code="track.broken_json", file=name, params={"detail": str(exc)}) from exc
    if isinstance(data, dict) and data.get("crs") is not None:
        _check_geojson_crs(data["crs"], name)
    feats = data.get("features", [data]) if isinstance(data, dict) else []
    if not isinstance(feats, list):
        raise InputError(code="track.features_not_list", file=name)
    rows, points = [], []
    for t, f in enumerate(feats, start=1):
        if not isinstance(f, dict):
            continue
        geom, props = f.get("geometry") or {}, f.get("properties") or {}
        chief = _first(props, HEADERS["chief"])
        ref = _first(props, HEADERS["patrol_ref"])
        if geom.get("type") == "Point":
            points.append((t, props, geom.get("coordinates") or [None, None]))
            continue
        lines = {
            "LineString": [geom.get("coordinates")],
            "MultiLineString": geom.get("coordinates"),
        }.get(geom.get("type") or "")
        if not lines:
            continue
        times = props.get("coordTimes") or props.get("times") or []
        times = times if times and isinstance(times[0], list) else [times]  # one list per line
        for s, line in enumerate(lines, start=1):
            tl = times[s - 1] if s - 1 < len(times) else []
            for p, c in enumerate(line or [], start=1):
                rows.append(
                    (
                        t,
                        s,
                        None,
                        chief,
                        ref,
                        p,
                        tl[p - 1] if p - 1 < len(tl) else None,
                        c[0] if c else None,
                        c[1] if c and len(c) > 1 else None,
                    )
                )
    for t, props, c in points:
        rows.append(
            (
                0,
                1,
                None,
                _first(props, HEADERS["chief"]),
                _first(props, HEADERS["patrol_ref"]),
                t,
                _first(props, HEADERS["time_text"]),
                c[0] if c else None,
                c[1] if len(c) > 1 else None,
            )
        )
    return rows, []


_DEGREE_CRS = {"crs84", "4326", "4490", "4490.0", "wgs84", "cgcs2000"}


def _check_geojson_crs(crs: object, name: str) -> None:
    """A GeoJSON ``crs`` member (GeoJSON 2008) must name a longitude/latitude system."""
    given = (
        crs.get("properties", {}).get("name")
        if isinstance(crs, dict) and isinstance(crs.get("properties"), dict)
        else None
    )
    code = str(given or "").replace("::", ":").rsplit(":", 1)[-1].strip().lower()
    if code not in _DEGREE_CRS:
        raise InputError(
            code="track.crs_not_degrees", file=name, params={"crs": str(given or repr(crs))}
        )


def _first(props: dict, names) -> object:
    low = {str(k).strip().lower(): v for k, v in props.items()}
    return next(
        (low[n.lower()] for n in names if n.lower() in low and low[n.lower()] not in (None, "")),
        None,
    )


def _table(raw, name: str) -> tuple[pd.DataFrame, list[str]]:
    cols = {}
    for key, words in HEADERS.items():
        low = {str(c).strip().lower(): c for c in raw.frame.columns}
        hit = next((low[w.lower()] for w in words if w.lower() in low), None)
        if hit is not None:
            cols[key] = hit
    missing = [k for k in ("lon", "lat") if k not in cols]
    if missing:
        raise InputError(
            code="track.no_lon_lat",
            file=name,
            params={"missing": " or ".join(missing), "columns": str(list(raw.frame.columns))},
        )
    f = raw.frame
    df = pd.DataFrame(
        {
            "file": name,
            "track": 0,
            "segment": 1,
            "track_name": None,
            "chief": f[cols["chief"]].astype(object) if "chief" in cols else None,
            "patrol_ref": f[cols["patrol_ref"]].astype(object) if "patrol_ref" in cols else None,
            "point": np.asarray(raw.rows),
            "time_text": f[cols["time_text"]].astype(object) if "time_text" in cols else None,
            "lon": f[cols["lon"]].astype(object),
            "lat": f[cols["lat"]].astype(object),
        }
    )
    notes = list(raw.notes)
    if "time_text" not in cols:
        notes.append("no time column: duration and speed cannot be computed")
    return df[RAW_COLUMNS], notes
