"""The assessment bulletin (考核通报): the scorecard as sheets a River Chief Office sends
out, every heading and code value in the reader's language (Chinese by default)."""

from __future__ import annotations

import pandas as pd

from gis import catalogue
from gis.assessment.scorecard import VALUE_COLUMNS, WEIGHTED_LEVELS, Scorecard
from gis.i18n import LABELS, label, t
from gis.rules import load


def bulletin(card: Scorecard, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Sheet name → table: the chiefs ranked within their level, the indicators, the
    workload, the townships, the fairness, the appeals and the rules."""
    a = "assess."
    names = card.chiefs.set_index("chief_id")["name"]
    word = {
        "level": lambda v: label(catalogue.LEVELS[v], lang) if v in catalogue.LEVELS else v,
        "grade": lambda v: t(f"{a}grade_{v}", lang) if isinstance(v, str) else "—",
        "indicator": lambda v: t(f"{a}{v}", lang),
        "status": lambda v: t(f"{a}{v}", lang) if isinstance(v, str) else "",
        "decision": lambda v: (
            label(catalogue.APPEAL_DECISIONS[v], lang) if v in catalogue.APPEAL_DECISIONS else ""
        ),
        "problem": lambda v: t(f"{a}{v}", lang) if isinstance(v, str) else "",
    }
    heads = {
        "chief_id": t("col.chief_id", lang),
        "name": t("name", lang),
        "level": t("level", lang),
        "township": t("township", lang),
        "admin_code": t("col.admin_code", lang),
    }

    def sheet(df: pd.DataFrame, codes: tuple[str, ...] = ()) -> pd.DataFrame:
        out = df.copy()
        for c in codes:
            out[c] = out[c].map(word[c])
        return out.rename(columns=lambda c: heads.get(c) or _head(c, lang))

    ch = card.chiefs.assign(
        township=card.chiefs["township_code"].map(
            card.by_township.set_index("township_code")["township"]
        )
        if len(card.by_township)
        else None
    )
    ch = ch.join(card.workload["index"], on="chief_id").sort_values(
        ["level", "total"],
        ascending=[True, False],
        key=lambda s: (
            s.map({v: i for i, v in enumerate(catalogue.CHIEF_LEVELS)}) if s.name == "level" else s
        ),
    )
    chiefs = ch[
        [
            "chief_id",
            "name",
            "level",
            "township",
            "total",
            "grade",
            "total_measured",
            "grade_measured",
            "capped_by",
            "index",
        ]
    ]
    chiefs = chiefs.assign(grade_measured=chiefs["grade_measured"].map(word["grade"]))
    ind = card.indicators.assign(name=card.indicators["chief_id"].map(names))
    ind = ind[["chief_id", "name", "indicator", *VALUE_COLUMNS]].rename(
        columns={"numerator": "basis_n", "denominator": "basis_d"}
    )
    heads.update(
        {
            "basis_n": f"{t(a + 'basis', lang)}(分子)" if lang == "zh" else "numerator",
            "basis_d": f"{t(a + 'basis', lang)}(分母)" if lang == "zh" else "denominator",
        }
    )
    load_ = card.workload.reset_index()  # index chief_id; its column "index" is the workload index
    spec = load("assessment_indicators")
    rules = pd.DataFrame(
        {
            t(f"{a}indicator", lang): spec["indicator"].map(word["indicator"]),
            t(f"{a}definition", lang): spec["definition_zh" if lang == "zh" else "definition"],
            **{t(f"level_{lv}", lang): spec[f"weight_{lv}"] for lv in WEIGHTED_LEVELS},
            "来源" if lang == "zh" else "Source": spec["source"],
        }
    )
    appeals = card.evidence.get("appeals", pd.DataFrame())
    return {
        t(f"{a}chiefs_sheet", lang): sheet(chiefs, ("level", "grade")),
        t(f"{a}indicators_sheet", lang): sheet(ind, ("indicator", "status", "decision")),
        t(f"{a}workload", lang): sheet(load_),
        t(f"{a}by_township", lang): sheet(
            card.by_township.drop(columns="township_code").rename(
                columns={g: f"grade_{g}" for g in ("excellent", "good", "pass", "fail")}
            )
        ),
        t(f"{a}fairness_sheet", lang): sheet(card.fairness, ("level",)),
        t(f"{a}evidence_appeals", lang): sheet(appeals, ("indicator", "decision", "problem"))
        if len(appeals)
        else sheet(appeals),
        t(f"{a}rules_sheet", lang): rules,
    }


def _head(col: str, lang: str) -> str:
    """The column's heading: the assessment's word, else the app's, else the catalogue's."""
    for key in (f"assess.{col}", col, f"col.{col}"):
        if key in LABELS:
            return t(key, lang)
    for layer in catalogue.LAYERS:
        if col in layer.field_names:
            spec = layer.field(col)
            return label((spec.zh, spec.en), lang)
    return col
