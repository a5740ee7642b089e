"""The home page's key figures as metric cards, each linking to the page behind it.

Computed once per store version (:func:`gis.dashboard.county_figures`, about 3 s on the
demo) and kept beside the store, so a restarted server reads them back. Patrol compliance
needs every track judged (minutes): it is shown only when the patrols page has already
judged this store's tracks, in this server or in one before it, never computed here; its
figure is kept beside the store too (reading the judged tracks back takes seconds).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from gis import datasets
from gis.dashboard import Dashboard, Figure, kept_figures, kept_patrol_figure, patrol_figure
from gis.i18n import t
from gis.patrols.assess import DEFAULT_RULE_SET
from gis.patrols.persist import assessment_key, is_kept
from gis.store import Store
from gis.store_pg import open_data
from ui.common import keyed_resource, peek_resource
from ui.patrol_views import DRAWN, load_assessment

#: Each page's file, by its url_path (app.py registers app_pages/<url_path>.py).
PAGE_DIR = "app_pages"


@st.cache_data(show_spinner=False)
def load_figures(path: str, mtime: str) -> Dashboard:
    return kept_figures(open_data(path))  # kept beside the store: a restart reads it back


@st.cache_data(show_spinner=False, max_entries=4)
def load_patrol_figure(
    path: str, mtime: str, tracks_key: tuple, day: str, judged_key: str, _assessed
) -> Figure:
    # keyed on the store, the track file and the day; the shared assessment is not hashed,
    # and only read (seconds) when the figure is not kept beside the store
    return kept_patrol_figure(
        open_data(path), day=dt.date.fromisoformat(day), key=judged_key, assessed=_assessed
    )


def patrol_tracks(store: Store) -> tuple[str | None, float] | None:
    """The track file the patrols page judges for ``store``, as its cache key names it
    (``(None, 0.0)``: the store's imported patrols), or None when there is none on disk
    (the demo's simulated quarter is only looked for, never generated here)."""
    if "patrol_points" in store.layers():
        return None, 0.0
    demo, quarter = datasets.get_path("demo"), datasets.get_path("demo_patrols")
    path = getattr(store, "path", None)  # a PostGIS store has no file: never the demo
    if path is not None and Path(path).resolve() == demo.resolve() and quarter.exists():
        return str(quarter), quarter.stat().st_mtime
    return None


def figures(path: str, mtime: str) -> Dashboard:
    """The figures, with patrol compliance when the patrols page has judged the tracks."""
    d = load_figures(path, mtime)
    store = open_data(path)
    tracks = patrol_tracks(store)
    is_demo = datasets.is_demo(path)  # a PostGIS URL is never the demo
    if tracks is None and not is_demo:  # a real county without tracks: say so
        return d.with_figure(patrol_figure(store, day=dt.date.fromisoformat(d.as_of)))
    if tracks is None:  # the demo's quarter not simulated: not computed
        return d
    held = peek_resource("patrols", (path, mtime, *tracks))
    judged_key = assessment_key(store, tracks=tracks[0], rule_set=DEFAULT_RULE_SET, points=DRAWN)
    if held is None and not is_kept(store, key=judged_key):
        return d  # not judged yet: not computed here

    def assessed() -> tuple:
        a, net, _period = held or keyed_resource(  # judged before a restart: read back
            "patrols", (path, mtime, *tracks), lambda: load_assessment(path, tracks[0], None)
        )
        return a, net

    return d.with_figure(load_patrol_figure(path, mtime, tracks, d.as_of, judged_key, assessed))


def _label(f: Figure, lg: str) -> str:
    name = t(f"dashboard.{f.key}", lg)
    return f"{t(f'level_{f.level}', lg)} · {name}" if f.level else name


def _value(f: Figure, lg: str) -> str:
    if f.value is None:  # never 0: not checked, no patrols, not computed, no data
        return t(f"dashboard.status_{f.status}", lg)
    if f.unit == "%":
        return f"{f.value:.1f}%"
    if f.unit == "count":
        return f"{f.value:,}"
    return f"{f.value:,.2f}" if f.key == "unassigned_km" else f"{f.value:,.1f}"  # as gaps shows


def _caption(f: Figure, lg: str) -> str | None:
    d = f.detail
    if f.value is None:
        return t(f"dashboard.help_{f.status}", lg)
    if f.key == "coverage_pct":
        return t("dashboard.covered_of", lg).format(a=d["covered_km"], b=d["total_km"])
    if f.key == "patrol_compliance_pct":
        period = f"{d['from']} – {d['to']}"
        return t("dashboard.chiefs_of", lg).format(a=d["compliant"], b=d["chiefs"], p=period)
    if f.key == "quarry_violations":
        return t("dashboard.quarries_of", lg).format(a=d["quarries_with_violations"], d=d["as_of"])
    if f.key == "sources_without_zone":
        return t("dashboard.sources_of", lg).format(a=d["sources"])
    return None


def page_link(url_path: str, lg: str) -> None:
    """A link to the app page ``url_path``, in the app's navigation (the language stays)."""
    label = f"{t('dashboard.open_page', lg)} {t(f'page_{url_path}', lg)} →"
    try:
        st.page_link(f"{PAGE_DIR}/{url_path}.py", label=label)
    except StreamlitPageNotFoundError:  # the page run on its own (no navigation): a plain link
        st.markdown(f"[{label}](./{url_path})")


def _unassigned(f: Figure, lg: str) -> str | None:
    """The unassigned length of a coverage card's level, as the metric's delta line."""
    if f.value is None:
        return None
    return t("dashboard.unassigned_delta", lg).format(v=f"{f.value:,.2f}")


def show_figures(path: str, mtime: str, lg: str) -> Dashboard:
    """The cards in two rows: river length and coverage per level (the unassigned km of
    the level under it), then patrols, quarries and water sources."""
    d = figures(path, mtime)
    st.markdown(f"**{t('dashboard.title', lg)}**")
    rows = [
        [d.get("river_length_km")] + [f for f in d.figures if f.key == "coverage_pct"],
        [d.get(k) for k in ("patrol_compliance_pct", "quarry_violations", "sources_without_zone")],
    ]
    for row in rows:
        for col, f in zip(st.columns(len(row)), row, strict=True):
            km = d.get("unassigned_km", f.level) if f.key == "coverage_pct" else None
            delta = _unassigned(km, lg) if km is not None else None
            with col.container(border=True):
                st.metric(
                    _label(f, lg),
                    _value(f, lg),
                    delta,
                    delta_color="off",
                    delta_arrow="off",
                )
                caption = _caption(f, lg)
                if caption:
                    st.caption(caption)
                page_link(f.page, lg)
    return d
