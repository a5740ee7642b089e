"""Streamlit's own English widget texts (the file uploader's button and size limit, the
date fields' calendar) shown in the user's words.

Streamlit has no option for the uploader's texts, so the English is hidden with CSS and the
words of :mod:`gis.i18n` are drawn in its place (``::after``). The words are quoted for CSS
from the fixed label table, never from user data. The calendar names its months and
weekdays in the browser's language (Streamlit reads ``navigator.language`` at each render),
so an English browser showed an English calendar in the Chinese UI: :func:`locale_script`
sets that language to the app's.
"""

from __future__ import annotations

import json

import streamlit as st

from gis.i18n import LOCALES, t

#: Streamlit's upload limit in MB (``server.maxUploadSize``; 200 unless configured)
DEFAULT_UPLOAD_MB = 200


def _css_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a CSS string: quotes and backslashes escaped


#: The county's title heads every page: one line of a working tool, not a fifth of the
#: screen (Streamlit's title is 2.75 rem under 6 rem of padding)
COMPACT_TITLE = """
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
[data-testid="stHeading"] h1 { font-size: 1.6rem; padding: 0.25rem 0 0.5rem; }
[data-testid="stHeading"] h3 { font-size: 1.3rem; padding: 0.25rem 0; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 4rem; }
  [data-testid="stHeading"] h1 { font-size: 1.25rem; }
  [data-testid="stHeading"] h3 { font-size: 1.1rem; }
}"""


def chrome_css(lang: str) -> str:
    """A ``<style>`` block that words the uploader in ``lang`` (and takes the place of the
    script-only element of :func:`locale_script` out of the layout)."""
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
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script) {{ display: none; }}
{COMPACT_TITLE}
</style>"""


def locale_script(lang: str) -> str:
    """A script that makes the browser's language the app's (``lang``), so the date fields'
    calendar names months and weekdays in it. Its only datum is a tag from the fixed
    :data:`gis.i18n.LOCALES`; it takes effect from the next render, which every run makes."""
    tag = json.dumps(LOCALES[lang])
    return f"""<script>
(() => {{
  const tag = {tag};
  for (const name of ["language", "languages"]) {{
    Object.defineProperty(Navigator.prototype, name, {{
      configurable: true,
      get: () => (name === "language" ? tag : [tag]),
    }});
  }}
  document.documentElement.lang = tag;
  window.dispatchEvent(new Event("languagechange"));
}})();
</script>"""
