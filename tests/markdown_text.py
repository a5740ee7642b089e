"""What a user reads of Markdown the app escaped (gis.safe.md_text): the tests compare that."""

from __future__ import annotations

import re

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def plain(markdown: str) -> str:
    """The text a reader sees: backslash escapes and invisible word joiners removed."""
    return _ESCAPED.sub(r"\1", markdown).replace("\u2060", "")
