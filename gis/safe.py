"""One escaping path for untrusted text (names, codes, free text, file names, messages).

Data comes from files anyone can hand a county office; it reaches the browser in two
languages that both run it: HTML (folium tooltips, popups, legends, layer names) and
Streamlit's Markdown (``st.markdown``, headings, captions, alerts, expander labels and
every ``st.table`` cell). Escape once, where the text becomes HTML or Markdown, never
earlier: text escaped twice shows ``&amp;lt;`` or ``\\*`` to users.

Nothing here imports streamlit: the maps, the app and the tests share it.
"""

from __future__ import annotations

import html
import math
import re

import pandas as pd

#: Characters Markdown (CommonMark + GFM + Streamlit's directives) gives a meaning:
#: emphasis, links and images, HTML and entities, headings, lists, tables, strikethrough,
#: code, LaTeX ``$``, directives ``:red[...]`` / ``:material/x:``, autolinks (``:``,
#: ``.``, ``@``), setext underlines (``=``) and attribute braces. CommonMark lets any
#: ASCII punctuation be backslash-escaped, and an escaped character always shows as itself.
MD_ACTIVE = "\\`*_[](){}<>#+-.!|~$:&=@^"
_MD_RE = re.compile("[" + re.escape(MD_ACTIVE) + "]")

#: U+2060 WORD JOINER (invisible, zero width). Streamlit turns bare URLs, ``www.`` and
#: e-mail addresses into links, and ``:smile:`` into emoji, after parsing: on the text
#: the escapes produce. A joiner after ``:``, before ``@`` and after ``www`` breaks those
#: patterns without a visible change (it is copied with the text).
JOINER = "\u2060"
_LINKISH = re.compile(r"(?<=\\:)|(?=\\@)|(?<=www)(?=\\\.)", re.IGNORECASE)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def html_text(value: object) -> str:
    """``value`` as text safe inside HTML (element content or a quoted attribute).

    Parameters
    ----------
    value : object
        Anything; ``None``, NaN and ``pd.NA`` give an empty string.

    Returns
    -------
    str
        ``str(value)`` with ``& < > " '`` as entities: the browser shows the original text.

    Examples
    --------
    >>> html_text('<img src=x onerror=alert(1)> & "河"')
    '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;河&quot;'
    >>> html_text(None), html_text(float("nan")), html_text(3)
    ('', '', '3')
    """
    return "" if _is_missing(value) else html.escape(str(value), quote=True)


def md_text(value: object) -> str:
    """``value`` as Markdown that renders as exactly its own text in Streamlit.

    Every Markdown-active character gets a backslash, so links, images, HTML, emphasis,
    LaTeX and Streamlit directives show as the characters they are; an invisible
    :data:`JOINER` keeps bare URLs, e-mail addresses and emoji codes from becoming links
    or pictures. Never put the result inside a code span (backticks do not honour escapes
    there).

    Parameters
    ----------
    value : object
        Anything; ``None``, NaN and ``pd.NA`` give an empty string.

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> print(md_text("**清江** [图](x.png) $x$"))
    \\*\\*清江\\*\\* \\[图\\]\\(x\\.png\\) \\$x\\$
    >>> md_text("a@b.cn") == "a" + JOINER + "\\\\@b\\\\.cn"
    True
    >>> md_text(None)
    ''
    """
    if _is_missing(value):
        return ""
    return _LINKISH.sub(JOINER, _MD_RE.sub(lambda m: "\\" + m.group(0), str(value)))


def md_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for ``st.table`` (which renders every cell, index label and column
    header as Markdown): each string cell, index label and header through :func:`md_text`.

    Non-string cells (numbers, dates, None) are left as they are.

    Parameters
    ----------
    df : DataFrame
        Not changed.

    Returns
    -------
    DataFrame
        The escaped copy.
    """

    def esc(v: object) -> object:
        return md_text(v) if isinstance(v, str) else v

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].astype(object).map(esc)
    if not isinstance(out.index, pd.RangeIndex):  # a RangeIndex stays one (st.table hides it)
        out.index = out.index.map(esc)
    out.index.name = esc(out.index.name)
    out.columns = [esc(c) for c in out.columns]
    return out
