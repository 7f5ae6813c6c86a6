"""`streamlit run dashboard.py` with the dashboard's imports and data check done while it starts.

    python -m ui.serve --server.port 8501      # what `make run` runs; any `streamlit run` option works

Streamlit runs nothing of the app until the first browser has loaded its page and opened a websocket;
that first viewer then waited for pandas, DuckDB and pandera to import (~0.4 s), for the data
version check and for plotly's first figure. Here a background thread does these while the server
starts and the browser loads.
The script itself is unchanged and still runs per viewer.
"""

from __future__ import annotations

import sys
import threading

from metrics.paths import PROJECT_ROOT


def _warm_up() -> None:
    # The same modules the pages import; Streamlit reuses them from sys.modules.
    import ui.context  # noqa: F401
    import ui.render  # noqa: F401
    from metrics import charts, queries, report
    from metrics.registry import DEFAULT_REGION
    from ui import data

    data.data_state()
    # Build the default page's chart and cards once: plotly loads its validators and pandas its code
    # paths on first use (~150 ms that the first viewer's run would otherwise spend). Nothing is cached.
    progress = queries.fetch("progress_for_region", region_id=DEFAULT_REGION)
    targeted = progress[progress["target"].notna()]
    if not targeted.empty:
        sources = queries.fetch("sources")
        metrics = queries.fetch("metrics").set_index("metric_id")
        footer = report.footer(targeted, sources, "zh")
        charts.target_bullets(targeted, metrics, "", "", footer, "zh").to_json()
    report.cards(progress, "zh")


def _warm_up_quietly() -> None:
    try:
        _warm_up()
    except Exception:  # noqa: BLE001 - a warm-up must never stop the server; the first viewer sees any error
        pass


def main() -> None:
    """Start the warm-up thread, then hand over to `streamlit run dashboard.py ARGS`."""
    from streamlit.web import cli

    threading.Thread(target=_warm_up_quietly, name="dashboard-warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "dashboard.py"), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
