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


# Settings or methods of exploitation the handbook names (handbook 13-19, "Methods of Exploitation").
SETTINGS: tuple[str, ...] = (
    "street_track",
    "internet_advertising",
    "escort_service",
    "pornography",
    "stripping",
    "erotic_massage",
    "phone_sex",
    "private_party",
    "gang_based",
    "within_family",
    "other",
)

SETTING_LABELS: dict[str, str] = {
    "street_track": 'Street ("track" or "stroll")',
    "internet_advertising": "Internet or social-media advertising",
    "escort_service": "Escort service",
    "pornography": "Pornography",
    "stripping": "Stripping",
    "erotic_massage": "Erotic massage",
    "phone_sex": "Phone sex",
    "private_party": "Private party",
    "gang_based": "Gang-based",
    "within_family": "Within the family",
    "other": "Other",
}

# The exploiter's relationship to the youth, when known.
RELATIONSHIPS: tuple[str, ...] = ("stranger", "boyfriend", "family_member", "peer", "gang")

RELATIONSHIP_LABELS: dict[str, str] = {
    "stranger": "Stranger",
    "boyfriend": '"Boyfriend"',
    "family_member": "Family member",
    "peer": "Peer",
    "gang": "Gang",
}

# Exploitation within the family: flagged wherever placement is decided.
FAMILY_SETTINGS: frozenset[str] = frozenset({"within_family"})
FAMILY_RELATIONSHIPS: frozenset[str] = frozenset({"family_member"})

FACT_LABELS: dict[str, str] = {
    "commercial_sex_involvement": "Involvement in the commercial sex industry",
    "prostitution_related_record": "Record, citation or arrest for prostitution or a related charge",
}

# When the exploitation happened, in California's four categories (W&I 16501.45).
WHEN_CATEGORIES: tuple[str, ...] = ("before_foster_care", "in_foster_care", "absent_from_care", "at_risk")

WHEN_LABELS: dict[str, str] = {
    "before_foster_care": "Before entering foster care",
    "in_foster_care": "While in foster care",
    "absent_from_care": "While absent from care",
    "at_risk": "At risk (no exploitation known)",
}

# The answer to one indicator on a checklist screening.
ANSWERS: tuple[str, ...] = ("yes", "no", "unknown")

# An external validated tool's result (for example the CSE-IT): the level only, never item wording.
EXTERNAL_LEVELS: tuple[str, ...] = ("no_concern", "possible_concern", "clear_concern")

EXTERNAL_LEVEL_LABELS: dict[str, str] = {
    "no_concern": "No concern",
    "possible_concern": "Possible concern",
    "clear_concern": "Clear concern",
}

# Next steps of a determination (stable phrases; pages explain them, see rules.NEXT_STEP_HELP).
STEP_VERIFY_AGE = "verify age"
STEP_REQUEST_MDT = "request an MDT meeting"
STEP_IMMEDIATE_INTERVENTIONS = "arrange immediate interventions"
STEP_REPORT_LAW_ENFORCEMENT = "report to law enforcement"
STEP_ADULT_SERVICES = "suggest adult services"
STEP_RESCREEN = "re-screen"
