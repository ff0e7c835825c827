"""The learning report's figures in words, for the people who read it (the
CLI, the web page and the CSV all take them from the API's `label`)."""

from __future__ import annotations

FIGURE_LABELS: dict[str, str] = {
    "met_share": "share of outcomes met",
    "progress": "mean progress towards target",
    "community_share": "community (co-production) share of members",
    "sector_share_public": "public sector share of members",
    "sector_share_private": "private sector share of members",
    "sector_share_third_sector": "third sector share of members",
    "sector_count": "sectors per team (mean)",
    "role_coverage": "role coverage",
    "mean_fit": "mean fit",
}


def figure_label(name: str) -> str:
    """A figure's words; one this gateway does not know yet reads as its name."""
    return FIGURE_LABELS.get(name, name.replace("_", " "))
