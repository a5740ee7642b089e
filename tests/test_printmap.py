"""Printed map sheets: the sheet says what it shows (title, legend of every drawn layer,
CGCS2000 note, date, office), its grid ticks are CGCS2000 degrees where they stand, and
the PDF/PNG a reader gets has the text (fonts embedded) and a drawn map."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from gis._errors import AmbiguousNameError, UnknownNameError
from gis.cli import main
from gis.dossier.printmap import compose_map
from gis.store import GeoPackageStore, MemoryStore

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def store(demo_path):
    return GeoPackageStore(demo_path)


@pytest.fixture(scope="module")
def county_sheet(store):
    return compose_map(store, scope="county")


def test_sheet_has_its_furniture_and_a_legend_of_what_it_draws(county_sheet):
    page = county_sheet.html
    assert county_sheet.title == "示范县河湖水系图"
    for words in ("图例", "CGCS2000", "示范县河长制办公室", "生成日期", "demo_county.gpkg"):
        assert words in page
    keys = [k for k, _ in county_sheet.legend]
    assert {"townships", "county", "rivers_county", "zones_level1", "quarries"} <= set(keys)
    # level-1 zones and quarries never share a colour (the one symbology table)
    from gis.maps.style import SYMBOLS

    assert SYMBOLS["zones_level1"].swatch() != SYMBOLS["quarries"].swatch()


def test_river_sheet_frames_the_river(store):
    sheet = compose_map(store, scope="river", target="黄沟江")
    rivers = store.read("rivers").to_crs(4544)
    minx, miny, maxx, maxy = rivers[rivers["name"] == "黄沟江"].total_bounds
    x0, y0, x1, y1 = sheet.extent
    assert x0 <= minx and y0 <= miny and x1 >= maxx and y1 >= maxy
    assert ("selected_reaches", "黄沟江") in sheet.legend


def test_ticks_are_cgcs2000_degrees_where_they_stand(store, monkeypatch):
    """Each tick label is the longitude of its position on the bottom edge, to 0.001°."""
    import matplotlib.axes

    seen = {}
    orig = matplotlib.axes.Axes.set_xticks

    def spy(self, ticks, labels=None, **kw):
        seen["x"] = (list(ticks), list(labels or []), self.get_ylim()[0])
        return orig(self, ticks, labels, **kw)

    monkeypatch.setattr(matplotlib.axes.Axes, "set_xticks", spy)
    compose_map(store, scope="township", target="福山镇")
    xs, labels, y0 = seen["x"]
    to_ll = Transformer.from_crs(4544, 4490, always_xy=True)
    assert len(xs) >= 2
    for x, text in zip(xs, labels, strict=True):
        lon = float(re.match(r"([\d.]+)°E", text).group(1))
        assert to_ll.transform(x, y0)[0] == pytest.approx(lon, abs=1e-3)


def test_names_refused_never_guessed(store):
    admin = store.read("admin_units")
    towns = admin[admin["level"] == "township"].copy()
    twin = towns["name"].iloc[1]
    admin.loc[towns.index[0], "name"] = twin
    mem = MemoryStore({"admin_units": admin, "rivers": store.read("rivers")})
    with pytest.raises(AmbiguousNameError):
        compose_map(mem, scope="township", target=twin)
    with pytest.raises(UnknownNameError):
        compose_map(store, scope="township", target="没有这个镇")
    with pytest.raises(UnknownNameError):
        compose_map(store, paper="B5")


def test_hostile_title_is_escaped(store):
    sheet = compose_map(store, scope="county", title="<img src=x onerror=alert(1)>")
    assert "<img src=x" not in sheet.html and "&lt;img src=x" in sheet.html


def test_pdf_and_png_from_the_command_line(store, tmp_path):
    pdf, png = tmp_path / "county.pdf", tmp_path / "river.png"
    assert main(["--lang", "zh", "map", "--data", str(store.path), "--out", str(pdf)]) == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    assert "示范县河湖水系图" in text.stdout.decode() and "图例" in text.stdout.decode()
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout
    rows = fonts.decode().splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert re.search(r"Pages:\s+1\n", info) and re.search(r"Page size:\s+841.9\d* x 59[45]", info)
    assert (
        main(
            [
                "map",
                "--data",
                str(store.path),
                "--river",
                "黄沟江",
                "--paper",
                "A3",
                "--out",
                str(png),
            ]
        )
        == 0
    )
    from PIL import Image

    img = Image.open(png)
    # A3 landscape at 150 dpi, to the pixel a CSS-pixel window rounds to
    assert img.size == pytest.approx((420 / 25.4 * 150, 297 / 25.4 * 150), abs=2)
    rgb = np.asarray(img.convert("RGB")).astype(int)
    assert ((rgb[..., 2] - rgb[..., 0]) > 60).mean() > 0.01  # rivers drawn
    ARTIFACTS.mkdir(exist_ok=True)
    img.save(ARTIFACTS / "printed-map.png")
    assert main(["map", "--data", str(store.path), "--out", str(tmp_path / "x.docx")]) == 2


def test_atlas_is_the_county_then_each_township_one_to_a_page(store, tmp_path):
    admin = store.read("admin_units")
    towns = sorted(admin.loc[admin["level"] == "township", "admin_code"])[:3]
    keep = admin[(admin["level"] == "county") | admin["admin_code"].isin(towns)]
    mem = MemoryStore({"admin_units": keep, "rivers": store.read("rivers")}, meta=store.meta())
    from gis.dossier.printmap import compose_atlas, write_map

    ticks = []
    atlas = compose_atlas(mem, progress=lambda i, n: ticks.append((i, n)))
    assert ticks[-1] == (4, 4)
    out = write_map(atlas, tmp_path / "atlas.pdf")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, check=True).stdout.decode()
    assert re.search(r"Pages:\s+4\n", info)
    names = dict(zip(keep["admin_code"], keep["name"], strict=True))
    for page, code in enumerate(towns, start=2):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(out), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert f"{names[code]}河湖管护图" in text


def test_a_view_sheet_shows_at_least_the_extent_asked(store):
    """--bbox / 打印此视图: the sheet's frame holds the extent (in the county's GK zone),
    widened only to the paper's shape; its title says it is a detail of the county."""
    w, s, e, n = 105.30, 30.25, 105.45, 30.35
    sheet = compose_map(store, scope="view", bbox=(w, s, e, n))
    gk = Transformer.from_crs(4490, int(store.meta()["gk_epsg"]), always_xy=True)
    xs, ys = gk.transform([w, e, w, e], [s, s, n, n])
    x0, y0, x1, y1 = sheet.extent
    assert x0 <= min(xs) + 1 and x1 >= max(xs) - 1 and y0 <= min(ys) + 1 and y1 >= max(ys) - 1
    # landscape A4's map box is wider than the extent: grown left and right, not up and down
    assert (y1 - y0) == pytest.approx(max(ys) - min(ys), rel=0.02)
    assert sheet.title == "示范县河湖管护图（局部）"


@pytest.mark.parametrize(
    "text", ["", "1,2,3", "105.4,30.2,105.1,30.5", "30.2,105.1,30.5,105.4", "a,b,c,d", "nan,1,2,3"]
)
def test_an_extent_that_is_none_is_refused_with_the_order_to_write(text):
    from gis._errors import InputError
    from gis.dossier.printmap import parse_bbox

    with pytest.raises(InputError) as exc:
        parse_bbox(text)
    assert exc.value.code == "map.bad_bbox" and "W,S,E,N" in str(exc.value)


def test_an_extent_outside_the_county_is_refused_naming_both(store, tmp_path, capsys):
    from gis._errors import InputError

    with pytest.raises(InputError) as exc:
        compose_map(store, scope="view", bbox=(100.0, 20.0, 101.0, 21.0))
    assert exc.value.code == "map.view_outside" and "105.1" in str(exc.value)
    out = tmp_path / "v.png"
    args = ["--lang", "zh", "map", "--data", str(store.path), "--bbox", "100,20,101,21"]
    assert main([*args, "--out", str(out)]) == 2 and not out.exists()
    assert "不相交" in capsys.readouterr().err
