"""The error vocabulary: every error a user can cause has a code, params and a message in
Chinese and English from one table; no message names a command-line flag or a path; the
command line and the app say them in their user's language."""

from __future__ import annotations

import ast
import datetime as dt
import re
import string
from pathlib import Path

import pytest
from app_data import app_data
from markdown_text import plain
from streamlit.testing.v1 import AppTest

from gis import _errors
from gis._errors import AmbiguousNameError, CRSError, InputError, RiverChiefError
from gis.cli import main
from gis.i18n import error_messages, t
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
FLAG = re.compile(r"(?<![\w-])--[a-z]")
PATH = re.compile(r"(?:^|[\s(:'\"])(?:/[\w.-]+){2,}|[A-Za-z]:\\|~/")


def _called(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")


def _codes_raised() -> dict[str, str]:
    """Every code a raise in gis/ names (``code=`` of an error's constructor, a class's
    ``default_code``)."""
    found = {}
    for path in (ROOT / "gis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.Call) and _called(node).endswith(("Error", "__init__")):
                values = [k.value for k in node.keywords if k.arg == "code"]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "default_code" for t in node.targets
            ):
                values = [node.value]
            for v in values:
                for c in ast.walk(v):
                    if isinstance(c, ast.Constant) and isinstance(c.value, str):
                        found[c.value] = f"{path.relative_to(ROOT)}:{c.lineno}"
    return found


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_code_has_zh_and_en_with_the_same_params():
    table = error_messages()
    assert len(table) > 100
    for code, row in table.items():
        assert row["zh"].strip() and row["en"].strip(), code
        assert bool(row["zh_fix"]) == bool(row["en_fix"]), code
        assert _fields(row["zh"] + row["zh_fix"]) == _fields(row["en"] + row["en_fix"]), code
        if not code.startswith("kind.") and row["zh"] != "{reason}":  # generic: a literal reason
            assert re.search(r"[\u4e00-\u9fff]", row["zh"]), code  # really Chinese


def test_every_code_raised_in_gis_is_in_the_table():
    raised = _codes_raised()
    assert {"input.crs_missing", "store.locked", "name.unknown", "name.ambiguous"} <= set(raised)
    missing = {c: where for c, where in raised.items() if c not in error_messages()}
    assert not missing


def test_every_cli_flag_hint_belongs_to_a_code_of_the_table():
    from gis.cli.errors import HINTS

    assert set(HINTS) <= set(error_messages())
    assert all(FLAG.search(h) or h.startswith("riverchief ") for h in HINTS.values())


#: the one command a message may name: an administrator's only way to make a password hash
ADMIN_TOOL = "riverchief hash-password"


def test_no_template_names_a_flag_a_command_or_a_path():
    for code, row in error_messages().items():
        for col in ("zh", "en", "zh_fix", "en_fix"):
            text = row[col]
            assert not FLAG.search(text), (code, col, text)
            assert not PATH.search(text), (code, col, text)
            assert "riverchief" not in text.replace(ADMIN_TOOL, ""), (code, col, text)


def test_str_is_the_english_message_and_message_renders_both_languages():
    e = InputError(code="file.missing", file="河道.csv")
    assert str(e) == "file 河道.csv: no such file. Fix: check the path" == e.message("en")
    assert e.message("zh") == "文件 河道.csv：文件不存在。处理：检查路径"
    assert e.params == {} and (e.file, e.code) == ("河道.csv", "file.missing")
    # a literal reason keeps today's text under the class's generic code
    legacy = InputError("bad", row=3, field="x", fix="do y")
    assert str(legacy) == "row 3, field 'x': bad. Fix: do y" and legacy.code == "input.invalid"
    assert legacy.message("zh") == "第 3 行，字段“x”：bad。处理：do y"


def test_an_error_crosses_a_process_boundary_with_its_code_and_params():
    import pickle

    for e in (
        InputError(code="file.missing", file="a.csv"),
        _errors.UnknownNameError("layer", "x", ["rivers"]),
        AmbiguousNameError("chief", "王", ["C1", "C2"]),
    ):
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is type(e) and str(back) == str(e)
        assert (back.code, back.params, back.message("zh")) == (e.code, e.params, e.message("zh"))


def test_unknown_coverage_level_is_a_coded_unknown_name(demo_path):
    from gis.coverage import LEVELS, analyse

    with pytest.raises(KeyError) as err:  # still a KeyError, as before
        analyse(GeoPackageStore(demo_path), level="nation")
    e = err.value
    assert isinstance(e, RiverChiefError) and e.code == "name.unknown"
    assert e.params["name"] == "nation" and set(LEVELS) < set(e.params["valid"])
    assert e.message("zh").startswith("未知的级别“nation”；可用的名称：all、")


def test_a_reversed_patrol_period_is_refused_before_any_work():
    from gis.patrols import analyse
    from gis.patrols.report import compliance

    class Untouchable:  # any use of the store would fail: the period is checked first
        def __getattr__(self, name):
            raise AssertionError(f"the store was used ({name}) before the period was checked")

    start, end = dt.date(2026, 7, 2), dt.date(2026, 7, 1)
    with pytest.raises(InputError) as err:
        analyse(Untouchable(), start=start, end=end)
    assert err.value.code == "period.reversed"
    assert err.value.params == {"start": "2026-07-02", "end": "2026-07-01"}
    assert "--" not in str(err.value) and "2026-07-01" in err.value.message("zh")
    with pytest.raises(InputError, match="ends"):
        compliance(None, None, start=start, end=end)


def test_store_read_of_an_unknown_layer(tmp_path):
    with pytest.raises(KeyError) as err:
        GeoPackageStore(tmp_path / "s.gpkg").read("riverz")
    e = err.value
    assert (
        e.code == "name.unknown" and e.params["kind"] == "layer" and "rivers" in e.params["valid"]
    )
    assert e.message("zh").startswith("未知的图层“riverz”")


def test_store_refusals_carry_codes(tmp_path):
    from gis.store import StoreError, write_modes

    with pytest.raises(StoreError) as err:
        write_modes({"rivers": None}, "merge")
    assert err.value.code == "store.write_mode"
    assert (
        str(err.value) == "unknown write mode {'rivers': 'merge'}. Fix: use 'replace' or 'append'"
    )


def test_import_without_a_crs_names_the_file_and_a_guess(tmp_path):
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    from gis.io.importer import import_file

    shp = tmp_path / "水源.shp"
    pyogrio.write_dataframe(
        gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(105.3, 30.2)], crs=4490), shp
    )
    shp.with_suffix(".prj").unlink()
    with pytest.raises(CRSError) as err:
        import_file(shp, "water_sources", data=tmp_path / "s.gpkg")
    e = err.value
    assert e.code == "input.crs_missing" and e.file == str(shp)
    assert e.params["guess"].startswith("the numbers look like degrees")
    zh = e.message("zh")
    assert "没有坐标系" in zh and "EPSG:4490" in zh and "数值像经纬度" in zh and "--" not in zh


def test_two_chiefs_of_one_name_are_ambiguous(demo_path):
    import dataclasses

    from gis.jurisdiction import jurisdiction_of

    j = jurisdiction_of(GeoPackageStore(demo_path))
    twins = j.chiefs.copy()
    twins.loc[1, "name"] = twins.loc[0, "name"]
    with pytest.raises(AmbiguousNameError) as err:
        dataclasses.replace(j, chiefs=twins).select("chief", twins.loc[0, "name"])
    e = err.value
    assert isinstance(e, InputError) and e.code == "name.ambiguous" and e.params["count"] == 2
    assert e.params["matches"] == twins["chief_id"].head(2).tolist()
    assert e.message("zh").startswith("字段“chief”：有 2 个河长都叫")


def test_every_vocabulary_class_is_exported():
    import gis

    for name in ("RiverChiefError", "InputError", "CRSError", "StoreError", "UnknownNameError"):
        assert getattr(gis, name) is getattr(_errors, name)
    assert gis.AmbiguousNameError is AmbiguousNameError


# --- the command line -------------------------------------------------------------------


def test_cli_says_a_user_error_in_one_chinese_line_by_default(demo_path, capsys, monkeypatch):
    monkeypatch.delenv("RIVERCHIEF_LANG")
    argv = ["zones", "query", "--data", str(demo_path), "--point", "105.3;30.2"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("riverchief: 错误：“105.3;30.2”不是一个点。处理：按十进制度写 经度,纬度")
    assert err.rstrip().endswith("（命令行：--point LON,LAT）")  # the CLI's own flag hint


@pytest.mark.parametrize("how", ["option", "environment"])
def test_cli_speaks_english_on_the_switch(demo_path, capsys, monkeypatch, how):
    monkeypatch.delenv("RIVERCHIEF_LANG")
    argv = ["zones", "query", "--data", str(demo_path), "--point", "105.3;30.2"]
    if how == "option":
        argv = ["--lang", "en", *argv]
    else:
        monkeypatch.setenv("RIVERCHIEF_LANG", "en")
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "riverchief: error: '105.3;30.2' is not a point. Fix: write LON,LAT in decimal degrees, "
        "e.g. 105.35,30.21 (or X,Y in the chosen CRS) (command line: --point LON,LAT)\n"
    )


def test_cli_refuses_a_reversed_period_before_opening_the_store(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("RIVERCHIEF_LANG")
    argv = ["patrols", "report", "--data", str(tmp_path / "none.gpkg")]
    assert main([*argv, "--from", "2026-07-02", "--to", "2026-07-01"]) == 2
    err = capsys.readouterr().err
    assert "结束日期 2026-07-01 早于开始日期 2026-07-02" in err and "none.gpkg" not in err


# --- the app -----------------------------------------------------------------------------


def test_data_page_says_a_refused_upload_in_chinese_without_flags_or_server_paths():
    at = AppTest.from_file(str(ROOT / "app_pages/data.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.run()
    at.file_uploader[0].set_value(("登记表.csv", "名称,备注\n甲,乙\n".encode(), "text/csv"))
    at.run()
    next(b for b in at.button if b.label == t("check_file", "zh")).click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1, errors
    text = errors[0]
    assert text.startswith("文件 登记表.csv：没有几何，也没有经度/纬度列。处理：添加名为 经度/纬度")
    assert "--" not in text and "/tmp" not in text and "riverchief-upload" not in text


def test_any_page_says_an_unreadable_store_in_chinese(tmp_path, monkeypatch):

    broken = tmp_path / "county.gpkg"
    broken.write_text("not a GeoPackage", encoding="utf-8")
    app_data(monkeypatch, broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    text = plain(at.error[0].value)
    assert text.startswith("无法读取数据库 county.gpkg 的版本") and "处理：" in text
    assert str(tmp_path) not in text


def test_zones_page_says_a_bad_point_in_chinese_and_drops_the_old_answer(demo_path):
    at = AppTest.from_file(str(ROOT / "app_pages/zones.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.run()
    at.text_input[0].input("105.35,30.21")
    at.button[0].click().run()
    assert any("(CGCS2000)" in c.value for c in at.caption)  # the answer for that place
    at.text_input[0].input("105.35;30.21")
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    warnings = [plain(w.value) for w in at.warning]
    assert warnings == [
        "“105.35;30.21”不是一个点。处理：按十进制度写 经度,纬度，如 105.35,30.21"
        "(或按所选坐标系写 X,Y)"
    ]
    assert not any("(CGCS2000)" in c.value for c in at.caption)  # no stale answer under it
