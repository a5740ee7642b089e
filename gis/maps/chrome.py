"""The map's furniture: a metric scale bar, a north arrow, the CSS (CJK fonts, a grey smooth
hillshade, labels) and a collapsed layer control grouped 基础地理 / 河湖 / 管护 / 监管.

All inline (no CDN, no plugin): each piece is a folium element whose script travels with
the map (st_folium keeps the map's script and its header's inline styles).
"""

from __future__ import annotations

from typing import Any

import folium
from folium.map import Layer
from folium.template import Template

from gis.i18n import t
from gis.maps.style import FONT_STACK, GROUPS, group_title

#: The inline CSS of every map.
MAP_CSS = f"""
.leaflet-container, .leaflet-container .rc-legend, .leaflet-control-layers,
.leaflet-tooltip {{ font-family: {FONT_STACK}; }}
img.rc-hillshade {{ filter: grayscale(1) contrast(1.15); image-rendering: auto; }}
.rc-label {{ white-space: nowrap; pointer-events: none; }}
.rc-label span {{ display: inline-block; transform: translate(-50%, -50%); }}
.rc-label-township span {{ font-size: 13px; font-weight: 600; color: #3b2c0f;
  text-shadow: 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; letter-spacing: 1px; }}
.rc-label-village span {{ font-size: 11px; color: #444;
  text-shadow: 0 0 2px #fff, 0 0 3px #fff; }}
.rc-label-river span {{ font-size: 12px; font-style: italic; color: #08458a;
  text-shadow: 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }}
.rc-layer-group {{ font-weight: 700; color: #333; margin: 6px 0 2px; padding-top: 3px;
  border-top: 1px solid #ddd; }}
.rc-layer-group:first-child {{ border-top: none; margin-top: 0; padding-top: 0; }}
.rc-print a {{ width: auto !important; padding: 0 6px; font-size: 12px; white-space: nowrap; }}
.rc-north {{ background: rgba(255,255,255,.85); border-radius: 4px; padding: 2px 4px 0;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); line-height: 0; }}
@media (max-width: 480px) {{ .rc-legend > div {{ font-size: 10px !important;
  line-height: 1.3 !important; padding: 3px 5px !important; }} }}
.rc-basemap-offline {{ background: #fff3cd; color: #664d03; border: 1px solid #e6c200;
  border-radius: 4px; padding: 4px 8px; max-width: 260px; line-height: 1.4; }}
"""


class MapCss(folium.MacroElement):
    """:data:`MAP_CSS` as an inline ``<style>`` in the map's header."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
    """)

    def __init__(self, css: str = MAP_CSS) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # folium's MacroElement is untyped
        self._name = "MapCss"
        self.css = css


class MetricScale(folium.MacroElement):
    """Leaflet's scale bar in metres and kilometres only (folium's ``control_scale`` adds
    miles and feet too)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, maxWidth: 120,
                         position: {{ this.position|tojson }}})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, position: str = "bottomleft") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MetricScale"
        self.position = position


#: The north arrow: an inline SVG (a split arrowhead), its letter set per language.
_ARROW = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="38" viewBox="0 0 26 38" '
    'role="img" aria-label="{letter}"><polygon points="13,2 22,26 13,21" fill="#222"/>'
    '<polygon points="13,2 4,26 13,21" fill="#fff" stroke="#222" stroke-width="1"/>'
    '<text x="13" y="37" text-anchor="middle" font-size="11" font-weight="700" '
    'fill="#222">{letter}</text></svg>'
)


class NorthArrow(folium.MacroElement):
    """A north arrow (the maps are north-up Web Mercator), as a Leaflet control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var c = L.control({position: {{ this.position|tojson }}});
            c.onAdd = function() {
                var div = L.DomUtil.create("div", "rc-north");
                div.innerHTML = {{ this.svg|tojson }};
                return div;
            };
            c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str = "zh", position: str = "topleft") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "NorthArrow"
        self.svg = _ARROW.format(letter="北" if lang == "zh" else "N")
        self.position = position


class PrintView(folium.MacroElement):
    """A 打印此视图 button on the map: opens the app's print page (``page``, relative to the
    app's own URL) in a new tab with the extent on screen as ``?bbox=W,S,E,N``. On a
    GCJ-02 basemap the map's degrees are shifted; ``crs=gcj02`` lets the page undo it.
    The app page holding the map's frame is same-origin, so its URL is readable."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var c = L.control({position: "topleft"});
            c.onAdd = function() {
                var bar = L.DomUtil.create("div", "leaflet-bar rc-print");
                var a = L.DomUtil.create("a", "", bar);
                a.href = "#";
                a.setAttribute("role", "button");
                a.title = {{ this.label|tojson }};
                a.setAttribute("aria-label", {{ this.label|tojson }});
                a.textContent = {{ this.label|tojson }};
                L.DomEvent.disableClickPropagation(bar);
                L.DomEvent.on(a, "click", function(e) {
                    L.DomEvent.preventDefault(e);
                    var b = map.getBounds(), base;
                    try { base = window.parent.location.href; }
                    catch (err) { base = window.location.href; }
                    var u = new URL({{ this.page|tojson }}, base);
                    u.search = "";
                    u.searchParams.set("bbox", [b.getWest(), b.getSouth(), b.getEast(),
                        b.getNorth()].map(function(v) { return v.toFixed(5); }).join(","));
                    u.searchParams.set("lang", {{ this.lang|tojson }});
                    if ({{ this.gcj|tojson }}) { u.searchParams.set("crs", "gcj02"); }
                    window.open(u.toString(), "_blank", "noopener");
                });
                return bar;
            };
            c.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, label: str, *, lang: str, page: str = "print", gcj: bool = False) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "PrintView"
        self.label, self.lang, self.page, self.gcj = label, lang, page, gcj


class ViewInUrl(folium.MacroElement):
    """Keeps the map's view in the URL of the app page holding its frame (``?lat=&lon=&zoom=``,
    5 decimals, about 1 m), as the user pans and zooms: a reload or a copied link opens the
    same view. Written in the browser (``history.replaceState``), so a pan costs no run of
    the page. On a GCJ-02 basemap the map's degrees are shifted: ``crs=gcj02`` says so, for
    the page to undo it. Outside an app page (a notebook, a saved file) it does nothing.

    ``scope``: what the map shows, whatever its language or basemap (a digest of the page's
    inputs). The view is also kept in the tab's session storage under it, and a new map of
    the same scope that the page does not frame itself (no centre or zoom given) opens
    where the last one was left: switching the language redraws the map without moving it.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }}, gcj = {{ this.gcj|tojson }};
            var slot = "riverchief-view:" + {{ this.scope|tojson }};
            function keep() {
                try {
                    var w = window.parent, u = new URL(w.location.href), c = map.getCenter();
                    u.searchParams.set("lat", c.lat.toFixed(5));
                    u.searchParams.set("lon", c.lng.toFixed(5));
                    u.searchParams.set("zoom", String(map.getZoom()));
                    if (gcj) { u.searchParams.set("crs", "gcj02"); }
                    else { u.searchParams.delete("crs"); }
                    if (u.href !== w.location.href) {
                        w.history.replaceState(w.history.state, "", u.href);
                    }
                    var v = JSON.stringify([c.lat, c.lng, map.getZoom(), gcj]);
                    if ({{ this.scope|tojson }}) { w.sessionStorage.setItem(slot, v); }
                } catch (err) {}  // no app page around the map: nothing to keep
            }
            function resume() {
                // the page's own framing (a selection, a link's view) comes first
                var g = window.__GLOBAL_DATA__ || {};
                if (!{{ this.scope|tojson }} || g.last_center || g.last_zoom) { return; }
                try {
                    var v = JSON.parse(window.parent.sessionStorage.getItem(slot) || "null");
                    if (v && v[3] === gcj) { map.setView([v[0], v[1]], v[2], {animate: false}); }
                } catch (err) {}
            }
            map.on("moveend", keep);
            map.whenReady(function() { setTimeout(function() { resume(); keep(); }, 0); });
        })();
        {% endmacro %}
    """)

    def __init__(self, *, gcj: bool = False, scope: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ViewInUrl"
        self.gcj = gcj
        self.scope = scope


class FocusInPlace(folium.MacroElement):
    """A click on a map that is partly below the fold no longer loses itself. Leaflet
    focuses the map on mouse-down (for its keyboard handler); in an app's frame the browser
    then scrolls the page to show the frame, the map moves under the pointer between
    mouse-down and mouse-up, and the click is taken for a drag. Here the focus never
    scrolls."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var el = {{ this._parent.get_name() }}.getContainer();
            el.focus = function(options) {
                var still = Object.assign({}, options, {preventScroll: true});
                HTMLElement.prototype.focus.call(el, still);
            };
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FocusInPlace"


def group_of(el: Any) -> str:
    """The control group of a layer (set by :func:`gis.maps.base.add_layer`); ``care``
    for a layer added without one."""
    return str(getattr(el, "_rc_group", "care"))


class GroupedLayerControl(folium.LayerControl):
    """Leaflet's layer control, collapsed, its overlays ordered by group under a heading
    per group (:data:`gis.maps.style.GROUPS`). Headings are set as text, not HTML."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var base = {
                {%- for key, val in this.base_layers.items() %}
                {{ key|tojson }}: {{ val }},
                {%- endfor %}
            };
            var overlays = {
                {%- for key, val in this.overlays.items() %}
                {{ key|tojson }}: {{ val }},
                {%- endfor %}
            };
            var groups = {};
            {%- for var, title in this.titles %}
            groups[L.stamp({{ var }})] = {{ title|tojson }};
            {%- endfor %}
            var ctl = L.control.layers(base, overlays, {{ this.options|tojavascript }});
            var update = ctl._update;
            ctl._update = function() {  // Leaflet rebuilds the list here: add the headings
                var out = update.apply(this, arguments);
                var list = this._overlaysList, items = Array.prototype.slice.call(list.children);
                var ov = this._layers.filter(function(o) { return o.overlay; }), last = null;
                ov.forEach(function(o, i) {
                    var g = groups[L.stamp(o.layer)] || "";
                    if (g !== last && items[i]) {
                        var h = document.createElement("div");
                        h.className = "rc-layer-group";
                        h.textContent = g;
                        list.insertBefore(h, items[i]);
                        last = g;
                    }
                });
                return out;
            };
            ctl.addTo({{ this._parent.get_name() }});
            window.rc_layer_control = ctl;
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str = "zh", position: str = "topright") -> None:
        super().__init__(position=position, collapsed=True)
        self._name = "GroupedLayerControl"
        self.lang = lang
        self.titles: list[tuple[str, str]] = []

    def grouped(self) -> list[tuple[str, list[Any]]]:
        """The map's controlled overlays by group, in :data:`GROUPS` order (empty groups
        left out)."""
        layers = [
            el for el in self._siblings() if isinstance(el, Layer) and el.control and el.overlay
        ]
        return [
            (g, members) for g in GROUPS if (members := [el for el in layers if group_of(el) == g])
        ]

    def _siblings(self) -> list[Any]:
        return [] if self._parent is None else list(self._parent._children.values())

    def render(self, **kwargs: Any) -> Any:
        """Collect the layers (base layers as folium does, overlays by group)."""
        self.reset()
        self.titles = []
        for item in self._siblings():
            if isinstance(item, Layer) and item.control and not item.overlay:
                self.base_layers[item.layer_name] = item.get_name()
        for g, members in self.grouped():
            for el in members:
                self.overlays[el.layer_name] = el.get_name()
                self.titles.append((el.get_name(), group_title(g, self.lang)))
        return folium.MacroElement.render(self, **kwargs)


class MapTools(folium.MacroElement):
    """The coordinates under the cursor in CGCS2000 (click the box to copy them) and a
    测量 button measuring distance and area on the map. Self-contained script (no plugin,
    no CDN). On a GCJ-02 basemap (``gcj=True``) the map's degrees are shifted: the readout
    undoes the shift (the same formula and fixed-point inverse as :mod:`gis.coords`), so it
    always shows CGCS2000. Distances are great-circle (Leaflet's ``distance``, a sphere of
    radius 6,378,137 m: within 0.5 % of the ellipsoid), areas the spherical polygon formula
    on the same sphere (as Leaflet.draw's ``geodesicArea``)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var W = {{ this.words|tojson }}, GCJ = {{ this.gcj|tojson }};
            var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
            function delta(lon, lat) {
                var x = lon - 105.0, y = lat - 35.0;
                var dlat = -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*Math.sqrt(Math.abs(x));
                dlat += (20*Math.sin(6*x*PI) + 20*Math.sin(2*x*PI)) * 2/3;
                dlat += (20*Math.sin(y*PI) + 40*Math.sin(y/3*PI)) * 2/3;
                dlat += (160*Math.sin(y/12*PI) + 320*Math.sin(y*PI/30)) * 2/3;
                var dlon = 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*Math.sqrt(Math.abs(x));
                dlon += (20*Math.sin(6*x*PI) + 20*Math.sin(2*x*PI)) * 2/3;
                dlon += (20*Math.sin(x*PI) + 40*Math.sin(x/3*PI)) * 2/3;
                dlon += (150*Math.sin(x/12*PI) + 300*Math.sin(x/30*PI)) * 2/3;
                var rad = lat / 180 * PI, magic = 1 - EE*Math.sin(rad)*Math.sin(rad);
                var sq = Math.sqrt(magic);
                return [dlon*180 / (A/sq*Math.cos(rad)*PI),
                        dlat*180 / ((A*(1-EE)) / (magic*sq) * PI)];
            }
            function cgcs(ll) {
                if (!GCJ) { return [ll.lng, ll.lat]; }
                var lon = ll.lng, lat = ll.lat;
                for (var i = 0; i < 30; i++) {
                    var d = delta(lon, lat), rx = lon + d[0] - ll.lng, ry = lat + d[1] - ll.lat;
                    lon -= rx; lat -= ry;
                    if (Math.abs(rx) < 1e-10 && Math.abs(ry) < 1e-10) { break; }
                }
                return [lon, lat];
            }
            var coords = L.control({position: "bottomright"});
            coords.onAdd = function() {
                var box = L.DomUtil.create("div", "leaflet-bar rc-coords");
                box.style.cssText = "background:#fff;padding:2px 6px;font:12px/1.5 sans-serif;"
                    + "cursor:copy;min-width:13em";
                box.title = W.copy;
                box.textContent = W.coords;
                L.DomEvent.disableClickPropagation(box);
                map.on("mousemove", function(e) {
                    var p = cgcs(e.latlng);
                    box.dataset.value = p[0].toFixed(6) + ", " + p[1].toFixed(6);
                    box.textContent = W.lon + " " + p[0].toFixed(6) + "  "
                        + W.lat + " " + p[1].toFixed(6);
                });
                L.DomEvent.on(box, "click", function() {
                    var v = box.dataset.value;
                    if (!v) { return; }
                    var done = function() { box.textContent = W.copied + " " + v; };
                    if (navigator.clipboard && window.isSecureContext) {
                        navigator.clipboard.writeText(v).then(done, done);
                    } else { done(); }
                });
                return box;
            };
            coords.addTo(map);

            var R = 6378137, pts = [], line = null, poly = null, on = false;
            function area(ll) {
                var s = 0, n = ll.length;
                for (var i = 0; i < n; i++) {
                    var a = ll[i], b = ll[(i + 1) % n];
                    s += (b.lng - a.lng) * PI / 180
                        * (2 + Math.sin(a.lat * PI / 180) + Math.sin(b.lat * PI / 180));
                }
                return Math.abs(s * R * R / 2);
            }
            function km(m) { return m >= 1000 ? (m / 1000).toFixed(2) + " km"
                                              : m.toFixed(0) + " m"; }
            function km2(m2) { return m2 >= 1e6 ? (m2 / 1e6).toFixed(3) + " km²"
                                                : m2.toFixed(0) + " m²"; }
            var tool = L.control({position: "topleft"});
            tool.onAdd = function() {
                var bar = L.DomUtil.create("div", "leaflet-bar rc-measure");
                var a = L.DomUtil.create("a", "", bar);
                a.href = "#"; a.setAttribute("role", "button");
                a.style.cssText = "width:auto;padding:0 6px;font-size:12px";
                a.textContent = W.measure; a.title = W.hint;
                var out = L.DomUtil.create("div", "rc-measure-result", bar);
                out.style.cssText = "display:none;background:#fff;padding:2px 6px;"
                    + "font:12px/1.5 sans-serif";
                L.DomEvent.disableClickPropagation(bar);
                function clear() {
                    pts = [];
                    if (line) { map.removeLayer(line); line = null; }
                    if (poly) { map.removeLayer(poly); poly = null; }
                }
                function show() {
                    var d = 0;
                    for (var i = 1; i < pts.length; i++) { d += map.distance(pts[i-1], pts[i]); }
                    var text = W.distance + " " + km(d);
                    if (pts.length >= 3) { text += " · " + W.area + " " + km2(area(pts)); }
                    out.textContent = pts.length ? text : W.hint;
                    out.dataset.metres = d.toFixed(3);
                    out.dataset.squareMetres = pts.length >= 3 ? area(pts).toFixed(3) : "0";
                }
                L.DomEvent.on(a, "click", function(e) {
                    L.DomEvent.preventDefault(e);
                    on = !on; clear();
                    a.style.fontWeight = on ? "700" : "400";
                    out.style.display = on ? "block" : "none";
                    map.getContainer().style.cursor = on ? "crosshair" : "";
                    if (on) { map.doubleClickZoom.disable(); }
                    else { map.doubleClickZoom.enable(); }
                    show();
                });
                map.on("click", function(e) {
                    if (!on) { return; }
                    pts.push(e.latlng);
                    if (!line) {
                        line = L.polyline(pts, {color: "#000", weight: 3, dashArray: "6 4"})
                            .addTo(map);
                    } else { line.setLatLngs(pts); }
                    if (pts.length >= 3) {
                        if (!poly) {
                            poly = L.polygon(pts, {color: "#000", weight: 0, fillOpacity: 0.1})
                                .addTo(map);
                        } else { poly.setLatLngs(pts); }
                    }
                    show();
                });
                return bar;
            };
            tool.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, words: dict[str, str], *, gcj: bool = False) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapTools"
        self.words, self.gcj = words, gcj


def map_tools(lang: str, *, gcj: bool = False) -> MapTools:
    """:class:`MapTools` worded in ``lang``."""
    keys = ("coords", "lon", "lat", "copy", "copied", "measure", "hint", "distance", "area")
    return MapTools({k: t(f"tool_{k}", lang) for k in keys}, gcj=gcj)
