"""ui.map_cache: a base map rendered once per key, its script published as a file named by
its content (inline where the folder cannot be written)."""

from __future__ import annotations

import os
import re

import folium

from ui import map_cache


def _build(calls):
    def build():
        calls.append(1)
        m = folium.Map(location=[30.3, 105.2], zoom_start=10, tiles=None)
        folium.CircleMarker([30.3, 105.2], radius=4).add_to(m)
        return m, None

    return build


def test_a_kept_map_is_built_once_and_its_script_served_as_a_file(tmp_path):
    calls: list[int] = []
    key = ("test", str(tmp_path))
    r = map_cache.rendered(key, _build(calls), publish=(tmp_path, "/app/static/cache"))
    again = map_cache.rendered(key, _build(calls), publish=(tmp_path, "/app/static/cache"))
    assert again is r and len(calls) == 1
    (published,) = tmp_path.glob("map-*.js")
    assert r.js_links[-1] == f"/app/static/cache/{published.name}"
    assert "L.map(" in published.read_text() and "map_div" in published.read_text()
    assert r.script.strip() == f"/* {published.name} */"  # the inline part names its file


def test_an_unwritable_folder_leaves_the_script_inline(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the folder should be: nothing can be written
    r = map_cache.rendered(("t2", str(tmp_path)), _build([]), publish=(blocked / "x", "/u"))
    assert "L.map(" in r.script and not any(link.startswith("/u/") for link in r.js_links)


def test_a_map_without_key_is_rendered_every_time(tmp_path):
    calls: list[int] = []
    map_cache.rendered(None, _build(calls))
    map_cache.rendered(None, _build(calls))
    assert len(calls) == 2


def test_old_scripts_go_but_never_one_a_kept_map_sends(tmp_path, monkeypatch):
    monkeypatch.setattr(map_cache, "MAX_FILES", 1)
    stale = tmp_path / "map-old.js"
    stale.write_text("var x;")
    os.utime(stale, (0, 0))  # the oldest
    kept = [
        map_cache.rendered(("prune", i, str(tmp_path)), _build([]), publish=(tmp_path, "/u"))
        for i in range(2)
    ]
    assert not stale.exists()
    assert all(r.file is not None and r.file.exists() for r in kept)


def test_a_published_map_is_kept_for_the_next_server(tmp_path, monkeypatch):
    calls: list[int] = []
    pub, keep = tmp_path / "pub", tmp_path / "keep"
    key = ("kept", str(tmp_path))
    first = map_cache.rendered(key, _build(calls), publish=(pub, "/u"), keep=keep)
    monkeypatch.setattr(map_cache, "_MAPS", map_cache.OrderedDict())  # a new server
    again = map_cache.rendered(key, _build(calls), publish=(pub, "/u"), keep=keep)
    assert len(calls) == 1 and again is not first
    assert (again.script, again.html, again.header, again.js_links, again.map_id) == (
        first.script,
        first.html,
        first.header,
        first.js_links,
        first.map_id,
    )

    # what changes is drawn into the kept map as into the built one (random ids aside)
    def drawn(into):
        group = folium.FeatureGroup(name="sel")
        folium.GeoJson({"type": "Point", "coordinates": [105.2, 30.3]}, tooltip="选中").add_to(
            group
        )
        text = map_cache.sf._get_feature_group_string(group, map=into)
        return re.sub(r"_[0-9a-f]{32}", "_ID", text)

    assert drawn(again.map) == drawn(first.map)
    assert "map_div.addLayer(feature_group_feature_group_0)" in drawn(again.map)


def test_a_kept_map_whose_files_are_gone_or_damaged_is_built_again(tmp_path, monkeypatch):
    calls: list[int] = []
    pub, keep = tmp_path / "pub", tmp_path / "keep"
    key = ("gone", str(tmp_path))
    map_cache.rendered(key, _build(calls), publish=(pub, "/u"), keep=keep)
    for damage in (
        lambda: next(pub.glob("map-*.js")).unlink(),  # its script pruned
        lambda: next(keep.glob("map-*.json")).write_text("{half"),  # half written
    ):
        damage()
        monkeypatch.setattr(map_cache, "_MAPS", map_cache.OrderedDict())
        r = map_cache.rendered(key, _build(calls), publish=(pub, "/u"), keep=keep)
        assert r.file is not None and r.file.exists()
    assert len(calls) == 3


def test_kept_text_is_made_once_per_key_and_again_when_damaged(tmp_path):
    from ui import kept_output

    made: list[str] = []

    def make(text):
        return lambda: made.append(text) or text

    key = ("dossier", "R001", "zh")
    assert kept_output.kept_text("page", key, make("<p>甲</p>"), folder=tmp_path) == "<p>甲</p>"
    assert kept_output.kept_text("page", key, make("<p>乙</p>"), folder=tmp_path) == "<p>甲</p>"
    assert kept_output.kept_text("page", (*key[:2], "en"), make("<p>B</p>"), folder=tmp_path)
    (f,) = [p for p in tmp_path.glob("page-*.json") if "甲" in p.read_text()]
    if os.name == "posix":
        assert oct(f.stat().st_mode & 0o777) == "0o600"  # the installation's own
    f.write_text('{"key": ')  # damaged
    assert kept_output.kept_text("page", key, make("<p>丙</p>"), folder=tmp_path) == "<p>丙</p>"
    assert made == ["<p>甲</p>", "<p>B</p>", "<p>丙</p>"]


def test_a_postgis_store_keeps_no_output():
    from ui import kept_output

    assert kept_output.folder_for("postgresql://u:pw@host/db?county=512099") is None
    assert kept_output.folder_for("/data/县.gpkg") == kept_output.FOLDER
    # a record names its key by a digest: a database URL (and its password) is not written
    assert "pw" not in kept_output.digest(("postgresql://u:pw@host/db", "v1"))
