"""Stable codes of RULES.md §1-2 (API, exports and tests use them). Pure: no Django models."""

from __future__ import annotations

VULNERABILITY_FACTORS: tuple[str, ...] = (
    "foster_care",
    "sexual_abuse_history",
    "abuse_neglect_history",
    "runaway_history",
    "homeless_or_unstably_housed",
    "group_home_or_shelter",
)

SIGNS: tuple[str, ...] = (
    "older_partner",
    "controlling_relationship",
    "unexplained_possessions",
    "no_control_of_money",
    "the_life_lingo",
    "unaccounted_time",
    "late_hours",
    "provocative_clothing",
    "sexual_online_profile",
    "classified_sites_chat",
    "law_enforcement_contact",
    "recruiting_peers",
    "unexplained_injuries",
    "branding_tattoo",
)

INDICATORS: tuple[str, ...] = VULNERABILITY_FACTORS + SIGNS

CONFIRMING_FACTS: tuple[str, ...] = ("commercial_sex_involvement", "prostitution_related_record")

# Never a warning sign by itself (handbook 13-19, "CSEC Victim Identification").
NEVER_COUNTED: frozenset[str] = frozenset({"provocative_clothing"})

GENDERS: tuple[str, ...] = ("female", "male", "transgender", "non_binary", "other", "unknown")

# In order of precedence, highest first.
STATUSES: tuple[str, ...] = ("confirmed_victim", "suspected_victim", "at_risk", "no_known_risk")

STATUS_LABELS: dict[str, str] = {
    "confirmed_victim": "Confirmed victim",
    "suspected_victim": "Suspected victim",
    "at_risk": "At risk",
    "no_known_risk": "No known risk",
}


def status_rank(status: str) -> int:
    """Higher is more serious: no_known_risk=0 ... confirmed_victim=3."""
    return len(STATUSES) - 1 - STATUSES.index(status)
