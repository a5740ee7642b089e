"""Small results kept beside the store (gis.kept) and the home page's figures read back
through it: equal to the computation, made again when the store changes or the kept file is
damaged, only computed where nothing can be written; and the app's server launcher
(ui/server.py), which imports the pages' libraries before it serves."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest

import gis.dashboard
from gis.dashboard import county_figures, kept_figures, kept_patrol_figure
from gis.kept import cache_folder, kept_json
from gis.store import GeoPackageStore, MemoryStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def counted(monkeypatch):
    """Calls of the real figures."""
    calls = []
    real = gis.dashboard.county_figures

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(gis.dashboard, "county_figures", spy)
    return calls


def test_figures_read_back_equal_and_made_again_after_a_write(demo_copy, counted):
    store = GeoPackageStore(demo_copy)
    expected = county_figures(store, patrols=False)  # not through the spy: the reference
    first = kept_figures(store)
    again = kept_figures(GeoPackageStore(demo_copy))  # another object: a restarted app
    assert len(counted) == 1 and first == again == expected
    files = list(cache_folder(demo_copy).glob("dashboard-*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text("utf-8")) == expected.to_json()

    store.write({"chiefs": store.read("chiefs")})  # a write is a new version
    kept_figures(store)
    assert len(counted) == 2


@pytest.mark.parametrize(
    "damage", ["", "{", '{"as_of": "2026-10-01"}', '{"as_of": 1, "figures": [{"x": 1}]}', "[]"]
)
def test_a_damaged_file_is_computed_again_never_an_error(demo_copy, counted, damage):
    store = GeoPackageStore(demo_copy)
    good = kept_figures(store)
    (target,) = cache_folder(demo_copy).glob("dashboard-*.json")
    target.write_text(damage, encoding="utf-8")
    assert kept_figures(store) == good and len(counted) == 2
    assert json.loads(target.read_text("utf-8")) == good.to_json()  # and kept again


def test_where_nothing_can_be_written_it_is_only_computed(demo_copy, counted, monkeypatch):
    cache_folder(demo_copy).parent.write_text("not a folder")  # mkdir fails under it
    store = GeoPackageStore(demo_copy)
    assert kept_figures(store) == kept_figures(store) and len(counted) == 2
    memory = MemoryStore()
    assert kept_json(memory, "x", [], lambda: {"a": 1}) == {"a": 1}  # no file: computed


def test_the_key_holds_every_part(demo_copy):
    store, made = GeoPackageStore(demo_copy), []

    def make(value):
        made.append(value)
        return value

    for parts in (["a"], ["a"], ["b"], ["a", "b"]):
        kept_json(store, "thing", parts, lambda p=parts: make("/".join(p)))
    assert made == ["a", "b", "a/b"]
    assert kept_json(store, "other", ["a"], lambda: make("other")) == "other"  # kinds apart


def test_old_files_are_pruned(demo_copy):
    store = GeoPackageStore(demo_copy)
    for i in range(12):
        kept_json(store, "thing", [str(i)], lambda i=i: i)
    from gis.kept import KEEP

    assert len(list(cache_folder(demo_copy).glob("thing-*.json"))) == KEEP + 1


def test_the_patrol_figure_is_read_back_without_the_patrols(demo_copy):
    import datetime as dt

    store, asked = GeoPackageStore(demo_copy), []
    day = dt.date(2026, 10, 1)

    def never():
        asked.append(1)
        raise AssertionError("the judged patrols were read although the figure is kept")

    from gis.dashboard import _missing_patrols

    figure = _missing_patrols("no_patrols", "no patrols imported")
    kept_json(store, "patrol_figure", ["k", day.isoformat()], lambda: asdict(figure))
    assert kept_patrol_figure(store, day=day, key="k", assessed=never) == figure and not asked


# --- the server launcher --------------------------------------------------------------------


def test_the_launcher_preloads_what_the_pages_import_but_the_component():
    sys.path.insert(0, str(ROOT))
    try:
        from ui.server import LEFT_TO_THE_PAGE, page_imports, preload
    finally:
        sys.path.remove(str(ROOT))
    names = page_imports()
    for expected in ("geopandas", "folium", "gis.dashboard", "gis.maps", "gis.patrols.persist"):
        assert expected in names
    # streamlit-folium registers its front end only when imported inside a page's run
    assert not [n for n in names if n.split(".")[0] in LEFT_TO_THE_PAGE]
    assert preload(["json", "no_such_module_here"]) == ["no_such_module_here"]  # never fatal


def test_the_village_reaches_are_kept_equal_to_the_segmentation(demo_copy, monkeypatch):
    from geopandas.testing import assert_geodataframe_equal

    import gis.patrols.network as network
    from gis.reaches import segment

    store = GeoPackageStore(demo_copy)
    first = network.network_from_store(store)
    assert len(list(cache_folder(demo_copy).glob("village_reaches-*.parquet"))) == 1

    def refuse(*a, **k):
        raise AssertionError("segmented again")

    monkeypatch.setattr(network, "segment", refuse)
    again = network.network_from_store(store)  # read back, not segmented
    reference = segment(store.read("rivers"), store.read("admin_units"), level="village")[0]
    assert_geodataframe_equal(again.reaches, reference.reset_index(drop=True))
    assert again.reaches.crs == first.reaches.crs and again.reaches.crs.to_epsg() == 4544
    pd.testing.assert_frame_equal(again.assigned, first.assigned)


def test_an_import_keeps_what_the_first_pages_read(demo_copy, tmp_path, capsys):
    from gis.cli import main

    csv = tmp_path / "chiefs.csv"
    csv.write_text(
        "chief_id,name,level,post,phone,admin_code\n512099C9001,测试,county,副县长,,512099\n",
        encoding="utf-8",
    )
    store = GeoPackageStore(demo_copy)
    folder = cache_folder(demo_copy)
    argv = ["import", str(csv), "--layer", "chiefs", "--data", str(demo_copy)]
    assert main([*argv, "--dry-run"]) == 0
    assert not folder.exists()  # nothing written, nothing computed
    assert main(argv) == 0
    assert "computing what the app's pages read first" in capsys.readouterr().err
    kept = sorted(p.name.split("-")[0] for p in folder.iterdir())
    assert kept == ["dashboard", "village_reaches"]
    # what the app then asks for is read, not computed: the same keys
    before = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    kept_figures(store)
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_results_that_cannot_be_computed_yet_are_said_not_raised(tmp_path, demo_path):
    from gis.warm import keep_results

    store = GeoPackageStore(tmp_path / "new.gpkg")
    store.write({"rivers": GeoPackageStore(demo_path).read("rivers")})  # no admin units yet
    failed = keep_results(store)  # the figures can be made; the reaches need the villages
    assert [line.split(": ")[0] for line in failed] == ["village_reaches"]
    assert failed[0].startswith("village_reaches: ValueError: ")  # the result, the error


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_kept_files_are_readable_as_any_file_this_user_makes(demo_copy):
    store = GeoPackageStore(demo_copy)
    kept_json(store, "thing", [], lambda: 1)
    (f,) = cache_folder(demo_copy).glob("thing-*.json")
    umask = os.umask(0o022)
    os.umask(umask)
    assert f.stat().st_mode & 0o777 == 0o666 & ~umask  # another user's app reads it
