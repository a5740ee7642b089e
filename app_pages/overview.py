"""Overview: the county inventory (as ``riverchief summary`` gives it) and the county map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis import catalogue, maps
from gis.i18n import county_title, label, t
from gis.inventory import summarize
from gis.safe import md_text
from gis.store_pg import open_data
from ui.common import (
    DATA_KEY,
    DATA_NAME,
    backdrop,
    lang,
    load_layers,
    load_meta,
    mtime,
    show_map,
)
from ui.dashboard import show_figures
from ui.search_box import hit_label, hits_for


@st.cache_data(show_spinner=False)
def load_summary(path: str, mtime: float) -> dict:
    return summarize(open_data(path))


#: The layers the inventory counts: one the store lacks is said, so its 0 is not read as checked.
INVENTORY_LAYERS = (
    "rivers", "reservoirs", "chiefs", "water_sources", "signboards", "quarries",
)  # fmt: skip


@st.cache_data(show_spinner=False)
def load_missing(path: str, mtime: float) -> tuple[list[str], list[str]]:
    """The inventory's layers and the boundary levels below the county the store lacks."""
    store = open_data(path)
    present = set(store.layers())
    levels = set(store.read("admin_units")["level"]) if "admin_units" in present else set()
    return (
        [n for n in INVENTORY_LAYERS if n not in present],
        [lv for lv in ("township", "village") if lv not in levels],
    )


def build_map(path: str, mt: float, lg: str):
    return maps.county_map(load_layers(path, mt), lang=lg, backdrop=backdrop(path))


lg, path, mt = lang(), DATA_KEY, mtime()
meta = load_meta(path, mt)
st.subheader(f"{md_text(county_title(meta, DATA_NAME, lg))} · {t('overview', lg)}")
show_figures(path, mt, lg)  # the key figures first, each linking to its page
summary = load_summary(path, mt)
missing_layers, missing_levels = load_missing(path, mt)
if missing_layers or missing_levels:
    st.info(
        t("layers_missing", lg)
        + "、".join(
            [label((lay.zh, lay.en), lg) for lay in map(catalogue.get_layer, missing_layers)]
            + [t(f"{lv}_bounds", lg) for lv in missing_levels]
        )
    )
left, right = st.columns([1, 2.2])
with left:
    st.markdown(f"**{t('inventory', lg)}**")
    table = pd.DataFrame(
        {
            t("item", lg): [t(f"summary.{k}", lg) for k in summary],
            t("value", lg): [
                f"{v:,}" if isinstance(v, int) else f"{v:,.1f}" for v in summary.values()
            ],
        }
    )
    st.table(table.set_index(t("item", lg)))
    query = st.text_input(t("search", lg), placeholder=t("search_hint", lg))
    chosen = None
    if query.strip():
        hits = hits_for(query)
        if hits.empty:
            st.info(t("search_none", lg))
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("kind", lg): [
                            t(f"by_{k}" if k != "reservoir" else "reservoirs", lg)
                            for k in hits["kind"]
                        ],
                        t("name", lg): hits["name"],
                        t("code", lg): hits["code"],
                        t("detail", lg): [
                            t(f"level_{d}", lg) if k == "river" else d
                            for k, d in zip(hits["kind"], hits["detail"], strict=True)
                        ],
                    }
                ),
                hide_index=True,
                height=min(400, 38 + 35 * len(hits)),
            )
            pick = st.selectbox(
                t("show_on_map", lg),
                range(len(hits)),
                format_func=lambda i: hit_label(hits, i),
            )
            chosen = hits.iloc[[pick]]
with right:
    st.markdown(f"**{t('map', lg)}** — {t('layers_note', lg)}")
    view = (
        maps.view_of(chosen.to_crs(4326))
        if chosen is not None and chosen.geometry.notna().all()
        else None
    )
    show_map(
        lambda: build_map(path, mt, lg),
        base=("overview", path, mt),
        height=640,
        key="overview-map",
        feature_group_to_add=maps.highlight(chosen, lang=lg) if view else None,
        center=view[0] if view else None,
        zoom=view[1] if view else None,
    )
