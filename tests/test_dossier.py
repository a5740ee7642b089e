"""一河一档: the per-river archive, checked against answers made independently of it
(plain shapely/geopandas on the store's layers, the demo's answer key), and its HTML/PDF
checked as a reader gets them (escaped, in Chinese, fonts embedded, a map drawn)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from gis._errors import AmbiguousNameError, OutputError, UnknownNameError
from gis.cli import main
from gis.dossier import county_context, river_dossier, write_dossier, write_dossiers
from gis.dossier.html import to_html
from gis.store import GeoPackageStore, MemoryStore

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
GK = 4544  # the demo's Gauss-Krüger zone (3° zone 36)
R001 = "512099R001"


@pytest.fixture(scope="module")
def store(demo_path):
    return GeoPackageStore(demo_path)


@pytest.fixture(scope="module")
def county(store):
    return county_context(store)


@pytest.fixture(scope="module")
def r001(store, county):
    return river_dossier(store, R001, county=county)


def _line(store, code):
    r = store.read("rivers").to_crs(GK)
    return r.loc[r["river_code"] == code, "geometry"].iloc[0]


def test_base_sheet_is_the_river_measured_independently(store, r001):
    line = _line(store, R001)
    assert r001.river["length_m"] == pytest.approx(line.length, abs=0.1)
    # the reaches tile the river: their lengths add up to it
    assert r001.parts["reaches"].table["length_m"].sum() == pytest.approx(line.length, rel=1e-4)
    admin = store.read("admin_units").to_crs(GK)
    towns = admin[(admin["level"] == "township") & admin.intersects(line)]
    crossed = towns[[line.intersection(g).length > 1.0 for g in towns.geometry]]
    assert set(r001.river["townships"]) == set(crossed["name"])


def test_county_chief_is_the_one_the_register_assigns(store, r001):
    a = store.read("assignments")
    want = a[(a["river_code"] == R001) & (a["level"] == "county")]["chief_id"]
    chiefs = r001.parts["chiefs"].table
    assert set(chiefs.loc[chiefs["level"] == "county", "chief_id"]) == set(want)
    assert chiefs.loc[chiefs["level"] == "county", "km"].iloc[0] == pytest.approx(
        r001.river["length_m"] / 1000, abs=0.01
    )
    # a visitor's copy masks phones
    assert all("****" in p for p in chiefs["phone"].dropna())


def test_points_carry_their_chainage_along_the_river(store, r001):
    line = _line(store, R001)
    pts = r001.parts["points"].table
    boards = store.read("signboards").to_crs(GK)
    mine = boards[boards["river_code"] == R001]
    assert set(mine["board_id"]) <= set(pts["id"])
    for p in pts.itertuples():
        assert p.chainage_m == pytest.approx(line.project(p.geometry), abs=0.2)
        assert p.offset_m <= 200.0 or p.id in set(mine["board_id"])
    assert list(pts["chainage_m"]) == sorted(pts["chainage_m"])
    assert re.fullmatch(r"K\d+\+\d{3}", pts["chainage"].iloc[0])


def test_zones_inside_length_is_the_overlay(store, r001):
    line = gpd.GeoDataFrame(geometry=[_line(store, R001)], crs=GK)
    zones = store.read("protection_zones").to_crs(GK)
    ref = gpd.overlay(
        line, zones[["zone_id", "geometry"]], how="intersection", keep_geom_type=False
    )
    ref = ref.assign(m=ref.length).groupby("zone_id")["m"].sum()
    got = r001.parts["zones"].table.set_index("zone_id")["inside_m"]
    assert set(got.index) == set(ref[ref > 0].index)
    for z, m in ref[ref > 0].items():
        assert got[z] == pytest.approx(m, abs=0.2)


def test_plan_overdue_items_are_the_planted_ones(store, county):
    key = store.read("answer_key")
    planted = set(key.loc[key["kind"] == "plan_item_overdue", "ref_id"])
    assert planted, "the demo plants overdue plan items"
    found = set()
    for code in county.plan_items["river_code"].unique():
        plan = river_dossier(store, code, county=county).parts["plan"]
        assert plan.status is None
        found |= set(plan.table.loc[plan.table["overdue"], "item_id"])
    assert found == planted


def test_parts_without_data_say_so_never_an_empty_table(store, county):
    no_plan = county.rivers.loc[
        ~county.rivers["river_code"].isin(county.plan_items["river_code"]), "river_code"
    ].iloc[0]
    d = river_dossier(store, no_plan, county=county)
    assert d.parts["plan"].status == "no_plan"  # checked: this river has none
    assert d.parts["patrols"].status == "patrols_not_computed"
    empty = MemoryStore({"rivers": store.read("rivers"), "admin_units": store.read("admin_units")})
    bare = river_dossier(empty, R001)
    assert bare.parts["plan"].status == "no_plan_layer"  # not imported: not checked
    assert json.loads(json.dumps(bare.to_json()), parse_constant=_no_nan)


def test_gaps_on_the_river_are_the_gap_analysis(store, county):
    un = county.gaps.tables()["unassigned"]
    code = un["river_code"].iloc[0]
    d = river_dossier(store, code, county=county)
    gaps = d.parts["gaps"].table
    mine = un[un["river_code"] == code]
    assert (gaps["kind"] == "unassigned").sum() == len(mine)
    # the village reaches drawn as lacking a chief cover exactly the unassigned chainage
    reach = d.parts["reaches"].table
    for lv, rows in mine.groupby("level"):
        lacking = reach[[isinstance(m, list) and lv in m for m in reach["levels_without_chief"]]]
        want = sum(r.to_m - r.from_m for r in rows.itertuples())
        got = sum(
            min(r.to_m, u.to_m) - max(r.from_m, u.from_m)
            for r in lacking.itertuples()
            for u in rows.itertuples()
            if min(r.to_m, u.to_m) > max(r.from_m, u.from_m)
        )
        assert got == pytest.approx(want, abs=1.0)


def _no_nan(token):
    raise ValueError(f"not strict JSON: {token}")


def test_json_is_strict_and_the_cli_gives_the_same(store, r001, capsys):
    text = json.dumps(r001.to_json(), ensure_ascii=False, allow_nan=False)
    json.loads(text, parse_constant=_no_nan)
    assert main(["dossier", R001, "--data", str(store.path), "--json"]) == 0
    got = json.loads(capsys.readouterr().out, parse_constant=_no_nan)
    assert got["river"] == r001.to_json()["river"]
    assert got["parts"]["zones"] == r001.to_json()["parts"]["zones"]


def test_a_name_two_rivers_share_is_refused_with_both_codes(store):
    rivers = store.read("rivers")
    twin = rivers["name"].iloc[1]
    rivers.loc[0, "name"] = twin
    with pytest.raises(AmbiguousNameError) as err:
        river_dossier(MemoryStore({"rivers": rivers}), twin)
    assert {R001, rivers["river_code"].iloc[1]} <= set(err.value.matches)
    with pytest.raises(UnknownNameError):
        river_dossier(store, "没有这条河")


def test_cli_refusals_name_the_fix(store, tmp_path, capsys):
    assert main(["dossier", "--data", str(store.path)]) == 2
    assert (
        main(["dossier", R001, "--data", str(store.path), "--out", str(tmp_path / "x.docx")]) == 2
    )
    err = capsys.readouterr().err
    assert "no river was given" in err and "html or pdf" in err
    assert "Traceback" not in err


HOSTILE = '<script>alert(1)</script>$\\frac{1}{0}$ & "引号"'


def test_hostile_names_are_escaped_in_the_page_and_harmless_on_the_map(store):
    rivers = store.read("rivers")
    rivers.loc[rivers["river_code"] == R001, "name"] = HOSTILE
    admin = store.read("admin_units")
    admin.loc[admin["level"] == "township", "name"] = HOSTILE
    tables = {n: store.read(n) for n in ("chiefs", "assignments", "signboards", "plan_items")}
    mem = MemoryStore({**tables, "rivers": rivers, "admin_units": admin}, meta=store.meta())
    page = to_html(river_dossier(mem, R001), county=HOSTILE)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _headers(page: str) -> list[str]:
    return re.findall(r"<th>(.*?)</th>", page)


def test_chinese_page_has_no_english_words(store, county):
    page = to_html(river_dossier(store, R001, county=county), county="示范县")
    units = {"m", "km", "UTC"}
    for h in _headers(page):
        assert set(re.findall(r"[A-Za-z]+", h)) <= units, h
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page)
    codes = {"county", "township", "village", "level1", "level2", "official", "proposed"}
    codes |= {"done", "in_progress", "not_started", "task", "problem", "signboards"}
    codes |= {"I", "II", "III", "IV", "V", "worse_V", "national", "provincial"}
    assert not codes & set(cells)
    english = to_html(river_dossier(store, R001, county=county), lang="en")
    assert "Base sheet" in english and "基本情况" not in english


def test_batch_writes_each_river_and_an_index(store, county, tmp_path):
    rivers = list(county.rivers["river_code"][:3])
    ticks = []
    out = write_dossiers(
        store, tmp_path, rivers=rivers, county=county, progress=lambda i, n, c: ticks.append(i)
    )
    assert [p.stem for p in out] == sorted(rivers) and ticks == [1, 2, 3]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(f"{c}.html" in index for c in rivers)


@pytest.fixture(scope="module")
def pdf(store, county, tmp_path_factory):
    if shutil.which("chromium") is None or shutil.which("pdftotext") is None:
        pytest.fail("the PDF tests need Debian's chromium and poppler-utils (scripts/test.sh)")
    out = tmp_path_factory.mktemp("pdf") / "r001.pdf"
    return write_dossier(store, R001, out, county=county)


def test_pdf_has_the_river_its_figures_and_embedded_fonts(pdf, r001):
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    text = text.decode("utf-8")
    assert r001.river["name"] in text and "一河一档" in text
    assert f"{r001.river['length_m'] / 1000:.1f}" in text  # the base sheet's figure, as JSON
    assert "基本情况" in text and "一河一策" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout
    rows = fonts.decode().splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows), fonts  # emb column
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3


def test_pdf_map_area_is_drawn(pdf, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    from PIL import Image

    blue = []
    for page in sorted(tmp_path.glob("p*.png")):
        rgb = np.asarray(Image.open(page).convert("RGB")).astype(int)
        blue.append(((rgb[..., 2] - rgb[..., 0]) > 60).mean())  # the river's blue
    # the overview map (a page's river drawn in blue), not a blank frame or headings only
    assert max(blue) > 0.005, blue
    # the page with the map, for the README (docs/dossier-page.png is copied from here)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-png",
            "-singlefile",
            "-f",
            "2",
            "-l",
            "2",
            str(pdf),
            str(ARTIFACTS / "dossier-page"),
        ],
        check=True,
    )


def test_no_browser_is_a_clear_refusal(store, county, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("RIVERCHIEF_BROWSER", raising=False)
    with pytest.raises(OutputError) as err:
        write_dossier(store, R001, tmp_path / "x.pdf", county=county)
    assert err.value.code == "dossier.no_browser"
    assert "HTML" in err.value.message("zh")
    assert not (tmp_path / "x.pdf").exists()


def test_plan_items_import_from_a_chinese_register(demo_copy, tmp_path):
    csv = tmp_path / "一河一策.csv"
    pd.DataFrame(
        {
            "河流名称": ["黄沟江", "黄沟江"],
            "清单": ["任务清单", "问题清单"],
            "序号": [1, 1],
            "内容": ["清理垃圾", "岸坡垃圾"],
            "责任单位": ["县水利局", None],
            "完成时限": ["2026-12-31", None],
            "完成情况": ["推进中", None],
        }
    ).to_csv(csv, index=False, encoding="gbk")
    assert main(["import", str(csv), "--layer", "plan_items", "--data", str(demo_copy)]) == 0
    got = GeoPackageStore(demo_copy).read("plan_items")
    new = got[got["text"].isin(["清理垃圾", "岸坡垃圾"])]
    assert set(new["list"]) == {"task", "problem"} and set(new["river_code"]) == {R001}
    assert new.loc[new["list"] == "task", "status"].iloc[0] == "in_progress"


def test_patrols_part_is_the_reports_reaches_of_this_river(store):
    """With a period's patrol report, the archive lists each reach of the river with its
    patrols and flags the never-patrolled ones (the report's own rows, not recomputed)."""
    from types import SimpleNamespace

    from gis.dossier.html import to_html

    c = county_context(store)
    mine = c.jurisdiction.reaches.loc[c.jurisdiction.select("river", R001), "reach_id"].tolist()
    other = c.jurisdiction.reaches["reach_id"][~c.jurisdiction.reaches["reach_id"].isin(mine)]
    rows = pd.DataFrame(
        {
            "reach_id": mine + other.head(3).tolist(),
            "length_m": 100.0,
            "patrols": [0 if i % 4 == 0 else i for i in range(len(mine) + 3)],
            "last_patrol": "2026-09-01",
        }
    )
    rows["never_patrolled"] = rows["patrols"] == 0
    c.patrols = SimpleNamespace(reaches=rows)
    d = river_dossier(store, R001, county=c)
    part = d.parts["patrols"]
    assert part.status is None and set(part.table["reach_id"]) == set(mine)
    assert part.table["never_patrolled"].sum() == rows.head(len(mine))["never_patrolled"].sum()
    never = int(part.table["never_patrolled"].sum())
    assert f"从未巡河的河段 {never} 段" in to_html(d)
