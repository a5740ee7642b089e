"""Sand quarries: the compliance map and table, with the rule broken and the distance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis import maps
from gis.i18n import t
from gis.quarries import check_quarries
from gis.safe import md_frame, md_text
from gis.store import GeoPackageStore
from ui.common import DATA, backdrop, lang, load_layers, mtime, show_map


@st.cache_data(show_spinner=False)
def load_report(path: str, mtime: float) -> tuple:
    report = check_quarries(GeoPackageStore(path))
    return (
        report.quarries.drop(columns="violations"),
        report.violations(),
        report.summary(),
        report.rule_set,
    )


lg, path, mt = lang(), str(DATA), mtime()
st.subheader(t("page_quarries", lg))
with st.spinner("…"):
    quarries, violations, summary, rule_set = load_report(path, mt)
a, b, c = st.columns(3)
a.metric(t("quarries_total", lg), f"{summary['quarries']}")
b.metric(t("quarries_violating", lg), f"{summary['quarries_with_violations']}")
c.metric(
    t("quarries_compliant", lg), f"{summary['quarries'] - summary['quarries_with_violations']}"
)
st.caption(f"{t('rule_set', lg)}: {md_text(rule_set)}")

left, right = st.columns([1.3, 1])
with left:
    m = maps.quarry_map(
        load_layers(path, mt), quarries, violations, lang=lg, backdrop=backdrop(path)
    )
    show_map(m, height=600, key="quarry-map")
with right:
    st.markdown(f"**{t('violations', lg)}**")
    table = pd.DataFrame(
        {
            t("quarry_id", lg): violations["quarry_id"],
            t("name", lg): violations["name"],
            t("rule", lg): [t(f"rule_{r}", lg) for r in violations["rule"]],
            t("distance_m", lg): [
                None if pd.isna(d) else f"{d:,.0f}" for d in violations["distance_m"]
            ],
        }
    )
    st.table(md_frame(table.set_index(t("quarry_id", lg))))
