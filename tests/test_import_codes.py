"""Every import note and row reason is coded (issue 16): the Chinese Data page says each one
in Chinese, and a row is never said to be kept while it is refused.

The walkthrough's own files (README "你自己的县", examples/your_county/) are dry-run into a
store made by ``riverchief init``; each note and reason is rendered in zh and must hold no
English word: only codes (XXYY00, EPSG:4490, UTF-8), field names (river_code) and file
names may be ASCII.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from app_data import app_data
from shapely.geometry import LineString

from gis import auth
from gis.catalogue import LAYERS
from gis.cli import main
from gis.cli.errors import LANG_ENV
from gis.io.encoding import dbf_encoding
from gis.io.importer import import_file
from gis.io.reasons import Reason, say
from tests.county_geometry import X0, Y0, county_store, rivers, write_layer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "your_county"
#: ASCII a Chinese message may hold: file names, field names, rule sets, upper-case codes
_ALLOWED = [
    r"\b(?:default|override):\S+",
    r"[\w\-]*\.(?:zip|shp|dbf|cpg|prj|csv|xlsx|geojson|gpkg|json)\b",
    r"\b[a-z]+(?:_[a-z0-9]+)+\b",
    r"\b[A-Z][A-Z0-9]*(?:[\-:][A-Z0-9]+)*\b",
]
ENCODING_NAME = r"\b[A-Za-z]+-\d+\b"  # utf-8 as Python names it
#: the catalogue's field names (a column mapping shows 姓名→name): identifiers, not prose
FIELDS = sorted({f.name for layer in LAYERS for f in layer.fields}, key=len, reverse=True)
ENGLISH = re.compile(r"[A-Za-z]{3,}")


def english_in(text: str) -> list[str]:
    """The English words of ``text`` once codes, field and file names are taken out."""
    for pattern in [*_ALLOWED, ENCODING_NAME]:
        text = re.sub(pattern, " ", text)
    text = re.sub(r"(?<![A-Za-z_])(?:" + "|".join(FIELDS) + r")(?![A-Za-z_])", " ", text)
    return ENGLISH.findall(text)


def test_the_check_finds_english_and_spares_codes():
    assert english_in("not clipped to the county") == ["not", "clipped", "the", "county"]
    assert english_in("按 河流弧段.cpg 中的声明；river_code；EPSG:4490；XXYY00；UTF-8") == []
    assert english_in("规则集 default:import_clip；姓名→name；utf-8") == []
    assert english_in("姓名→name of the river") == ["the", "river"]


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The walkthrough's store: ``riverchief init`` from 县界.geojson, its townships and
    villages imported as the README says."""
    tmp = tmp_path_factory.mktemp("walk")
    shutil.copytree(EXAMPLES, tmp / "ex")
    store = tmp / "沃克县.gpkg"
    boundary = str(tmp / "ex" / "县界.geojson")
    assert (
        main(
            ["init", str(store), "--code", "130999", "--name", "沃克县"] + ["--boundary", boundary]
        )
        == 0
    )
    for name in ("乡镇界.geojson", "村界.geojson"):
        assert import_file(tmp / "ex" / name, "admin_units", data=store).written
    return tmp, store


def _said_zh(report) -> list[str]:
    texts = [say(n, "zh") for n in report.notes]
    for p in report.rejected + report.repaired:
        reason, fix = p.message("zh")
        texts += [reason, fix or ""]
    return texts


def test_the_walkthrough_dry_runs_say_everything_in_chinese(county, tmp_path):
    # 31 arcs of 7 codes, clipped and not; a register whose 河口村 is not in its 青石镇; 市级
    # rows without a code and with a township's
    tmp, store = county
    register = tmp_path / "市级名录.csv"
    register.write_text(
        "河长编号,姓名,级别,职务,行政区划代码\nS1,甲,市级,市长,\nS2,乙,市级,市长,130999101\n",
        encoding="utf-8",
    )
    reports = [
        import_file(
            tmp / "ex" / "河流弧段.zip", "rivers", data=store, crs="EPSG:4490", dry_run=True
        ),
        import_file(
            tmp / "ex" / "河流弧段.zip",
            "rivers",
            data=store,
            crs="EPSG:4490",
            dry_run=True,
            clip=False,
        ),
        import_file(
            tmp / "ex" / "河长名录.xlsx",
            "chiefs",
            data=store,
            defaults={"admin_code": "130999"},
            dry_run=True,
        ),
        import_file(register, "chiefs", data=store, dry_run=True),
    ]
    codes = {getattr(n, "code", None) for r in reports for n in r.notes}
    codes |= {p.code for r in reports for p in r.rejected + r.repaired}
    # the notes and reasons this test is about are among those said
    assert {"note.clipped", "note.not_clipped_off"} <= codes
    assert codes & {"note.arcs_merged", "note.arcs_merged_names"}
    assert {"row.city_no_code", "row.city_code_shape", "row.village_elsewhere"} <= codes
    assert any(c and c.startswith("note.encoding") for c in codes)
    uncoded = [n for r in reports for n in r.notes if not isinstance(n, Reason)]
    uncoded += [p.reason for r in reports for p in r.rejected + r.repaired if p.code is None]
    assert uncoded == []
    said = [t for r in reports for t in _said_zh(r)]
    assert [(t, english_in(t)) for t in said if english_in(t)] == []
    city = next(p for p in reports[3].rejected if p.code == "row.city_no_code")
    assert city.row == 2 and "130900" in city.message("zh")[0]  # the city above 130999
    assert "130999" in city.reason and "candidates: city 130900" in city.reason


def test_no_county_and_several_counties_are_said_in_chinese():
    note = Reason("note.not_clipped_counties", {"n": 2, "codes": ["130998", "130999"]})
    assert str(note) == (
        "not clipped to the county: the store has 2 county units (130998, 130999), not one; "
        "rows kept as read"
    )
    assert "130998、130999" in say(note, "zh") and not english_in(say(note, "zh"))
    assert not english_in(say(Reason("note.not_clipped_no_county"), "zh"))


def test_the_encoding_a_cpg_declares_is_said_in_chinese(tmp_path):
    shp = tmp_path / "河流.shp"
    shp.with_suffix(".cpg").write_text("GBK", encoding="ascii")
    enc, how = dbf_encoding(shp)
    assert enc is None and str(how) == "encoding: as declared (declared in 河流.cpg)"
    assert say(how, "zh") == "字符编码：按 河流.cpg 中的声明"
    other = Reason("note.encoding_detected_other", {"encoding": "LATIN-1"})
    assert not english_in(say(other, "zh"))
    assert not english_in(say(Reason("note.encoding_as_declared", {"what": "no .dbf"}), "zh"))


A, B, C = ((X0 + 1000, Y0 + 5000), (X0 + 3000, Y0 + 5000), (X0 + 6000, Y0 + 5000))
OTHER = LineString([(X0 + 1000, Y0 + 8000), (X0 + 3000, Y0 + 8000)])


def test_refused_arcs_are_not_said_merged_and_keep_their_code(tmp_path):
    cols = rivers(["R1", "R1", "R2"], ["清江", "清江", "白沙河"])
    cols["management_level"] = ["county", "township", "county"]
    path = write_layer(
        tmp_path / "arcs.gpkg", cols, [LineString([A, B]), LineString([B, C]), OTHER]
    )
    rep = import_file(path, "rivers", store=county_store(tmp_path / "c.gpkg"), dry_run=True)
    assert [p.code for p in rep.rejected] == ["import.river_arcs_differ"] * 2
    assert rep.rejected[1].row == 2  # each arc its own row, the one reason
    assert rep.rejected[0].message("zh")[0].startswith("河段 1、2 属于同一条河流 R1")
    assert not any("arcs became" in n for n in rep.notes)  # nothing was merged


def test_a_river_with_a_refused_arc_keeps_the_code(tmp_path):
    cols = rivers(["R1", "R1", "R1"], ["清江"] * 3)
    cols["management_level"] = ["county", "no such level", "county"]
    lines = [LineString([A, B]), LineString([B, C]), OTHER]
    rep = import_file(
        write_layer(tmp_path / "arcs.gpkg", cols, lines),
        "rivers",
        store=county_store(tmp_path / "c.gpkg"),
        dry_run=True,
    )
    assert [p.code for p in rep.rejected if p.row != 2] == ["import.river_arc_refused"] * 2
    assert not any("arcs became" in n for n in rep.notes)


def test_arcs_merged_and_split_names_are_coded(tmp_path):
    cols = rivers(["x"] * 3, ["小溪", "小溪", "小溪"])
    del cols["river_code"]
    lines = [LineString([A, B]), LineString([B, C]), OTHER]
    rep = import_file(
        write_layer(tmp_path / "arcs.gpkg", cols, lines),
        "rivers",
        store=county_store(tmp_path / "c.gpkg"),
        dry_run=True,
    )
    codes = [getattr(n, "code", None) for n in rep.notes]
    assert "note.arcs_merged_names" in codes and "note.arcs_name_split" in codes
    merged = next(n for n in rep.notes if getattr(n, "code", "") == "note.arcs_merged_names")
    assert str(merged).startswith("3 arcs became 2 rivers")
    assert say(merged, "zh").startswith("3 条河段合并为 2 条河流")


def test_an_unnamed_line_without_its_code_is_refused_not_said_kept(tmp_path):
    cols = rivers(["R1", None, "R3"], ["清江", None, None])
    lines = [LineString([A, B]), LineString([B, C]), OTHER]
    rep = import_file(
        write_layer(tmp_path / "lines.gpkg", cols, lines),
        "rivers",
        store=county_store(tmp_path / "c.gpkg"),
        dry_run=True,
    )
    assert [(p.row, p.code) for p in rep.rejected] == [(2, "row.id_empty")]
    # row 3 (unnamed, with its code) is kept as a connector and says so; row 2 does not
    assert [(p.row, p.code) for p in rep.repaired] == [(3, "row.unnamed_connector")]
    assert rep.repaired[0].message("zh")[0].startswith("没有名称的线作为未命名的连接线保留")


def test_the_dashboard_command_says_as_of_in_chinese(demo_path, capsys, monkeypatch):
    monkeypatch.delenv(LANG_ENV, raising=False)  # tests/conftest.py sets English
    assert main(["dashboard", "--data", str(demo_path), "--no-patrols"]) == 0
    out = capsys.readouterr().out
    assert "截至 " in out and "as of" not in out
    monkeypatch.setenv(LANG_ENV, "en")
    assert main(["dashboard", "--data", str(demo_path), "--no-patrols"]) == 0
    assert "as of " in capsys.readouterr().out


def test_the_data_page_shows_the_rows_outside_the_county(demo_copy, monkeypatch):
    from tests.test_app_data_import import ADMIN_SESSION, _all_text, _click, _page

    app_data(monkeypatch, demo_copy)
    auth.LIMITER.clear()
    sources = (  # row 3 is in China but far from the demo county
        "水源编码,水源名称,水源类型,供水人口,已划定保护区,经度,纬度\n"
        "N9001,甲水厂,河流型,1200,是,105.21,30.31\n"
        "N9002,乙水厂,河流型,800,否,112.5,28.2\n"
    )
    at = _click(_page("水源.csv", sources, "water_sources", ADMIN_SESSION), "检查(不写入)")
    assert "县外 1 行未导入，0 行在县界处截断" in _all_text(at)
    auth.LIMITER.clear()
