"""HTML to PDF by a Chromium-family browser on the machine, headless and offline.

The browser lays out Chinese text with the system's fonts and embeds them, which
matplotlib's PDF backend cannot do for the CFF-flavoured CJK fonts Linux ships. A machine
without such a browser gets a refusal that says to print the HTML instead, never a PDF
with missing glyphs.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Any

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
)
#: One file printed and the browser gone ("command mode"; header and footer are the
#: protocol's option, off by default, in a :class:`Printer`).
PRINT_ONCE = ("--no-pdf-header-footer",)
TIMEOUT_S = 180
#: Browsers one process runs at once (a batch's browser counts one): the app's print
#: buttons are open to visitors, and a burst of clicks must not start a browser each.
MAX_BROWSERS = 3
BUSY_WAIT_S = 60  # how long a print waits for a free browser before it is refused
_BROWSERS = threading.BoundedSemaphore(MAX_BROWSERS)


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
    if not _BROWSERS.acquire(timeout=BUSY_WAIT_S):
        raise OutputError(code="dossier.busy", params={"n": MAX_BROWSERS})
    try:
        return _print_in(browser, html_text, out, flags, made_name)
    finally:
        _BROWSERS.release()


def _print_in(browser: str, html_text: str, out: Path, flags: list[str], made_name: str) -> Path:
    # the browser's helper processes may still write into its profile as it is removed:
    # what they leave in the temp folder is no reason to fail a print that is done
    with tempfile.TemporaryDirectory(prefix="riverchief-print-", ignore_cleanup_errors=True) as tmp:
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


#: What a print can fail with: the pipe, the browser's own error, its going away or
#: silence, a tab never freed, an answer without its data.
_FAILURES = (OSError, RuntimeError, EOFError, TimeoutError, queue.Empty, KeyError, ValueError)
#: The page is ready to print when it has loaded and its fonts are laid out.
READY_JS = (
    "new Promise(r => { const f = () => document.fonts.ready.then(() => r(1));"
    " document.readyState === 'complete' ? f() : addEventListener('load', f); })"
)


class Printer:
    """One headless browser kept open to print many pages to PDF.

    It speaks the DevTools protocol over a pipe (``--remote-debugging-pipe``: no port,
    no websocket library), so a batch pays the browser's start-up once instead of once a
    file; ``pages`` tabs print at once, each in its own renderer process. Thread-safe:
    :meth:`pdf` takes a free tab. Where the pipe is not available (not POSIX) each page
    is printed by a browser of its own, as :func:`html_to_pdf` did before.

    Examples
    --------
    >>> from gis.dossier.pdf import Printer
    >>> with Printer(pages=2) as p:  # doctest: +SKIP
    ...     p.pdf("<h1>黄沟江</h1>", Path("a.pdf"))
    """

    def __init__(self, *, pages: int = 1) -> None:
        self._tmp = tempfile.TemporaryDirectory(  # see _print_in: a dying browser's leftovers
            prefix="riverchief-print-", ignore_cleanup_errors=True
        )
        self._pages = max(1, pages)
        self._tabs: queue.Queue[str] = queue.Queue()
        self._made = 0
        self._lock = threading.Lock()  # the pending answers and the tab count
        self._writing = threading.Lock()  # one message at a time into the pipe
        self._pending: dict[int, Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._proc: subprocess.Popen[bytes] | None = None
        self._slot = False
        if os.name == "posix":
            try:
                self._take_slot()
                self._start()
            except BaseException:  # busy, no browser: nothing left behind
                self._free_slot()
                self._tmp.cleanup()
                raise

    def _take_slot(self) -> None:
        if not _BROWSERS.acquire(timeout=BUSY_WAIT_S):
            raise OutputError(code="dossier.busy", params={"n": MAX_BROWSERS})
        self._slot = True

    def _free_slot(self) -> None:
        if self._slot:
            self._slot = False
            _BROWSERS.release()

    def _start(self) -> None:
        browser = find_browser()
        if browser is None:
            raise OutputError(code="dossier.no_browser")
        to_child, from_parent = os.pipe()
        from_child, to_parent = os.pipe()

        def fds_3_and_4() -> None:  # the pipe's fixed numbers in the browser
            a, b = os.dup(to_child), os.dup(to_parent)  # never dup2 a fd onto itself
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        cmd = [
            browser,
            *FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={Path(self._tmp.name) / 'profile'}",
            "about:blank",
        ]
        try:
            self._proc = subprocess.Popen(  # noqa: S603 -- a browser found above, no shell
                cmd,
                close_fds=False,
                preexec_fn=fds_3_and_4,  # noqa: PLW1509 -- only dups two fds, no locks
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise OutputError(
                code="dossier.pdf_failed", params={"path": browser, "detail": type(exc).__name__}
            ) from exc
        finally:
            os.close(to_child)
            os.close(to_parent)
        self._out = os.fdopen(from_parent, "wb", buffering=0)
        self._in = os.fdopen(from_child, "rb", buffering=0)
        self._reader = threading.Thread(target=self._read, daemon=True, name="riverchief-printer")
        self._reader.start()

    def _read(self) -> None:
        """Hand each answer to its caller; when the browser goes, fail whoever waits."""
        buf = b""
        while chunk := self._in.read(1 << 20):
            buf += chunk
            *messages, buf = buf.split(b"\0")
            for raw in messages:
                try:
                    msg = json.loads(raw)
                except ValueError:  # not an answer of ours: its caller times out
                    continue
                with self._lock:
                    fut = self._pending.pop(msg.get("id", -1), None)
                if fut is not None:
                    fut.set_result(msg)
        with self._lock:
            left, self._pending = list(self._pending.values()), {}
        for fut in left:
            fut.set_exception(EOFError("the browser closed"))

    def _call(self, method: str, params: dict[str, Any], session: str | None = None) -> Any:
        msg: dict[str, Any] = {"id": next(self._ids), "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        fut: Future[dict[str, Any]] = Future()
        with self._lock:
            self._pending[msg["id"]] = fut
        with self._writing:
            self._out.write(json.dumps(msg).encode() + b"\0")
        answer = fut.result(timeout=TIMEOUT_S)
        if "error" in answer:
            raise RuntimeError(answer["error"].get("message", "?"))
        return answer.get("result", {})

    def _tab(self) -> str:
        with self._lock:
            new = self._made < self._pages and self._tabs.empty()
            self._made += new
        if not new:
            return self._tabs.get(timeout=TIMEOUT_S)
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        return str(
            self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        )

    def pdf(self, html_text: str, out: Path) -> Path:
        """Print ``html_text`` to the PDF ``out`` (replaced only when a new one was made).

        Raises
        ------
        OutputError
            The browser failed (``dossier.pdf_failed``).
        """
        out = Path(out)
        if self._proc is None:
            return _print(html_text, out, [*PRINT_ONCE, "--print-to-pdf={made}"], "page.pdf")
        tab = None
        try:
            tab = self._tab()
            page = Path(self._tmp.name) / f"{tab}.html"
            page.write_text(html_text, encoding="utf-8")
            went = self._call("Page.navigate", {"url": page.as_uri()}, tab)
            if went.get("errorText"):
                raise RuntimeError(went["errorText"])
            self._call("Runtime.evaluate", {"expression": READY_JS, "awaitPromise": True}, tab)
            data = self._call(
                "Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, tab
            )["data"]
            part = out.with_name(out.name + ".part")
            part.write_bytes(base64.b64decode(data))
            part.replace(out)
        except _FAILURES as exc:
            detail = str(exc) or type(exc).__name__
            raise OutputError(
                code="dossier.pdf_failed", params={"path": out.name, "detail": detail[:200]}
            ) from exc
        finally:
            if tab is not None:
                self._tabs.put(tab)
        return out

    def close(self) -> None:
        """Close the browser and its private profile."""
        if self._proc is not None:
            with contextlib.suppress(*_FAILURES):  # a dead browser is closed already
                self._call("Browser.close", {})
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._out.close()
            self._reader.join(10)  # the browser gone, its end of the pipe reads EOF
            self._in.close()
            self._proc = None
        self._free_slot()
        self._tmp.cleanup()

    def __enter__(self) -> Printer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


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
    with Printer() as printer:
        return printer.pdf(html_text, out)


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
