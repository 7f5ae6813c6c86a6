"""A page opened by its own address (a bookmark, a reload, a briefing's link to /retrofit) finds its server
at once. Streamlit's page asked /retrofit/_stcore/health first, got a 404, waited 100 ms and asked again at
the root; the launcher now tells it where the server is (ui/serve.py, SERVER_ADDRESS_SCRIPT)."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urlparse

import pytest

from tests.browser_support import require_chromium, served_copy
from tools.browser import wait_until_painted
from ui import serve

require_chromium()

pytestmark = pytest.mark.browser


def _server_paths(page) -> list[str]:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlparse(request.url).path) if "/_stcore/" in request.url else None)
    page.on("websocket", lambda socket: asked.append(urlparse(socket.url).path))
    return asked


def test_a_page_opened_by_its_own_address_asks_the_server_where_it_is_at_once(tmp_path, browser):
    with served_copy(tmp_path, start=["-m", "ui.serve"]) as (base_url, _):
        for address, heading, charts in (
            ("/retrofit?lang=zh", "智能化改造项目", 3),
            ("/sources/?lang=en", "Sources", 0),  # a trailing slash
            ("/?lang=zh", "总览", 1),  # the root page, whose address is the server's
        ):
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            asked = _server_paths(page)
            page.goto(base_url + address)
            assert wait_until_painted(page, expected=charts) == charts
            assert heading in page.locator("[data-testid='stMain'] h1").first.inner_text()
            assert "/_stcore/health" in asked and "/_stcore/stream" in asked, (address, asked)
            assert all(path.startswith("/_stcore/") for path in asked), (address, asked)  # no 404 first
            page.close()

        # The page's HTML comes fresh and whole, not a kept copy without the script; other files as they were.
        request = urllib.request.Request(
            base_url + "/retrofit", headers={"Accept-Encoding": "gzip", "If-None-Match": '"any"'}
        )
        with urllib.request.urlopen(request) as answer:
            html = answer.read()
            assert answer.status == 200 and answer.headers.get("Content-Encoding") is None
        assert html.count(serve.SERVER_ADDRESS_SCRIPT) == 1
        assert html.index(serve.SERVER_ADDRESS_SCRIPT) < html.index(b'<script type="module"')
        with urllib.request.urlopen(base_url + "/") as answer:
            assert serve.SERVER_ADDRESS_SCRIPT not in answer.read()


@pytest.mark.parametrize(
    ("path", "server"),
    [("/retrofit", ""), ("/sources/", ""), ("/dashboard/retrofit", "/dashboard"), ("/a/b/targets/", "/a/b")],
)
def test_the_server_is_the_pages_address_less_its_last_part_so_a_proxys_prefix_is_kept(path, server):
    pattern = re.search(rb"replace\(/(.+)/, \"\"\)", serve.SERVER_ADDRESS_SCRIPT).group(1).decode()
    assert re.sub(pattern, "", path) == server  # the same pattern in Python's re and in JavaScript
