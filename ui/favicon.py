"""The dashboard's own icon (static/favicon.png) as a data URL, read once per process."""

from __future__ import annotations

import base64
from functools import cache

from metrics.paths import PROJECT_ROOT

FAVICON = PROJECT_ROOT / "static" / "favicon.png"


@cache
def data_url() -> str:
    """The icon as `data:image/png;base64,...`: local (a material icon would be fetched from the internet),
    and given to st.set_page_config as a URL, which Streamlit passes on as it is. Given the file's path,
    Streamlit read the file, stored it in its media store and hashed it on every page view (~1 ms each)."""
    return "data:image/png;base64," + base64.b64encode(FAVICON.read_bytes()).decode("ascii")
