"""The launcher `make run` starts (`python -m ui.serve`)."""

from __future__ import annotations

import socket

import pytest

from ui import serve


def test_connections_are_served_without_nagle(monkeypatch: pytest.MonkeyPatch):
    """Every connection the server accepts sends its frames at once (TCP_NODELAY), not after the
    browser's delayed acknowledgement."""
    from streamlit.web.server.starlette import starlette_server

    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)  # undone afterwards
    serve.without_nagle()
    serve.without_nagle()  # a second call changes nothing
    listening = starlette_server._bind_socket("127.0.0.1", 0, 8)
    try:
        listening.setblocking(True)
        with socket.create_connection(listening.getsockname()):
            accepted, _ = listening.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        listening.close()


def test_warm_up_leaves_what_the_server_holds_out_of_later_collections(monkeypatch: pytest.MonkeyPatch):
    """Once warmed up, the objects the process holds are frozen: a full collection no longer walks them
    during a page view. A failed warm-up step still leads there, and the switch interval is restored."""
    import gc
    import sys

    def fails() -> None:
        raise RuntimeError("no database yet")

    collecting: list[bool] = []
    monkeypatch.setattr(serve, "_wait_for_server", lambda: None)
    monkeypatch.setattr(serve, "_warm_up", fails)
    monkeypatch.setattr(serve, "_warm_up_streamlit", lambda: collecting.append(gc.isenabled()))
    interval = sys.getswitchinterval()
    gc.unfreeze()
    try:
        serve._warm_up_quietly()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert sys.getswitchinterval() == interval
    assert collecting == [False] and gc.isenabled()  # paused during the warm-up only


def test_warm_up_compiles_the_first_viewers_scripts(monkeypatch: pytest.MonkeyPatch):
    """The entry script and the Overview are compiled before the first viewer's run needs them."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    from metrics.paths import PROJECT_ROOT

    class Server:
        _script_cache = ScriptCache()

    monkeypatch.setattr(Runtime, "exists", staticmethod(lambda: True))
    monkeypatch.setattr(Runtime, "instance", staticmethod(lambda: Server))
    serve._warm_up_streamlit()
    compiled = set(Server._script_cache._cache)
    assert compiled == {str(PROJECT_ROOT / "dashboard.py"), str(PROJECT_ROOT / "pages" / "overview.py")}


def test_a_first_view_does_not_import_the_spreadsheet_writer():
    """openpyxl (~0.2 s to import) is loaded when a workbook is made, not when its button is drawn."""
    import subprocess
    import sys

    from metrics.paths import PROJECT_ROOT

    code = "import sys, metrics.xlsx, ui.exports; assert 'openpyxl' not in sys.modules, 'openpyxl imported'"
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True)
