"""Streamlit's own English widget texts (the file uploader's button and size limit) shown
in the user's words.

Streamlit has no option for these texts, so the English is hidden with CSS and the words
of :mod:`gis.i18n` are drawn in its place (``::after``); no script runs. The words are
quoted for CSS from the fixed label table, never from user data.
"""

from __future__ import annotations

import json

import streamlit as st

from gis.i18n import t

#: Streamlit's upload limit in MB (``server.maxUploadSize``; 200 unless configured)
DEFAULT_UPLOAD_MB = 200


def _css_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a CSS string: quotes and backslashes escaped


def chrome_css(lang: str) -> str:
    """A ``<style>`` block that words the uploader in ``lang``."""
    try:
        mb = int(st.get_option("server.maxUploadSize"))
    except Exception:  # outside a Streamlit server (tests of the module)
        mb = DEFAULT_UPLOAD_MB
    button = _css_text(t("upload_browse", lang))
    limit = _css_text(t("upload_limit", lang).format(mb=mb))
    drop = '[data-testid="stFileUploaderDropzone"]'
    return f"""<style>
{drop} button {{ font-size: 0 !important; }}
{drop} button * {{ display: none !important; }}
{drop} button::after {{ content: {button}; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] * {{ display: none !important; }}
[data-testid="stFileUploaderDropzoneInstructions"]::after {{
  content: {limit}; font-size: 0.8rem; opacity: 0.7;
}}
</style>"""
