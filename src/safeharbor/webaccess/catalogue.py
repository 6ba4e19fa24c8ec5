"""The sites handbook 13-19 names ("Internet"): one social site open to all staff for work research,
the classified-ad, social and chat sites that need management approval case by case."""

from __future__ import annotations

HANDBOOK_SITES: tuple[tuple[str, str, str], ...] = (
    ("facebook.com", "Facebook", "open"),
    ("myredbook.com", "MyRedbook", "approval_required"),
    ("craigslist.com", "Craigslist", "approval_required"),
    ("craigslist.org", "Craigslist", "approval_required"),
    ("myspace.com", "MySpace", "approval_required"),
    ("blackplanet.com", "BlackPlanet", "approval_required"),
    ("backpage.com", "Backpage", "approval_required"),
    ("instagram.com", "Instagram", "approval_required"),
    ("snapchat.com", "Snapchat", "approval_required"),
)
