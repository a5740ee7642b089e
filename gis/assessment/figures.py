"""The fairness figure: each chief's total against his workload index, per level, for the
scorecard as computed and for the same scorecard without normalisation (the README's plot,
the notebook's and the app's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gis.assessment.scorecard import Scorecard
from gis.i18n import t

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def fairness_figure(card: Scorecard, lang: str = "zh") -> Figure:
    """One panel per level: total (dots) and unnormalised total (crosses) against the
    workload index, with each r in the legend. Chiefs with no river workload are left out,
    as in :attr:`Scorecard.fairness`."""
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    from gis.dossier.figures import cjk_font

    name = cjk_font()
    font = FontProperties(family=name) if name else None
    d = card.chiefs.set_index("chief_id").join(card.workload[["index", "km"]])
    d = d[(d["km"] > 0) & d["total"].notna()]
    fair = card.fairness.set_index("level")
    levels = [lv for lv in fair.index if (d["level"] == lv).any()]
    fig = Figure(figsize=(5 * max(1, len(levels)), 4.2), layout="constrained")
    axes = fig.subplots(1, max(1, len(levels)), squeeze=False)[0]
    for ax, lv in zip(axes, levels, strict=False):
        g, f = d[d["level"] == lv], fair.loc[lv]
        ax.scatter(
            g["index"],
            g["total_plain"],
            marker="x",
            s=10,
            color="#bbbbbb",
            label=f"{t('assess.r_index_plain', lang)} = {f['r_index_plain']}",
        )
        ax.scatter(
            g["index"],
            g["total"],
            s=8,
            color="#1f77b4",
            label=f"{t('assess.r_index', lang)} = {f['r_index']}",
        )
        ax.set_title(f"{t(f'level_{lv}', lang)} ({int(f['chiefs'])})", fontproperties=font)
        ax.set_xlabel(t("assess.index", lang), fontproperties=font)
        ax.set_ylabel(t("assess.total", lang), fontproperties=font)
        ax.set_ylim(-2, 102)
        ax.legend(prop=font, loc="best", fontsize=8)
    fig.suptitle(t("assess.fairness", lang), fontproperties=font)
    return fig
