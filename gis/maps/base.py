"""What every map shares: local assets, the backdrop, the county ground, escaped layers,
legends and stable ids.

Nothing here imports streamlit: the app, notebooks and scripts share these builders.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import folium
import geopandas as gpd
import numpy as np
import shapely
from folium.plugins import Draw, Timeline, TimelineSlider
from jinja2 import Template
from PIL import Image, ImageFilter

from gis import datasets
from gis.catalogue import CHIEF_LEVELS
from gis.i18n import t
from gis.io.atomic import atomic_path
from gis.maps.chrome import GroupedLayerControl, MapCss, MetricScale, NorthArrow
from gis.maps.labels import Labels, label_points
from gis.maps.style import GROUPS, HILLSHADE_OPACITY, SYMBOLS, styler
from gis.maps.tooltips import tooltip
from gis.safe import html_text

_E = TypeVar("_E", bound=folium.Element)  # stable_ids gives back what it was given

#: Where the app serves vendored assets (Streamlit static serving of ./static).
STATIC_URL = "/app/static/vendor"

#: Rivers by management level, highest first (their symbols: :data:`gis.maps.style.SYMBOLS`).
RIVER_LEVELS = CHIEF_LEVELS
#: Simplification tolerance in metres, by kind of layer.
SIMPLIFY_M = {"admin": 25.0, "rivers": 15.0, "polygons": 10.0}
#: Decimal places of the degrees sent to the browser: 1e-5° is about 1 m, below the
#: simplification (10-25 m), and full doubles would add a fifth to every payload.
MAP_DECIMALS = 5


def use_offline_assets(base_url: str = STATIC_URL) -> None:
    """Point folium at the vendored Leaflet and drop the CDN-only extras we do not use.

    folium's class-level lists name CDNs (jsdelivr, cdnjs, code.jquery.com); on a network
    with no internet the map would stay blank. Only Leaflet itself is needed for the
    layers built here (no awesome-markers, Bootstrap or jQuery). The lists are class
    attributes, so this is set once per process, at start-up (app.py, a notebook, a
    script); calling it again changes nothing.

    Parameters
    ----------
    base_url : str
        The URL under which ``static/vendor/`` is served.

    Examples
    --------
    >>> use_offline_assets()
    >>> folium.Map.default_js
    [('leaflet', '/app/static/vendor/leaflet/leaflet.js')]
    """
    folium.Map.default_js = [("leaflet", f"{base_url}/leaflet/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{base_url}/leaflet/leaflet.css")]
    # class attributes folium reads when rendering; not every class declares them
    plain: tuple[Any, ...] = (
        folium.GeoJson,
        folium.LayerControl,
        folium.raster_layers.ImageOverlay,
    )
    for cls in plain:
        cls.default_js, cls.default_css = [], []
    # the zones page's drawing tool (Leaflet.draw) and the patrols page's time slider
    # (leaflet.timeline, moment), vendored
    Draw.default_js = [("leaflet_draw_js", f"{base_url}/leaflet.draw/leaflet.draw.js")]
    Draw.default_css = [("leaflet_draw_css", f"{base_url}/leaflet.draw/leaflet.draw.css")]
    for cls in (Timeline, TimelineSlider):
        cls.default_js = [
            ("timeline", f"{base_url}/leaflet.timeline/leaflet.timeline.js"),
            ("moment", f"{base_url}/moment/moment.min.js"),
        ]


#: Gaussian blur of the hillshade, in image pixels: the demo image samples a 100 m DEM
#: at ~60 m per pixel (nearest cell), so without it each cell shows as a block.
HILLSHADE_BLUR_PX = 1.3


def grey_hillshade(png: bytes) -> bytes:
    """A tinted RGBA hillshade as a smooth grey one (luminance, blurred by
    :data:`HILLSHADE_BLUR_PX`; transparency kept), as PNG bytes (grey + alpha: about half
    the size of the tinted image).

    Parameters
    ----------
    png : bytes
        An RGBA (or RGB) PNG.

    Returns
    -------
    bytes
        A PNG in mode ``LA``.
    """
    rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(float)
    lum = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
    alpha = rgba[..., 3]
    inside = alpha > 0
    # outside the county: the mean grey, so the blur does not darken the edge
    lum = np.where(inside, lum, lum[inside].mean() if inside.any() else 0.0)
    grey = Image.fromarray(np.clip(lum, 0, 255).astype(np.uint8), "L").filter(
        ImageFilter.GaussianBlur(HILLSHADE_BLUR_PX)
    )
    out = io.BytesIO()
    Image.merge("LA", (grey, Image.fromarray(alpha.astype(np.uint8), "L"))).save(
        out, "PNG", optimize=True
    )
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def _data_url(path: str, mtime: float) -> str:
    """The grey hillshade as a data URL, made once per file version (not on every rerun)."""
    data = grey_hillshade(Path(path).read_bytes())
    return "data:image/png;base64," + base64.b64encode(data).decode()


@dataclass(frozen=True)
class Backdrop:
    """The offline basemap under every map: a PNG (the hillshade) and the JSON file that
    holds its ``bounds`` ([[south, west], [north, east]], degrees).

    Build it once per store with :meth:`for_store` and pass it to every builder
    (``backdrop=``); ``None`` draws no backdrop.

    Examples
    --------
    >>> from gis import datasets
    >>> Backdrop.for_store(datasets.get_path("demo")).image.name
    'hillshade.png'
    >>> Backdrop.for_store("elsewhere/county.gpkg") is None
    True
    """

    image: Path
    bounds_file: Path
    #: Where a browser fetches the grey image (:meth:`publish`); ``None``: inline, as a
    #: data URL (a standalone HTML file, a notebook)
    url: str | None = None

    @classmethod
    def for_store(cls, path: str | Path) -> Backdrop | None:
        """The backdrop of the store at ``path``: the hillshade shipped with the demo
        county, ``None`` for any other store (no DEM of it is shipped).

        Parameters
        ----------
        path : str or Path
            The store's file.

        Returns
        -------
        Backdrop or None
        """
        if Path(path).resolve() != datasets.get_path("demo").resolve():
            return None
        return cls(datasets.get_path("demo_hillshade"), datasets.get_path("demo_hillshade_bounds"))

    def add_to(self, m: folium.Map, lang: str = "zh") -> None:
        """Draw the image under ``m``'s data; nothing when either file is missing.

        Parameters
        ----------
        m : folium.Map
        lang : {"zh", "en"}
            Language of the layer's name.
        """
        if not (self.image.exists() and self.bounds_file.exists()):
            return
        # greyed and smoothed in the browser (MAP_CSS): folium's default, pixelated=True,
        # shows a ~60 m pixel as a block at township scale
        # published: the URL is set below, so the image is not greyed and encoded for nothing
        image = "data:," if self.url else _data_url(str(self.image), self.image.stat().st_mtime)
        overlay = folium.raster_layers.ImageOverlay(
            image,
            bounds=json.loads(self.bounds_file.read_text())["bounds"],
            name=t("hillshade", lang),
            opacity=HILLSHADE_OPACITY,
            zindex=1,
            pixelated=False,
            className="rc-hillshade",
        )
        if self.url:  # folium reads a URL without a scheme as a local file: set it after
            overlay.url = self.url
        setattr(overlay, "_rc_group", "base")  # noqa: B010  # folium classes are closed to mypy
        overlay.add_to(m)

    def publish(self, folder: str | Path, url_prefix: str) -> Backdrop:
        """The same backdrop fetched from ``url_prefix`` instead of inlined: its grey image
        is written once per version into ``folder``, which a server serves at
        ``url_prefix``. An app sends its maps on every rerun; inlined, the image was a
        third of each map's bytes. Where ``folder`` cannot be written the image stays
        inline (the map is the same, only heavier).

        Parameters
        ----------
        folder : str or Path
            A folder the server publishes (the app: ``static/cache``).
        url_prefix : str
            The URL of ``folder`` (the app: ``/app/static/cache``).

        Returns
        -------
        Backdrop
        """
        if not self.image.exists():
            return self
        name = _published(str(self.image), self.image.stat().st_mtime, str(folder))
        return self if name is None else replace(self, url=f"{url_prefix.rstrip('/')}/{name}")


@functools.lru_cache(maxsize=8)
def _published(path: str, mtime: float, folder: str) -> str | None:
    """The file name of the grey image of ``path`` in ``folder``, written when missing.

    Named by the source image and the greying (so a new version never meets a browser's
    cached old one), not by the grey image: a restarted server finds the file without
    greying the image again (0.9 s of its first page)."""
    source = Path(path).read_bytes()
    digest = hashlib.sha256(source + f"grey-blur-{HILLSHADE_BLUR_PX}".encode()).hexdigest()
    name = f"hillshade-{digest[:16]}.png"
    target = Path(folder) / name
    try:
        if not target.exists():
            data = grey_hillshade(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(target, private=True) as tmp:  # a browser never reads half
                tmp.write_bytes(data)
    except OSError:
        return None
    return name


def fit_to(m: folium.Map, gdf: gpd.GeoDataFrame) -> None:
    """Frame ``m`` on the bounds of ``gdf`` (EPSG:4326).

    Parameters
    ----------
    m : folium.Map
    gdf : GeoDataFrame
        In EPSG:4326, not empty.
    """
    b = gdf.total_bounds
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])


def framed_map(
    layers: dict[str, gpd.GeoDataFrame], *, lang: str = "zh", backdrop: Backdrop | None = None
) -> folium.Map:
    """An empty map (no tiles) framed on the county, or its townships when the store has
    no county polygon, with ``backdrop`` under it.

    Parameters
    ----------
    layers : dict of GeoDataFrame
        From :func:`gis.maps.overview_layers`.
    lang : {"zh", "en"}
        Language of the layer names.
    backdrop : Backdrop, optional
        The offline basemap; none by default.

    Returns
    -------
    folium.Map
    """
    frame = layers["admin_county"] if len(layers["admin_county"]) else layers["admin_township"]
    m = folium.Map(tiles=None, prefer_canvas=True, zoom_snap=0.25)
    setattr(m, "_rc_lang", lang)  # noqa: B010  # read by the basemap's offline notice
    fit_to(m, frame)
    m.add_child(MapCss())
    m.add_child(MetricScale())
    m.add_child(NorthArrow(lang))
    if backdrop is not None:
        backdrop.add_to(m, lang)
    if len(layers["admin_county"]):  # the outline: a store with nothing else is not a blank map
        add_layer(
            m,
            folium.GeoJson(
                layers["admin_county"][["geometry"]],
                name=t("county_boundary", lang),
                style_function=styler("county"),
            ),
            "county",
        )
    return m


def base_map(
    layers: dict[str, gpd.GeoDataFrame], *, lang: str = "zh", backdrop: Backdrop | None = None
) -> folium.Map:
    """The ground every feature page draws on: the backdrop, townships and rivers by level.

    Parameters
    ----------
    layers : dict of GeoDataFrame
        From :func:`gis.maps.overview_layers`.
    lang : {"zh", "en"}
        Language of the layer names and tooltips.
    backdrop : Backdrop, optional
        The offline basemap; none by default.

    Returns
    -------
    folium.Map
        Without layer control, legend or stable ids: the caller adds its layers, then
        finishes with :func:`stable_ids`.

    Examples
    --------
    One township and one county-managed river, drawn by hand (the app passes
    :func:`gis.maps.overview_layers` of the store instead):

    >>> from shapely.geometry import LineString, box
    >>> none = gpd.GeoDataFrame(geometry=[], crs=4326)
    >>> layers = {
    ...     "admin_county": none, "rivers_township": none, "rivers_village": none,
    ...     "admin_township": gpd.GeoDataFrame(
    ...         {"name": ["云口镇"]}, geometry=[box(105.2, 30.2, 105.3, 30.3)], crs=4326),
    ...     "rivers_county": gpd.GeoDataFrame(
    ...         {"name": ["黄沟江"], "river_code": ["512099R001"]},
    ...         geometry=[LineString([(105.21, 30.25), (105.29, 30.25)])], crs=4326)}
    >>> m = base_map(layers, lang="en")
    >>> [c.layer_name for c in m._children.values() if isinstance(c, folium.GeoJson)]
    ['Township boundaries', 'County-managed rivers']
    >>> m.get_bounds()  # framed on the township: [[south, west], [north, east]]
    [[30.2, 105.2], [30.3, 105.3]]
    """
    m = framed_map(layers, lang=lang, backdrop=backdrop)
    if len(layers["admin_township"]):  # an empty layer is not listed in the control
        add_layer(
            m,
            folium.GeoJson(
                layers["admin_township"],
                name=t("townships", lang),
                style_function=styler("townships"),
            ),
            "townships",
        )
    for level in RIVER_LEVELS:
        part = layers.get(f"rivers_{level}")  # a caller's own layers may lack a level
        if part is not None and len(part):
            add_layer(
                m,
                folium.GeoJson(
                    part,
                    name=t(f"rivers_{level}", lang),
                    style_function=styler(f"rivers_{level}"),
                    tooltip=tooltip(["name", "river_code"], lang),
                ),
                f"rivers_{level}",
            )
    add_labels(m, layers, lang=lang)
    return m


def add_layer(
    m: folium.Map, layer: folium.map.Layer, key: str, legend: str | None = None
) -> folium.map.Layer:
    """Add ``layer`` to ``m`` as the layer ``key`` of :data:`gis.maps.style.SYMBOLS`: in
    that symbol's group of the layer control and, by :func:`finish`, in the legend.

    Parameters
    ----------
    m : folium.Map
    layer : folium.map.Layer
        Styled with ``SYMBOLS[key]``.
    key : str
        A key of :data:`gis.maps.style.SYMBOLS`.
    legend : str, optional
        The legend's words; the layer's name by default.

    Returns
    -------
    folium.map.Layer
        ``layer``.
    """
    # marks read by GroupedLayerControl and legend_of (folium's classes declare no slots)
    setattr(layer, "_rc_group", SYMBOLS[key].group)  # noqa: B010
    setattr(layer, "_rc_legend", (key, legend if legend is not None else layer.layer_name))  # noqa: B010
    layer.add_to(m)
    return layer


def add_labels(m: folium.Map, layers: dict[str, gpd.GeoDataFrame], *, lang: str = "zh") -> None:
    """The township, village and river names (:mod:`gis.maps.labels`) as one layer of
    ``m``; ``layers["labels"]`` when :func:`gis.maps.overview_layers` made it."""
    points = layers.get("labels")
    if points is None:
        points = label_points(layers)
    if len(points):
        m.add_child(Labels(points, lang=lang))


def finish(
    m: folium.Map,
    lang: str,
    *,
    extra: tuple[tuple[str, str], ...] = (),
    position: str = "bottomleft",
) -> folium.Map:
    """Close a map: the grouped, collapsed layer control, a legend of every layer added
    with :func:`add_layer` (and the ``extra`` (key, words) rows, such as a highlight drawn
    later), by group, and stable ids.

    Parameters
    ----------
    m : folium.Map
    lang : {"zh", "en"}
    extra : tuple of (str, str)
        (symbol key, words) rows for layers that are not on ``m`` itself.
    position : str
        The legend's corner.

    Returns
    -------
    folium.Map
        ``m``, with :func:`stable_ids`.
    """
    m.add_child(GroupedLayerControl(lang))
    m.add_child(Legend(legend_rows(legend_of(m, extra), lang), position=position))
    return stable_ids(m)


def legend_of(m: folium.Map, extra: tuple[tuple[str, str], ...] = ()) -> list[tuple[str, str, str]]:
    """(colour, symbol, words) legend rows of the layers on ``m`` and ``extra``, ordered
    by group (:data:`gis.maps.style.GROUPS`), then as :data:`gis.maps.style.SYMBOLS` lists
    them (levels from the highest); one row per distinct (symbol key, words)."""
    pairs = [el._rc_legend for el in m._children.values() if hasattr(el, "_rc_legend")]
    pairs += list(extra)
    groups, keys = list(GROUPS), list(SYMBOLS)
    seen: dict[tuple[str, str], None] = {}
    for pair in sorted(pairs, key=lambda p: (groups.index(SYMBOLS[p[0]].group), keys.index(p[0]))):
        seen.setdefault(pair)
    return [(SYMBOLS[k].swatch(), SYMBOLS[k].kind, words) for k, words in seen]


def json_safe(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """For folium (EPSG:4326): attributes as HTML-escaped strings and coordinates rounded
    to :data:`MAP_DECIMALS`.

    Every GeoJSON layer's properties pass here, once: folium's tooltips put them into the
    page as HTML, so names from data (``<img onerror=...>``) must arrive as text. Plain
    strings also because folium cannot serialise timestamps or pandas NA. Missing values
    stay ``None``.

    Parameters
    ----------
    gdf : GeoDataFrame
        In EPSG:4326; not changed.

    Returns
    -------
    GeoDataFrame
        A copy with every column but the geometry as escaped text or ``None``.

    Examples
    --------
    >>> g = gpd.GeoDataFrame({"name": ["<b>河</b>"], "n": [3]},
    ...                      geometry=[shapely.Point(105.1234567, 30.0)], crs=4326)
    >>> out = json_safe(g)
    >>> out["name"].iloc[0], out["n"].iloc[0], out.geometry.iloc[0].x
    ('&lt;b&gt;河&lt;/b&gt;', '3', 105.12346)
    """
    gdf = gdf.copy()
    for col in gdf.columns:
        if col != "geometry":
            gdf[col] = (
                gdf[col]
                .astype(object)
                .where(gdf[col].notna(), None)
                .map(lambda v: v if v is None else html_text(v))
            )
    gdf["geometry"] = shapely.transform(gdf.geometry.values, lambda c: np.round(c, MAP_DECIMALS))
    return gdf


def legend_rows(rows: list[tuple[str, str, str]], lang: str) -> str:
    """Legend HTML from (colour, ``"line"`` | ``"box"`` | ``"dot"``, label) rows; labels
    are HTML-escaped.

    Parameters
    ----------
    rows : list of (str, str, str)
        Colour, symbol and label, top to bottom.
    lang : {"zh", "en"}
        Language of the legend's title.

    Returns
    -------
    str
        An HTML ``div`` (for :class:`Legend`).

    Examples
    --------
    >>> "x&lt;y" in legend_rows([("#000", "dot", "x<y")], "en")
    True
    """
    items = "".join(
        f'<div><span style="display:inline-block;width:{10 if k == "dot" else 18}px;'
        f"height:{3 if k == 'line' else 10}px;background:{c};"
        f"{'border-radius:5px;' if k == 'dot' else ''}"
        # an edge, so a white or pale swatch (the query point, level-2 zones) shows
        f"{'box-shadow:inset 0 0 0 1px rgba(0,0,0,.45);' if k != 'line' else ''}"
        'margin-right:6px;vertical-align:middle">'
        f"</span>{html_text(label)}</div>"
        for c, k, label in rows
    )
    return (
        '<div style="background:rgba(255,255,255,.92);padding:6px 8px;font-size:12px;'
        'line-height:1.45;border:1px solid #999;border-radius:4px">'
        f"<b>{html_text(t('legend', lang))}</b>{items}</div>"
    )


class Legend(folium.MacroElement):
    """A legend as a Leaflet control, so it travels with the map script (st_folium keeps
    only the map's script, not extra HTML on the page). ``html`` is from :func:`legend_rows`."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function() {
                var div = L.DomUtil.create("div", "rc-legend");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html: str, *, position: str = "bottomleft") -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # folium's MacroElement is untyped
        self._name = "Legend"
        self.html = html
        self.position = position


def view_of(
    gdf: gpd.GeoDataFrame | None, *, width_px: int = 800
) -> tuple[tuple[float, float], int] | None:
    """(center lat/lon, zoom) that frames ``gdf`` (EPSG:4326) on a map ``width_px`` wide;
    None when it is empty. For st_folium's ``center`` and ``zoom``.

    Parameters
    ----------
    gdf : GeoDataFrame or None
        In EPSG:4326.
    width_px : int
        Width of the map on screen.

    Returns
    -------
    ((float, float), int) or None
        Zoom between 8 and 16.

    Examples
    --------
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(105.0, 30.0, 105.1, 30.1)], crs=4326)
    >>> (lat, lon), zoom = view_of(g)
    >>> float(lat), float(lon), zoom
    (30.05, 105.05, 13)
    """
    if gdf is None or gdf.empty:
        return None
    x0, y0, x1, y1 = gdf.total_bounds
    span = max(x1 - x0, (y1 - y0) * 1.3, 0.005)
    zoom = int(max(8, min(16, math.floor(math.log2(360.0 * width_px / 256.0 / span)))))
    return ((y0 + y1) / 2, (x0 + x1) / 2), zoom


def highlight(hit: gpd.GeoDataFrame, *, lang: str = "zh") -> folium.FeatureGroup:
    """A search hit (``kind, code, name, geometry`` in any CRS) drawn over a map, to hand
    to st_folium as ``feature_group_to_add`` (no remount); its tooltip labelled in ``lang``.

    Parameters
    ----------
    hit : GeoDataFrame
        The hit, as :func:`gis.search.find` gives it.
    lang : {"zh", "en"}

    Returns
    -------
    folium.FeatureGroup
    """
    fg = folium.FeatureGroup(name=t("search", lang))
    g = json_safe(hit.to_crs(4326)[["name", "code", "geometry"]])
    folium.GeoJson(
        g,
        style_function=lambda _f: {
            "color": "#ff00ff",  # magenta: in no layer's symbol, on any basemap
            "weight": 6,
            "fillColor": "#ff00ff",
            "fillOpacity": 0.15,
        },
        marker=folium.CircleMarker(radius=14, color="#ff00ff", weight=4, fill=False),
        tooltip=folium.GeoJsonTooltip(
            ["name", "code"], aliases=[html_text(t("name", lang)), html_text(t("code", lang))]
        ),
    ).add_to(fg)
    return stable_ids(fg, prefix="hit")


def located(rows: gpd.GeoDataFrame, *, lang: str = "zh") -> folium.FeatureGroup:
    """A row picked in a page's list (a finding, a reach), drawn over the map as a thick
    black line (a ring for a point), apart from every layer's colour; for st_folium's
    ``feature_group_to_add``.

    Parameters
    ----------
    rows : GeoDataFrame
        Any CRS; rows without geometry are skipped.
    lang : {"zh", "en"}

    Returns
    -------
    folium.FeatureGroup
    """
    fg = folium.FeatureGroup(name=t("located", lang))
    drawn = rows[rows.geometry.notna() & ~rows.geometry.is_empty]
    if len(drawn):
        g = gpd.GeoDataFrame(geometry=drawn.geometry.values, crs=rows.crs).to_crs(4326)
        folium.GeoJson(
            g.to_json(),
            style_function=lambda _f: {"color": "#000000", "weight": 11, "opacity": 0.9},
            marker=folium.CircleMarker(radius=16, color="#000000", weight=4, fill=False),
        ).add_to(fg)
    return stable_ids(fg, prefix="loc")


def stable_ids(m: _E, *, prefix: str = "rc") -> _E:
    """Give every element an id from its position, not a random uuid, and make every
    layer name safe for the layer control (Leaflet shows it as HTML).

    The same data then yields the same JavaScript on every run, so st_folium does not
    remount (and flicker) the map on a rerun. A feature group added to a map later needs
    its own ``prefix`` so its ids cannot collide with the map's. Every map and group is
    built through here once, so a name is escaped once (a second call leaves it alone).

    Parameters
    ----------
    m : folium.Element
        A map or a feature group; changed in place.
    prefix : str
        Start of every id.

    Returns
    -------
    folium.Element
        ``m`` itself.

    Examples
    --------
    >>> m = folium.Map(tiles=None)
    >>> _ = folium.GeoJson({"type": "FeatureCollection", "features": []}, name="a<b").add_to(m)
    >>> [el.layer_name for el in stable_ids(m)._children.values()]
    ['a&lt;b']
    >>> m.get_name()
    'map_rc00000'
    """
    counter = 0

    def walk(el: Any) -> None:  # any folium element; some have a layer_name
        nonlocal counter
        el._id = f"{prefix}{counter:05d}"
        counter += 1
        name = getattr(el, "layer_name", None)
        if isinstance(name, str) and not getattr(el, "_rc_name_escaped", False):
            el.layer_name, el._rc_name_escaped = html_text(name), True
        for child in list(el._children.values()):
            walk(child)

    walk(m)
    return m
