"""HTML to PDF by a Chromium-family browser on the machine, headless and offline.

The browser lays out Chinese text with the system's fonts and embeds them, which
matplotlib's PDF backend cannot do for the CFF-flavoured CJK fonts Linux ships. A machine
without such a browser gets a refusal that says to print the HTML instead, never a PDF
with missing glyphs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from gis._errors import OutputError

#: Browsers looked for on PATH, in order; ``$RIVERCHIEF_BROWSER`` names one explicitly.
BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "msedge",
)
#: Flags for a headless run on a closed network: no first-run, sync or update traffic.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)
TIMEOUT_S = 180


def find_browser() -> str | None:
    """The browser that prints PDFs here: ``$RIVERCHIEF_BROWSER``, else the first of
    :data:`BROWSERS` on PATH, else None."""
    named = os.environ.get("RIVERCHIEF_BROWSER")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return next((p for b in BROWSERS if (p := shutil.which(b))), None)


def _print(html_text: str, out: Path, flags: list[str], made_name: str) -> Path:
    """Run the browser on ``html_text`` with ``flags`` writing ``made_name`` in a private
    folder; move it to ``out`` only when it was made."""
    browser = find_browser()
    if browser is None:
        raise OutputError(code="dossier.no_browser")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="riverchief-print-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html_text, encoding="utf-8")
        made = Path(tmp) / made_name
        cmd = [
            browser,
            *FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            *[f.format(made=made) for f in flags],
            page.as_uri(),
        ]
        try:
            run = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OutputError(
                code="dossier.pdf_failed", params={"path": out.name, "detail": type(exc).__name__}
            ) from exc
        if not made.is_file() or made.stat().st_size == 0:
            tail = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise OutputError(
                code="dossier.pdf_failed", params={"path": out.name, "detail": tail[0][:200]}
            )
        shutil.move(str(made), out)
    return out


def html_to_pdf(html_text: str, out: Path) -> Path:
    """Print ``html_text`` (a self-contained page) to the PDF ``out``.

    Parameters
    ----------
    html_text : str
        A whole HTML document with its images inlined.
    out : Path
        The PDF to write; replaced only when the browser made a new one.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    OutputError
        No browser here (``dossier.no_browser``), or it failed (``dossier.pdf_failed``).
    """
    return _print(html_text, out, ["--print-to-pdf={made}"], "page.pdf")


def html_to_png(html_text: str, out: Path, *, size: tuple[int, int], scale: float = 1.0) -> Path:
    """A screenshot of ``html_text`` laid out in a window of ``size`` CSS pixels, at
    ``scale`` device pixels each (a printed sheet as an image).

    Raises
    ------
    OutputError
        As :func:`html_to_pdf`.
    """
    flags = [
        "--screenshot={made}",
        f"--window-size={size[0]},{size[1]}",
        f"--force-device-scale-factor={scale:.4f}",
        "--hide-scrollbars",
    ]
    return _print(html_text, out, flags, "page.png")
