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

    monkeypatch.setattr(serve, "_wait_for_server", lambda: None)
    monkeypatch.setattr(serve, "_warm_up", fails)
    monkeypatch.setattr(serve, "_warm_up_streamlit", lambda: None)
    interval = sys.getswitchinterval()
    gc.unfreeze()
    try:
        serve._warm_up_quietly()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert sys.getswitchinterval() == interval
