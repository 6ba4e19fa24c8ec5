"""The organisations that handbook 13-19 ("Information on Sexual Exploitation and Human Trafficking")
lists, as facts only: name, kind, city, website. No named individuals. Seeded into every agency's
partner directory; the coordinator adds local partners."""

from __future__ import annotations

from typing import Any

HANDBOOK_ORGANISATIONS: tuple[dict[str, Any], ...] = (
    {
        "name": "MISSSEY (Motivating, Inspiring, Supporting and Serving Sexually Exploited Youth)",
        "kind": "community_advocacy",
        "city": "Oakland, CA",
        "area_served": "San Francisco Bay Area",
        "website": "https://www.misssey.org",
        "services": [],
    },
    {
        "name": "The SAGE Project (Standing Against Global Exploitation)",
        "kind": "community_advocacy",
        "city": "San Francisco, CA",
        "area_served": "San Francisco Bay Area",
        "website": "https://www.sagesf.org",
        "services": [],
    },
    {
        "name": "GEMS (Girls Educational and Mentoring Services)",
        "kind": "community_advocacy",
        "city": "New York, NY",
        "area_served": "",
        "website": "https://www.gems-girls.org",
        "services": [],
    },
    {
        "name": "Polaris Project",
        "kind": "national_resource",
        "city": "Washington, DC",
        "area_served": "United States",
        "website": "https://www.polarisproject.org",
        "services": [],
    },
    {
        "name": "Runaway Girl, FPC",
        "kind": "employment",
        "city": "",
        "area_served": "",
        "website": "",
        "services": ["employment_assistance"],
    },
    {
        "name": "H.E.A.T. Watch (Alameda County District Attorney's Office)",
        "kind": "law_enforcement",
        "city": "",
        "area_served": "Alameda County, CA",
        "website": "https://www.heat-watch.org",
        "services": [],
    },
    {
        "name": "National Center for Missing & Exploited Children",
        "kind": "national_resource",
        "city": "",
        "area_served": "United States",
        "website": "https://www.missingkids.com",
        "services": [],
    },
)
