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
import gc
import socket
import sys
import threading
import time

from metrics.paths import PROJECT_ROOT

SERVER_WAIT_SECONDS = 30


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
    change, this does nothing."""
    from streamlit import delta_generator, string_util

    from metrics.i18n import text

    string_util.extract_leading_emoji(text("language.zh", "zh"))  # the language switch's own label
    delta_generator._maybe_print_use_warning()


def _warm_up_quietly() -> None:
    _wait_for_server()
    # Meanwhile the server's own thread is sending the browser Streamlit's scripts. Python hands the
    # interpreter between threads every 5 ms by default; at 0.1 ms the server answers those requests
    # between the warm-up's steps instead of after them (first paint 2.31 → 2.10 s in BENCHMARKS.md's
    # measure). The default is restored once the warm-up is done.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0001)
    try:
        for step in (_warm_up, _warm_up_streamlit):
            try:
                step()
            except Exception:  # noqa: BLE001 - a warm-up must never stop the server; the first viewer sees any error
                pass
        freeze_long_lived()
    finally:
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


def main() -> None:
    """Start the warm-up thread, then hand over to `streamlit run dashboard.py ARGS`."""
    from streamlit.web import cli

    without_nagle()
    threading.Thread(target=_warm_up_quietly, name="dashboard-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "dashboard.py"), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
