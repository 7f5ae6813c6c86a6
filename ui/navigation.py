"""The dashboard's pages, in navigation order: (file, title key, icon, address). The first is served at the
root address. dashboard.py builds its navigation from this list, the launcher (ui/serve.py) knows a page's
address by it, and the benchmarks time these pages. Plain data, so the launcher reads it without Streamlit."""

from __future__ import annotations

PAGES = [
    ("pages/overview.py", "page.overview", ":material/dashboard:", "overview"),
    ("pages/diagnosis.py", "page.diagnosis", ":material/troubleshoot:", "diagnosis"),
    ("pages/retrofit.py", "page.retrofit", ":material/precision_manufacturing:", "retrofit"),
    ("pages/funding.py", "page.funding", ":material/payments:", "funding"),
    ("pages/benchmarks.py", "page.benchmarks", ":material/workspace_premium:", "benchmarks"),
    ("pages/activities.py", "page.activities", ":material/event:", "activities"),
    ("pages/targets.py", "page.targets", ":material/flag:", "targets"),
    ("pages/progress.py", "page.progress", ":material/edit_note:", "progress"),
    ("pages/intake.py", "page.intake", ":material/upload_file:", "intake"),
    ("pages/sources.py", "page.sources", ":material/menu_book:", "sources"),
]

# Every page's own address (/retrofit); the first page's (/overview) is kept as an alias of the root.
PAGE_ADDRESSES = frozenset(address for *_, address in PAGES)

# Pages only editors use (报告导入): not in a viewer's navigation, so a viewer sees no way in.
EDITOR_PAGES = frozenset({"intake"})

# The addresses a viewer can open, in navigation order (what the tests, screenshots and benchmarks go through).
VIEWER_PAGES = [address for *_, address in PAGES if address not in EDITOR_PAGES]
