"""Clean and partial counties (issue 14 item 7): every command runs on a store with only a
boundary, without village or township polygons, and on a clean county, and says plainly
what it could not check. Stores: tests/partial_stores.py via the ``partial_store`` fixture."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from app_data import app_data
from streamlit.testing.v1 import AppTest

from gis.cli import main
from gis.coverage import analyse
from gis.io.findings import NONE_FOUND, as_download, write_findings
from gis.jurisdiction import jurisdiction_of
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
RIVER = "512099R001"  # the demo's longest river (黄沟江)
DEMO_POINT = "105.3,30.3"
CLEAN_POINT = "105.0,30.72"

#: Each command with the exit code on each store (0 done, 1 nothing found, 2 a refusal
#: with its fix), in the order boundary_only, no_villages, no_townships, clean.
COMMANDS = [
    (["summary", "--json"], (0, 0, 0, 0)),
    (["gaps", "--json", "--out", "{out}/g.xlsx"], (0, 0, 0, 0)),
    (["zones", "delineate", "--missing"], (2, 0, 0, 2)),  # no water sources: said, with the fix
    (["zones", "query", "--point", "{point}"], (0, 0, 0, 0)),
    (["quarries", "--out", "{out}/q.xlsx"], (0, 0, 0, 0)),
    (["jurisdiction", "--river", "{river}"], (2, 0, 0, 0)),  # boundary only: no river to name
    (["jurisdiction", "--township", "{township}"], (2, 0, 2, 0)),  # no township polygons
    (["search", "河"], (1, 0, 0, 0)),
    (["export", "{out}/e.xlsx"], (0, 0, 0, 0)),
    (["patrols", "report", "--from", "2026-07-01", "--to", "2026-09-30"], (2, 2, 2, 2)),
]
KINDS = ("boundary_only", "no_villages", "no_townships", "clean")


def _run(argv, capsys) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command,codes", COMMANDS, ids=[" ".join(c[:2]) for c, _ in COMMANDS])
def test_every_command_on_every_partial_store(
    partial_store, tmp_path, capsys, kind, command, codes
):
    clean = kind == "clean"
    values = {
        "out": tmp_path,
        "point": CLEAN_POINT if clean else DEMO_POINT,
        "river": "512098R001" if clean else RIVER,
        "township": "512098100" if clean else "512099200",
    }
    argv = [a.format(**values) for a in command] + ["--data", partial_store(kind)]
    rc, out, err = _run(argv, capsys)
    assert rc == codes[KINDS.index(kind)], err
    assert "Traceback" not in err + out
    if rc == 2:  # a refusal ends in one line naming the reason and the fix
        last = err.strip().splitlines()[-1]
        assert last.startswith("riverchief: error: ") and "Fix: " in last, err


def test_the_fixtures_are_what_they_say(partial_store):
    levels = {
        kind: set(GeoPackageStore(partial_store(kind)).read("admin_units")["level"])
        for kind in KINDS
    }
    assert levels == {
        "boundary_only": {"county"},
        "no_villages": {"county", "township"},
        "no_townships": {"county", "village"},
        "clean": {"county", "township", "village"},
    }
    assert GeoPackageStore(partial_store("boundary_only")).read("rivers").empty


# --- the clean county: every findings table empty, every download written ---------------


def test_clean_county_has_no_finding_and_nothing_unchecked(partial_store):
    cov = analyse(GeoPackageStore(partial_store("clean")))
    tables = cov.tables()
    assert {k: len(v) for k, v in tables.items() if k != "by_township"} == dict.fromkeys(
        [k for k in tables if k != "by_township"], 0
    )
    assert cov.unassigned_length_m_by_level() == {"county": 0.0, "township": 0.0, "village": 0.0}
    assert len(cov.reaches) > 0  # checked, not skipped


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".gpkg"])
def test_gaps_downloads_of_a_clean_county(partial_store, tmp_path, capsys, suffix):
    out = tmp_path / f"g{suffix}"
    rc, _, err = _run(["gaps", "--data", partial_store("clean"), "--out", out], capsys)
    assert rc == 0, err
    names = list(analyse(GeoPackageStore(partial_store("clean"))).tables())
    if suffix == ".xlsx":
        sheets = pd.read_excel(out, sheet_name=None)
        assert list(sheets) == names
        assert sheets["unassigned"]["reach_id"].tolist() == [NONE_FOUND]  # headers and the note
        assert sheets["by_township"]["township_code"].tolist() == [512098100]
    elif suffix == ".csv":
        assert pd.read_csv(tmp_path / "g.unassigned.csv").empty
        assert "reach_id" in pd.read_csv(tmp_path / "g.unassigned.csv").columns
    else:
        import pyogrio

        assert [n for n, _ in pyogrio.list_layers(out)] == names
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".gpkg"])
def test_the_apps_download_of_a_clean_county_is_a_file(partial_store, suffix):
    """The gaps page's buttons: bytes of a whole file (the XLSX one did nothing before)."""
    import io
    import zipfile

    tables = analyse(GeoPackageStore(partial_store("clean"))).tables()
    data = as_download(lambda out: write_findings(tables, out), f"gaps{suffix}")
    if suffix == ".xlsx":
        assert list(pd.read_excel(io.BytesIO(data), sheet_name=None)) == list(tables)
    elif suffix == ".csv":
        assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == len(tables)
    else:
        assert data[:16] == b"SQLite format 3\x00"


def test_a_failed_workbook_leaves_the_old_file_whole(tmp_path, monkeypatch):
    out = tmp_path / "g.xlsx"
    write_findings({"a": pd.DataFrame({"x": [1]})}, out)
    before = out.read_bytes()
    to_excel = pd.DataFrame.to_excel

    def fails_on_b(self, writer, *, sheet_name, **kw):
        if sheet_name == "b":
            raise OSError("disk full")
        return to_excel(self, writer, sheet_name=sheet_name, **kw)

    monkeypatch.setattr(pd.DataFrame, "to_excel", fails_on_b)
    with pytest.raises(OSError, match="disk full"):
        write_findings({"a": pd.DataFrame({"x": [2]}), "b": pd.DataFrame({"y": [1]})}, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.xlsx"]


# --- levels without polygons: said, never a zero that reads as full coverage -------------


def test_gaps_says_which_levels_were_not_checked(partial_store, capsys):
    rc, out, _ = _run(["gaps", "--data", partial_store("no_townships"), "--json"], capsys)
    assert rc == 0
    rows = json.loads(out)["not_checked"]
    assert [r["level"] for r in rows] == ["township"]
    assert rows[0]["reason"] == "not checked: no township polygons in the county store"
    rc, out, _ = _run(["gaps", "--data", partial_store("boundary_only")], capsys)
    assert "township not checked, village not checked" in out
    assert "village: not checked: no village polygons" in out


def test_jurisdiction_without_village_polygons_cuts_by_township(partial_store, capsys):
    store = GeoPackageStore(partial_store("no_villages"))
    j = jurisdiction_of(store)
    assert j.cut_level == "township"
    mask = j.select("river", RIVER)
    # every metre of the river inside the county is in some reach (measured independently)
    county = store.read("admin_units").query("level == 'county'")
    river = store.read("rivers").query("river_code == @RIVER")
    crs = j.reaches.crs
    inside = river.to_crs(crs).intersection(county.to_crs(crs).union_all()).length.sum()
    assert j.reaches.loc[mask, "length_m"].sum() == pytest.approx(inside, rel=1e-3)
    assert set(j.reaches.loc[mask, "township_code"].dropna()) <= set(
        store.read("admin_units").query("level == 'township'")["admin_code"]
    )
    rid = j.reaches.loc[mask, "reach_id"].iloc[0]
    card = j.card(rid)
    assert card["village"] is None and card["township"]  # no township name shown as a village
    rc, out, _ = _run(["jurisdiction", "--data", store.path, "--reach", rid], capsys)
    assert rc == 0 and card["township"] in out and "None" not in out
    rc, out, err = _run(["jurisdiction", "--data", store.path, "--river", RIVER], capsys)
    assert rc == 0 and "no village polygons: reaches are cut by township" in err
    rc, _, err = _run(["jurisdiction", "--data", store.path, "--village", "富庄村"], capsys)
    assert rc == 2 and "no village polygons" in err


def test_jurisdiction_of_a_boundary_only_county_is_empty_not_a_crash(partial_store):
    j = jurisdiction_of(GeoPackageStore(partial_store("boundary_only")))
    assert j.cut_level == "county" and j.reaches.empty and j.links.empty
    assert j.nearest(105.3, 30.3) is None


def test_summary_refuses_a_geopackage_that_is_no_county_store(tmp_path, capsys):
    plain = tmp_path / "rivers.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=gpd.points_from_xy([105.3], [30.3]), crs=4490).to_file(
        plain, layer="x"
    )
    rc, out, err = _run(["summary", "--data", plain], capsys)
    assert rc == 2 and out == ""
    assert "not a county store" in err and "Fix: " in err
    rc, _, err = _run(["summary", "--data", tmp_path], capsys)  # a folder
    assert rc == 2 and "not a county store" in err


# --- the app's pages on the same stores ---------------------------------------------------


def _page(page: str, store: Path, monkeypatch) -> AppTest:

    app_data(monkeypatch, store)
    at = AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=180)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("kind", ["boundary_only", "no_villages"])
def test_jurisdiction_page_says_how_reaches_are_cut(partial_store, monkeypatch, kind):
    at = _page("jurisdiction.py", partial_store(kind), monkeypatch)
    shown = " ".join(i.value for i in at.info)
    assert ("按镇乡界划分" if kind == "no_villages" else "按县界划分") in shown


def test_gaps_page_shows_not_checked_not_zero(partial_store, monkeypatch):
    at = _page("gaps.py", partial_store("no_villages"), monkeypatch)
    assert [m.value for m in at.metric][3] == "未核查"
    assert any("村级" in w.value and "未核查" in w.value for w in at.warning)


def test_rivers_without_any_boundary_are_not_checked_not_a_crash(demo_path):
    """Rivers imported before the county's boundaries: nothing can be cut, and gaps says so."""
    from gis.store import MemoryStore

    demo = GeoPackageStore(demo_path)
    store = MemoryStore({n: demo.read(n) for n in ("rivers", "chiefs", "assignments")})
    cov = analyse(store)
    assert cov.reaches.empty and cov.unassigned.empty
    assert cov.not_checked["level"].tolist() == ["county", "township", "village"]
    j = jurisdiction_of(store)
    assert j.cut_level is None and j.reaches.empty
