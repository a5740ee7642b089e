"""A county's own files, built from real public hydrography this project did not generate.

Source: the USGS NHDPlusV2 extract of Walker Creek, California (62 flowlines and their 62
catchments, ``../shared/realdata/nhdplus/walker*.gpkg``) from the repository DOI-USGS/hydroloom,
CC0-1.0 (NOTICE). The arcs, their names (GNIS_NAME) and the catchment polygons are real; what
is ours (fictitious) is the county (code, name), the grouping of catchments into townships and
villages, the Chinese names, the chiefs, the assignments and the water source.

A county store must lie in China (CGCS2000, a Gauss-Krüger zone), so the geometry is moved by
a pure longitude shift of :data:`SHIFT_DEG` degrees, latitude kept (Walker Creek lands near
116.7°E 38.2°N, in Hebei). On an ellipsoid of revolution a shift in longitude is a rotation
about the polar axis, which maps geodesics to geodesics: every geodesic length and area is
unchanged exactly (the test asserts it with ``pyproj.Geod`` before and after). NAD83 (GRS80)
and CGCS2000 use ellipsoids whose flattenings differ by about 1e-11, so the shifted
coordinates are read as CGCS2000 (EPSG:4490) with no datum change.

``walker.gpkg``'s lines are simplified (their geodesic lengths are 53 % to 100.5 % of the
published ``LENGTHKM``; tests/test_import.py says the same), so the published lengths are
an upper bound, not a 0.5 % check: :func:`reference` measures the shifted lines themselves.

:func:`build` writes the files an office would have (the README's walkthrough uses the same
files, shipped in ``examples/your_county/`` by ``scripts/make_examples.py``);
:func:`reference` gives the answers with plain shapely + pyproj, not the project's code.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from pyproj import Geod
from shapely import affinity
from shapely.ops import unary_union

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "nhdplus"
#: Degrees added to every longitude: Walker Creek (-122.8°) to 116.7°E; latitude kept.
SHIFT_DEG = 239.5
GEOD = Geod(ellps="GRS80")
CRS = "EPSG:4490"

COUNTY_CODE = "130999"  # a well-formed, unused GB/T 2260 code in 沧州 (1309)
COUNTY_NAME = "沃克县"  # fictitious, after the creek

#: The catchments (featureid = COMID) left out of the county: Keys Creek's, Walker Creek's
#: two lowest and a small tributary's in the north-west, Arroyo Sausal's head in the
#: south-east. So Keys Creek lies wholly outside and Walker Creek and Arroyo Sausal are cut.
OUTSIDE_CATCHMENTS = (5329291, 5329293, 5329295, 5329303, 5329435)

#: GNIS_NAME -> (river code, Chinese name, management level word, in the register).
RIVERS = {
    "Walker Creek": ("130999R001", "沃克河", "县级", "是"),
    "Chileno Creek": ("130999R002", "奇莱诺河", "县级", "是"),
    "Arroyo Sausal": ("130999R003", "索萨尔河", "县级", "是"),
    "Salmon Creek": ("130999R004", "萨蒙河", "镇乡级", "否"),
    "Keys Creek": ("130999R005", "基斯河", "镇乡级", "否"),
}
#: Two unnamed, unconnected arcs that the office's file names alike: two rivers, one name.
SHARED_NAME = "石门沟"
SHARED_NAME_ARCS = {5329371: "130999R006", 5329355: "130999R007"}

#: Townships (code, name) by where a catchment's centroid lies (before the shift):
#: west of -122.84° -> 青石镇; else north of 38.185° -> 白沙镇; else 柳林乡. Each township's
#: catchments north of their median centroid latitude form its first village.
TOWNSHIPS = {
    "west": ("130999101", "青石镇"),
    "north": ("130999102", "白沙镇"),
    "south": ("130999103", "柳林乡"),
}
VILLAGES = {
    "130999101": (("130999101001", "青石村"), ("130999101002", "东岭村")),
    "130999102": (("130999102001", "白沙村"), ("130999102002", "河口村")),
    "130999103": (("130999103001", "柳林村"), ("130999103002", "南坡村")),
}
WEST_OF, NORTH_OF = -122.84, 38.185

# --- the register, written the way a 河长办 writes it ------------------------------------

CHIEFS_TITLE = f"{COUNTY_NAME}河长名录（2026年）"
CHIEFS_SUBTITLE = "填报单位：沃克县河长制办公室　　填报日期：2026年3月1日"
CHIEFS_HEADER = ("河长编号", "姓名", "级别", "职务", "联系电话", "乡镇", "村")
#: Row 4 is the first data row (two merged title rows, then the header).
CHIEFS = (
    ("WK001", "林志强", "县级", "县长", "100-0000-7001", None, None),
    ("WK002", "陈国栋", "县级", "副县长", "100-0000-7002", None, None),
    ("WK011", "王海", "镇级", "青石镇镇长", "100-0000-7011", "青石镇", None),
    ("WK012", "赵敏", "镇级", "白沙镇党委书记", "100-0000-7012", "白沙镇", None),
    ("WK013", "刘洋", "乡级", "柳林乡乡长", "100-0000-7013", "柳林乡", None),
    ("WK021", "孙丽", "村级", "青石村党支部书记", "100-0000-7021", "青石镇", "青石村"),
    # 河口村 is in 白沙镇, not in 青石镇: the row contradicts itself and is refused
    ("WK022", "周强", "村级", "河口村村委会主任", "100-0000-7022", "青石镇", "河口村"),
    ("WK023", "吴刚", "村级", "南坡村巡河员", "100-0000-7023", "柳林乡", "南坡村"),
)
CHIEF_CONTRADICTS_ROW = 10  # WK022, as a user counts rows in the sheet

ASSIGNMENTS_HEADER = ("编号", "河长编号", "级别", "对象类型", "河流名称", "河流编码", "乡镇", "村")
#: Row 2 is the first data row (the header is row 1).
ASSIGNMENTS = (
    ("A01", "WK001", "县级", "河流", "沃克河", "", "", ""),
    ("A02", "WK002", "县级", "河流", "奇莱诺河", "", "", ""),
    ("A03", "WK011", "镇级", "河流", "沃克河", "", "青石镇", ""),
    ("A04", "WK012", "镇级", "河流", "奇莱诺河", "", "白沙镇", ""),
    ("A05", "WK013", "乡级", "河流", "索萨尔河", "", "柳林乡", ""),
    ("A06", "WK013", "乡级", "河流", SHARED_NAME, "", "柳林乡", ""),  # two rivers: refused
    ("A07", "WK012", "镇级", "河流", "", "130999R030", "白沙镇", ""),  # typo of R003
    ("A08", "WK021", "村级", "河流", "沃克河", "", "青石镇", "青石村"),
    ("A09", "WK011", "县级", "河流", "索萨尔河", "", "", ""),  # a township chief, county level
    ("A10", "WK012", "镇级", "河流", "萨蒙河", "", "白沙镇", ""),  # never enters 白沙镇
)
AMBIGUOUS_ROW = 7  # A06
TYPO_CODE = "130999R030"

#: The files :func:`build` writes (the README's walkthrough imports them in this order).
FILES = {
    "boundary": "县界.geojson",
    "townships": "乡镇界.geojson",
    "villages": "村界.geojson",
    "rivers": "河流弧段.zip",
    "chiefs": "河长名录.xlsx",
    "assignments": "河长责任.csv",
    "sources": "饮用水水源.csv",
}
SOURCE_ARC = 5329357  # the water intake sits half-way along this arc of Walker Creek


def _shift(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out["geometry"] = [affinity.translate(g, xoff=SHIFT_DEG) for g in gdf.geometry]
    return out.set_crs(CRS, allow_override=True)


def source_arcs(realdata: Path = REALDATA) -> gpd.GeoDataFrame:
    """All 62 real flowlines, unshifted (GRS80 lon/lat), with ``COMID`` and ``GNIS_NAME``."""
    g = gpd.read_file(realdata / "walker.gpkg")
    g["GNIS_NAME"] = g["GNIS_NAME"].fillna("").str.strip()  # NHDPlus writes " " for no name
    return g


def arcs(realdata: Path = REALDATA) -> gpd.GeoDataFrame:
    """The arcs of the office's river file, shifted: every named arc and the two 石门沟 arcs;
    columns ``COMID``, ``code``, ``name``, ``level_word``, ``register_word``, ``LENGTHKM``."""
    g = source_arcs(realdata)
    keep = g["GNIS_NAME"].isin(RIVERS) | g["COMID"].isin(SHARED_NAME_ARCS)
    g = g[keep].copy()
    rows = []
    for comid, gnis in zip(g["COMID"], g["GNIS_NAME"], strict=True):
        if comid in SHARED_NAME_ARCS:
            rows.append((SHARED_NAME_ARCS[comid], SHARED_NAME, "村级", "否"))
        else:
            rows.append(RIVERS[gnis])
    g[["code", "name", "level_word", "register_word"]] = rows
    g = g[["COMID", "code", "name", "level_word", "register_word", "LENGTHKM", "geometry"]]
    return _shift(g.sort_values("COMID").reset_index(drop=True))


def catchments(realdata: Path = REALDATA) -> gpd.GeoDataFrame:
    """The county's catchments, shifted, with their township and village codes."""
    c = gpd.read_file(realdata / "walker_cats.gpkg")
    c = c[~c["featureid"].isin(OUTSIDE_CATCHMENTS)].copy()
    centre = shapely.centroid(c.geometry.values)  # plain lon/lat: only a grouping
    cx, cy = shapely.get_x(centre), shapely.get_y(centre)
    side = [
        "west" if x < WEST_OF else "north" if y >= NORTH_OF else "south"
        for x, y in zip(cx, cy, strict=True)
    ]
    c["township"] = [TOWNSHIPS[s][0] for s in side]
    c["cy"] = cy
    village = []
    for t, y in zip(c["township"], c["cy"], strict=True):
        median = c.loc[c["township"] == t, "cy"].median()
        village.append(VILLAGES[t][0 if y >= median else 1][0])
    c["village"] = village
    return _shift(c[["featureid", "township", "village", "geometry"]].reset_index(drop=True))


def _dissolve(polys) -> object:
    return unary_union(list(polys)).buffer(0)


def units(realdata: Path = REALDATA) -> dict[str, gpd.GeoDataFrame]:
    """``county``, ``townships`` and ``villages`` as frames with the register's Chinese headers."""
    c = catchments(realdata)
    county = gpd.GeoDataFrame(
        {"行政区划代码": [COUNTY_CODE], "名称": [COUNTY_NAME]},
        geometry=[_dissolve(c.geometry)],
        crs=CRS,
    )
    towns = [
        (code, name, _dissolve(c.loc[c["township"] == code, "geometry"]))
        for code, name in TOWNSHIPS.values()
    ]
    townships = gpd.GeoDataFrame(
        {
            "行政区划代码": [t[0] for t in towns],
            "名称": [t[1] for t in towns],
            "级别": ["镇" if t[1].endswith("镇") else "乡" for t in towns],
            "上级代码": [COUNTY_CODE] * len(towns),
        },
        geometry=[t[2] for t in towns],
        crs=CRS,
    )
    vill = [
        (code, name, town, _dissolve(c.loc[c["village"] == code, "geometry"]))
        for town, pair in VILLAGES.items()
        for code, name in pair
    ]
    villages = gpd.GeoDataFrame(
        {
            "行政区划代码": [v[0] for v in vill],
            "名称": [v[1] for v in vill],
            "级别": ["村"] * len(vill),
            "上级代码": [v[2] for v in vill],
        },
        geometry=[v[3] for v in vill],
        crs=CRS,
    )
    return {"county": county, "townships": townships, "villages": villages}


# --- writing the files ---------------------------------------------------------------------

#: A fixed time for every stamp inside the files, so that they are reproducible.
STAMP = datetime(2026, 3, 1, 9, 0, 0)


def _geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    pyogrio.write_dataframe(gdf, path, driver="GeoJSON", layer=path.stem)


def _rivers_zip(a: gpd.GeoDataFrame, path: Path, tmp: Path, *, codes: bool = True) -> None:
    """A zipped shapefile of arcs as a province hands it out: GBK, no .cpg, no .prj;
    ``codes=False``: names only, no 河流编码 (as many real arc files are)."""
    columns = {
        "弧段编号": a["COMID"].astype("int64"),
        "河流编码": a["code"],
        "河流名称": a["name"],
        "管理级别": a["level_word"],
        "列入名录": a["register_word"],
    }
    if not codes:
        del columns["河流编码"]
    frame = gpd.GeoDataFrame(columns, geometry=a.geometry, crs=CRS)
    shp = tmp / "hlhd.shp"
    pyogrio.write_dataframe(frame, shp, encoding="GBK")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for ext in (".shp", ".shx", ".dbf"):  # the .prj and .cpg are not handed out
            info = zipfile.ZipInfo(f"河流弧段{ext}", date_time=STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # the member names are UTF-8
            z.writestr(info, (tmp / f"hlhd{ext}").read_bytes())


def _chiefs_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "河长名录"
    width = len(CHIEFS_HEADER)
    ws.append([CHIEFS_TITLE])
    ws.append([CHIEFS_SUBTITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.append(list(CHIEFS_HEADER))
    for row in CHIEFS:
        ws.append(list(row))
    wb.properties.creator = COUNTY_NAME + "河长办"
    wb.properties.created = wb.properties.modified = STAMP
    buf = io.BytesIO()
    wb.save(buf)
    _restamp(buf.getvalue(), path)


def _restamp(xlsx: bytes, path: Path) -> None:
    """The workbook stamped :data:`STAMP` throughout (openpyxl stamps the time of saving)."""
    when = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(path, "w") as out:
        for member in src.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=STAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(member)
            if member.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + when, data)
            out.writestr(info, data)


def _csv(header, rows, path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # as Excel and WPS save a CSV
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def source_point(realdata: Path = REALDATA) -> tuple[float, float]:
    """(lon, lat) of the water intake: half-way along :data:`SOURCE_ARC`, shifted."""
    a = arcs(realdata)
    line = a.loc[a["COMID"] == SOURCE_ARC, "geometry"].iloc[0]
    p = line.interpolate(0.5, normalized=True)
    return round(p.x, 6), round(p.y, 6)


def rivers_without_codes(path: Path, realdata: Path = REALDATA) -> Path:
    """The river arcs as :func:`build` writes them, but with names only (no 河流编码)."""
    work = path.parent / ".shp_names"
    work.mkdir(exist_ok=True)
    try:
        _rivers_zip(arcs(realdata), path, work, codes=False)
    finally:
        for f in work.iterdir():
            f.unlink()
        work.rmdir()
    return path


def build(folder: Path, realdata: Path = REALDATA) -> dict[str, Path]:
    """Write the county's files (:data:`FILES`) into ``folder``; return their paths by kind."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {k: folder / v for k, v in FILES.items()}
    u = units(realdata)
    _geojson(u["county"], paths["boundary"])
    _geojson(u["townships"], paths["townships"])
    _geojson(u["villages"], paths["villages"])
    work = folder / ".shp"
    work.mkdir(exist_ok=True)
    try:
        _rivers_zip(arcs(realdata), paths["rivers"], work)
    finally:
        for f in work.iterdir():
            f.unlink()
        work.rmdir()
    _chiefs_xlsx(paths["chiefs"])
    _csv(ASSIGNMENTS_HEADER, ASSIGNMENTS, paths["assignments"])
    lon, lat = source_point(realdata)
    _csv(
        (
            "水源编码",
            "水源名称",
            "水源类型",
            "供水人口",
            "已划定保护区",
            "所在河流",
            "经度",
            "纬度",
        ),
        [("130999S001", "沃克河水厂取水口", "河流型", "12000", "否", "130999R001", lon, lat)],
        paths["sources"],
    )
    return paths


# --- the independent reference: plain shapely + pyproj.Geod --------------------------------


@dataclass
class Reference:
    """Answers measured on the shifted source geometry, without the project's code."""

    #: river code -> geodesic metres inside the county outline (rivers with any length inside)
    inside_m: dict[str, float]
    #: COMIDs of arcs wholly outside the county, and of arcs cut by its boundary
    outside_arcs: list[int]
    cut_arcs: list[int]
    #: codes of rivers (arcs of one code together) wholly outside, and cut by the boundary
    outside_rivers: list[str]
    cut_rivers: list[str]
    #: (unit code, river code) -> geodesic metres of the river inside the unit
    township_m: dict[tuple[str, str], float]
    village_m: dict[tuple[str, str], float]


def geodesic_m(geom) -> float:
    """Geodesic length in metres on GRS80 (= CGCS2000 to ~1e-11) of a (multi)line."""
    return 0.0 if geom is None or geom.is_empty else float(GEOD.geometry_length(geom))


def reference(realdata: Path = REALDATA) -> Reference:
    """Lengths inside the county, per township and per village, and the arcs outside."""
    a = arcs(realdata)
    u = units(realdata)
    outline = u["county"].geometry.iloc[0]
    inside: dict[str, float] = {}
    outside, cut = [], []
    for comid, line in zip(a["COMID"], a.geometry, strict=True):
        part = line.intersection(outline)
        m = geodesic_m(part)
        if m == 0.0:
            outside.append(int(comid))
        elif m < geodesic_m(line) - 1e-6:
            cut.append(int(comid))
    outside_rivers, cut_rivers = [], []
    for code, lines in a.groupby("code").geometry:
        whole = unary_union(list(lines))
        m = geodesic_m(whole.intersection(outline))
        if m > 0:
            inside[code] = m
        if m == 0.0:
            outside_rivers.append(code)
        elif m < geodesic_m(whole) - 1e-6:
            cut_rivers.append(code)

    def per_unit(frame: gpd.GeoDataFrame) -> dict[tuple[str, str], float]:
        out = {}
        for unit, poly in zip(frame["行政区划代码"], frame.geometry, strict=True):
            for code, lines in a.groupby("code").geometry:
                m = geodesic_m(unary_union(list(lines)).intersection(poly))
                if m > 0:
                    out[(unit, code)] = m
        return out

    return Reference(
        inside_m=inside,
        outside_arcs=sorted(outside),
        cut_arcs=sorted(cut),
        outside_rivers=sorted(outside_rivers),
        cut_rivers=sorted(cut_rivers),
        township_m=per_unit(u["townships"]),
        village_m=per_unit(u["villages"]),
    )
