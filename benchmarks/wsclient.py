"""A browser as the dashboard's server sees it, for benchmarks and process-level tests: its cookies from
loading the page, and one Streamlit websocket session spoken to as the frontend does.

`source` binds every connection to a local address (all of 127/8 is loopback on Linux), so a flood can
come from 127.0.0.2 while the viewer it is measured against stays on 127.0.0.1: the server's per-address
bounds (ui/gate.py) see two clients, as they would on the LAN.
"""

from __future__ import annotations

import contextlib
import time

import requests
from requests.adapters import HTTPAdapter
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from metrics.i18n import text

FLOOD_SOURCE = "127.0.0.2"


class _FromAddress(HTTPAdapter):
    """requests' connections bound to one local address."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class Session:
    """A browser's cookies and one websocket session (from `source`, if given)."""

    def __init__(self, base_url: str, source: str = "", lang: str = "zh"):
        self.base_url, self.lang = base_url, lang
        self.http = requests.Session()
        if source:
            self.http.mount("http://", _FromAddress(source))
        self.http.get(f"{base_url}/", timeout=60)
        self.http.get(f"{base_url}/_stcore/health", timeout=60)
        cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        xsrf = self.http.cookies.get("_streamlit_xsrf", "") or "none"
        url = base_url.replace("http://", "ws://") + "/_stcore/stream"
        self._connection = connect(
            url,
            subprotocols=["streamlit", xsrf],
            additional_headers={"Origin": base_url, "Cookie": cookies},
            max_size=None,
            open_timeout=60,
            proxy=None,
            **({"source_address": (source, 0)} if source else {}),
        )
        self.socket = self._connection.__enter__()
        self.session_id = ""
        self.widgets: dict[str, str] = {}  # widget key → id
        self.busy = False  # the last run: the server's "busy, try again" notice (or a close as busy), no page
        self.alerts: list[str] = []  # the texts of the last run's alerts (errors, warnings, notices)
        self.closed = False  # the server closed the socket instead of answering (busy: code 1013)
        self._busy_text = text("gate.busy", lang)

    def run(self, page: str = "", widgets: list[WidgetState] | None = None) -> float:
        """Rerun a page (with widget states) and wait for the end of the run; its seconds."""
        started = time.perf_counter()
        self.ask(page, widgets)
        self.answer()
        return time.perf_counter() - started

    def ask(self, page: str = "", widgets: list[WidgetState] | None = None) -> None:
        """Send the rerun request only (many sessions can ask at the same moment, then read answers)."""
        message = BackMsg()
        message.rerun_script.query_string = f"lang={self.lang}"
        message.rerun_script.page_name = page
        message.rerun_script.widget_states.widgets.extend(widgets or [])
        self.socket.send(message.SerializeToString())

    def answer(self) -> None:
        """Read what the server draws until the end of the run asked for."""
        self.busy = False
        self.alerts = []
        while True:
            try:
                received = self.socket.recv(timeout=120)
            except ConnectionClosed as closing:
                self.closed = True
                self.busy = closing.rcvd is not None and closing.rcvd.code == 1013
                return
            forward = ForwardMsg.FromString(received)
            kind = forward.WhichOneof("type")
            if kind == "new_session" and forward.new_session.initialize.session_id:
                self.session_id = forward.new_session.initialize.session_id
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                element_type = element.WhichOneof("type")
                if element_type == "alert":
                    self.alerts.append(element.alert.body)
                    self.busy = self.busy or element.alert.body == self._busy_text
                widget_id = getattr(getattr(element, element_type), "id", "")
                if widget_id.startswith("$$ID"):
                    self.widgets[widget_id.rsplit("-", 1)[-1]] = widget_id
            elif kind == "script_finished" and forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return

    def open_sign_in(self, page: str = "targets") -> None:
        """Run `page` and, where it shows only its 编辑人员登录 button, click it: the form is drawn then."""
        self.run(page)
        if "editui_open_sign_in" in self.widgets and not self.busy and not self.closed:
            self.run(page, [WidgetState(id=self.widgets["editui_open_sign_in"], trigger_value=True)])

    def sign_in_states(self, account: str, password: str) -> list[WidgetState]:
        """The widget states of the sign-in form (drawn by the last run) filled in and submitted."""
        ids = self.widgets
        return [
            WidgetState(id=ids["editui_username"], string_value=account),
            WidgetState(id=ids["editui_password"], string_value=password),
            WidgetState(id=ids["editui_sign_in"], trigger_value=True),
        ]

    def sign_in(self, account: str, password: str, page: str = "targets") -> float:
        """Submit the sign-in form drawn by the last run of `page`."""
        return self.run(page, self.sign_in_states(account, password))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._connection.__exit__(None, None, None)
