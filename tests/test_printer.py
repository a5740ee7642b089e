"""One browser printing many pages (the DevTools protocol over a pipe): each PDF is the
page it was given, pages printed at once do not mix, and a browser that goes away is a
refusal naming the file, never a hang or a traceback."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from gis._errors import OutputError
from gis.dossier.pdf import Printer, html_to_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian chromium is not installed"
)


def _page(k: int) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8"><style>@page { size: A4; }</style>'
        f"</head><body><h1>第{k}号河流 RIVER-{k:03d}</h1>"
        + "<p>河长制</p>" * (k % 3 * 40 + 1)  # 1, 2 or 3 pages
        + "</body></html>"
    )


def _text(pdf) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_many_pages_in_two_tabs_each_its_own(tmp_path):
    outs = [tmp_path / f"{k}.pdf" for k in range(8)]
    with Printer(pages=2) as printer, ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda k: printer.pdf(_page(k), outs[k]), range(8)))
    for k, out in enumerate(outs):
        text = _text(out)
        assert f"RIVER-{k:03d}" in text and f"第{k}号河流" in text
        assert all(f"RIVER-{j:03d}" not in text for j in range(8) if j != k)
    # the same page printed alone, by a browser of its own, has as many pages
    alone = html_to_pdf(_page(2), tmp_path / "alone.pdf")
    assert _pages(alone) == _pages(outs[2]) > 1


def test_a_browser_gone_is_a_refusal_naming_the_file(tmp_path):
    printer = Printer()
    try:
        printer.pdf(_page(1), tmp_path / "first.pdf")
        printer._proc.kill()  # the browser dies between two prints
        printer._proc.wait()
        with pytest.raises(OutputError) as exc:
            printer.pdf(_page(2), tmp_path / "second.pdf")
        assert exc.value.code == "dossier.pdf_failed" and "second.pdf" in str(exc.value)
        assert not (tmp_path / "second.pdf").exists()
    finally:
        printer.close()


def test_a_burst_of_prints_waits_for_a_free_browser_then_is_refused(tmp_path, monkeypatch):
    """At most MAX_BROWSERS browsers at once in a process (the app's buttons are open to
    visitors): one more waits, then gets a refusal that says to try again."""
    from gis.dossier import pdf

    monkeypatch.setattr(pdf, "BUSY_WAIT_S", 0.2)
    held = [Printer() for _ in range(pdf.MAX_BROWSERS)]
    try:
        with pytest.raises(OutputError) as exc:
            Printer()
        assert exc.value.code == "dossier.busy"
        with pytest.raises(OutputError):
            html_to_pdf(_page(1), tmp_path / "x.pdf")
    finally:
        for p in held:
            p.close()
    with Printer() as printer:  # the slots are free again
        printer.pdf(_page(1), tmp_path / "after.pdf")
    assert "RIVER-001" in _text(tmp_path / "after.pdf")
