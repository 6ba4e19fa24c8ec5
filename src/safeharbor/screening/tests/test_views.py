"""Screening pages: the form and its htmx panel, determination, amendment, external tool, profile
section, query bounds, and the page giving the same answer as the rule contract."""

from __future__ import annotations

import datetime as dt
import re
from datetime import UTC, date, timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeharbor.core import rules_registry
from safeharbor.core.testing import factories as f
from safeharbor.deadlines.models import Notification
from safeharbor.screening import services
from safeharbor.screening.codes import CONFIRMING_FACTS, INDICATORS
from safeharbor.screening.models import CsecStatusChange, Screening

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
TODAY = "2026-11-20"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def form_data(*yes: str, facts: list[dict[str, str]] | None = None, **extra: str) -> dict[str, str]:
    data: dict[str, str] = {"assessed_on": TODAY, "facts-TOTAL_FORMS": "0", "facts-INITIAL_FORMS": "0"}
    for code in INDICATORS:
        data[f"ind-{code}"] = "yes" if code in yes else "unknown"
    for i, fact in enumerate(facts or []):
        for key, value in fact.items():
            data[f"facts-{i}-{key}"] = value
    data["facts-TOTAL_FORMS"] = str(len(facts or []))
    data.update(extra)
    return data


def recommended(html: str) -> str:
    match = re.search(r'data-recommended="([a-z_]+)"', html)
    assert match, html[:500]
    return match.group(1)


def test_start_opens_a_draft_and_the_form_shows_every_indicator_with_help(personas, login):
    client = login(personas.worker)
    response = client.post(f"/screening/youth/{personas.youth.pk}/start/")
    screening = Screening.objects.get(youth=personas.youth)
    assert response.status_code == 302 and response["Location"] == f"/screening/{screening.pk}/"
    page = client.get(f"/screening/{screening.pk}/").content.decode()
    for code in INDICATORS:
        assert f'name="ind-{code}"' in page
        assert f'/screening/indicators/#{code}"' in page
    assert "Sexually provocative clothing" in page
    assert 'hx-post="/screening/' in page
    assert recommended(page) == "no_known_risk"


def test_recommendation_panel_follows_the_ticks_without_saving(personas, login):
    client = login(personas.worker)
    screening = services.screening_start(actor=personas.worker, youth=personas.youth)
    url = f"/screening/{screening.pk}/recommend/"
    assert recommended(client.post(url, form_data()).content.decode()) == "no_known_risk"
    assert recommended(client.post(url, form_data("foster_care")).content.decode()) == "at_risk"
    html = client.post(url, form_data("foster_care", "branding_tattoo")).content.decode()
    assert recommended(html) == "suspected_victim"
    assert "strong_sign" in html and "Request an MDT meeting" in html
    assert not screening.answers.exists()


def test_panel_shows_the_age_on_each_facts_date(personas, login):
    youth = personas.youth
    youth.date_of_birth = date(2008, 6, 1)
    youth.save()
    client = login(personas.worker)
    screening = services.screening_start(actor=personas.worker, youth=youth)
    fact = {"kind": "commercial_sex_involvement", "occurred_on": "2026-05-31", "source": "Police report"}
    html = client.post(f"/screening/{screening.pk}/recommend/", form_data(facts=[fact])).content.decode()
    assert recommended(html) == "confirmed_victim"
    assert "2026-05-31: age 17" in html


def test_save_then_determine_with_a_differing_status_needs_a_reason(personas, login):
    client = login(personas.worker)
    screening = services.screening_start(actor=personas.worker, youth=personas.youth)
    response = client.post(f"/screening/{screening.pk}/", form_data("foster_care", action="determine"))
    assert response.status_code == 302 and response["Location"] == f"/screening/{screening.pk}/finalise/"
    page = client.get(f"/screening/{screening.pk}/finalise/").content.decode()
    assert recommended(page) == "at_risk"
    bad = client.post(
        f"/screening/{screening.pk}/finalise/",
        {"determined_status": "suspected_victim", "when_category": "in_foster_care"},
    )
    assert bad.status_code == 400
    assert "Write why your determination differs" in bad.content.decode()
    good = client.post(
        f"/screening/{screening.pk}/finalise/",
        {
            "determined_status": "suspected_victim",
            "when_category": "in_foster_care",
            "override_reason": "She described being driven to parties by an adult.",
        },
    )
    assert good.status_code == 302 and good["Location"] == f"/youth/{personas.youth.pk}/"
    personas.youth.refresh_from_db()
    assert personas.youth.csec_status == "suspected_victim"
    assert Notification.objects.filter(recipient=personas.supervisor, kind="screening_determined").count() == 1


def test_bad_fact_on_the_page_is_a_400_with_a_field_message_and_nothing_saved(personas, login):
    client = login(personas.worker)
    screening = services.screening_start(actor=personas.worker, youth=personas.youth)
    fact = {"kind": "commercial_sex_involvement", "occurred_on": "2026-12-25", "source": "Report"}
    response = client.post(f"/screening/{screening.pk}/", form_data("foster_care", facts=[fact]))
    assert response.status_code == 400
    assert "cannot be dated after the screening date" in response.content.decode()
    assert not screening.answers.exists()


def test_finalised_screening_is_read_only_and_edits_are_refused(personas, login):
    client = login(personas.worker)
    screening = services.screening_start(actor=personas.worker, youth=personas.youth)
    services.screening_finalise(actor=personas.worker, screening=screening, determined_status="no_known_risk")
    page = client.get(f"/screening/{screening.pk}/").content.decode()
    assert 'name="ind-' not in page
    assert "Correct this screening" in page
    response = client.post(f"/screening/{screening.pk}/", form_data("branding_tattoo"))
    assert response.status_code == 302
    assert not screening.answers.exists()
    assert client.post(f"/screening/{screening.pk}/recommend/", form_data()).status_code == 404
    assert client.get(f"/screening/{screening.pk}/finalise/").status_code == 302


def test_amendment_page_creates_a_linked_draft(personas, login):
    client = login(personas.worker)
    screening = services.screening_start(actor=personas.worker, youth=personas.youth)
    services.screening_finalise(actor=personas.worker, screening=screening, determined_status="no_known_risk")
    response = client.post(f"/screening/{screening.pk}/amend/", {"reason": "A sign was missed at the interview."})
    amendment = Screening.objects.get(amends=screening)
    assert response["Location"] == f"/screening/{amendment.pk}/"
    page = client.get(f"/screening/{amendment.pk}/").content.decode()
    assert "This is an amendment of" in page and "A sign was missed" in page


def test_external_tool_page_records_and_leads_to_the_determination(personas, login):
    client = login(personas.worker)
    response = client.post(
        f"/screening/youth/{personas.youth.pk}/external/",
        {"tool_name": "CSE-IT", "level": "clear_concern", "assessed_on": "2026-11-19"},
    )
    screening = Screening.objects.get(youth=personas.youth, kind="external")
    assert response["Location"] == f"/screening/{screening.pk}/finalise/"
    page = client.get(response["Location"]).content.decode()
    assert recommended(page) == "suspected_victim"
    future = client.post(
        f"/screening/youth/{personas.youth.pk}/external/",
        {"tool_name": "CSE-IT", "level": "clear_concern", "assessed_on": "2026-12-19"},
    )
    assert future.status_code == 400


def test_profile_section_shows_status_history_and_start_link(personas, login):
    youth = personas.youth
    screening = services.screening_start(actor=personas.worker, youth=youth)
    services.screening_save_answers(
        actor=personas.worker,
        screening=screening,
        answers={"foster_care": ("yes", "")},
        facts=[services.FactInput("commercial_sex_involvement", date(2025, 3, 1), "Disclosure", "within_family")],
    )
    services.screening_finalise(
        actor=personas.worker, screening=screening, determined_status="confirmed_victim", when_category="in_foster_care"
    )
    page = login(personas.worker).get(f"/youth/{youth.pk}/").content.decode()
    assert "CSEC screening and status" in page
    assert f"/screening/youth/{youth.pk}/start/" in page
    assert "Exploitation within the family" in page
    assert "Confirmed victim" in page
    assert "Re-screening due 2027-05-20" in page


def test_supervisor_sees_the_notification_link(personas, login):
    screening = services.screening_start(actor=personas.worker, youth=personas.youth)
    services.screening_save_answers(
        actor=personas.worker, screening=screening, answers={"the_life_lingo": ("yes", "")}, facts=[]
    )
    services.screening_finalise(
        actor=personas.worker, screening=screening, determined_status="suspected_victim", when_category="in_foster_care"
    )
    note = Notification.objects.get(recipient=personas.supervisor, kind="screening_determined")
    assert login(personas.supervisor).get(note.link).status_code == 200


def test_catalogue_lists_every_indicator_and_admin_may_edit(personas, login):
    client = login(personas.worker)
    page = client.get("/screening/indicators/").content.decode()
    for code in INDICATORS:
        assert f'id="{code}"' in page
    assert "/edit/" not in page
    admin = login(personas.admin)
    row = services.indicator_catalogue_ensure(agency=personas.agency)[0]
    response = admin.post(f"/screening/indicators/{row.pk}/edit/", {"label": "Foster youth", "help_text": "Ours."})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.label == "Foster youth"


# --- Query bounds ------------------------------------------------------------------------------


def _finalised_history(personas: Any, count: int) -> Screening:
    last = None
    for _ in range(count):
        s = services.screening_start(actor=personas.worker, youth=personas.youth)
        s = services.screening_save_answers(
            actor=personas.worker,
            screening=s,
            answers={"foster_care": ("yes", ""), "late_hours": ("yes", "note")},
            facts=[services.FactInput("prostitution_related_record", date(2026, 1, 2), "Record")],
        )
        last = services.screening_finalise(
            actor=personas.worker, screening=s, determined_status="confirmed_victim", when_category="in_foster_care"
        )
    assert last is not None
    return last


@pytest.mark.parametrize("count", [1, 8])
def test_screening_pages_run_a_bounded_number_of_queries(personas, login, django_assert_max_num_queries, count):
    _finalised_history(personas, count)
    draft = services.screening_start(actor=personas.worker, youth=personas.youth)
    draft = services.screening_save_answers(
        actor=personas.worker,
        screening=draft,
        answers=dict.fromkeys(INDICATORS[:count], ("yes", "n")),
        facts=[services.FactInput("prostitution_related_record", date(2026, 1, 2), "Record")] * count,
    )
    client = login(personas.worker)
    client.get("/")  # warm the session
    with django_assert_max_num_queries(30):
        assert client.get(f"/screening/{draft.pk}/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(f"/screening/{draft.pk}/finalise/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.post(f"/screening/{draft.pk}/recommend/", form_data("foster_care")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(f"/screening/youth/{personas.youth.pk}/history/").status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_profile_section_runs_a_bounded_number_of_queries(personas, rf, django_assert_max_num_queries, count):
    from safeharbor.screening.sections import screening_section
    from safeharbor.youth.selectors import youth_get_for_user

    _finalised_history(personas, count)
    request = rf.get("/")
    request.user = personas.worker
    youth = youth_get_for_user(user=personas.worker, pk=personas.youth.pk)
    with django_assert_max_num_queries(9):  # 2 of them: the law-enforcement report duty and the report
        section = screening_section(request, youth)
    assert section is not None
    assert len(section["changes"]) == min(count, 5)
    assert CsecStatusChange.objects.filter(youth=youth).count() == count


# --- The page, the service and the contract agree ---------------------------------------------

page_inputs = st.tuples(
    st.lists(st.sampled_from(INDICATORS), max_size=6, unique=True),
    st.lists(st.tuples(st.sampled_from(CONFIRMING_FACTS), st.integers(min_value=0, max_value=365 * 4)), max_size=2),
    st.booleans(),
    st.dates(min_value=date(2004, 1, 1), max_value=date(2014, 1, 1)),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page_inputs)
def test_page_service_and_contract_agree(personas, client, data):
    yes, raw_facts, verified, dob = data
    youth = f.YouthFactory(
        agency=personas.agency,
        date_of_birth=dob,
        dob_verified=verified,
        dob_verification="birth_certificate" if verified else "",
    )
    f.AssignmentFactory(youth=youth, worker=personas.worker)
    facts = [(kind, date(2026, 11, 20) - timedelta(days=days)) for kind, days in raw_facts]
    facts = [(kind, on) for kind, on in facts if on >= dob]
    contract = rules_registry.run(
        "screening",
        {
            "assessed_on": TODAY,
            "date_of_birth": dob.isoformat(),
            "age_verified": verified,
            "indicators": yes,
            "facts": [{"kind": kind, "occurred_on": on.isoformat()} for kind, on in facts],
            "gender": youth.gender,
        },
        personas.agency.policy(),
    )
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    screening = services.screening_start(actor=personas.worker, youth=youth)
    fact_rows = [{"kind": kind, "occurred_on": on.isoformat(), "source": "Report"} for kind, on in facts]
    html = client.post(f"/screening/{screening.pk}/recommend/", form_data(*yes, facts=fact_rows)).content.decode()
    saved = services.screening_save_answers(
        actor=personas.worker,
        screening=screening,
        answers=dict.fromkeys(yes, ("yes", "")),
        facts=[services.FactInput(kind, on, "Report") for kind, on in facts],
    )
    assert recommended(html) == contract["status"] == saved.recommended_status
    assert saved.recommended_reasons == contract["reasons"]


def test_blank_fact_row_is_ignored_when_saving(personas, login):
    client = login(personas.worker)
    screening = services.screening_start(actor=personas.worker, youth=personas.youth)
    blank = {"kind": "", "occurred_on": "", "source": "", "setting": "", "relationship": ""}
    response = client.post(f"/screening/{screening.pk}/", form_data("late_hours", facts=[blank]))
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.recommended_status == "at_risk"
    assert not screening.facts.exists()
