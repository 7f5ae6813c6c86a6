"""Screenshot every page in both languages: python -m tools.screenshots [--out artifacts/screens].

A phone as officials hold one: --phone --width 390 --height 844 (a phone's User-Agent, which gives the
charts their phone layout; a desktop browser as narrow keeps the desktop layout)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tools.browser import PHONE_AGENT, chromium, full_page_screenshot, serve, wait_until_painted
from ui.navigation import VIEWER_PAGES

PAGES = VIEWER_PAGES


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("artifacts/screens"))
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--query", default="", help="extra query string, e.g. shot=1")
    parser.add_argument("--phone", action="store_true", help="a phone's browser (User-Agent, touch)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with serve() as base_url, chromium() as browser:
        phone = {"user_agent": PHONE_AGENT, "is_mobile": True, "has_touch": True} if args.phone else {}
        page = browser.new_context(viewport={"width": args.width, "height": args.height}, **phone).new_page()
        for name in args.pages:
            for lang in ("zh", "en"):
                query = "&".join(q for q in (f"lang={lang}", args.query) if q)
                path_part = "" if name == PAGES[0] else name  # the default page lives at /
                page.goto(f"{base_url}/{path_part}?{query}")
                charts = wait_until_painted(page)
                path = args.out / f"{name}_{lang}_{args.width}{'_phone' if args.phone else ''}.png"
                full_page_screenshot(page, path, args.width)
                print(f"{path} ({charts} charts)")


if __name__ == "__main__":
    main()
