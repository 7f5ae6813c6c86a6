"""The look shared by every page and every exported image: fonts, status colours, sizes."""

from __future__ import annotations

from metrics.i18n import text

FONT_FAMILY = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'

# One colour per status, the same on every page, chart, card and slide; always shown with its word.
STATUS_COLORS = {
    "achieved": "#1a7f37",
    "ahead": "#0a7c86",
    "on_track": "#1f6fb2",
    "behind": "#c2410c",
    "missed": "#b91c1c",
    "unreported": "#78716c",  # stone: not known, neither good nor bad
    "undetermined": "#8a7a5c",  # khaki: a lower bound, short of pace or target, says neither
    "not_started": "#6b7280",
    "no_data": "#9ca3af",
    "no_target": "#9ca3af",
}
CHECK_COLORS = {"consistent": "#1a7f37", "mismatch": "#c2410c", "incomplete": "#9ca3af"}

INK = "#1f2937"  # titles, target markers
MUTED = "#6b7280"  # footers, axis labels
GRID = "#e5e7eb"
TRACK = "#eef2f7"  # the unfilled part of a progress bar
PACE = "#7c3aed"  # the expected-to-date marker: violet, so it never reads as a status
ACCENT = "#1f4e79"  # neutral bars that carry no status
# Ordinary categories (levels, kinds, parts): blues, slates and browns that no status or the pace
# marker uses, so a colour on any chart means a status only where it is a status colour.
CATEGORY_PALETTE = ("#1f4e79", "#4f81bd", "#8c6d46", "#5b6b7f", "#9dc3e6", "#a68a64", "#34495e")
NEUTRAL = "#5b6b7f"  # a stated whole beside its parts
PLANNED = "#b8c4d2"  # a planned quantity beside the actual ones

# Briefing images: 16:9, fits a slide.
IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1600, 900, 2


def status_label(status: str, lang: str) -> str:
    """The status in words: 已达成 / Achieved."""
    return text(f"status.{status}", lang)


def status_color(status: str) -> str:
    return STATUS_COLORS.get(status, STATUS_COLORS["no_data"])
