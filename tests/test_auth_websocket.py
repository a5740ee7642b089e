"""A visitor's forged import, sent over Streamlit's websocket to a real app server.

The client does what a browser does (rerun messages, a file upload through the upload
endpoint) and then what a browser cannot: it reports a click on the import button the page
drew disabled. Streamlit 1.67 drops triggers for disabled widgets itself; 1.60, which
``streamlit>=1.40`` allows, ran the handler. The server is started with that drop switched
off (as on 1.60), so what stops the import is the page's own check.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from app_server import serve_app

from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
REFUSAL = "此操作需工作人员登录：未写入任何数据。"
CHIEF_CSV = (
    "chief_id,name,level,post,phone,admin_code\n"
    "512099C9001,伪造,county,副县长,100-0000-9001,512099\n"
)

# Streamlit as before 1.6x: a trigger reported for a disabled button reaches the script.
LAUNCH = """
import sys
from streamlit.elements.widgets import button
from streamlit.web import cli

original = button.register_widget

def register(*args, **kwargs):
    if "disabled" in kwargs:
        kwargs["disabled"] = False
    return original(*args, **kwargs)

button.register_widget = register
sys.argv = ["streamlit", "run", *sys.argv[1:]]
sys.exit(cli.main())
"""


@pytest.fixture()
def server(demo_copy):
    options = (
        "--server.enableXsrfProtection",
        "false",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    )
    with serve_app(demo_copy, launch=[sys.executable, "-c", LAUNCH], options=options) as (
        _url,
        port,
    ):
        yield port, demo_copy


class Client:
    """The websocket side of a browser tab: send BackMsgs, collect ForwardMsgs."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.ws = None
        self.session_id = None

    async def connect(self) -> None:
        from tornado.websocket import websocket_connect

        self.ws = await websocket_connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream", subprotocols=["streamlit"]
        )

    async def send(self, **fields) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        await self.ws.write_message(BackMsg(**fields).SerializeToString(), binary=True)

    async def until(self, done, timeout: float = 120) -> list:
        """ForwardMsgs up to and including the first for which ``done`` holds."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        out = []
        end = time.monotonic() + timeout
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout=end - time.monotonic())
            assert raw is not None, "the server closed the websocket"
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            if msg.WhichOneof("type") == "new_session":
                self.session_id = msg.new_session.initialize.session_id
            out.append(msg)
            if done(msg):
                return out

    async def rerun(self, widgets=()) -> list:
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        state = ClientState(
            query_string="", page_name="data", widget_states=WidgetStates(widgets=list(widgets))
        )
        await self.send(rerun_script=state)
        return await self.until(lambda m: m.WhichOneof("type") == "script_finished")


def _elements(msgs: list, kind: str) -> list:
    out = []
    for m in msgs:
        if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element":
            el = m.delta.new_element
            if el.WhichOneof("type") == kind:
                out.append(getattr(el, kind))
    return out


def _upload(port: int, url: str, name: str, data: bytes) -> None:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{url}",
        data=body,
        method="PUT",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status in (200, 204)


async def _forge(port: int, mode: str) -> list:
    from streamlit.proto.Common_pb2 import (
        FileUploaderState,
        FileURLs,
        FileURLsRequest,
        UploadedFileInfo,
    )
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    c = Client(port)
    await c.connect()
    first = await c.rerun()
    uploader = _elements(first, "file_uploader")[0]
    boxes = {b.label: b for b in _elements(first, "selectbox")}
    layer, how = boxes["导入到图层"], boxes["方式"]
    button = next(b for b in _elements(first, "button") if b.label == "导入")
    assert button.disabled

    data = CHIEF_CSV.encode()
    await c.send(
        file_urls_request=FileURLsRequest(
            request_id="r1", file_names=["chiefs.csv"], session_id=c.session_id
        )
    )
    urls = (await c.until(lambda m: m.WhichOneof("type") == "file_urls_response"))[
        -1
    ].file_urls_response.file_urls[0]
    _upload(port, urls.upload_url, "chiefs.csv", data)
    info = UploadedFileInfo(
        file_id=urls.file_id,
        name="chiefs.csv",
        size=len(data),
        file_urls=FileURLs(
            file_id=urls.file_id, upload_url=urls.upload_url, delete_url=urls.delete_url
        ),
    )
    widgets = [
        WidgetState(
            id=uploader.id, file_uploader_state_value=FileUploaderState(uploaded_file_info=[info])
        ),
        WidgetState(
            id=layer.id, string_value=next(o for o in layer.options if o.startswith("chiefs "))
        ),
        WidgetState(id=how.id, string_value="替换整层" if mode == "replace" else "追加"),
    ]
    staged = await c.rerun(widgets)  # the upload and the choices, as a browser sends them
    assert next(
        b for b in _elements(staged, "button") if b.label == "导入"
    ).disabled  # a visitor: disabled
    forged = await c.rerun([*widgets, WidgetState(id=button.id, trigger_value=True)])
    c.ws.close()
    return forged


@pytest.mark.parametrize("mode", ["append", "replace"])
def test_forged_import_over_the_websocket_writes_nothing(server, mode):
    port, store_path = server
    before = hashlib.sha256(store_path.read_bytes()).hexdigest()
    n = len(GeoPackageStore(store_path).read("chiefs"))
    forged = asyncio.run(_forge(port, mode))
    assert len(GeoPackageStore(store_path).read("chiefs")) == n
    assert hashlib.sha256(store_path.read_bytes()).hexdigest() == before  # not even an audit row
    assert [e.body for e in _elements(forged, "alert")] == [REFUSAL]
