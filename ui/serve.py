"""`streamlit run dashboard.py` with the default view prepared while the first browser loads.

    python -m ui.serve --server.port 8501      # what `make run` runs; any `streamlit run` option works

Streamlit runs nothing of the app until the first browser has loaded its page and opened a websocket;
that first viewer then waited for pandas and DuckDB to import, for the data version check, for every
query, card and chart of the Overview and for Streamlit's own first-use work. Here a background thread
does all that once the server is listening (started earlier, it slowed the server's own start by half),
in the time the browser spends loading Streamlit's scripts, and leaves its results in the caches the
page reads.
The script itself is unchanged and still runs per viewer.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import http.cookies
import secrets
import socket
import sys
import threading
import time
from collections import defaultdict

from metrics.paths import PROJECT_ROOT
from ui.gate import BUSY_PARAM, RunGate, SocketRuns
from ui.navigation import PAGE_ADDRESSES

SERVER_WAIT_SECONDS = 30

# The browser's own secret, an HttpOnly cookie set on its first request: a sign-in is bound to it, and a
# save needs the connection asking for it to carry it (metrics/editors.py). A session id does not carry it.
BROWSER_COOKIE = "hs_browser"

# What viewers can make the server hold in uploads (issue 13: 400 files of 4.9 MB into one viewer
# session, +1.96 GB). An editor's upload is one CSV of at most server.maxUploadSize (5 MB).
UPLOAD_FILES_PER_SESSION = 2
UPLOAD_BYTES_PER_SESSION = 12 * 2**20
UPLOAD_BYTES_PER_ADDRESS = 24 * 2**20
UPLOAD_BYTES_TOTAL = 96 * 2**20
UPLOADS_IN_FLIGHT_PER_ADDRESS = 2
UPLOADS_IN_FLIGHT_TOTAL = 4
UPLOAD_PATH = "/_stcore/upload_file/"
_upload_address: contextvars.ContextVar[str] = contextvars.ContextVar("upload_address", default="")


def _wait_for_server() -> None:
    """Until Streamlit's runtime has started (or a while has passed: then warm up anyway)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.runtime import RuntimeState

    deadline = time.monotonic() + SERVER_WAIT_SECONDS
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            return
        time.sleep(0.01)


def _warm_up() -> None:
    """The Overview for the city in Chinese, as the first viewer will most likely open it: the same
    calls the page and sidebar make, so the results are found in their caches."""
    from metrics.i18n import DEFAULT_LANGUAGE
    from metrics.registry import DEFAULT_REGION
    from ui import data, render
    from ui.context import Context, region_names

    data.data_state()
    region_names(DEFAULT_LANGUAGE)
    data.fetch("update_dates")
    context = Context(lang=DEFAULT_LANGUAGE, region_id=DEFAULT_REGION, as_of=None)
    reader = data.reader(None)
    render.page_footer(context, reader.figures(DEFAULT_REGION))
    chart = render.overview_parts(reader, context).chart
    if chart is not None:
        render.displayed(chart.figure)


def _warm_up_streamlit() -> None:
    """Streamlit's own first-use costs, paid here rather than by the first viewer's page: the emoji
    table a non-ASCII widget label is checked against, ~0.2 s to compile, and the one-time check
    whether it runs in a REPL, a stack inspection of ~0.1 s. Both are Streamlit internals: if they
    change, this does nothing. Then what the first run of the scripts did once: import the modules
    only they import (the editing room's, and PIL for set_page_config's icon) and compile the entry
    script and the Overview (~0.1 s of the first page's run before)."""
    import PIL.Image  # noqa: F401 - what Streamlit reads a page icon with
    from streamlit import delta_generator, string_util
    from streamlit.runtime import Runtime

    import ui.editing  # noqa: F401 - dashboard.py's sidebar status
    from metrics.i18n import text

    string_util.extract_leading_emoji(text("sidebar.region", "zh"))  # the region selector's label, 地区
    delta_generator._maybe_print_use_warning()
    scripts = getattr(Runtime.instance(), "_script_cache", None) if Runtime.exists() else None
    if scripts is not None:  # the first viewer's scripts; any other page is compiled on its first view
        for script in (PROJECT_ROOT / "dashboard.py", PROJECT_ROOT / "pages" / "overview.py"):
            scripts.get_bytecode(str(script))


def _warm_up_quietly() -> None:
    _wait_for_server()
    # Meanwhile the server's own thread is sending the browser Streamlit's scripts. Python hands the
    # interpreter between threads every 5 ms by default; at 0.1 ms the server answers those requests
    # between the warm-up's steps instead of after them (first paint 2.31 → 2.10 s in BENCHMARKS.md's
    # measure). The default is restored once the warm-up is done.
    # The cyclic collector is paused meanwhile: imports make ~150,000 long-lived objects, which it
    # walked again and again (~10% of the imports' time, on the CPU the browser is loading with); they are
    # frozen out of later collections at the end in any case.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0001)
    collecting = gc.isenabled()
    gc.disable()
    try:
        for step in (_warm_up, _warm_up_streamlit):
            try:
                step()
            except Exception:  # noqa: BLE001 - a warm-up must never stop the server; the first viewer sees any error
                pass
        freeze_long_lived()
    finally:
        if collecting:
            gc.enable()
        sys.setswitchinterval(interval)


def freeze_long_lived() -> None:
    """Leave what the process holds once started (Streamlit, pandas, plotly's validators: ~150,000
    objects) out of every later garbage collection. A full collection walked them all, ~70 ms with
    the interpreter held, and fell on one page view in a few after a data change (BENCHMARKS.md).
    Frozen objects are still freed when no longer referenced; only cycles among them, such as the
    warm-up's cached figures once a new data version replaces them, stay: once, a few MB at most."""
    gc.freeze()


def without_nagle() -> None:
    """Send page views without Nagle's algorithm.

    Streamlit sends a page as dozens of small websocket frames on connections that keep Nagle's
    algorithm on (asyncio turns it off only on sockets made with proto=IPPROTO_TCP, and Streamlit
    binds its listening socket without), so about one page view in twenty waited for the browser's
    delayed acknowledgement: 40 ms more (BENCHMARKS.md, section 4). Set on the listening socket,
    TCP_NODELAY is inherited by every connection it accepts. `_bind_socket` is a Streamlit internal:
    if it moves, this changes nothing.
    """
    with contextlib.suppress(ImportError):
        from streamlit.web.server.starlette import starlette_server

        bind = getattr(starlette_server, "_bind_socket", None)
        if bind is None or getattr(bind, "without_nagle", False):
            return

        def bind_without_nagle(address: str, port: int, backlog: int) -> socket.socket:
            listening = bind(address, port, backlog)
            with contextlib.suppress(OSError):
                listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return listening

        bind_without_nagle.without_nagle = True
        starlette_server._bind_socket = bind_without_nagle


def browser_secret(cookies: dict[str, str]) -> str:
    """The secret a sign-in is bound to: the launcher's browser cookie, else (a server started without
    the launcher, as some tests do) the token of Streamlit's own XSRF cookie; "" without either."""
    if cookies.get(BROWSER_COOKIE):
        return "browser:" + cookies[BROWSER_COOKIE]
    xsrf = cookies.get("_streamlit_xsrf")
    if not xsrf:
        return ""
    with contextlib.suppress(Exception):
        from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

        token, _ = decode_xsrf_token_string(xsrf)
        if token:
            return "xsrf:" + token.hex()
    return ""


def _uploaded_file_manager_class():
    """Streamlit's in-memory upload store, bounded per session, per address and in all (issue 13)."""
    from starlette.exceptions import HTTPException
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    class BoundedUploads(MemoryUploadedFileManager):
        """Accepts a file only under an upload URL it issued to that session, while that session has an
        uploader on screen, within UPLOAD_FILES_PER_SESSION / UPLOAD_BYTES_* (413 beyond)."""

        def __init__(self, upload_endpoint: str) -> None:
            super().__init__(upload_endpoint)
            self.issued: dict[str, dict[str, None]] = defaultdict(dict)  # per session, oldest first
            self.by_address: dict[str, int] = defaultdict(int)
            self.owner: dict[tuple[str, str], str] = {}

        def get_upload_urls(self, session_id, file_names):
            if not _has_uploader(session_id):
                return []  # a viewer's page has no uploader: nothing to upload to
            infos = super().get_upload_urls(session_id, file_names[:UPLOAD_FILES_PER_SESSION])
            with self._lock:
                issued = self.issued[session_id]
                issued.update(dict.fromkeys(info.file_id for info in infos))
                while len(issued) > 16:  # a page left open re-picking files: keep the recent ones
                    del issued[next(iter(issued))]
            return infos

        def may_upload(self, session_id: str, file_id: str, size: int, address: str) -> tuple[int, str]:
            """(0, "") if an upload of `size` bytes may go ahead, else (HTTP status, reason)."""
            with self._lock:
                if file_id not in self.issued.get(session_id, ()):
                    return 400, "no upload URL was issued for this file"
                held = self.file_storage.get(session_id, {})
                replaced = len(held[file_id].data) if file_id in held else 0
                count = len(held) + (file_id not in held)
                if count > UPLOAD_FILES_PER_SESSION:
                    return 413, "too many files held for this session"
                if sum(len(f.data) for f in held.values()) - replaced + size > UPLOAD_BYTES_PER_SESSION:
                    return 413, "too much held for this session"
                if self.by_address[address] - replaced + size > UPLOAD_BYTES_PER_ADDRESS:
                    return 413, "too much held for this address"
                if self._total_bytes - replaced + size > UPLOAD_BYTES_TOTAL:
                    return 413, "the server holds too many uploads"
            return 0, ""

        def add_file(self, session_id, file) -> None:
            address = _upload_address.get()
            status, reason = self.may_upload(session_id, file.file_id, len(file.data), address)
            if status:
                raise HTTPException(status_code=status, detail=reason)
            with self._lock:
                previous = self.file_storage.get(session_id, {}).get(file.file_id)
                if previous is not None:
                    self._release(session_id, file.file_id, len(previous.data))
                self.owner[(session_id, file.file_id)] = address
                self.by_address[address] += len(file.data)
            super().add_file(session_id, file)

        def _release(self, session_id: str, file_id: str, size: int) -> None:
            address = self.owner.pop((session_id, file_id), None)
            if address is not None:
                self.by_address[address] -= size
                if self.by_address[address] <= 0:
                    del self.by_address[address]

        def remove_file(self, session_id, file_id) -> None:
            with self._lock:
                held = self.file_storage.get(session_id, {}).get(file_id)
                if held is not None:
                    self._release(session_id, file_id, len(held.data))
            super().remove_file(session_id, file_id)

        def remove_session_files(self, session_id) -> None:
            with self._lock:
                for file_id, held in self.file_storage.get(session_id, {}).items():
                    self._release(session_id, file_id, len(held.data))
                self.issued.pop(session_id, None)
            super().remove_session_files(session_id)

    return BoundedUploads


def _has_uploader(session_id: str) -> bool:
    """Whether the session's last run drew a file uploader. Streamlit internals: if they move, True
    (the byte bounds above still hold)."""
    try:
        from streamlit.runtime import Runtime

        info = Runtime.instance()._session_mgr.get_session_info(session_id)
        if info is None:
            return False
        widgets = info.session.session_state._new_widget_state.widget_metadata
        return any(meta.value_type == "file_uploader_state_value" for meta in list(widgets.values()))
    except Exception:  # noqa: BLE001
        return True


class Guard:
    """ASGI middleware in front of Streamlit's own: gives each browser its secret cookie, refuses
    uploads beyond the bounds before their body is read, does not serve /_stcore/metrics, and lets
    each client address's page runs through `RunGate` (ui/gate.py) before Streamlit sees them."""

    def __init__(self, app) -> None:
        self.app = app
        self.in_flight: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.gate = RunGate()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "websocket":
            return await self._websocket(scope, receive, send)
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if path.endswith("/_stcore/metrics"):
            return await _plain(send, 404, b"not served")
        address = (scope.get("client") or ("", 0))[0]
        cookies = _cookies(scope)
        if not cookies.get(BROWSER_COOKIE):
            send = _with_cookie(send, scope)
        if UPLOAD_PATH in path and scope.get("method") == "PUT":
            return await self._upload(scope, receive, send, path, address)
        if scope.get("method") == "GET" and _is_page_address(path):
            scope, send = _telling_the_server_address(scope, send)
        return await self.app(scope, receive, send)

    async def _websocket(self, scope, receive, send) -> None:
        """Streamlit's websocket, with every rerun request admitted by the gate first (it may wait
        there, go on marked busy, or close the socket) and the run's end (its script_finished)
        reported back."""
        runs = SocketRuns(self.gate, (scope.get("client") or ("", 0))[0])
        closed = False

        async def receiving():
            nonlocal closed
            message = await receive()
            data = message.get("bytes") if message.get("type") == "websocket.receive" else None
            if data:
                gated = await _gated_request(data, runs)
                if gated is None:  # shed beyond the notices: "try again later", and Streamlit sees the client go
                    closed = True
                    await send({"type": "websocket.close", "code": 1013, "reason": "busy"})
                    return {"type": "websocket.disconnect", "code": 1013}
                if gated is not data:
                    message = {**message, "bytes": gated}
            return message

        async def sending(message) -> None:
            if closed:
                return  # what Streamlit still had queued for a socket closed as busy
            if runs.going and message.get("type") == "websocket.send":
                data = message.get("bytes") or b""
                if len(data) <= 256 and _ends_a_run(data):  # a script_finished is a few bytes
                    runs.end()
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        finally:
            runs.end()

    async def _upload(self, scope, receive, send, path: str, address: str) -> None:
        session_id, _, file_id = path.split(UPLOAD_PATH, 1)[1].partition("/")
        manager = _upload_manager()
        if manager is not None and hasattr(manager, "may_upload"):
            size = int(dict(scope.get("headers", [])).get(b"content-length", b"0") or 0)
            status, reason = manager.may_upload(session_id, file_id, size, address)
            if status:
                return await _plain(send, status, reason.encode())
        with self.lock:
            if (
                self.in_flight[address] >= UPLOADS_IN_FLIGHT_PER_ADDRESS
                or sum(self.in_flight.values()) >= UPLOADS_IN_FLIGHT_TOTAL
            ):
                busy = True
            else:
                busy = False
                self.in_flight[address] += 1
        if busy:
            return await _plain(send, 429, b"too many uploads at once")
        token = _upload_address.set(address)
        try:
            await self.app(scope, receive, send)
        finally:
            _upload_address.reset(token)
            with self.lock:
                self.in_flight[address] -= 1
                if not self.in_flight[address]:
                    del self.in_flight[address]


async def _gated_request(data: bytes, runs: SocketRuns) -> bytes | None:
    """The websocket message to hand Streamlit: `data` itself, or for a rerun request the gate sheds,
    the same request marked busy (the page then shows a notice instead of running), or None when the
    socket is to be closed instead."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    try:
        request = BackMsg.FromString(data)
    except Exception:  # noqa: BLE001 - not ours to judge: Streamlit refuses it and closes the socket
        return data
    if request.WhichOneof("type") != "rerun_script":
        return data
    answer = await runs.begin()
    if answer == "run":
        return data
    if answer == "close":
        return None
    query = request.rerun_script.query_string
    request.rerun_script.query_string = f"{query}&{BUSY_PARAM}=1" if query else f"{BUSY_PARAM}=1"
    return request.SerializeToString()


def _ends_a_run(data: bytes) -> bool:
    """Whether a message to the browser ends a run (not one stopped early for a rerun: the rerun
    that replaced it goes on in the same socket's slot)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        message = ForwardMsg.FromString(data)
    except Exception:  # noqa: BLE001
        return False
    return (
        message.WhichOneof("type") == "script_finished"
        and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
    )


# A page opened by its own address (/retrofit: a bookmark, a reload, a briefing's link). Streamlit's page
# looks for its server at /retrofit/_stcore/health first, gets a 404, waits 100 ms and then asks
# /_stcore/health: ~0.1 s on every such load. Told where its server is (window.__streamlit.BACKEND_BASE_URL,
# Streamlit's setting for a frontend served elsewhere) it asks there at once. The address is the page's own
# less its last part, worked out in the browser, so a proxy's path prefix is kept.
SERVER_ADDRESS_SCRIPT = (
    b"<script>window.__streamlit = {...window.__streamlit, BACKEND_BASE_URL: "
    b'location.origin + location.pathname.replace(/\\/*[^/]+\\/*$/, "")};</script>'
)


def _is_page_address(path: str) -> bool:
    return path.rstrip("/").rpartition("/")[2] in PAGE_ADDRESSES


def _telling_the_server_address(scope, send):
    """The request for a page's address asked for plain, fresh HTML (no gzip, no 304 of a copy without the
    script), and the page's HTML sent with SERVER_ADDRESS_SCRIPT before its first script."""
    dropped = {b"accept-encoding", b"if-none-match", b"if-modified-since"}
    scope = {**scope, "headers": [(name, value) for name, value in scope.get("headers", []) if name not in dropped]}
    start: dict | None = None
    body: list[bytes] = []

    async def sending(message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            if message.get("status") == 200 and headers.get(b"content-type", b"").startswith(b"text/html"):
                start = message
                return
        elif message["type"] == "http.response.body" and start is not None:
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(body)
            at = html.find(b"<script")
            if at >= 0:
                html = html[:at] + SERVER_ADDRESS_SCRIPT + html[at:]
            kept = [
                (n, v) for n, v in start.get("headers", []) if n not in (b"content-length", b"etag", b"last-modified")
            ]
            await send({**start, "headers": [*kept, (b"content-length", str(len(html)).encode())]})
            message = {"type": "http.response.body", "body": html}
        await send(message)

    return scope, sending


def _upload_manager():
    with contextlib.suppress(Exception):
        from streamlit.runtime import Runtime

        return Runtime.instance().uploaded_file_mgr
    return None


def _cookies(scope) -> dict[str, str]:
    jar = http.cookies.SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            with contextlib.suppress(http.cookies.CookieError):
                jar.load(value.decode("latin-1"))
    return {key: morsel.value for key, morsel in jar.items()}


def _with_cookie(send, scope):
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    cookie = f"{BROWSER_COOKIE}={secrets.token_urlsafe(32)}; Path=/; HttpOnly; SameSite=Strict{secure}".encode()

    async def sending(message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
        await send(message)

    return sending


async def _plain(send, status: int, body: bytes) -> None:
    """A short refusal; the connection closes, so a refused upload's body is not read."""
    headers = [
        (b"content-type", b"text/plain"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def guard_the_server() -> None:
    """Put `Guard` in front of Streamlit's middleware and bound its upload store. Streamlit internals
    (`create_streamlit_middleware`, the Server's MemoryUploadedFileManager): if they move, the server
    starts unguarded, and tests/test_security_server.py fails."""
    from starlette.middleware import Middleware
    from streamlit.web.server import server
    from streamlit.web.server.starlette import starlette_app

    create = starlette_app.create_streamlit_middleware
    if not getattr(create, "guarded", False):

        def guarded_middleware():
            return [Middleware(Guard), *create()]

        guarded_middleware.guarded = True
        starlette_app.create_streamlit_middleware = guarded_middleware
    server.MemoryUploadedFileManager = _uploaded_file_manager_class()


def navigation_from_the_start() -> None:
    """Run the app as it navigates (st.navigation in dashboard.py) from its first session on.

    With a pages/ folder beside it, Streamlit starts a process in its old folder mode and leaves it only
    at the first st.navigation call. The first visitor's first run then gave the sidebar's widgets other
    ids than every later run, so their first click (English, a region) was dropped after each restart.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main() -> None:
    """Start the warm-up thread, then hand over to `streamlit run dashboard.py ARGS`."""
    from streamlit.web import cli

    without_nagle()
    guard_the_server()
    navigation_from_the_start()
    threading.Thread(target=_warm_up_quietly, name="dashboard-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "dashboard.py"), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
