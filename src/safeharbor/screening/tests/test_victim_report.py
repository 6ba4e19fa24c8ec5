"""The law-enforcement report of an identified victim (RULES.md §3; 42 USC 671(a)(34)(A)): the duty a
confirmed determination opens, recording the report (service, page, API), lateness and the sweep."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from safeharbor.audit.models import AuditEvent
from safeharbor.core.errors import ApplicationError
from safeharbor.deadlines.models import Deadline, DutyStatus, Notification
from safeharbor.deadlines.services import deadlines_sweep
from safeharbor.screening import services
from safeharbor.screening.duties import KIND_VICTIM_REPORT
from safeharbor.screening.models import Screening, VictimReport
from safeharbor.screening.services import FactInput
from safeharbor.screening.victim_reports import ALREADY_RECORDED, NOT_DUE, victim_report_record

pytestmark = pytest.mark.django_db

# The personas' agency is in America/Los_Angeles (PST, UTC-8, in November).
DETERMINED = dt.datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # 2026-11-20 00:00 PST
DUE = DETERMINED + timedelta(hours=24)  # 2026-11-21 00:00 PST
MADE = dt.datetime(2026, 11, 21, 7, 35, tzinfo=UTC)  # 2026-11-20 23:35 PST
TYPED = dt.datetime(2026, 11, 21, 13, 56, tzinfo=UTC)  # 2026-11-21 05:56 PST


def confirm(actor: Any, youth: Any, *, at: dt.datetime = DETERMINED) -> Screening:
    """A checklist screening with a confirming fact, finalised as confirmed victim at `at`."""
    with time_machine.travel(at, tick=False):
        screening = services.screening_start(actor=actor, youth=youth)
        screening = services.screening_save_answers(
            actor=actor,
            screening=screening,
            answers={},
            facts=[FactInput("commercial_sex_involvement", date(2026, 6, 1), "police report", setting="street_track")],
        )
        return services.screening_finalise(
            actor=actor, screening=screening, determined_status="confirmed_victim", when_category="absent_from_care"
        )


def record(actor: Any, youth: Any, **overrides: Any) -> VictimReport:
    fields: dict[str, Any] = {
        "made_at": MADE,
        "law_enforcement_agency": "Fictional County Sheriff",
        "report_number": "SO-2026-0481",
        "officer": "Deputy Example",
    }
    fields.update(overrides)
    return victim_report_record(actor=actor, youth=youth, **fields)


def duties_of(youth: Any) -> list[Deadline]:
    return list(Deadline.objects.filter(kind=KIND_VICTIM_REPORT, youth_id=youth.pk))


# --- The duty ------------------------------------------------------------------------------------


def test_a_confirmed_determination_opens_one_duty_on_the_youth_due_24_hours_later(personas):
    confirm(personas.worker, personas.youth)
    [duty] = duties_of(personas.youth)
    assert (duty.subject_type, duty.subject_id) == ("youth.youth", personas.youth.pk)
    assert duty.status == DutyStatus.OPEN
    assert duty.arose_at == DETERMINED
    assert duty.due_at == DUE
    assert duty.owner == personas.worker


def test_a_second_confirmed_determination_opens_no_second_duty(personas):
    youth = personas.youth
    first = confirm(personas.worker, youth)
    confirm(personas.worker, youth, at=DETERMINED + timedelta(hours=2))  # another screening
    with time_machine.travel(DETERMINED + timedelta(hours=3), tick=False):
        amendment = services.screening_amend(
            actor=personas.worker, screening=first, reason="The date of the fact was wrong in the report."
        )
        services.screening_finalise(
            actor=personas.worker,
            screening=amendment,
            determined_status="confirmed_victim",
            when_category="absent_from_care",
        )
    [duty] = duties_of(youth)
    assert duty.arose_at == DETERMINED and duty.due_at == DUE


def test_a_confirmation_after_the_report_opens_nothing_again(personas):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        record(personas.worker, youth)
    confirm(personas.worker, youth, at=TYPED + timedelta(days=3))
    [duty] = duties_of(youth)
    assert duty.status == DutyStatus.MET


# --- Recording the report ------------------------------------------------------------------------


def test_recording_meets_the_duty_done_when_made_recorded_when_typed(personas):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        report = record(personas.worker, youth)
    assert report.made_at == MADE
    assert report.recorded_at == TYPED
    assert report.made_by == personas.worker
    assert report.agency_id == youth.agency_id
    [duty] = duties_of(youth)
    assert duty.status == DutyStatus.MET
    assert duty.done_at == MADE
    assert duty.recorded_at == TYPED
    assert duty.done_by == personas.worker
    assert duty.on_time is True  # made 23:35, due 00:00, typed in at 05:56
    assert report.history.count() == 1


def test_the_audit_row_carries_codes_and_ids_never_the_number_or_the_officer(personas):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        report = record(personas.worker, youth)
    event = AuditEvent.objects.get(action="screening.victim_report")
    assert event.object_id == str(report.pk)
    assert event.youth_id == youth.pk
    detail = str(event.detail)
    assert "SO-2026-0481" not in detail and "Deputy" not in detail and "Sheriff" not in detail
    assert event.detail["on_time"] is True
    assert AuditEvent.objects.filter(action="deadline.meet", youth_id=youth.pk).exists()


def test_a_report_made_after_the_due_instant_is_late(personas):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        record(personas.worker, youth, made_at=DUE + timedelta(minutes=5))
    [duty] = duties_of(youth)
    assert duty.status == DutyStatus.MET and duty.on_time is False


def test_a_made_at_in_the_future_is_refused_and_nothing_is_written(personas):
    youth = personas.youth
    confirm(personas.worker, youth)
    before = AuditEvent.objects.count()
    with time_machine.travel(TYPED, tick=False), pytest.raises(ApplicationError) as caught:
        record(personas.worker, youth, made_at=TYPED + timedelta(hours=1))
    assert caught.value.field == "made_at"
    assert not VictimReport.objects.exists()
    assert duties_of(youth)[0].status == DutyStatus.OPEN
    assert AuditEvent.objects.count() == before


def test_a_made_at_before_the_identification_is_refused(personas):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False), pytest.raises(ApplicationError) as caught:
        record(personas.worker, youth, made_at=DETERMINED - timedelta(minutes=1))
    assert caught.value.field == "made_at"
    assert not VictimReport.objects.exists()


def test_a_time_typed_in_the_minute_of_the_identification_counts_as_that_instant(personas):
    youth = personas.youth
    determined = DETERMINED + timedelta(seconds=42)
    confirm(personas.worker, youth, at=determined)
    with time_machine.travel(determined + timedelta(seconds=30), tick=False):
        report = record(personas.worker, youth, made_at=DETERMINED)  # 00:00, typed to the minute
    assert report.made_at == determined
    assert duties_of(youth)[0].done_at == determined


def test_the_report_is_recorded_once(personas):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        record(personas.worker, youth)
        with pytest.raises(ApplicationError) as caught:
            record(personas.supervisor, youth, report_number="SO-2026-0999")
    assert caught.value.message == ALREADY_RECORDED
    assert VictimReport.objects.count() == 1


def test_nothing_is_due_for_a_youth_never_identified(personas):
    with time_machine.travel(TYPED, tick=False), pytest.raises(ApplicationError) as caught:
        record(personas.worker, personas.youth)
    assert caught.value.message == NOT_DUE
    assert not VictimReport.objects.exists()


@pytest.mark.parametrize("field", ["law_enforcement_agency", "report_number"])
def test_the_agency_and_the_report_number_are_required(personas, field):
    confirm(personas.worker, personas.youth)
    with time_machine.travel(TYPED, tick=False), pytest.raises(ApplicationError) as caught:
        record(personas.worker, personas.youth, **{field: "   "})
    assert caught.value.field == field
    assert not VictimReport.objects.exists()


def test_only_someone_who_may_screen_the_youth_records(personas):
    confirm(personas.worker, personas.youth)
    with time_machine.travel(TYPED, tick=False):
        for actor in (personas.worker2, personas.coordinator, personas.manager, personas.other_agency_worker):
            with pytest.raises(PermissionDenied):
                record(actor, personas.youth)
        assert record(personas.supervisor, personas.youth).made_by == personas.supervisor


def test_a_duty_opened_on_the_screening_before_it_was_per_youth_is_met_too(personas):
    """Rows of the old `le_report_victim` duty (renamed by deadlines 0002) have the screening as subject."""
    from safeharbor.deadlines.services import deadline_open

    youth = personas.youth
    screening = confirm(personas.worker, youth)
    with time_machine.travel(DETERMINED, tick=False):
        legacy = deadline_open(
            agency_id=youth.agency_id,
            kind=KIND_VICTIM_REPORT,
            subject=screening,
            title="Report an identified victim to law enforcement within 24 hours",
            due_at=DUE,
            owner=personas.worker,
            youth_id=youth.pk,
            arose_at=DETERMINED,
        )
    with time_machine.travel(TYPED, tick=False):
        record(personas.worker, youth)
    assert {(d.subject_type, d.status, d.done_at) for d in duties_of(youth)} == {
        ("youth.youth", DutyStatus.MET, MADE),
        ("screening.screening", DutyStatus.MET, MADE),
    }
    assert Deadline.objects.get(pk=legacy.pk).on_time is True


# --- The sweep -----------------------------------------------------------------------------------


def _reminders(youth: Any) -> list[tuple[int, str]]:
    return list(
        Notification.objects.filter(deadline__youth_id=youth.pk, deadline__kind=KIND_VICTIM_REPORT).values_list(
            "recipient_id", "kind"
        )
    )


def test_a_duty_met_on_time_is_not_escalated_by_a_sweep_run_after(personas):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        record(personas.worker, youth)
        deadlines_sweep(now=TYPED)
    deadlines_sweep(now=DUE + timedelta(hours=6))
    assert _reminders(youth) == []


def test_an_unrecorded_report_is_escalated_by_the_sweep(personas):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(DUE + timedelta(hours=6), tick=False):
        deadlines_sweep(now=DUE + timedelta(hours=6))
    kinds = {kind for _, kind in _reminders(youth)}
    assert "overdue" in kinds and "escalated" in kinds


# --- The page ------------------------------------------------------------------------------------


def _page(youth: Any) -> str:
    return f"/screening/youth/{youth.pk}/victim-report/"


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "made_at": "2026-11-20T23:35",
        "law_enforcement_agency": "Fictional County Sheriff",
        "report_number": "SO-2026-0481",
        "officer": "Deputy Example",
    }
    data.update(overrides)
    return data


def test_page_round_trip_from_the_profile_to_the_recorded_report(personas, login):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        client = login(personas.worker)
        profile = client.get(f"/youth/{youth.pk}/").content.decode()
        assert "Report to law enforcement due by 2026-11-21 00:00 PST" in profile
        assert f'href="{_page(youth)}"' in profile
        form = client.get(_page(youth))
        assert form.status_code == 200
        assert 'name="made_at"' in form.content.decode()
        response = client.post(_page(youth), _form())
        assert response.status_code == 302 and response["Location"] == f"/youth/{youth.pk}/"
        profile = client.get(f"/youth/{youth.pk}/").content.decode()
    assert "Report to law enforcement due by" not in profile
    assert "Reported to law enforcement" in profile
    assert "Made 2026-11-20 23:35 PST, to Fictional County Sheriff" in profile
    assert "Recorded 2026-11-21 05:56 PST by" in profile
    assert "On time" in profile
    [duty] = duties_of(youth)
    assert (duty.status, duty.done_at, duty.recorded_at) == (DutyStatus.MET, MADE, TYPED)


def test_the_history_page_shows_the_duty_and_the_form_page_the_report_once_recorded(personas, login):
    youth = personas.youth
    confirm(personas.worker, youth)
    client = login(personas.worker)
    with time_machine.travel(TYPED, tick=False):
        history = client.get(f"/screening/youth/{youth.pk}/history/").content.decode()
        assert "Report to law enforcement due by 2026-11-21 00:00 PST" in history
        record(personas.worker, youth)
        page = client.get(_page(youth)).content.decode()
    assert "Reported to law enforcement" in page
    assert 'name="made_at"' not in page


def test_the_profile_says_when_the_report_is_overdue(personas, login):
    confirm(personas.worker, personas.youth)
    client = login(personas.worker)
    with time_machine.travel(DUE - timedelta(minutes=1), tick=False):
        assert "Overdue" not in client.get(f"/youth/{personas.youth.pk}/").content.decode()
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        profile = client.get(f"/youth/{personas.youth.pk}/").content.decode()
    assert "Overdue</span>" in profile and "Report to law enforcement due by 2026-11-21 00:00 PST" in profile


def test_page_refuses_a_future_time_with_a_field_message(personas, login):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        response = login(personas.worker).post(_page(youth), _form(made_at="2026-11-21T09:00"))
    assert response.status_code == 400
    assert "This time is in the future." in response.content.decode()
    assert not VictimReport.objects.exists()


def test_page_refuses_a_missing_report_number(personas, login):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        response = login(personas.worker).post(_page(youth), _form(report_number=""))
    assert response.status_code == 400
    assert 'id="report_number-error"' in response.content.decode()
    assert not VictimReport.objects.exists()


def test_page_asks_which_of_the_repeated_autumn_hour_is_meant(personas, login):
    """2026-11-01 01:30 happens twice in Los Angeles (PDT, then PST): the page asks, never guesses."""
    youth = personas.youth
    determined = dt.datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 2026-10-31 21:00 PDT
    confirm(personas.worker, youth, at=determined)
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, 0, tzinfo=UTC), tick=False):
        client = login(personas.worker)
        response = client.post(_page(youth), _form(made_at="2026-11-01T01:30"))
        assert response.status_code == 400
        assert 'name="made_at_fold"' in response.content.decode()
        response = client.post(_page(youth), {**_form(made_at="2026-11-01T01:30"), "made_at_fold": "1"})
    assert response.status_code == 302
    assert VictimReport.objects.get().made_at == dt.datetime(2026, 11, 1, 9, 30, tzinfo=UTC)  # 01:30 PST


def test_page_says_nothing_is_due_for_a_youth_never_identified(personas, login):
    response = login(personas.worker).get(_page(personas.youth))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No report is due" in page and 'name="made_at"' not in page


@pytest.mark.parametrize("recorded", [False, True])
def test_pages_run_a_bounded_number_of_queries(personas, login, django_assert_max_num_queries, recorded):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        if recorded:
            record(personas.worker, youth)
        client = login(personas.worker)
        client.get("/")  # warm the session
        with django_assert_max_num_queries(18):  # 16 today
            assert client.get(_page(youth)).status_code == 200
        with django_assert_max_num_queries(23):  # 21 today
            assert client.get(f"/screening/youth/{youth.pk}/history/").status_code == 200
        with django_assert_max_num_queries(16):  # 14 today
            assert client.get(_api(youth)).status_code == (200 if recorded else 404)


def test_the_profile_section_reads_the_duty_and_the_report_in_two_queries(personas, django_assert_num_queries):
    from safeharbor.screening.victim_reports import victim_report_status

    youth = personas.youth
    confirm(personas.worker, youth)
    with django_assert_num_queries(2):
        status = victim_report_status(youth=youth)
    assert status.is_due and status.report is None


# --- The API -------------------------------------------------------------------------------------


def _api(youth: Any) -> str:
    return f"/api/v1/youth/{youth.pk}/victim-report/"


def _body(**overrides: str) -> dict[str, str]:
    body = {
        "made_at": "2026-11-20T23:35:00-08:00",
        "law_enforcement_agency": "Fictional County Sheriff",
        "report_number": "SO-2026-0481",
    }
    body.update(overrides)
    return body


def test_api_round_trip(personas, login):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        client = login(personas.worker)
        assert client.get(_api(youth)).status_code == 404
        response = client.post(_api(youth), _body(), content_type="application/json")
        assert response.status_code == 201, response.content
        created = response.json()
        got = client.get(_api(youth))
    assert got.status_code == 200
    assert got.json() == created
    assert created["report_number"] == "SO-2026-0481"
    assert created["officer"] == ""
    assert created["made_by_id"] == personas.worker.pk
    assert dt.datetime.fromisoformat(created["made_at"]) == MADE
    assert dt.datetime.fromisoformat(created["recorded_at"]) == TYPED
    [duty] = duties_of(youth)
    assert (duty.status, duty.done_at, duty.recorded_at, duty.on_time) == (DutyStatus.MET, MADE, TYPED, True)


def test_api_requires_a_utc_offset(personas, login):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        response = login(personas.worker).post(
            _api(youth), _body(made_at="2026-11-20T23:35:00"), content_type="application/json"
        )
    assert response.status_code == 400
    assert "made_at" in response.json()
    assert not VictimReport.objects.exists()


def test_api_gives_field_messages_for_the_service_refusals(personas, login):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        client = login(personas.worker)
        future = client.post(_api(youth), _body(made_at="2026-11-21T15:00:00Z"), content_type="application/json")
        assert future.status_code == 400 and future.json() == {"made_at": ["This time is in the future."]}
        blank = client.post(_api(youth), _body(report_number=""), content_type="application/json")
        assert blank.status_code == 400 and "report_number" in blank.json()
        assert client.post(_api(youth), _body(), content_type="application/json").status_code == 201
        again = client.post(_api(youth), _body(), content_type="application/json")
    assert again.status_code == 400 and again.json() == {"non_field_errors": [ALREADY_RECORDED]}


def test_api_read_is_open_to_whoever_may_open_the_youth_and_write_to_who_may_screen(personas, login):
    youth = personas.youth
    confirm(personas.worker, youth)
    with time_machine.travel(TYPED, tick=False):
        record(personas.worker, youth)
        assert login(personas.manager).get(_api(youth)).status_code == 200
        assert login(personas.coordinator).get(_api(youth)).status_code == 200  # the youth has a CSEC status
        assert login(personas.worker2).get(_api(youth)).status_code == 404
        assert login(personas.other_agency_worker).get(_api(youth)).status_code == 404
        assert login(personas.manager).post(_api(youth), _body(), content_type="application/json").status_code == 404
