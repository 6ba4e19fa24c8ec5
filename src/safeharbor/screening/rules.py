"""The CSEC determination of RULES.md §1-2, as pure functions: no ORM, no request.

The software never labels a child on its own: `determine` gives a *recommended* status with the
reasons (which rule fired, on which facts) and the next steps; a person records the determination.
The agency's settings (strong signs, sign threshold, re-screening interval) come in an
`AgencyPolicy`, never from the database.

Handbook 13-19, "CSEC Victim Identification": a youth whose age is verified to be under 18 and who is
involved in any way in the commercial sex industry, or has a record or arrest for prostitution or a
related charge, is a CSEC victim.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core.ruleinput import (
    RuleInputError,
    parse_date_value,
    read_bool,
    read_choice,
    read_date,
    read_int,
    read_list,
    read_str,
    require_object,
)
from safeharbor.core.rules_registry import RuleContract
from safeharbor.core.timeutils import age_on
from safeharbor.screening.codes import (
    CONFIRMING_FACTS,
    EXTERNAL_LEVEL_LABELS,
    EXTERNAL_LEVELS,
    GENDERS,
    INDICATORS,
    NEVER_COUNTED,
    RELATIONSHIPS,
    SETTINGS,
    SIGNS,
    STEP_ADULT_SERVICES,
    STEP_IMMEDIATE_INTERVENTIONS,
    STEP_REPORT_LAW_ENFORCEMENT,
    STEP_REQUEST_MDT,
    STEP_RESCREEN,
    STEP_VERIFY_AGE,
    VULNERABILITY_FACTORS,
    WHEN_CATEGORIES,
    status_rank,
)

ADULT_AGE = 18

# Plain-words explanations of the next steps, shown beside them on the pages.
NEXT_STEP_HELP: dict[str, str] = {
    STEP_VERIFY_AGE: (
        "Confirm the youth's date of birth from a document (birth certificate, court or state record, ID). "
        "Until then the youth is treated as a possible minor (handbook 13-19, CSEC Victim Identification)."
    ),
    STEP_REQUEST_MDT: (
        "Ask the CSEC coordinator for a multidisciplinary team meeting with the MDT referral form "
        "(handbook 13-19, CSEC Multidisciplinary Team Meeting)."
    ),
    STEP_IMMEDIATE_INTERVENTIONS: (
        "Arrange a safe placement, a physical health exam and mental health services that address layered "
        "trauma (handbook 13-19, Strategies and Approaches)."
    ),
    STEP_REPORT_LAW_ENFORCEMENT: (
        "An identified victim of sex trafficking is reported to law enforcement within 24 hours of "
        "identification (42 USC 671(a)(34)(A))."
    ),
    STEP_ADULT_SERVICES: (
        "An event at a verified age of 18 or more is not a CSEC event; offer a referral to adult victim services."
    ),
}


@dataclass(frozen=True)
class Fact:
    """A confirming fact: what happened and on what date (RULES.md §1)."""

    kind: str
    occurred_on: date
    source: str = ""
    setting: str = ""
    relationship: str = ""


@dataclass(frozen=True)
class Determination:
    status: str
    reasons: list[dict[str, str]] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": [dict(r) for r in self.reasons], "next_steps": list(self.next_steps)}


def _reason(rule: str, detail: str) -> dict[str, str]:
    return {"rule": rule, "detail": detail}


def _stated_minor_at(stated_age: int, assessed_on: date, on: date) -> bool:
    """Could a youth who states `stated_age` on `assessed_on` have been under 18 on `on`?

    The youngest birth date consistent with the stated age is `assessed_on` minus `stated_age` years;
    judged on that date of birth, so a possible minor is treated as one until the age is verified.
    """
    youngest_dob = add_years(assessed_on, -stated_age)
    return age_on(youngest_dob, on) < ADULT_AGE


def determine(
    *,
    assessed_on: date,
    date_of_birth: date | None,
    age_verified: bool,
    indicators: Iterable[str],
    facts: Sequence[Fact],
    policy: AgencyPolicy,
    stated_age: int | None = None,
    gender: str | None = None,
) -> Determination:
    """The recommended CSEC status with its reasons and next steps (RULES.md §2).

    `gender` is accepted because screenings record it, and is deliberately never read: gender is never
    used in scoring (RULES.md §1).
    """
    del gender
    observed = set(indicators)
    vulnerabilities = [code for code in VULNERABILITY_FACTORS if code in observed]
    signs = [code for code in SIGNS if code in observed and code not in NEVER_COUNTED]
    strong_set = set(policy.strong_signs) & set(SIGNS)
    strong = [code for code in signs if code in strong_set]
    threshold = max(1, policy.suspected_sign_threshold)
    verified = bool(age_verified and date_of_birth is not None)

    reasons: list[dict[str, str]] = []
    steps: list[str] = []
    status = "no_known_risk"

    def raise_to(candidate: str) -> None:
        nonlocal status
        if status_rank(candidate) > status_rank(status):
            status = candidate

    confirmed_reasons: list[dict[str, str]] = []
    unverified_reasons: list[dict[str, str]] = []
    adult_reasons: list[dict[str, str]] = []
    for index, fact in enumerate(facts):
        where = f"facts[{index}] {fact.kind} on {fact.occurred_on.isoformat()}"
        if verified:
            assert date_of_birth is not None
            age = age_on(date_of_birth, fact.occurred_on)
            if age < ADULT_AGE:
                confirmed_reasons.append(
                    _reason(
                        "confirmed_victim",
                        f"{where}: verified age {age} on that date, under 18 (handbook 13-19, CSEC Victim "
                        "Identification).",
                    )
                )
            else:
                adult_reasons.append(
                    _reason(
                        "adult_at_fact",
                        f"{where}: verified age {age} on that date; not a CSEC event. The status comes from "
                        "the other facts; adult services are suggested.",
                    )
                )
            continue
        believed_minor, basis = _believed_minor(date_of_birth, stated_age, assessed_on, fact.occurred_on)
        if believed_minor:
            unverified_reasons.append(
                _reason("age_not_verified", f"{where}: age not verified and the youth is believed a minor ({basis}).")
            )
        else:
            unverified_reasons.append(
                _reason(
                    "age_not_verified_adult",
                    f"{where}: age not verified and the youth is believed to have been 18 or more then ({basis}); "
                    "not counted until the age is verified.",
                )
            )

    if confirmed_reasons:
        raise_to("confirmed_victim")
        reasons.extend(confirmed_reasons)
    if any(r["rule"] == "age_not_verified" for r in unverified_reasons):
        raise_to("suspected_victim")
    reasons.extend(unverified_reasons)
    if unverified_reasons:
        steps.append(STEP_VERIFY_AGE)
    if strong:
        raise_to("suspected_victim")
        reasons.append(_reason("strong_sign", f"strong sign observed: {', '.join(strong)}."))
    if len(signs) >= threshold:
        raise_to("suspected_victim")
        reasons.append(
            _reason(
                "sign_threshold",
                f"{len(signs)} distinct signs of exploitation (threshold {threshold}): {', '.join(signs)}.",
            )
        )
    elif signs:
        raise_to("at_risk")
        reasons.append(
            _reason(
                "signs",
                f"{len(signs)} sign(s) of exploitation, below the threshold of {threshold}: {', '.join(signs)}.",
            )
        )
    if vulnerabilities:
        raise_to("at_risk")
        reasons.append(_reason("vulnerability", f"vulnerability factor(s): {', '.join(vulnerabilities)}."))
    if observed & NEVER_COUNTED:
        reasons.append(
            _reason(
                "not_counted",
                "provocative_clothing is recorded but is never a warning sign by itself (handbook 13-19, CSEC "
                "Victim Identification); it counts toward no threshold.",
            )
        )
    reasons.extend(adult_reasons)
    if status == "no_known_risk":
        reasons.insert(
            0,
            _reason("no_known_risk", "no vulnerability factor, counted sign, or confirming fact of a minor recorded."),
        )

    if status_rank(status) >= status_rank("suspected_victim"):
        steps.extend([STEP_REQUEST_MDT, STEP_IMMEDIATE_INTERVENTIONS, STEP_REPORT_LAW_ENFORCEMENT])
    if adult_reasons:
        steps.append(STEP_ADULT_SERVICES)
    if status == "at_risk":
        steps.append(f"{STEP_RESCREEN} within {policy.rescreen_months} months")
    elif status == "no_known_risk":
        steps.append(f"{STEP_RESCREEN} on return from any missing episode or when a new sign is seen")
    return Determination(status=status, reasons=reasons, next_steps=steps)


def _believed_minor(dob: date | None, stated_age: int | None, assessed_on: date, on: date) -> tuple[bool, str]:
    """Unverified age: is the youth believed to have been a minor on `on`, and on what basis?"""
    basis: list[str] = []
    if dob is not None:
        age = age_on(dob, on)
        if age < ADULT_AGE:
            return True, f"unverified date of birth gives age {age} then"
        basis.append(f"unverified date of birth gives age {age} then")
    if stated_age is not None:
        if _stated_minor_at(stated_age, assessed_on, on):
            return True, f"stated age {stated_age}"
        basis.append(f"stated age {stated_age}")
    if not basis:
        return True, "date of birth unknown"
    return False, "; ".join(basis)


def external_recommendation(*, tool_name: str, level: str, assessed_on: date, policy: AgencyPolicy) -> Determination:
    """The recommendation from an external validated tool's level (our default mapping, RULES.md §2).

    Clear concern -> suspected victim; possible concern -> at risk; no concern -> no known risk.
    A person still records the determination.
    """
    level = read_choice(level, "level", EXTERNAL_LEVELS)
    status = {"clear_concern": "suspected_victim", "possible_concern": "at_risk", "no_concern": "no_known_risk"}[level]
    reasons = [
        _reason(
            "external_tool",
            f"{tool_name} on {assessed_on.isoformat()}: {EXTERNAL_LEVEL_LABELS[level].lower()}.",
        )
    ]
    steps: list[str] = []
    if status == "suspected_victim":
        steps = [STEP_REQUEST_MDT, STEP_IMMEDIATE_INTERVENTIONS, STEP_REPORT_LAW_ENFORCEMENT]
    elif status == "at_risk":
        steps = [f"{STEP_RESCREEN} within {policy.rescreen_months} months"]
    else:
        steps = [f"{STEP_RESCREEN} on return from any missing episode or when a new sign is seen"]
    return Determination(status=status, reasons=reasons, next_steps=steps)


# --- When it happened (W&I 16501.45) ----------------------------------------------------------


def when_categories_for(status: str) -> tuple[str, ...]:
    """The categories a determination may record: a victim's three, at risk's one, none otherwise."""
    if status_rank(status) >= status_rank("suspected_victim"):
        return WHEN_CATEGORIES[:3]
    if status == "at_risk":
        return ("at_risk",)
    return ()


def when_category_problem(status: str, category: str) -> str | None:
    """A plain-words problem with the category recorded for a status, or None when it fits."""
    allowed = when_categories_for(status)
    if not allowed:
        return "Leave this empty: no exploitation or risk is determined." if category else None
    if not category:
        if allowed == ("at_risk",):
            return None
        return "Choose when the exploitation happened: before foster care, while in care, or while absent from care."
    if category not in allowed:
        return "This category does not fit the status chosen."
    return None


def when_category_default(status: str) -> str:
    return "at_risk" if status == "at_risk" else ""


def suggest_when_category(
    *, occurred_on: date | None, entered_care_on: date | None, absences: Sequence[tuple[date, date | None]] = ()
) -> str:
    """A suggestion for a victim's category from the latest fact date, care entry and missing episodes."""
    if occurred_on is None:
        return ""
    for start, end in absences:
        if start <= occurred_on and (end is None or occurred_on <= end):
            return "absent_from_care"
    if entered_care_on is None or occurred_on < entered_care_on:
        return "before_foster_care"
    return "in_foster_care"


# --- Re-screening (RULES.md §2) --------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RescreenDue:
    due_on: date
    reason: str  # "periodic", "returned_from_missing", "new_sign"
    trigger_on: date


def rescreen_due(
    *,
    status: str,
    last_screened_on: date | None,
    policy: AgencyPolicy,
    returns_from_missing: Iterable[date] = (),
    new_signs_on: Iterable[date] = (),
) -> list[RescreenDue]:
    """Re-screenings due, earliest first: after every return from a missing episode (within the agency's
    return-screening hours), when a new sign is recorded, and every `rescreen_months` for a youth at risk
    or higher. Triggers on or before the last screening are already met."""
    due: list[RescreenDue] = []
    after = last_screened_on

    def pending(day: date) -> bool:
        return after is None or day > after

    return_days = -(-policy.return_screening_hours // 24)
    for returned in returns_from_missing:
        if pending(returned):
            due.append(RescreenDue(returned + timedelta(days=return_days), "returned_from_missing", returned))
    for seen in new_signs_on:
        if pending(seen):
            due.append(RescreenDue(seen, "new_sign", seen))
    if last_screened_on is not None and status_rank(status) >= status_rank("at_risk"):
        due.append(RescreenDue(add_months(last_screened_on, policy.rescreen_months), "periodic", last_screened_on))
    return sorted(due, key=lambda d: (d.due_on, d.reason))


# --- The contract: `safeharbor rules screening`, POST /api/v1/rules/screening ------------------


def read_facts(raw: list[Any], assessed_on: date, date_of_birth: date | None) -> list[Fact]:
    facts: list[Fact] = []
    for index, item in enumerate(raw):
        path = f"facts[{index}]"
        if not isinstance(item, Mapping):
            raise RuleInputError(path, f"must be an object with kind and occurred_on, got {item!r}"[:120])
        for key in ("kind", "occurred_on"):
            if key not in item:
                raise RuleInputError(f"{path}.{key}", "this key is required")
        kind = read_choice(item["kind"], f"{path}.kind", CONFIRMING_FACTS)
        occurred_on = parse_date_value(f"{path}.occurred_on", item["occurred_on"])
        if occurred_on > assessed_on:
            raise RuleInputError(
                f"{path}.occurred_on", f"{occurred_on.isoformat()!r} is after assessed_on ({assessed_on.isoformat()})"
            )
        if date_of_birth is not None and occurred_on < date_of_birth:
            raise RuleInputError(
                f"{path}.occurred_on",
                f"{occurred_on.isoformat()!r} is before the date of birth ({date_of_birth.isoformat()})",
            )
        source = _optional_str(item, "source", path, 200)
        setting = _optional_choice(item, "setting", path, SETTINGS)
        relationship = _optional_choice(item, "relationship", path, RELATIONSHIPS)
        facts.append(Fact(kind, occurred_on, source, setting, relationship))
    return facts


def _optional_str(item: Mapping[str, Any], key: str, path: str, max_length: int) -> str:
    value = item.get(key)
    if value is None:
        return ""
    try:
        text = read_str({key: value}, key, max_length=max_length)
    except RuleInputError as exc:
        raise RuleInputError(f"{path}.{key}", exc.message) from None
    return text or ""


def _optional_choice(item: Mapping[str, Any], key: str, path: str, choices: Iterable[str]) -> str:
    value = item.get(key)
    if value is None or value == "":
        return ""
    return read_choice(value, f"{path}.{key}", choices)


def read_input(data: Any) -> dict[str, Any]:
    """Validate the contract's input (issue 3, item 8); raises RuleInputError naming field and value."""
    data = require_object(data)
    assessed_on = read_date(data, "assessed_on")
    assert assessed_on is not None
    date_of_birth = read_date(data, "date_of_birth", nullable=True)
    if date_of_birth is not None and date_of_birth > assessed_on:
        raise RuleInputError(
            "date_of_birth", f"{date_of_birth.isoformat()!r} is after assessed_on ({assessed_on.isoformat()})"
        )
    age_verified = read_bool(data, "age_verified")
    raw_indicators = read_list(data, "indicators")
    indicators = [read_choice(code, f"indicators[{i}]", INDICATORS) for i, code in enumerate(raw_indicators)]
    facts = read_facts(read_list(data, "facts"), assessed_on, date_of_birth)
    stated_age = (
        read_int(data, "stated_age", required=False, minimum=0, maximum=30)
        if data.get("stated_age") is not None
        else None
    )
    gender_raw = data.get("gender")
    gender = None
    if gender_raw is not None:
        gender = read_choice(
            gender_raw.replace("-", "_") if isinstance(gender_raw, str) else gender_raw, "gender", GENDERS
        )
    return {
        "assessed_on": assessed_on,
        "date_of_birth": date_of_birth,
        "age_verified": age_verified,
        "indicators": indicators,
        "facts": facts,
        "stated_age": stated_age,
        "gender": gender,
    }


def screening_contract(data: Mapping[str, Any], policy: AgencyPolicy) -> dict[str, Any]:
    """{"assessed_on", "date_of_birth" (or null), "age_verified", "indicators", "facts"[, "stated_age",
    "gender"]} -> {"status", "reasons", "next_steps"}."""
    return determine(policy=policy, **read_input(data)).as_dict()


SCREENING_CONTRACT = RuleContract(
    name="screening",
    summary="Recommended CSEC status with reasons and next steps (RULES.md §2).",
    handler=screening_contract,
)
