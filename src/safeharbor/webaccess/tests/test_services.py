from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from safeharbor.audit.models import AuditEvent
from safeharbor.core.errors import ApplicationError
from safeharbor.core.exports import FORMULA_PREFIXES, spreadsheet_safe
from safeharbor.core.testing import factories as f
from safeharbor.deadlines.models import Notification
from safeharbor.webaccess import rules
from safeharbor.webaccess.models import AccessRequest, ResearchSession, Site
from safeharbor.webaccess.services import (
    access_request_create,
    access_request_decide,
    approval_lapse_sweep,
    research_session_record,
    site_catalogue_seed,
    site_create,
    site_update,
)

UTC = ZoneInfo("UTC")
T0 = dt.datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


@pytest.fixture
def sites(personas):
    site_catalogue_seed(agency=personas.agency)
    return {s.domain: s for s in Site.objects.filter(agency=personas.agency)}


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _approved(personas, sites, clock, youth=None, site="backpage.com"):
    req = access_request_create(
        actor=personas.worker, youth=youth or personas.youth, site=sites[site], reason="Youth mentioned ads here."
    )
    return access_request_decide(actor=personas.manager, access_request=req, approve=True, comment="For this case.")


def test_request_notifies_coordinator_and_is_audited(personas, sites, clock):
    req = access_request_create(
        actor=personas.worker, youth=personas.youth, site=sites["backpage.com"], reason="Youth mentioned ads here."
    )
    assert req.status == "pending"
    assert Notification.objects.filter(recipient=personas.coordinator, kind="webaccess_request").count() == 1
    note = Notification.objects.get(recipient=personas.coordinator, kind="webaccess_request")
    assert personas.youth.legal_last_name not in note.message
    assert AuditEvent.objects.filter(action="webaccess.request", youth_id=personas.youth.pk).count() == 1


def test_request_needs_a_youth_the_worker_can_see(personas, sites, clock):
    with pytest.raises(PermissionDenied):
        access_request_create(
            actor=personas.worker, youth=personas.youth2, site=sites["backpage.com"], reason="Not my case at all."
        )
    with pytest.raises(PermissionDenied):
        access_request_create(
            actor=personas.manager, youth=personas.youth, site=sites["backpage.com"], reason="Managers do not ask."
        )


def test_open_site_needs_no_request(personas, sites, clock):
    with pytest.raises(ApplicationError) as exc:
        access_request_create(
            actor=personas.worker, youth=personas.youth, site=sites["facebook.com"], reason="Looking for contacts."
        )
    assert exc.value.field == "site"


def test_approval_lapses_at_exactly_the_configured_days(personas, sites, clock):
    approved = _approved(personas, sites, clock)
    assert approved.expires_at == T0 + dt.timedelta(days=30)
    clock.move_to(T0 + dt.timedelta(days=30) - dt.timedelta(microseconds=1))
    approved.refresh_from_db()
    assert approved.is_active_at(dt.datetime.now(UTC))
    research_session_record(
        actor=personas.worker,
        youth=personas.youth,
        site=sites["backpage.com"],
        performed_at=dt.datetime.now(UTC),
        looked_for="Advertisements with the youth's photo",
    )
    assert approval_lapse_sweep() == 0
    clock.move_to(T0 + dt.timedelta(days=30))
    assert not approved.is_active_at(dt.datetime.now(UTC))
    with pytest.raises(ApplicationError) as exc:
        research_session_record(
            actor=personas.worker,
            youth=personas.youth,
            site=sites["backpage.com"],
            performed_at=dt.datetime.now(UTC),
            looked_for="Advertisements",
        )
    assert exc.value.field == "site"
    assert approval_lapse_sweep() == 1
    assert approval_lapse_sweep() == 0  # idempotent
    lapses = AuditEvent.objects.filter(action="webaccess.lapse", object_id=str(approved.pk))
    assert lapses.count() == 1
    approved.refresh_from_db()
    assert approved.lapse_recorded_at == T0 + dt.timedelta(days=30)


def test_approval_days_is_an_agency_setting(personas, sites, clock):
    personas.agency.webaccess_approval_days = 10
    personas.agency.save()
    assert _approved(personas, sites, clock).expires_at == T0 + dt.timedelta(days=10)


def test_approval_scope_other_youth_or_site_refused(personas, sites, clock):
    _approved(personas, sites, clock)
    second_youth = f.YouthFactory(agency=personas.agency)
    f.AssignmentFactory(youth=second_youth, worker=personas.worker)
    now = dt.datetime.now(UTC)
    with pytest.raises(ApplicationError) as exc:
        research_session_record(
            actor=personas.worker, youth=second_youth, site=sites["backpage.com"], performed_at=now, looked_for="Ads"
        )
    assert exc.value.field == "site" and "approval" in exc.value.message
    with pytest.raises(ApplicationError):
        research_session_record(
            actor=personas.worker,
            youth=personas.youth,
            site=sites["craigslist.com"],
            performed_at=now,
            looked_for="Ads",
        )
    session = research_session_record(
        actor=personas.worker, youth=personas.youth, site=sites["backpage.com"], performed_at=now, looked_for="Ads"
    )
    assert session.access_request is not None
    assert ResearchSession.objects.count() == 1


def test_approval_is_the_requesters_only(personas, sites, clock):
    _approved(personas, sites, clock)
    f.AssignmentFactory(youth=personas.youth, worker=personas.worker2)
    with pytest.raises(ApplicationError):
        research_session_record(
            actor=personas.worker2,
            youth=personas.youth,
            site=sites["backpage.com"],
            performed_at=dt.datetime.now(UTC),
            looked_for="Ads",
        )


def test_open_site_research_without_approval(personas, sites, clock):
    session = research_session_record(
        actor=personas.worker,
        youth=personas.youth,
        site=sites["facebook.com"],
        performed_at=dt.datetime.now(UTC) - dt.timedelta(hours=1),
        looked_for="Public posts",
        findings="Nothing new.",
    )
    assert session.access_request is None


def test_denial_with_comment(personas, sites, clock):
    req = access_request_create(
        actor=personas.worker, youth=personas.youth, site=sites["myspace.com"], reason="Old profile may exist."
    )
    with pytest.raises(ApplicationError) as exc:
        access_request_decide(actor=personas.manager, access_request=req, approve=False, comment="")
    assert exc.value.field == "comment"
    denied = access_request_decide(actor=personas.manager, access_request=req, approve=False, comment="Use Facebook.")
    assert denied.status == "denied" and denied.expires_at is None
    assert AuditEvent.objects.filter(action="webaccess.deny", object_id=str(req.pk)).count() == 1
    assert Notification.objects.filter(recipient=personas.worker, kind="webaccess_denied").count() == 1
    assert Notification.objects.filter(recipient=personas.coordinator, kind="webaccess_denied").count() == 1
    with pytest.raises(ApplicationError):
        access_request_decide(actor=personas.manager, access_request=req, approve=True, comment="")
    with pytest.raises(ApplicationError):
        research_session_record(
            actor=personas.worker,
            youth=personas.youth,
            site=sites["myspace.com"],
            performed_at=dt.datetime.now(UTC),
            looked_for="Profile",
        )


def test_self_approval_refused(personas, sites, clock):
    manager_worker = f.UserFactory(agency=personas.agency, unit=personas.unit, roles=["worker", "manager"])
    f.AssignmentFactory(youth=personas.youth, worker=manager_worker)
    req = access_request_create(
        actor=manager_worker, youth=personas.youth, site=sites["backpage.com"], reason="Youth mentioned ads here."
    )
    with pytest.raises(ApplicationError) as exc:
        access_request_decide(actor=manager_worker, access_request=req, approve=True, comment="")
    assert exc.value.field == "decision"
    req.refresh_from_db()
    assert req.status == "pending"
    assert (
        access_request_decide(actor=personas.manager, access_request=req, approve=True, comment="").status == "approved"
    )


def test_only_a_manager_of_the_same_agency_decides(personas, sites, clock):
    req = access_request_create(
        actor=personas.worker, youth=personas.youth, site=sites["backpage.com"], reason="Youth mentioned ads here."
    )
    other_manager = f.UserFactory(agency=personas.other_agency, roles=["manager"])
    for actor in (other_manager, personas.supervisor, personas.coordinator, personas.auditor):
        with pytest.raises(PermissionDenied):
            access_request_decide(actor=actor, access_request=req, approve=True, comment="")
    assert AccessRequest.objects.get(pk=req.pk).status == "pending"


def test_duplicate_pending_request_refused(personas, sites, clock):
    access_request_create(actor=personas.worker, youth=personas.youth, site=sites["backpage.com"], reason="First ask.")
    with pytest.raises(ApplicationError):
        access_request_create(
            actor=personas.worker, youth=personas.youth, site=sites["backpage.com"], reason="Second ask."
        )


def test_site_catalogue_admin_only_and_audited(personas, sites):
    assert sites["facebook.com"].access_level == "open"
    assert sites["backpage.com"].access_level == "approval_required"
    with pytest.raises(PermissionDenied):
        site_create(actor=personas.manager, domain="example.org", name="Example")
    site = site_create(actor=personas.admin, domain="https://www.Example.org/x", name="Example")
    assert site.domain == "example.org"
    site_update(actor=personas.admin, site=site, access_level="open")
    with pytest.raises(ApplicationError) as exc:
        site_create(actor=personas.admin, domain="example.org", name="Again")
    assert exc.value.field == "domain"
    actions = set(AuditEvent.objects.filter(object_type="webaccess.site").values_list("action", flat=True))
    assert actions == {"webaccess.site_create", "webaccess.site_update"}
    assert site_catalogue_seed(agency=personas.agency) == 0


@given(st.text(max_size=20))
def test_csv_safe_never_starts_with_a_formula_character(text):
    cell = spreadsheet_safe(text)
    assert not cell.startswith(FORMULA_PREFIXES)
    assert cell.endswith(text)


@given(st.integers(min_value=1, max_value=400), st.integers(min_value=-(10**7), max_value=10**7))
def test_active_and_lapsed_are_complementary(days, offset_seconds):
    approved_at = dt.datetime(2026, 1, 1, tzinfo=UTC)
    expires = rules.approval_expires_at(approved_at=approved_at, days=days)
    now = expires + dt.timedelta(seconds=offset_seconds)
    active = rules.approval_active(status="approved", expires_at=expires, now=now)
    lapsed = rules.approval_lapsed(status="approved", expires_at=expires, now=now)
    assert active != lapsed
    assert lapsed == (offset_seconds >= 0)
