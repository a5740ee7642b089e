"""Sand quarries: the compliance map and table, with the rule broken and the distance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gis import maps
from gis.i18n import t
from gis.quarries import check_quarries
from gis.safe import md_frame, md_text
from gis.store_pg import open_data
from ui.common import DATA_KEY, backdrop, lang, load_layers, mtime, show_map
from ui.downloads import download_buttons, tables_file


@st.cache_data(show_spinner=False)
def load_report(path: str, mtime: float) -> tuple:
    report = check_quarries(open_data(path))
    return (
        report.quarries.drop(columns="violations"),
        report.violations(),
        report.summary(),
        report.rule_set,
    )


@st.cache_data(show_spinner=False)
def report_file(path: str, mtime: float, suffix: str) -> bytes:
    """The quarries and violations as ``riverchief quarries --out`` writes them."""
    return tables_file(check_quarries(open_data(path)).tables(), "quarries", suffix)


def rule_set_label(rule_set: str, lg: str) -> str:
    """Where the rules came from, in the user's words (``default:<table>`` is the shipped
    table; an override names its file)."""
    origin, _, name = rule_set.partition(":")
    if origin == "default":
        return t("rule_set_default", lg)
    return f"{t('rule_set_override', lg)} {md_text(name)}"


lg, path, mt = lang(), DATA_KEY, mtime()
st.subheader(t("page_quarries", lg))
with st.spinner("…"):
    quarries, violations, summary, rule_set = load_report(path, mt)
a, b, c = st.columns(3)
checked = summary["quarries"] > 0  # no quarry: the three zeros would read as all compliant
shown = (lambda n: f"{n}") if checked else (lambda _n: t("not_checked", lg))
a.metric(t("quarries_total", lg), f"{summary['quarries']}")
b.metric(t("quarries_violating", lg), shown(summary["quarries_with_violations"]))
c.metric(
    t("quarries_compliant", lg), shown(summary["quarries"] - summary["quarries_with_violations"])
)
if not checked:
    st.warning(t("no_quarries_not_checked", lg))
st.caption(f"{t('rule_set', lg)}: {rule_set_label(rule_set, lg)}")

left, right = st.columns([1.3, 1])
with left:
    show_map(
        lambda: maps.quarry_map(
            load_layers(path, mt), quarries, violations, lang=lg, backdrop=backdrop(path)
        ),
        base=("quarries", path, mt),
        height=600,
        key="quarry-map",
    )
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
    if len(table):
        st.table(md_frame(table.set_index(t("quarry_id", lg))))
    else:  # an empty table would say "empty": say whether it was checked
        st.markdown(t("none_found", lg) if checked else t("not_checked", lg))
    st.markdown(f"**{t('download', lg)}**")
    download_buttons("quarries", lambda suffix: report_file(path, mt, suffix), key="q-dl")
