"""RULES.md §2 determination, rule by rule, and its properties (hypothesis)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core import rules_registry
from safeharbor.core.ruleinput import RuleInputError
from safeharbor.screening import rules
from safeharbor.screening.codes import (
    CONFIRMING_FACTS,
    GENDERS,
    INDICATORS,
    SIGNS,
    STEP_ADULT_SERVICES,
    STEP_IMMEDIATE_INTERVENTIONS,
    STEP_REPORT_LAW_ENFORCEMENT,
    STEP_REQUEST_MDT,
    STEP_VERIFY_AGE,
    VULNERABILITY_FACTORS,
    status_rank,
)

ASSESSED = "2026-11-29"


def run(data: dict[str, Any], policy: AgencyPolicy | None = None) -> dict[str, Any]:
    return rules_registry.run("screening", data, policy)


def base(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assessed_on": ASSESSED,
        "date_of_birth": "2010-03-02",
        "age_verified": True,
        "indicators": [],
        "facts": [],
    }
    data.update(overrides)
    return data


def rules_fired(result: dict[str, Any]) -> list[str]:
    return [r["rule"] for r in result["reasons"]]


# --- The issue's example and the named cases --------------------------------------------------


def test_issue_example_is_confirmed_victim_with_exactly_three_keys():
    result = run(
        {
            "assessed_on": "2026-11-29",
            "date_of_birth": "2010-03-02",
            "age_verified": True,
            "stated_age": 16,
            "gender": "female",
            "indicators": ["older_partner", "foster_care"],
            "facts": [{"kind": "commercial_sex_involvement", "occurred_on": "2026-05-01"}],
        }
    )
    assert set(result) == {"status", "reasons", "next_steps"}
    assert result["status"] == "confirmed_victim"
    assert all(set(r) == {"rule", "detail"} for r in result["reasons"])
    assert "confirmed_victim" in rules_fired(result)
    assert "2026-05-01" in result["reasons"][0]["detail"]
    assert result["next_steps"][:3] == [STEP_REQUEST_MDT, STEP_IMMEDIATE_INTERVENTIONS, STEP_REPORT_LAW_ENFORCEMENT]
    json.dumps(result)


def test_age_is_judged_on_the_fact_date_18_now_17_then_is_confirmed():
    # Born 2008-06-01: 18 on the assessment date, 17 on the fact's date.
    result = run(
        base(
            date_of_birth="2008-06-01",
            facts=[{"kind": "prostitution_related_record", "occurred_on": "2026-05-31"}],
        )
    )
    assert result["status"] == "confirmed_victim"
    assert "verified age 17" in result["reasons"][0]["detail"]


def test_fact_on_the_18th_birthday_is_not_a_csec_event():
    result = run(
        base(
            date_of_birth="2008-06-01",
            facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-06-01"}],
        )
    )
    assert result["status"] == "no_known_risk"
    adult = [r for r in result["reasons"] if r["rule"] == "adult_at_fact"]
    assert adult and "not a CSEC event" in adult[0]["detail"]
    assert STEP_ADULT_SERVICES in result["next_steps"]


def test_adult_fact_leaves_the_status_to_the_other_facts():
    result = run(
        base(
            date_of_birth="2008-06-01",
            indicators=["runaway_history"],
            facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-07-01"}],
        )
    )
    assert result["status"] == "at_risk"
    assert "adult_at_fact" in rules_fired(result)
    assert STEP_ADULT_SERVICES in result["next_steps"]


def test_unverified_age_with_a_fact_is_suspected_with_verify_age():
    result = run(base(age_verified=False, facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-05-01"}]))
    assert result["status"] == "suspected_victim"
    assert STEP_VERIFY_AGE in result["next_steps"]
    assert "age_not_verified" in rules_fired(result)


def test_unknown_date_of_birth_with_a_fact_is_suspected_with_verify_age():
    result = run(
        base(
            date_of_birth=None,
            age_verified=True,
            facts=[{"kind": "prostitution_related_record", "occurred_on": "2026-01-10"}],
        )
    )
    assert result["status"] == "suspected_victim"
    assert STEP_VERIFY_AGE in result["next_steps"]


def test_unknown_dob_with_a_stated_minor_age_is_suspected():
    result = run(
        base(
            date_of_birth=None,
            age_verified=False,
            stated_age=15,
            facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-10-01"}],
        )
    )
    assert result["status"] == "suspected_victim"
    assert "stated age 15" in result["reasons"][0]["detail"]


def test_unverified_adult_by_dob_and_stated_age_is_not_suspected_but_age_is_still_to_verify():
    result = run(
        base(
            date_of_birth="2000-01-01",
            age_verified=False,
            stated_age=26,
            facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-10-01"}],
        )
    )
    assert result["status"] == "no_known_risk"
    assert "age_not_verified_adult" in rules_fired(result)
    assert STEP_VERIFY_AGE in result["next_steps"]


def test_stated_adult_who_could_have_been_a_minor_at_the_fact_is_suspected():
    # Says 18 today; the fact is ten months old: possibly 17 then.
    result = run(
        base(
            date_of_birth=None,
            age_verified=False,
            stated_age=18,
            facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-01-15"}],
        )
    )
    assert result["status"] == "suspected_victim"


def test_provocative_clothing_alone_is_no_known_risk():
    result = run(base(indicators=["provocative_clothing"]))
    assert result["status"] == "no_known_risk"
    assert "not_counted" in rules_fired(result)


@pytest.mark.parametrize("sign", ["branding_tattoo", "the_life_lingo", "sexual_online_profile", "recruiting_peers"])
def test_each_default_strong_sign_alone_is_suspected(sign: str):
    result = run(base(indicators=[sign]))
    assert result["status"] == "suspected_victim"
    assert "strong_sign" in rules_fired(result)
    assert STEP_REQUEST_MDT in result["next_steps"]


def test_three_distinct_signs_are_suspected():
    result = run(base(indicators=["older_partner", "late_hours", "no_control_of_money"]))
    assert result["status"] == "suspected_victim"
    assert "sign_threshold" in rules_fired(result)


def test_provocative_clothing_does_not_count_toward_the_threshold():
    result = run(base(indicators=["older_partner", "late_hours", "provocative_clothing"]))
    assert result["status"] == "at_risk"


def test_repeated_codes_count_once():
    result = run(base(indicators=["older_partner", "older_partner", "older_partner"]))
    assert result["status"] == "at_risk"


@pytest.mark.parametrize("count", [1, 2])
def test_one_or_two_signs_are_at_risk(count: int):
    signs = ["older_partner", "late_hours"][:count]
    result = run(base(indicators=signs))
    assert result["status"] == "at_risk"
    assert "signs" in rules_fired(result)


@pytest.mark.parametrize("factor", VULNERABILITY_FACTORS)
def test_any_vulnerability_factor_is_at_risk(factor: str):
    result = run(base(indicators=[factor]))
    assert result["status"] == "at_risk"
    assert "vulnerability" in rules_fired(result)
    assert any(step.startswith("re-screen within 6 months") for step in result["next_steps"])


def test_nothing_is_no_known_risk_with_a_reason():
    result = run(base())
    assert result["status"] == "no_known_risk"
    assert rules_fired(result) == ["no_known_risk"]


def test_agency_policy_threshold_and_strong_signs_apply():
    policy = AgencyPolicy(suspected_sign_threshold=2, strong_signs=("late_hours",), rescreen_months=3)
    assert run(base(indicators=["older_partner", "unaccounted_time"]), policy)["status"] == "suspected_victim"
    assert run(base(indicators=["late_hours"]), policy)["status"] == "suspected_victim"
    assert run(base(indicators=["branding_tattoo"]), policy)["status"] == "at_risk"
    assert "re-screen within 3 months" in run(base(indicators=["foster_care"]), policy)["next_steps"]


def test_provocative_clothing_configured_as_strong_still_never_counts():
    policy = AgencyPolicy(strong_signs=("provocative_clothing",))
    assert run(base(indicators=["provocative_clothing"]), policy)["status"] == "no_known_risk"


def test_confirmed_outranks_everything_and_lists_every_fired_rule():
    result = run(
        base(
            indicators=["foster_care", "branding_tattoo"],
            facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2025-01-01", "setting": "within_family"}],
        )
    )
    assert result["status"] == "confirmed_victim"
    assert rules_fired(result)[:1] == ["confirmed_victim"]
    assert {"strong_sign", "vulnerability"} <= set(rules_fired(result))


# --- Input validation: the field and the bad value ---------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "value"),
    [
        (base(indicators=["older_partner", "tall"]), "indicators[1]", "tall"),
        (base(facts=[{"kind": "rumour", "occurred_on": "2026-01-01"}]), "facts[0].kind", "rumour"),
        (
            base(facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-12-01"}]),
            "facts[0].occurred_on",
            "2026-12-01",
        ),
        (
            base(facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-13-01"}]),
            "facts[0].occurred_on",
            "2026-13-01",
        ),
        (
            base(facts=[{"kind": "commercial_sex_involvement", "occurred_on": "1/5/2026"}]),
            "facts[0].occurred_on",
            "1/5/2026",
        ),
        (base(assessed_on="29-11-2026"), "assessed_on", "29-11-2026"),
        (base(date_of_birth="2010-02-30"), "date_of_birth", "2010-02-30"),
        (base(gender="f"), "gender", "f"),
        (base(stated_age=-1), "stated_age", "-1"),
        (base(age_verified="yes"), "age_verified", "yes"),
        (base(indicators="older_partner"), "indicators", "older_partner"),
        (
            base(facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-01-01", "setting": "moon"}]),
            "facts[0].setting",
            "moon",
        ),
        (
            base(facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-01-01", "relationship": "uncle"}]),
            "facts[0].relationship",
            "uncle",
        ),
        (
            base(facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2009-01-01"}]),
            "facts[0].occurred_on",
            "2009-01-01",
        ),
    ],
)
def test_bad_input_names_the_field_and_the_bad_value(data: dict[str, Any], field: str, value: str):
    with pytest.raises(RuleInputError) as caught:
        run(data)
    assert caught.value.field == field
    assert value in str(caught.value)
    assert str(caught.value).startswith(field)


@pytest.mark.parametrize("key", ["assessed_on", "date_of_birth", "age_verified", "indicators", "facts"])
def test_a_missing_key_is_named(key: str):
    data = base()
    del data[key]
    with pytest.raises(RuleInputError) as caught:
        run(data)
    assert caught.value.field == key


def test_a_fact_missing_its_date_is_named():
    with pytest.raises(RuleInputError) as caught:
        run(base(facts=[{"kind": "commercial_sex_involvement"}]))
    assert caught.value.field == "facts[0].occurred_on"


def test_optional_keys_may_be_absent_or_null():
    assert run(base(stated_age=None, gender=None))["status"] == "no_known_risk"
    assert run(base(gender="non-binary"))["status"] == "no_known_risk"


# --- Re-screening and when-category helpers ----------------------------------------------------


def test_rescreen_periodic_for_at_risk_or_higher_only():
    policy = AgencyPolicy(rescreen_months=6)
    due = rules.rescreen_due(status="at_risk", last_screened_on=date(2026, 8, 31), policy=policy)
    assert [(d.reason, d.due_on) for d in due] == [("periodic", date(2027, 2, 28))]
    assert rules.rescreen_due(status="no_known_risk", last_screened_on=date(2026, 8, 31), policy=policy) == []


def test_rescreen_on_return_and_on_new_sign_after_the_last_screening():
    policy = AgencyPolicy(return_screening_hours=72)
    due = rules.rescreen_due(
        status="no_known_risk",
        last_screened_on=date(2026, 3, 1),
        policy=policy,
        returns_from_missing=[date(2026, 2, 1), date(2026, 4, 10)],
        new_signs_on=[date(2026, 5, 2)],
    )
    assert [(d.reason, d.due_on) for d in due] == [
        ("returned_from_missing", date(2026, 4, 13)),
        ("new_sign", date(2026, 5, 2)),
    ]


def test_when_categories():
    assert rules.when_categories_for("confirmed_victim") == ("before_foster_care", "in_foster_care", "absent_from_care")
    assert rules.when_category_problem("suspected_victim", "") is not None
    assert rules.when_category_problem("suspected_victim", "at_risk") is not None
    assert rules.when_category_problem("suspected_victim", "in_foster_care") is None
    assert rules.when_category_problem("at_risk", "") is None
    assert rules.when_category_problem("no_known_risk", "in_foster_care") is not None
    assert (
        rules.suggest_when_category(
            occurred_on=date(2026, 5, 3),
            entered_care_on=date(2025, 1, 1),
            absences=[(date(2026, 5, 1), date(2026, 5, 4))],
        )
        == "absent_from_care"
    )
    assert rules.suggest_when_category(occurred_on=date(2024, 5, 3), entered_care_on=date(2025, 1, 1)) == (
        "before_foster_care"
    )
    assert rules.suggest_when_category(occurred_on=date(2025, 5, 3), entered_care_on=date(2025, 1, 1)) == (
        "in_foster_care"
    )


def test_external_levels_map_to_recommendations():
    policy = AgencyPolicy()
    on = date(2026, 11, 1)
    assert rules.external_recommendation(
        tool_name="CSE-IT", level="clear_concern", assessed_on=on, policy=policy
    ).status == ("suspected_victim")
    assert rules.external_recommendation(
        tool_name="CSE-IT", level="possible_concern", assessed_on=on, policy=policy
    ).status == ("at_risk")
    assert rules.external_recommendation(
        tool_name="CSE-IT", level="no_concern", assessed_on=on, policy=policy
    ).status == ("no_known_risk")


# --- Properties -----------------------------------------------------------------------------

ASSESSED_DATE = date(2026, 11, 29)

facts_strategy = st.lists(
    st.builds(
        lambda kind, days: {"kind": kind, "occurred_on": (ASSESSED_DATE - timedelta(days=days)).isoformat()},
        st.sampled_from(CONFIRMING_FACTS),
        st.integers(min_value=0, max_value=365 * 8),
    ),
    max_size=3,
)

inputs = st.fixed_dictionaries(
    {
        "assessed_on": st.just(ASSESSED),
        "date_of_birth": st.one_of(
            st.none(),
            st.integers(min_value=365 * 8 + 1, max_value=365 * 26).map(
                lambda days: (ASSESSED_DATE - timedelta(days=days)).isoformat()
            ),
        ),
        "age_verified": st.booleans(),
        "indicators": st.lists(st.sampled_from(INDICATORS), max_size=8),
        "facts": facts_strategy,
    },
    optional={
        "stated_age": st.one_of(st.none(), st.integers(min_value=10, max_value=25)),
        "gender": st.sampled_from(GENDERS),
    },
)


@given(inputs, st.sampled_from(GENDERS), st.sampled_from(GENDERS))
def test_gender_never_changes_the_status(data: dict[str, Any], one: str, other: str):
    assert run({**data, "gender": one})["status"] == run({**data, "gender": other})["status"]
    without = {k: v for k, v in data.items() if k != "gender"}
    assert run(without)["status"] == run({**data, "gender": one})["status"]


@given(inputs)
def test_provocative_clothing_never_changes_the_status(data: dict[str, Any]):
    stripped = [code for code in data["indicators"] if code != "provocative_clothing"]
    with_it = run({**data, "indicators": [*stripped, "provocative_clothing"]})
    without = run({**data, "indicators": stripped})
    assert with_it["status"] == without["status"]


@given(inputs, st.sampled_from(INDICATORS))
def test_adding_an_indicator_never_lowers_the_status(data: dict[str, Any], extra: str):
    before = run(data)["status"]
    after = run({**data, "indicators": [*data["indicators"], extra]})["status"]
    assert status_rank(after) >= status_rank(before)


@given(inputs, facts_strategy.filter(bool))
def test_adding_a_fact_never_lowers_the_status(data: dict[str, Any], extra: list[dict[str, Any]]):
    dob = data["date_of_birth"]
    extra = [f for f in extra if dob is None or f["occurred_on"] >= dob]
    before = run(data)["status"]
    after = run({**data, "facts": [*data["facts"], *extra]})["status"]
    assert status_rank(after) >= status_rank(before)


@given(inputs, st.sampled_from(SIGNS))
def test_the_status_is_always_one_of_the_four_and_reasons_are_listed(data: dict[str, Any], _sign: str):
    result = run(data)
    assert result["status"] in {"confirmed_victim", "suspected_victim", "at_risk", "no_known_risk"}
    assert result["reasons"]
    assert set(result) == {"status", "reasons", "next_steps"}


# --- The same result through the CLI, the API and the registry -----------------------------------

CLI_EXAMPLES = [
    base(
        indicators=["older_partner", "foster_care"],
        facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-05-01"}],
    ),
    base(
        age_verified=False,
        indicators=["late_hours"],
        facts=[{"kind": "prostitution_related_record", "occurred_on": "2026-02-01"}],
    ),
    base(indicators=["provocative_clothing"], gender="male"),
    base(date_of_birth="2008-06-01", facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2026-07-01"}]),
]


def _cli(data: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safeharbor.cli", "rules", "screening"],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("data", CLI_EXAMPLES)
def test_cli_answers_like_the_registry(data: dict[str, Any]):
    completed = _cli(data)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == run(data)


def test_cli_bad_input_exits_2_with_one_line_naming_field_and_value():
    completed = _cli(base(facts=[{"kind": "commercial_sex_involvement", "occurred_on": "2027-01-01"}]))
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "facts[0].occurred_on" in lines[0] and "2027-01-01" in lines[0]


@pytest.mark.django_db
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=inputs)
def test_api_answers_like_the_registry(data: dict[str, Any], personas: Any, client: Any):
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/api/v1/rules/screening", data, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == run(data, personas.agency.policy())


@pytest.mark.django_db
def test_api_bad_input_is_400_naming_the_field(personas: Any, client: Any):
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/api/v1/rules/screening", base(indicators=["nope"]), content_type="application/json")
    assert response.status_code == 400
    assert "nope" in response.json()["indicators[0]"][0]
