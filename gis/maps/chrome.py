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
