"""The Data page's import report in the user's language: the counts, the notes, every
rejected or repaired row, and the rejects file to download.

Every word is the app's own: a reason's fix is followed by what to do on this page
(:data:`HINTS`: a control's name), never a command-line flag or a server path.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gis.i18n import t
from gis.io.reasons import rejects_in, say
from gis.safe import md_frame, md_text
from ui.importing import field_words

#: code of a row's reason or a note -> the label key of what to do on this page
HINTS = {
    "row.swapped": "hint_swap",
    "note.all_swapped": "hint_swap",
    "row.outside_china": "hint_outside",
    "row.off_globe_lon": "hint_crs",
    "row.off_globe_lat": "hint_crs",
    "row.off_globe_not_finite": "hint_crs",
    "row.not_finite_after_crs": "hint_crs",
    "row.id_exists": "hint_replace",
    "import.outside_county": "hint_clip",
    "note.salvaging_encoding": "hint_encoding",
}


def hint(code: str | None, lg: str) -> str:
    """This page's way to act on a reason's code ('' when it has none)."""
    key = HINTS.get(code or "")
    return t(key, lg) if key else ""


def problem_frame(problems: list, layer: str, lg: str) -> pd.DataFrame:
    """The rejected and repaired rows in ``lg``: row, field, reason, fix (with this page's
    hint), action."""
    words = field_words(layer, lg)
    rows: list[dict[str, Any]] = []
    for p in problems:
        reason, fix = p.message(lg)
        extra = hint(p.code, lg)
        fix = (
            "；".join(x for x in (fix, extra) if x)
            if lg == "zh"
            else "; ".join(x for x in (fix, extra) if x)
        )
        rows.append(
            {
                t("row", lg): p.row,
                t("field", lg): words.get(p.field or "", p.field or ""),
                t("reason", lg): reason,
                t("fix", lg): fix,
                t("action", lg): t(f"action_{p.action}", lg),
            }
        )
    return md_frame(pd.DataFrame(rows))


def rejects_csv(text: str, report, lg: str) -> bytes:
    """The rejects file with headers, fields, reasons and fixes in ``lg``."""
    row = t("feature" if report.row_word == "feature" else "row", lg)
    words = {
        f"_{report.row_word}": row,
        "_field": t("field", lg),
        "_reason": t("reason", lg),
        "_fix": t("fix", lg),
        **field_words(report.layer, lg),
    }
    return rejects_in(lg, text, report.rejected, words).encode("utf-8")


def show_report(report, rejected_csv: bytes | None, lg: str) -> None:
    """The import's report in ``lg``: the counts, notes, the problems, the rejects file."""
    c = st.columns(4)
    c[0].metric(t("rows_read", lg), f"{report.read:,}")
    c[1].metric(t("rows_accepted", lg), f"{report.accepted:,}")
    c[2].metric(t("rows_rejected", lg), f"{len(report.rejected):,}")
    c[3].metric(t("rows_repaired", lg), f"{len(report.repaired):,}")
    (st.success if report.written else st.info)(
        t("written" if report.written else "not_written", lg)
    )
    if report.outside or report.clipped:
        st.info(t("clip_counts", lg).format(outside=report.outside, clipped=report.clipped))
    for note in report.notes:
        extra = hint(getattr(note, "code", None), lg)
        st.caption(md_text(say(note, lg) + (f"（{extra}）" if extra else "")))
    if report.lost:
        st.error(f"{t('damaged_file', lg)}: {md_text(say(report.lost, lg))}")
    problems = report.rejected + report.repaired
    if problems:
        st.table(problem_frame(problems[:500], report.layer, lg))
    if rejected_csv:
        st.download_button(
            t("download_rejects", lg),
            rejects_csv(rejected_csv.decode("utf-8-sig"), report, lg),
            file_name=f"{report.file}.rejects.csv",
            mime="text/csv",
        )
