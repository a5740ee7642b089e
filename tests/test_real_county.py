"""Your own county, end to end, on real public data the project did not generate (issue 14).

The county's files (tests/real_county.py) are built from the USGS NHDPlusV2 extract of
Walker Creek, California (62 real flowlines and catchments; CC0-1.0, DOI-USGS/hydroloom; see
NOTICE), moved into China by a pure longitude shift of ``SHIFT_DEG`` degrees with the
latitude kept. On an ellipsoid of revolution a longitude shift is a rotation about the
polar axis: every geodesic length and area is preserved exactly (asserted below with
``pyproj.Geod`` before and after), and the GRS80 (NAD83) and CGCS2000 ellipsoids differ by
about 1e-11 in flattening, so the shifted lines keep their real lengths in CGCS2000.
``walker.gpkg``'s lines are simplified (53 %-100.5 % of the published ``LENGTHKM``), so the
published lengths bound the lines from above; the answers are measured on the lines
themselves, with plain shapely + pyproj, not the project's code (``real_county.reference``).

The chain runs through the CLI (``riverchief init`` -> import townships, villages, rivers
(clipped, arcs of one river merged), the chiefs register (dry run, then written), the
assignments, a water source -> summary, gaps, jurisdiction, zones, quarries, exports) and
the app pages, and asserts the exact findings: the refused rows (a river name two rivers
share, with both codes; a 乡镇 and 村 that contradict), the typo'd code, the chief at the
wrong level, the assignment covering 0 m, the orphan chief, the inventory length and the
unassigned reaches equal to the reference.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import real_county as rc
from app_data import app_data
from shapely.geometry import Point

from gis.cli import main
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
REL = 1e-3  # lengths agree with the reference to 0.1 %


@pytest.fixture(scope="module")
def real(realdata) -> Path:
    return realdata / "nhdplus"


@pytest.fixture(scope="module")
def files(real, tmp_path_factory) -> dict[str, Path]:
    return rc.build(tmp_path_factory.mktemp("county_files"), real)


@pytest.fixture(scope="module")
def ref(real) -> rc.Reference:
    return rc.reference(real)


def _run(argv, capsys) -> tuple[int, str, str]:
    rc_ = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return rc_, cap.out, cap.err


def _count(v) -> int:
    """``outside``/``clipped`` of an import report as a number (a count or a list of rows)."""
    return len(v) if isinstance(v, list) else int(v or 0)


# --- the data itself ----------------------------------------------------------------------


def test_the_longitude_shift_keeps_every_geodesic_length_and_area(real):
    src = rc.source_arcs(real).sort_values("COMID").reset_index(drop=True)
    moved = rc.arcs(real).set_index("COMID")
    for comid, line in zip(src["COMID"], src.geometry, strict=True):
        if comid in moved.index:
            before = rc.geodesic_m(line)
            assert rc.geodesic_m(moved.loc[comid, "geometry"]) == pytest.approx(before, rel=1e-9)
    cats = gpd.read_file(real / "walker_cats.gpkg")
    shifted = rc.catchments(real).set_index("featureid")
    for fid, poly in zip(cats["featureid"][:5], cats.geometry[:5], strict=True):
        area, _ = rc.GEOD.geometry_area_perimeter(poly)
        moved_area, _ = rc.GEOD.geometry_area_perimeter(shifted.loc[fid, "geometry"])
        assert moved_area == pytest.approx(area, rel=1e-9)
    # the simplified lines never exceed the published lengths (beyond LENGTHKM's rounding)
    km = moved["geometry"].map(rc.geodesic_m) / 1000
    assert (km <= moved["LENGTHKM"] * 1.006 + 0.0005).all()


def test_the_reference_is_what_the_county_was_built_to_be(ref):
    assert ref.outside_arcs == [5329291, 5329293, 5329303, 5329435]  # Keys Creek, ...
    assert ref.cut_arcs == [5329305, 5329389]  # Walker Creek and Arroyo Sausal cut
    assert ref.outside_rivers == ["130999R005"]  # Keys Creek (基斯河) lies wholly outside
    assert ref.cut_rivers == ["130999R001", "130999R003"]  # 沃克河, 索萨尔河
    assert sorted(ref.inside_m) == [f"130999R00{i}" for i in (1, 2, 3, 4, 6, 7)]
    # every metre inside the county is in exactly one township (the townships tile it)
    for code, m in ref.inside_m.items():
        in_towns = sum(v for (_, c), v in ref.township_m.items() if c == code)
        assert in_towns == pytest.approx(m, rel=1e-9)


def test_the_shipped_examples_are_what_the_builder_makes(real, tmp_path):
    """examples/your_county/ is scripts/make_examples.py's output of this real data."""
    import pandas as pd
    from openpyxl import load_workbook

    made = rc.build(tmp_path, real)
    shipped = ROOT / "examples" / "your_county"
    assert sorted(p.name for p in shipped.iterdir()) == sorted(rc.FILES.values())
    for kind, path in made.items():
        other = shipped / path.name
        if path.suffix == ".geojson":
            assert json.loads(other.read_text("utf-8")) == json.loads(path.read_text("utf-8"))
        elif path.suffix == ".csv":
            assert other.read_bytes() == path.read_bytes(), kind
        elif path.suffix == ".xlsx":
            a, b = load_workbook(other).active, load_workbook(path).active
            assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True))
            assert sorted(map(str, a.merged_cells.ranges)) == ["A1:G1", "A2:G2"]
        else:  # the rivers zip: the same members, no .prj, no .cpg, the same arcs
            import zipfile

            names = zipfile.ZipFile(other).namelist()
            assert names == zipfile.ZipFile(path).namelist()
            assert sorted(Path(n).suffix for n in names) == [".dbf", ".shp", ".shx"]
            a = gpd.read_file(f"zip://{other}", encoding="gbk")
            b = gpd.read_file(f"zip://{path}", encoding="gbk")
            pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
            assert a.geometry.equals(b.geometry)


# --- the chain ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def county(files, tmp_path_factory) -> dict:
    """The store after the walkthrough's imports, with every command's exit code and output."""
    return {"store": tmp_path_factory.mktemp("county") / "沃克县.gpkg", "files": files}


def _init_and_import(county, capsys) -> dict:
    """Init and every import, in the walkthrough's order; the JSON report of each."""
    store, f = county["store"], county["files"]
    if "reports" in county:
        return county["reports"]
    rep: dict = {}
    code, out, err = _run(
        ["init", store, "--code", rc.COUNTY_CODE, "--name", rc.COUNTY_NAME,
         "--boundary", f["boundary"], "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    rep["init"] = json.loads(out)
    for kind in ("townships", "villages"):
        code, out, err = _run(
            ["import", f[kind], "--layer", "admin_units", "--data", store, "--mode", "append",
             "--json"],
            capsys,
        )  # fmt: skip
        assert code == 0, err
        rep[kind] = json.loads(out)
    code, out, err = _run(
        ["import", f["rivers"], "--layer", "rivers", "--data", store, "--crs", "EPSG:4490",
         "--json"],
        capsys,
    )  # fmt: skip
    rep["rivers"] = (code, json.loads(out))
    chiefs = ["import", f["chiefs"], "--layer", "chiefs", "--data", store]
    chiefs += ["--default", f"admin_code={rc.COUNTY_CODE}", "--json"]
    code, out, _ = _run([*chiefs, "--dry-run"], capsys)
    rep["chiefs_dry"] = (code, json.loads(out), GeoPackageStore(store).read("chiefs"))
    code, out, _ = _run(chiefs, capsys)
    rep["chiefs"] = (code, json.loads(out))
    code, out, _ = _run(
        ["import", f["assignments"], "--layer", "assignments", "--data", store,
         "--default", f"admin_code={rc.COUNTY_CODE}", "--json"],
        capsys,
    )  # fmt: skip
    rep["assignments"] = (code, json.loads(out))
    code, out, err = _run(
        ["import", f["sources"], "--layer", "water_sources", "--data", store, "--json"], capsys
    )
    assert code == 0, err
    county["reports"] = rep
    return rep


def _by_row(report: dict) -> dict[int, dict]:
    return {p["row"]: p for p in report["rejected"]}


def test_init_makes_the_county_with_its_name_and_zone(county, capsys):
    _init_and_import(county, capsys)
    store = GeoPackageStore(county["store"])
    meta = store.meta()
    assert meta["county_code"] == rc.COUNTY_CODE and meta["county_name"] == rc.COUNTY_NAME
    assert meta["gk_epsg"] == "4548"  # CGCS2000 3-degree zone, CM 117°E (116.6°-116.8°E)
    units = store.read("admin_units")
    assert sorted(units["level"].value_counts().items()) == [
        ("county", 1),
        ("township", 3),
        ("village", 6),
    ]
    county_unit = units[units["level"] == "county"]
    assert county_unit["admin_code"].tolist() == [rc.COUNTY_CODE]


def test_rivers_are_clipped_and_merged_from_real_arcs(county, ref, capsys):
    rep = _init_and_import(county, capsys)
    code, report = rep["rivers"]
    assert code == 0, report["rejected"]  # nothing refused: outside arcs are not errors
    assert report["store"] == str(county["store"])
    assert report["read"] == 31  # every named arc and the two 石门沟 arcs
    # arcs of one code are one river row, then clipped: the river wholly outside (基斯河) is
    # counted and listed, never kept and never silently dropped; the two cut rivers counted
    assert _count(report["outside"]) == len(ref.outside_rivers) == 1
    assert _count(report["clipped"]) == len(ref.cut_rivers) == 2
    listed = [p for p in report["rejected"] if "outside" in p["reason"]]
    assert len(listed) == len(report["rejected"]) == 1
    rivers = GeoPackageStore(county["store"]).read("rivers")
    assert sorted(rivers["river_code"]) == sorted(ref.inside_m)  # one row per river
    assert rivers["river_code"].is_unique
    got = {c: rc.geodesic_m(g) for c, g in zip(rivers["river_code"], rivers.geometry, strict=True)}
    for c, m in ref.inside_m.items():
        assert got[c] == pytest.approx(m, rel=REL), c
    names = dict(zip(rivers["river_code"], rivers["name"], strict=True))
    assert names["130999R001"] == "沃克河" and names["130999R006"] == names["130999R007"]


def test_arcs_with_names_only_become_rivers_by_name_and_junction(files, ref, real, tmp_path):
    """Without a 河流编码 column, arcs of one name that join are one river; the two 石门沟
    arcs do not join: two rivers, so an assignment naming 石门沟 is refused, not guessed."""
    from gis.io import import_file

    store = tmp_path / "names.gpkg"
    init = ["init", store, "--code", rc.COUNTY_CODE, "--name", rc.COUNTY_NAME]
    assert main([str(a) for a in [*init, "--boundary", files["boundary"]]]) == 0
    import_file(files["townships"], "admin_units", data=store)
    zipped = rc.rivers_without_codes(tmp_path / "arcs.zip", real)
    report = import_file(zipped, "rivers", data=store, crs="EPSG:4490")
    assert (report.read, report.accepted, report.outside) == (31, 6, 1)
    rivers = GeoPackageStore(store).read("rivers")
    assert rivers["river_code"].is_unique
    got = sorted(
        (n, round(rc.geodesic_m(g))) for n, g in zip(rivers["name"], rivers.geometry, strict=True)
    )
    names = dict(rc.arcs(real).groupby("code")["name"].first())
    want = sorted((names[c], round(m)) for c, m in ref.inside_m.items())
    assert [n for n, _ in got] == [n for n, _ in want]
    for (_, m), (_, w) in zip(got, want, strict=True):
        assert m == pytest.approx(w, rel=REL)
    bad = import_file(files["assignments"], "assignments", data=store, dry_run=True)
    refused = {p.row: p for p in bad.rejected}
    assert rc.AMBIGUOUS_ROW in refused and rc.SHARED_NAME in refused[rc.AMBIGUOUS_ROW].reason


def test_summary_inventory_length_is_the_reference(county, ref, capsys):
    _init_and_import(county, capsys)
    code, out, _ = _run(["summary", "--data", county["store"], "--json"], capsys)
    assert code == 0
    s = json.loads(out)
    want_km = sum(ref.inside_m.values()) / 1000
    # the figure is printed to 0.1 km: within half of that of the reference, and 0.1 %
    assert abs(s["river_length_km"] - want_km) <= max(0.05, REL * want_km)
    assert (s["rivers"], s["townships"], s["villages"]) == (6, 3, 6)
    assert (s["chiefs_county"], s["chiefs_township"], s["patrollers_village"]) == (2, 3, 2)
    code, out, _ = _run(["summary", "--data", county["store"]], capsys)
    assert rc.COUNTY_NAME in out  # the header names the county


def test_chiefs_register_dry_run_then_write(county, capsys):
    rep = _init_and_import(county, capsys)
    code, dry, before = rep["chiefs_dry"]
    assert code == 1 and before.empty  # the dry run wrote nothing
    assert dry["read"] == 8 and dry["accepted"] == 7
    code, report = rep["chiefs"]
    assert code == 1 and report["accepted"] == 7
    rejected = _by_row(report)
    assert sorted(rejected) == [rc.CHIEF_CONTRADICTS_ROW]
    bad = rejected[rc.CHIEF_CONTRADICTS_ROW]
    # 河口村 is in 白沙镇, not in the given 青石镇: refused, never silently overriding the 乡镇
    assert bad["field"] == "admin_code"
    assert "河口村" in bad["reason"] and "130999102002" in bad["reason"] and bad["fix"]
    chiefs = GeoPackageStore(county["store"]).read("chiefs").set_index("chief_id")
    assert chiefs[["level", "admin_code"]].to_dict("index") == {
        "WK001": {"level": "county", "admin_code": "130999"},
        "WK002": {"level": "county", "admin_code": "130999"},
        "WK011": {"level": "township", "admin_code": "130999101"},
        "WK012": {"level": "township", "admin_code": "130999102"},
        "WK013": {"level": "township", "admin_code": "130999103"},
        "WK021": {"level": "village", "admin_code": "130999101001"},
        "WK023": {"level": "village", "admin_code": "130999103002"},
    }  # the office's own ids (河长编号) kept; the county default did not file 镇 chiefs


def test_assignments_refuse_the_shared_name_and_keep_the_typo_for_gaps(county, capsys):
    rep = _init_and_import(county, capsys)
    code, report = rep["assignments"]
    assert code == 1 and report["read"] == 10 and report["accepted"] == 9
    rejected = _by_row(report)
    assert sorted(rejected) == [rc.AMBIGUOUS_ROW]
    bad = rejected[rc.AMBIGUOUS_ROW]
    assert bad["field"] == "river_code" and rc.SHARED_NAME in bad["reason"]
    assert "130999R006" in bad["reason"] and "130999R007" in bad["reason"]
    assert "河流编码" in bad["fix"]
    rows = GeoPackageStore(county["store"]).read("assignments").set_index("assignment_id")
    got = rows[["chief_id", "level", "river_code", "admin_code"]].to_dict("index")
    assert got == {
        "A01": {"chief_id": "WK001", "level": "county", "river_code": "130999R001",
                "admin_code": "130999"},
        "A02": {"chief_id": "WK002", "level": "county", "river_code": "130999R002",
                "admin_code": "130999"},
        "A03": {"chief_id": "WK011", "level": "township", "river_code": "130999R001",
                "admin_code": "130999101"},
        "A04": {"chief_id": "WK012", "level": "township", "river_code": "130999R002",
                "admin_code": "130999102"},
        "A05": {"chief_id": "WK013", "level": "township", "river_code": "130999R003",
                "admin_code": "130999103"},
        "A07": {"chief_id": "WK012", "level": "township", "river_code": rc.TYPO_CODE,
                "admin_code": "130999102"},
        "A08": {"chief_id": "WK021", "level": "village", "river_code": "130999R001",
                "admin_code": "130999101001"},
        "A09": {"chief_id": "WK011", "level": "county", "river_code": "130999R003",
                "admin_code": "130999"},
        "A10": {"chief_id": "WK012", "level": "township", "river_code": "130999R004",
                "admin_code": "130999102"},
    }  # fmt: skip


#: (township, river) pairs with a township chief (A03, A04, A05; A10 covers 0 m)
ASSIGNED_TOWNSHIP = {("130999101", "130999R001"), ("130999102", "130999R002")}
ASSIGNED_TOWNSHIP |= {("130999103", "130999R003")}


def test_gaps_finds_exactly_the_planted_register_errors(county, ref, real, capsys):
    _init_and_import(county, capsys)
    code, out, _ = _run(["gaps", "--data", county["store"], "--json"], capsys)
    assert code == 0
    g = json.loads(out)
    assert [(r["assignment_id"], r["field"], r["code"]) for r in g["unknown_codes"]] == [
        ("A07", "river_code", rc.TYPO_CODE)
    ]
    assert [(r["assignment_id"], r["river_code"], r["admin_code"]) for r in g["zero_coverage"]] == [
        ("A10", "130999R004", "130999102")  # 萨蒙河 never enters 白沙镇
    ]
    assert [(r["assignment_id"], r["chief_level"], r["level"]) for r in g["level_mismatches"]] == [
        ("A09", "township", "county")
    ]
    assert [r["chief_id"] for r in g["orphan_chiefs"]] == ["WK023"]  # a chief with no river
    # A09 also puts a 青石镇 chief on a county assignment: outside his jurisdiction
    assert sorted((r["assignment_id"], r["kind"]) for r in g["mismatches"]) == [
        ("A09", "level"),
        ("A09", "outside_jurisdiction"),
    ]
    # reaches along a boundary between two villages (the catchments' edges follow the
    # streams): each between two villages whose polygons touch, at village level only
    villages = rc.units(real)["villages"].set_index("行政区划代码").geometry
    for r in g["boundary_reaches_unagreed"]:
        assert r["level"] == "village"
        assert villages[r["admin_code"]].distance(villages[r["shared_admin_code"]]) == 0.0
    assert g["not_checked"] == [] and g["holes"] == [] and g["duplicates"] == []
    # unassigned reaches: county rivers all have a county chief; at township level exactly
    # the reference's (township, river) lengths without a township chief
    by = g["unassigned_length_m_by_level"]
    assert by["county"] == 0.0
    town = {}
    for r in g["unassigned"]:
        if r["level"] == "township":
            key = (r["admin_code"], r["river_code"])
            town[key] = town.get(key, 0.0) + r["length_m"]
    want = {k: v for k, v in ref.township_m.items() if k not in ASSIGNED_TOWNSHIP}
    assert sorted(town) == sorted(want)
    for k, m in want.items():
        assert town[k] == pytest.approx(m, rel=REL, abs=0.01), k
    assert by["township"] == pytest.approx(sum(want.values()), rel=REL)
    # village level: no village reach outside the reference's (village, river) pairs
    assert {
        (r["admin_code"], r["river_code"]) for r in g["unassigned"] if r["level"] == "village"
    } <= set(ref.village_m)  # noqa: E501


def test_gaps_exports_open_and_hold_the_findings(county, tmp_path, capsys):
    _init_and_import(county, capsys)
    xlsx, gpkg = tmp_path / "gaps.xlsx", tmp_path / "gaps.gpkg"
    for out in (xlsx, gpkg):
        code, _, err = _run(["gaps", "--data", county["store"], "--out", out], capsys)
        assert code == 0, err
    import pandas as pd
    import pyogrio

    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert sheets["unknown_codes"]["assignment_id"].tolist() == ["A07"]
    assert sheets["level_mismatches"]["assignment_id"].tolist() == ["A09"]
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert {"unassigned", "unknown_codes", "zero_coverage"} <= layers
    code, _, err = _run(["export", tmp_path / "county.xlsx", "--data", county["store"]], capsys)
    assert code == 0, err
    assert {"rivers", "chiefs", "assignments"} <= set(
        pd.read_excel(tmp_path / "county.xlsx", sheet_name=None)
    )


def test_jurisdiction_of_a_point_on_the_river(county, ref, real, capsys):
    from gis.jurisdiction import find_jurisdiction

    _init_and_import(county, capsys)
    lon, lat = rc.source_point(real)  # half-way along a real arc of 沃克河
    j = find_jurisdiction(GeoPackageStore(county["store"]))
    assert j.cut_level == "village"
    reach = j.nearest(lon, lat)
    assert reach is not None
    code, out, err = _run(
        ["jurisdiction", "--data", county["store"], "--reach", reach, "--json"], capsys
    )
    assert code == 0, err
    card = json.loads(out)
    assert card["river_name"] == "沃克河"
    # who should answer there, from the polygons themselves
    u = rc.units(real)
    here = Point(lon, lat)
    town = u["townships"][u["townships"].contains(here)]["名称"].tolist()
    village = u["villages"][u["villages"].contains(here)]["名称"].tolist()
    want = {("county", "林志强")}
    if town == ["青石镇"]:
        want.add(("township", "王海"))
    if village == ["青石村"]:
        want.add(("village", "孙丽"))
    assert {(c["level"], c["name"]) for c in card["chiefs"]} == want
    assert card["township"] == town[0] and card["village"] == village[0]
    code, out, err = _run(
        ["jurisdiction", "--data", county["store"], "--river", "沃克河", "--json"], capsys
    )
    assert code == 0, err
    rows = json.loads(out)
    village_m = sum(r["length_m"] for r in rows)
    assert village_m == pytest.approx(ref.inside_m["130999R001"], rel=REL)
    # every metre of every river inside the county is in one village-level reach
    by_river = j.reaches.groupby("river_code")["length_m"].sum()
    for code, m in ref.inside_m.items():
        assert by_river[code] == pytest.approx(m, rel=REL), code
    code, _, err = _run(["jurisdiction", "--data", county["store"], "--river", "石门沟"], capsys)
    assert code == 2 and "130999R006" in err and "130999R007" in err  # refused, not guessed


def test_zones_and_quarries_run_on_the_county(county, capsys):
    _init_and_import(county, capsys)
    code, out, err = _run(
        ["zones", "delineate", "--missing", "--data", county["store"], "--json"], capsys
    )
    assert code == 0, err
    assert "130999S001" in out
    code, out, err = _run(["quarries", "--data", county["store"], "--json"], capsys)
    assert code == 0, err  # no quarries: checked, none found


# --- the app pages -----------------------------------------------------------------------

PAGES = ("overview.py", "jurisdiction.py", "gaps.py", "zones.py", "quarries.py", "patrols.py")


@pytest.mark.parametrize("page", [*PAGES, "data.py"])
def test_every_app_page_runs_on_the_county(county, capsys, monkeypatch, page):
    from streamlit.testing.v1 import AppTest

    _init_and_import(county, capsys)
    app_data(monkeypatch, county["store"])
    at = AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=180)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if page == "overview.py":
        assert [h.value for h in at.subheader] == [f"{rc.COUNTY_NAME} {rc.COUNTY_CODE} · 总览"]
    if page == "gaps.py":
        from gis.coverage import find_gaps

        cov = find_gaps(GeoPackageStore(county["store"]))
        assert at.metric[0].value == str(len(cov.unassigned))
