"""Screening workflows: start, answers, determination, lock, amendment, external tools, notices."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from safeharbor.audit.models import AuditEvent
from safeharbor.core.errors import ApplicationError
from safeharbor.core.testing import factories as f
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.screening import services
from safeharbor.screening.models import CsecStatusChange, IndicatorDefinition, Screening
from safeharbor.screening.selectors import youth_family_exploitation_flag
from safeharbor.screening.services import FactInput

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def answers(*yes: str) -> dict[str, tuple[str, str]]:
    return dict.fromkeys(yes, ("yes", ""))


def screened(actor: Any, youth: Any, *yes: str, facts: list[FactInput] | None = None) -> Screening:
    screening = services.screening_start(actor=actor, youth=youth)
    return services.screening_save_answers(actor=actor, screening=screening, answers=answers(*yes), facts=facts or [])


def fact(on: date, **kw: Any) -> FactInput:
    return FactInput(kind=kw.pop("kind", "commercial_sex_involvement"), occurred_on=on, source="police report", **kw)


def test_start_seeds_the_catalogue_of_a_new_agency_and_audits(personas):
    IndicatorDefinition.objects.filter(agency=personas.agency).delete()
    screening = services.screening_start(actor=personas.worker, youth=personas.youth)
    assert screening.status == "draft"
    assert screening.assessed_on == date(2026, 11, 20)
    assert IndicatorDefinition.objects.filter(agency=personas.agency).count() == 22
    assert AuditEvent.objects.filter(action="screening.start", object_id=str(screening.pk)).exists()


def test_seeded_catalogue_exists_for_agencies_made_before_the_migration_or_on_demand(personas):
    rows = services.indicator_catalogue_ensure(agency=personas.agency)
    assert len(rows) == 22
    assert {r.code for r in rows if r.group == "confirming"} == {
        "commercial_sex_involvement",
        "prostitution_related_record",
    }
    assert all("handbook" not in r.help_text.lower() or "13-19" in r.help_text for r in rows)


def test_only_someone_who_may_edit_the_youth_screens(personas):
    with pytest.raises(PermissionDenied):
        services.screening_start(actor=personas.worker2, youth=personas.youth)
    with pytest.raises(PermissionDenied):
        services.screening_start(actor=personas.coordinator, youth=personas.youth)
    assert services.screening_start(actor=personas.supervisor, youth=personas.youth).pk


def test_saving_answers_stores_the_recommendation(personas):
    screening = screened(personas.worker, personas.youth, "older_partner", "late_hours")
    assert screening.recommended_status == "at_risk"
    screening = services.screening_save_answers(
        actor=personas.worker, screening=screening, answers=answers("branding_tattoo"), facts=[]
    )
    assert screening.recommended_status == "suspected_victim"
    assert screening.answers.count() == 1


def test_bad_fact_is_refused_without_writing(personas):
    screening = screened(personas.worker, personas.youth, "foster_care")
    with pytest.raises(ApplicationError) as caught:
        services.screening_save_answers(
            actor=personas.worker,
            screening=screening,
            answers=answers("late_hours"),
            facts=[fact(date(2026, 12, 1))],
        )
    assert caught.value.field == "facts-0-occurred_on"
    screening.refresh_from_db()
    assert [a.code for a in screening.answers.all()] == ["foster_care"]


def test_differing_determination_needs_a_reason_and_nothing_is_half_written(personas):
    screening = screened(personas.worker, personas.youth, "foster_care")
    with pytest.raises(ApplicationError) as caught:
        services.screening_finalise(
            actor=personas.worker,
            screening=screening,
            determined_status="suspected_victim",
            when_category="in_foster_care",
        )
    assert caught.value.field == "override_reason"
    screening.refresh_from_db()
    personas.youth.refresh_from_db()
    assert screening.status == "draft"
    assert personas.youth.csec_status == "no_known_risk"
    assert not CsecStatusChange.objects.exists()


def test_victim_determination_needs_when_it_happened(personas):
    screening = screened(personas.worker, personas.youth, "branding_tattoo")
    with pytest.raises(ApplicationError) as caught:
        services.screening_finalise(actor=personas.worker, screening=screening, determined_status="suspected_victim")
    assert caught.value.field == "when_category"


def test_finalise_sets_status_history_and_locks(personas):
    youth = personas.youth
    version = youth.version
    screening = screened(personas.worker, youth, "foster_care")
    screening = services.screening_finalise(
        actor=personas.worker,
        screening=screening,
        determined_status="suspected_victim",
        when_category="in_foster_care",
        override_reason="The youth disclosed an older partner who buys her phones.",
    )
    youth.refresh_from_db()
    assert youth.csec_status == "suspected_victim"
    assert youth.csec_status_at == NOW
    assert youth.version == version
    change = CsecStatusChange.objects.get(youth=youth)
    assert (change.status, change.previous_status, change.by, change.screening) == (
        "suspected_victim",
        "no_known_risk",
        personas.worker,
        screening,
    )
    assert change.reasons == screening.recommended_reasons
    assert screening.differs
    with pytest.raises(ApplicationError) as caught:
        services.screening_save_answers(actor=personas.worker, screening=screening, answers={}, facts=[])
    assert caught.value.code == "locked"
    with pytest.raises(ApplicationError):
        services.screening_finalise(actor=personas.worker, screening=screening, determined_status="at_risk")
    event = AuditEvent.objects.get(action="screening.finalise")
    assert event.detail == {
        "status": "suspected_victim",
        "recommended": "at_risk",
        "previous": "no_known_risk",
        "differs": True,
    }


def test_suspected_determination_notifies_supervisor_and_coordinator_without_names(personas):
    screening = screened(personas.worker, personas.youth, "branding_tattoo")
    services.screening_finalise(
        actor=personas.worker, screening=screening, determined_status="suspected_victim", when_category="in_foster_care"
    )
    notes = Notification.objects.filter(kind="screening_determined")
    assert {n.recipient for n in notes} == {personas.supervisor, personas.coordinator}
    for note in notes:
        assert personas.youth.legal_last_name not in note.message
        assert personas.youth.legal_first_name not in note.message
        assert note.link == f"/screening/{screening.pk}/"


def test_at_risk_determination_notifies_nobody(personas):
    screening = screened(personas.worker, personas.youth, "foster_care")
    services.screening_finalise(actor=personas.worker, screening=screening, determined_status="at_risk")
    assert not Notification.objects.filter(kind="screening_determined").exists()
    # An at-risk youth gets only the 6-month re-screening duty (RULES.md §2), no victim duties.
    assert list(Deadline.objects.values_list("kind", flat=True)) == ["screening.periodic_rescreening"]


def test_confirmed_victim_opens_24_hour_law_enforcement_duty_and_immediate_interventions(personas):
    from safeharbor.care.models import ServiceItem

    youth = personas.youth
    screening = screened(personas.worker, youth, facts=[fact(date(2026, 6, 1), setting="street_track")])
    assert screening.recommended_status == "confirmed_victim"
    services.screening_finalise(
        actor=personas.worker,
        screening=screening,
        determined_status="confirmed_victim",
        when_category="absent_from_care",
    )
    duty = Deadline.objects.get(kind="screening.victim_report_law_enforcement")
    assert duty.due_at == NOW + timedelta(hours=24)
    assert duty.youth_id == youth.pk
    assert duty.owner == personas.worker
    assert ServiceItem.objects.filter(youth=youth, kind="immediate").count() == 3


def test_amendment_is_linked_with_a_reason_and_does_not_reopen_the_duty(personas):
    youth = personas.youth
    original = screened(personas.worker, youth, facts=[fact(date(2026, 6, 1))])
    services.screening_finalise(
        actor=personas.worker, screening=original, determined_status="confirmed_victim", when_category="in_foster_care"
    )
    with pytest.raises(ApplicationError):
        services.screening_amend(actor=personas.worker, screening=original, reason="")
    amendment = services.screening_amend(
        actor=personas.worker, screening=original, reason="The fact date was wrong in the report."
    )
    assert amendment.amends == original
    assert amendment.status == "draft"
    assert amendment.facts.count() == 1
    with pytest.raises(ApplicationError):
        services.screening_amend(actor=personas.worker, screening=original, reason="A second correction attempt.")
    services.screening_finalise(
        actor=personas.worker,
        screening=amendment,
        determined_status="confirmed_victim",
        when_category="before_foster_care",
    )
    assert Deadline.objects.filter(kind="screening.victim_report_law_enforcement").count() == 1
    assert CsecStatusChange.objects.filter(youth=youth).count() == 2


def test_draft_cannot_be_amended(personas):
    draft = screened(personas.worker, personas.youth)
    with pytest.raises(ApplicationError):
        services.screening_amend(actor=personas.worker, screening=draft, reason="Correcting a draft screening.")


def test_external_tool_result_is_recorded_and_determined(personas):
    screening = services.external_result_record(
        actor=personas.worker,
        youth=personas.youth,
        tool_name="CSE-IT",
        level="possible_concern",
        assessed_on=date(2026, 11, 18),
    )
    assert screening.kind == "external"
    assert screening.recommended_status == "at_risk"
    assert screening.external_result.level == "possible_concern"
    services.screening_finalise(actor=personas.worker, screening=screening, determined_status="at_risk")
    personas.youth.refresh_from_db()
    assert personas.youth.csec_status == "at_risk"
    with pytest.raises(ApplicationError):
        services.external_result_record(
            actor=personas.worker,
            youth=personas.youth,
            tool_name="",
            level="clear_concern",
            assessed_on=date(2026, 11, 1),
        )
    with pytest.raises(ApplicationError):
        services.external_result_record(
            actor=personas.worker,
            youth=personas.youth,
            tool_name="CSE-IT",
            level="maybe",
            assessed_on=date(2026, 11, 1),
        )


def _group_home(personas: Any) -> Any:
    home = f.FacilityFactory(agency=personas.agency, name="Fictional Oak House", kind="group_home")
    for youth in (personas.youth, personas.youth2, personas.other_unit_youth):
        f.PlacementFactory(youth=youth, placement_type="group_home", facility=home, start=date(2026, 1, 1))
    return home


def test_peer_recruitment_notice_one_per_other_youths_worker_without_identifying_the_first(personas):
    _group_home(personas)
    first = personas.youth
    screening = screened(personas.worker, first, "older_partner", "late_hours", "unaccounted_time")
    services.screening_finalise(
        actor=personas.worker, screening=screening, determined_status="suspected_victim", when_category="in_foster_care"
    )
    notices = list(Notification.objects.filter(kind="peer_recruitment"))
    assert sorted(n.recipient.username for n in notices) == ["worker2", "worker3"]
    for notice in notices:
        assert "Fictional Oak House" in notice.message
        for secret in (first.legal_first_name, first.legal_last_name, "suspected", "Suspected", f"#{first.pk}"):
            assert secret not in notice.message
        assert f"/{first.pk}/" not in notice.link
    # A correction of the same screening sends nothing twice.
    amendment = services.screening_amend(actor=personas.worker, screening=screening, reason="Adding a late sign.")
    services.screening_finalise(
        actor=personas.worker, screening=amendment, determined_status="suspected_victim", when_category="in_foster_care"
    )
    assert Notification.objects.filter(kind="peer_recruitment").count() == 2


def test_recruiting_peers_sends_the_notice_even_for_an_at_risk_determination(personas):
    _group_home(personas)
    screening = screened(personas.worker, personas.youth, "recruiting_peers")
    services.screening_finalise(
        actor=personas.worker,
        screening=screening,
        determined_status="at_risk",
        override_reason="Recruiting was a one-off dare, reviewed with the supervisor.",
    )
    assert Notification.objects.filter(kind="peer_recruitment").count() == 2


def test_no_peer_notice_for_a_suspected_youth_in_a_foster_family(personas):
    screening = screened(personas.worker, personas.youth, "branding_tattoo")
    services.screening_finalise(
        actor=personas.worker, screening=screening, determined_status="suspected_victim", when_category="in_foster_care"
    )
    assert not Notification.objects.filter(kind="peer_recruitment").exists()


def test_family_exploitation_flag(personas):
    youth, youth2 = personas.youth, personas.youth2
    s1 = screened(personas.worker, youth, facts=[fact(date(2026, 3, 1), setting="within_family")])
    s2 = screened(personas.worker2, youth2, facts=[fact(date(2026, 3, 1), relationship="family_member")])
    assert youth_family_exploitation_flag([youth.pk, youth2.pk]) == set()  # drafts do not count
    services.screening_finalise(
        actor=personas.worker, screening=s1, determined_status="confirmed_victim", when_category="before_foster_care"
    )
    services.screening_finalise(
        actor=personas.worker2, screening=s2, determined_status="confirmed_victim", when_category="before_foster_care"
    )
    assert youth_family_exploitation_flag([youth.pk, youth2.pk, personas.other_unit_youth.pk]) == {youth.pk, youth2.pk}
    # A finalised correction that removes the family setting lifts the flag.
    amendment = services.screening_amend(actor=personas.worker, screening=s1, reason="The exploiter was a stranger.")
    services.screening_save_answers(
        actor=personas.worker, screening=amendment, answers={}, facts=[fact(date(2026, 3, 1), relationship="stranger")]
    )
    services.screening_finalise(
        actor=personas.worker,
        screening=amendment,
        determined_status="confirmed_victim",
        when_category="before_foster_care",
    )
    assert youth_family_exploitation_flag([youth.pk, youth2.pk]) == {youth2.pk}


def test_catalogue_labels_are_editable_by_admin_only_and_audited(personas):
    row = services.indicator_catalogue_ensure(agency=personas.agency)[0]
    with pytest.raises(PermissionDenied):
        services.indicator_definition_update(actor=personas.worker, definition=row, label="X", help_text="Y")
    services.indicator_definition_update(
        actor=personas.admin, definition=row, label="Lives in foster care", help_text="Our words (handbook 13-19)."
    )
    row.refresh_from_db()
    assert (row.code, row.label) == ("foster_care", "Lives in foster care")
    assert AuditEvent.objects.filter(action="screening.catalogue_update").exists()
    with pytest.raises(ApplicationError):
        services.indicator_definition_update(actor=personas.admin, definition=row, label="", help_text="Y")
