"""The Data page is the command line's import: column mapping pre-filled by the header
recognition, defaults, a dry run in Chinese, a staff-only write; every reason in the user's
language with this page's hint, never a command-line flag or a server path."""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
from app_data import app_data
from markdown_text import plain
from streamlit.testing.v1 import AppTest

from gis import auth
from gis.auth import ADMIN, STAFF, Session
from gis.catalogue import LEVELS
from gis.i18n import error_messages, t
from gis.io.importer import import_file
from gis.io.reasons import Reason, rejects_in
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
FLAG = re.compile(r"(?<![\w-])--[a-z]")
KEEP, DROP = "\x00keep", "\x00drop"
STAFF_OF_DEMO = Session("wang", STAFF, frozenset(["512099"]))
ADMIN_SESSION = Session("boss", ADMIN)

REGISTER = (
    "河长编号,姓名,级别,职务,乡镇,备注\n"
    "C9001,王平,镇乡级,镇长,花阳乡,甲\n"
    "C9002,李华,镇乡级,镇长,无此乡,乙\n"
)
SOURCES = (  # row 2 has lat/lon the wrong way round; row 3's id is in the demo store
    "水源编码,水源名称,水源类型,供水人口,已划定保护区,经度,纬度\n"
    "N9001,甲水厂,河流型,1200,是,30.31,105.21\n"
    "512099S001,乙水厂,河流型,1500,否,105.31,30.31\n"
    "N9003,丙水厂,河流型,800,否,105.32,30.32\n"
)


@pytest.fixture()
def store(demo_copy, monkeypatch):
    """The app serving a private copy of the demo store."""

    app_data(monkeypatch, demo_copy)
    auth.LIMITER.clear()
    yield demo_copy
    auth.LIMITER.clear()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _page(name: str, text: str, layer: str, session: Session | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages/data.py"), default_timeout=300)
    at.session_state["lang"] = "zh"
    if session is not None:
        at.session_state["auth"] = session
    at.run()
    at.file_uploader[0].set_value((name, text.encode("utf-8"), "text/csv"))
    at.selectbox[0].set_value(layer)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _mapping(at: AppTest) -> dict[str, str]:
    """Source column -> the field its select shows (selects after layer, mode, encoding
    and, for a layer with geometry, the CRS)."""
    return {plain(s.label): s.value for s in at.selectbox if s.key and s.key.startswith("map-")}


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _all_text(at: AppTest) -> list[str]:
    """Every text the page shows: markdown, captions, alerts, labels and table cells."""
    out = [
        plain(str(e.value))
        for kind in ("markdown", "caption", "error", "warning", "info", "success")
        for e in at.get(kind)
    ]
    out += [plain(s.label) for s in at.selectbox] + [plain(i.label) for i in at.text_input]
    for table in at.table:
        out += [plain(str(v)) for v in table.value.to_numpy().ravel()]
    return out


def test_the_mapping_is_prefilled_by_the_header_recognition(store):
    at = _page("河长名录.csv", REGISTER, "chiefs")
    assert _mapping(at) == {
        "河长编号": "chief_id",
        "姓名": "name",
        "级别": "level",
        "职务": "post",
        "乡镇": "township_name",
        "备注": KEEP,  # not a catalogue header: kept under its own name, as the CLI does
    }
    assert not at.text_input  # every required field has a column: no default asked for


def test_a_default_gives_a_required_field_the_file_lacks(store):
    text = "河长编号,姓名,级别,乡镇\nC9001,王平,镇乡级,花阳乡\n"
    at = _page("河长名录.csv", text, "chiefs")
    assert [plain(i.label) for i in at.text_input] == ["职务 (post) 的默认值"]
    _click(at, "检查(不写入)")
    assert plain(at.error[0].value).startswith("文件 河长名录.csv：图层“chiefs”缺少必填字段 post")
    at.text_input[0].input("村级河长")
    _click(at, "检查(不写入)")
    assert not at.error and [m.value for m in at.metric] == ["1", "1", "0", "0"]


def test_a_code_list_default_is_chosen_from_the_codes(store):
    text = "河长编号,姓名,职务,乡镇\nC9001,王平,村主任,花阳乡\n"
    at = _page("河长名录.csv", text, "chiefs")
    level = next(s for s in at.selectbox if s.key == "default-chiefs-level")
    assert level.options[1:] == [f"{zh} ({en})" for zh, en in LEVELS.values()]
    level.set_value("township")
    _click(at, "检查(不写入)")
    assert [m.value for m in at.metric] == ["1", "1", "0", "0"]


def test_a_column_mapped_by_hand_and_one_left_out(store):
    text = "编号,河长,级别,职务,乡镇,备注\nC9001,王平,镇乡级,镇长,花阳乡,甲\n"
    at = _page("河长名录.csv", text, "chiefs")
    assert _mapping(at)["编号"] == KEEP and _mapping(at)["河长"] == KEEP
    selects = {plain(s.label): s for s in at.selectbox if s.key and s.key.startswith("map-")}
    selects["编号"].set_value("chief_id")
    selects["河长"].set_value("name")
    selects["备注"].set_value(DROP)
    at.run()
    _click(at, "检查(不写入)")
    assert [m.value for m in at.metric] == ["1", "1", "0", "0"]
    captions = [plain(c.value) for c in at.caption]
    assert "按列对应关系未导入的列：备注" in captions
    assert "列对应：编号→chief_id、河长→name、级别→level、职务→post、乡镇→township_name" in captions


def test_the_dry_run_reports_in_chinese_and_writes_nothing(store):
    before = _sha(store)
    at = _click(_page("河长名录.csv", REGISTER, "chiefs", STAFF_OF_DEMO), "检查(不写入)")
    assert [m.value for m in at.metric] == ["2", "1", "1", "0"]
    assert _sha(store) == before
    table = at.table[0].value
    assert list(table.columns) == ["行", "字段", "原因", "处理办法", "处理"]
    assert [plain(str(v)) for v in table.iloc[0]] == [
        "3",
        "所辖区划 (admin_code)",
        "数据库中没有名为“无此乡”的镇乡",
        "检查拼写，填写行政区划代码，或先导入镇乡",
        "拒收",
    ]
    assert "试运行：未写入任何内容" in [plain(c.value) for c in at.caption]
    assert at.info[0].value == "数据库未改动。"


def test_staff_write_adds_the_accepted_rows_and_logs_them(store):
    n = len(GeoPackageStore(store).read("chiefs"))
    at = _click(_page("河长名录.csv", REGISTER, "chiefs", STAFF_OF_DEMO), "导入")
    assert at.success[0].value == "已写入县级数据库。"
    chiefs = GeoPackageStore(store).read("chiefs")
    assert len(chiefs) == n + 1 and chiefs["chief_id"].iloc[-1] == "C9001"
    log = GeoPackageStore(store).read("audit_log")
    assert log[["who", "action", "target", "rows", "detail"]].values.tolist()[-1] == [
        "wang",
        "import",
        "chiefs",
        1,
        "河长名录.csv",
    ]


def test_the_shipped_demo_is_never_written_from_the_page(demo_path, monkeypatch):
    """Why: the app served the demo by default and its Data page wrote into it."""

    app_data(monkeypatch, demo_path)
    auth.LIMITER.clear()
    before = _sha(demo_path)
    at = _click(_page("河长名录.csv", REGISTER, "chiefs", STAFF_OF_DEMO), "导入")
    assert [plain(e.value) for e in at.error] == [plain(t("demo_read_only", "zh"))]
    assert not at.success and _sha(demo_path) == before
    at = _click(_page("河长名录.csv", REGISTER, "chiefs", STAFF_OF_DEMO), "检查(不写入)")
    assert not at.error and _sha(demo_path) == before  # a dry run still checks the file


@pytest.fixture()
def no_disabled_enforcement(monkeypatch):
    """Streamlit as before 1.6x: a trigger for a disabled button reaches the script."""
    from streamlit.elements.widgets import button

    original = button.register_widget

    def register(*args, **kwargs):
        if "disabled" in kwargs:
            kwargs["disabled"] = False
        return original(*args, **kwargs)

    monkeypatch.setattr(button, "register_widget", register)


@pytest.mark.parametrize("session", [None, Session("li", STAFF, frozenset(["510101"]))])
def test_no_write_without_the_countys_staff_even_when_the_handler_is_forced(
    store, no_disabled_enforcement, session
):
    before = _sha(store)
    at = _page("河长名录.csv", REGISTER, "chiefs", session)
    button = next(b for b in at.button if b.label == "导入")
    assert button.disabled  # the browser shows it disabled ...
    button._value = True  # ... and a forged message says it was clicked
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert _sha(store) == before  # not a byte, not even an audit row
    assert not at.metric and at.error[0].value.endswith("未写入任何数据。")


def test_reasons_are_chinese_with_the_pages_own_hints(store):
    at = _click(_page("水源.csv", SOURCES, "water_sources", ADMIN_SESSION), "检查(不写入)")
    assert [m.value for m in at.metric] == ["3", "1", "2", "0"]
    rows = [[plain(str(v)) for v in r] for r in at.table[0].value.to_numpy().tolist()]
    assert rows == [
        [
            "2",
            "几何(geometry)",
            "经度和纬度看起来互换了(30.3100, 105.2100)",
            "在源数据中互换，或说明文件中纬度在前；勾选“文件中经纬度互换(纬度在前)”",
            "拒收",
        ],
        [
            "3",
            "水源编码 (source_code)",
            "编号“512099S001”已在数据库中",
            "改为替换整层，或使用新的编号；方式选“替换整层”",
            "拒收",
        ],
    ]
    shown = _all_text(at)
    assert not [s for s in shown if FLAG.search(s)]
    assert not [s for s in shown if "/tmp" in s or "riverchief-upload" in s]


def test_a_refused_file_names_the_upload_not_the_servers_copy(store):
    at = _click(_page("水源.csv", "名称,备注\n甲,乙\n", "water_sources"), "检查(不写入)")
    text = plain(at.error[0].value)
    assert text.startswith("文件 水源.csv：没有几何，也没有经度/纬度列")
    assert not FLAG.search(text) and "/tmp" not in text and "riverchief-" not in text


def test_names_from_the_file_are_escaped(store):
    text = "[点我](http://evil.example),**粗**\nx,y\n"
    at = _page("x.csv", text, "signboards")
    labels = [s.label for s in at.selectbox if s.key and s.key.startswith("map-")]
    assert [plain(x) for x in labels] == ["[点我](http://evil.example)", "**粗**"]
    assert all("\\" in x for x in labels)  # escaped Markdown: no link, no bold


def test_the_apps_rejects_file_has_chinese_headers_and_reasons(tmp_path, demo_path):
    src = tmp_path / "水源.csv"
    src.write_text(SOURCES, encoding="utf-8")
    rejects = tmp_path / "r.csv"
    rep = import_file(src, "water_sources", data=demo_path, dry_run=True, rejects=rejects)
    from ui.import_report import rejects_csv

    out = rejects_csv(rejects.read_text(encoding="utf-8-sig"), rep, "zh").decode("utf-8")
    table = pd.read_csv(__import__("io").StringIO(out.lstrip("\ufeff")), dtype=str)
    assert list(table.columns[:5]) == ["行", "字段", "原因", "处理办法", "水源编码"]
    assert table["原因"].tolist() == [
        "经度和纬度看起来互换了(30.3100, 105.2100)",
        "编号“512099S001”已在数据库中",
    ]
    assert table["水源编码"].tolist() == ["N9001", "512099S001"]  # the rows as read
    assert not FLAG.search(out)
    en = rejects_in("en", rejects.read_text(encoding="utf-8-sig"), rep.rejected, {})
    assert en.lstrip("\ufeff") == rejects.read_text(encoding="utf-8-sig")  # English: as written


# --- the reason codes ------------------------------------------------------------------

#: codes built at run time (f-strings and joins in gis/io), spelled out
_BUILT = {
    "row.not_number",
    "row.not_number_int",
    "row.not_finite",
    "row.not_finite_int",
    "row.coord_empty",
    "row.coord_not_angle",
    "row.coord_minutes",
    "row.coord_not_finite",
    "row.coord_lon",
    "row.coord_lat",
    "row.off_globe_not_finite",
    "row.off_globe_lon",
    "row.off_globe_lat",
    "row.level_code_shape",
    "row.level_code_shape_is",
    "note.encoding_given",
    "note.encoding_detected",
    "note.salvaging",
    "note.salvaging_encoding",
    "note.lonlat_in",
    "note.lonlat_default",
}


def _reason_codes() -> set[str]:
    """Every code a ``Reason(...)`` under gis/ names as a literal."""
    found = set()
    for path in (ROOT / "gis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Reason":
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def test_every_reject_reason_and_note_code_has_zh_and_en():
    table = error_messages()
    codes = _reason_codes() | _BUILT
    assert len(codes) > 50
    missing = sorted(c for c in codes if c not in table)
    assert not missing
    for code in codes:
        row = table[code]
        assert row["zh"].strip() and row["en"].strip(), code
        assert re.search(r"[\u4e00-\u9fff]", row["zh"]), code
        assert not FLAG.search(row["zh"] + row["en"] + row["zh_fix"] + row["en_fix"]), code


def test_each_faces_hints_name_codes_of_the_table():
    from gis.cli.errors import ROW_HINTS
    from ui.import_report import HINTS

    table = error_messages()
    assert set(ROW_HINTS) <= set(table) and set(HINTS) <= set(table)
    assert all(FLAG.search(h) for h in ROW_HINTS.values())
    assert "row.swapped" in ROW_HINTS and "row.swapped" in HINTS


def test_a_problem_keeps_its_english_and_says_itself_in_chinese(tmp_path, demo_path):
    src = tmp_path / "水源.csv"
    src.write_text(SOURCES, encoding="utf-8")
    rep = import_file(
        src, "water_sources", data=demo_path, dry_run=True, rejects=tmp_path / "r.csv"
    )
    swapped, exists = rep.rejected
    assert (swapped.code, swapped.params) == ("row.swapped", {"x": 30.31, "y": 105.21})
    assert swapped.reason == "longitude and latitude look swapped (30.3100, 105.2100)"
    assert swapped.message("zh") == (
        "经度和纬度看起来互换了(30.3100, 105.2100)",
        "在源数据中互换，或说明文件中纬度在前",
    )
    assert (exists.code, exists.params) == ("row.id_exists", {"id": "512099S001"})
    assert rep.to_json()["rejected"][1]["code"] == "row.id_exists"
    # the command line adds its own flags after the library's words
    from gis.cli.errors import ROW_HINTS

    text = rep.format(ROW_HINTS)
    assert "say that the file has latitude first (command line: --swap-xy)" in text
    assert "or give new ids (command line: --mode replace)" in text
    assert not FLAG.search(rep.format())


def test_a_reason_crosses_a_process_boundary_with_its_code():
    import pickle

    r = Reason("row.id_duplicate", {"id": "N1"})
    back = pickle.loads(pickle.dumps(r))
    assert isinstance(back, Reason) and (back, back.code, back.params, back.fix) == (
        r,
        r.code,
        r.params,
        r.fix,
    )


def test_field_map_drops_a_column_and_refuses_two_columns_for_one_field(tmp_path):
    from gis._errors import InputError

    src = tmp_path / "c.csv"
    src.write_text(
        "河长编号,姓名,级别,职务,乡镇,备注,另一姓名\nC1,王,镇乡级,镇长,花阳乡,x,李\n",
        encoding="utf-8",
    )
    from gis import datasets

    rep = import_file(
        src,
        "chiefs",
        data=datasets.get_path("demo"),
        dry_run=True,
        field_map={"备注": "", "另一姓名": ""},
        rejects=tmp_path / "r.csv",
    )
    assert (
        rep.accepted == 1 and "columns not imported (column mapping): 备注, 另一姓名" in rep.notes
    )
    with pytest.raises(InputError) as err:
        import_file(
            src,
            "chiefs",
            data=datasets.get_path("demo"),
            dry_run=True,
            field_map={"姓名": "name", "另一姓名": "name"},
        )
    assert err.value.code == "import.field_map_twice"
    assert err.value.message("zh").startswith("列对应关系把多列对应到同一字段 name：姓名、另一姓名")


def test_what_a_damaged_file_lost_is_said_in_chinese(tmp_path):
    import struct

    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    from gis.io.reasons import say

    g = gpd.GeoDataFrame(
        {
            "source_code": [f"S{i}" for i in range(10)],
            "name": ["甲"] * 10,
            "source_type": ["river"] * 10,
            "population_served": [1] * 10,
            "has_official_zone": [True] * 10,
        },
        geometry=[Point(105.3 + i / 1000, 30.3) for i in range(10)],
        crs=4490,
    )
    shp = tmp_path / "cut.shp"
    pyogrio.write_dataframe(g, shp)
    dbf = shp.with_suffix(".dbf")
    data = dbf.read_bytes()
    _, header_len, record_len = struct.unpack("<IHH", data[4:12])
    dbf.write_bytes(data[: header_len + 4 * record_len])  # 4 whole records of 10
    rep = import_file(shp, "water_sources", data=tmp_path / "s.gpkg", dry_run=True)
    assert rep.lost.code == "lost.dbf_short"
    assert say(rep.lost, "zh") == (
        ".dbf 文件头标明 10 条记录，文件中完整的有 4 条，读取了 4 条：缺少 6 条记录"
    )


def test_the_command_line_leaves_a_column_out_and_adds_its_flags(tmp_path, demo_copy, capsys):
    from gis.cli import main

    src = tmp_path / "水源.csv"
    src.write_text(SOURCES.replace("水源名称", "名称"), encoding="utf-8")
    argv = ["import", str(src), "--layer", "water_sources", "--data", str(demo_copy)]
    argv += ["--field-map", "名称=name", "供水人口=", "--dry-run"]
    assert main(argv) == 2  # 供水人口 is required: left out, the file is refused
    assert "population_served" in capsys.readouterr().err
    argv[-2:] = ["--dry-run", "--rejects", str(tmp_path / "r.csv")]  # 供水人口 mapped again
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "say that the file has latitude first (command line: --swap-xy)" in out
    assert "or give new ids (command line: --mode replace)" in out


def test_the_page_in_english_says_the_reasons_in_english(store):
    at = AppTest.from_file(str(ROOT / "app_pages/data.py"), default_timeout=300)
    at.session_state["lang"] = "en"
    at.run()
    at.file_uploader[0].set_value(("sources.csv", SOURCES.encode("utf-8"), "text/csv"))
    at.selectbox[0].set_value("water_sources")
    at.run()
    assert _mapping(at)["水源编码"] == "source_code"
    _click(at, "Check (write nothing)")
    table = at.table[0].value
    assert list(table.columns) == ["Row", "Field", "Reason", "Fix", "Action"]
    assert plain(table.iloc[0, 2]) == "longitude and latitude look swapped (30.3100, 105.2100)"
    assert plain(table.iloc[0, 3]) == (
        "swap them in the source, or say that the file has latitude first; "
        "tick “The file has latitude first”"
    )


def test_a_file_with_several_layers_offers_them(store, tmp_path):
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    path = tmp_path / "two.gpkg"
    g = gpd.GeoDataFrame(
        {
            "source_code": ["N9001"],
            "name": ["甲水厂"],
            "source_type": ["river"],
            "population_served": [10],
            "has_official_zone": [True],
        },
        geometry=[Point(105.3, 30.3)],
        crs=4490,
    )
    pyogrio.write_dataframe(g, path, layer="水源")
    pyogrio.write_dataframe(g.iloc[:0], path, layer="empty", append=False)
    at = AppTest.from_file(str(ROOT / "app_pages/data.py"), default_timeout=300)
    at.session_state["lang"] = "zh"
    at.run()
    at.file_uploader[0].set_value(("two.gpkg", path.read_bytes(), "application/octet-stream"))
    at.selectbox[0].set_value("water_sources")
    at.run()
    assert not at.error  # no refusal: a choice
    pick = next(s for s in at.selectbox if s.label == "文件中的图层")
    assert pick.options == ["empty", "水源"] or pick.options == ["水源", "empty"]
    pick.set_value("水源")
    at.run()
    _click(at, "检查(不写入)")
    assert [m.value for m in at.metric] == ["1", "1", "0", "0"]
