"""The agency boundary, condition by condition (issue 21, items 1-3).

Each test below names the condition of `safeharbor.permissions` it guards and fails when that
condition is removed: `scripts/mutation_check.py` removes each one from a copy of the source and runs
this module (`make mutation`). The records are those of two full agencies (tests/agency_two.py).

Several conditions are a second line behind a queryset that already pins the agency (a door's `*_q`
filter). Their only live case is a record whose people straddle two agencies: a person moved to the
other agency (in the Django admin) whose assignment, unit or meeting invitation of the first agency
was left behind. The `moved` fixture builds exactly that, and the predicates are also asked directly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from agency_two import (
    YOUTH_ONE_FIRST,
    YOUTH_ONE_LAST,
    YOUTH_TWO_FIRST,
    YOUTH_TWO_LAST,
    AgencyRecords,
    AgencyTwo,
    make_agency_two,
    make_first_agency_records,
)
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from safeharbor import permissions
from safeharbor.core.errors import ApplicationError
from safeharbor.core.testing import factories as f
from safeharbor.mdt import selectors as mdt_selectors
from safeharbor.mdt import services as mdt_services
from safeharbor.mdt.models import ActionItem, MdtSession, Referral
from safeharbor.mdt.tests.helpers import invite, make_referral
from safeharbor.webaccess.selectors import request_get_for_user
from safeharbor.youth import selectors as youth_selectors
from safeharbor.youth import services as youth_services
from safeharbor.youth.models import Assignment, Youth
from safeharbor.youth.search import youth_search

pytestmark = pytest.mark.django_db

FIRST_AGENCY_ROLES = (
    "worker",
    "worker2",
    "supervisor",
    "other_unit_worker",
    "coordinator",
    "manager",
    "partner",
    "auditor",
    "admin",
)
SECOND_AGENCY_ROLES = ("coordinator", "manager", "supervisor", "worker", "auditor", "admin", "partner")


@pytest.fixture
def two(personas: Any) -> AgencyTwo:
    return make_agency_two(personas)


@pytest.fixture
def one(personas: Any) -> AgencyRecords:
    return make_first_agency_records(personas)


@dataclass
class Moved:
    """People moved from the first agency to the second with first-agency ties left behind."""

    worker: Any  # now in the second agency's unit; still assigned to one.youth, still invited to one.session
    stale_unit_worker: Any  # now in the second agency, but their unit is still the first agency's Unit North


@pytest.fixture
def moved(personas: Any, one: AgencyRecords, two: AgencyTwo) -> Moved:
    from safeharbor.accounts.models import User

    worker = f.UserFactory(username="moved-worker", agency=personas.agency, unit=personas.unit, roles=["worker"])
    f.AssignmentFactory(youth=one.youth, worker=worker)
    invite(one.session, worker, acknowledge=True)
    User.objects.filter(pk=worker.pk).update(agency=two.agency, unit=two.unit)
    stale = f.UserFactory(username="moved-stale", agency=personas.agency, unit=personas.unit, roles=["worker"])
    User.objects.filter(pk=stale.pk).update(agency=two.agency)
    return Moved(worker=User.objects.get(pk=worker.pk), stale_unit_worker=User.objects.get(pk=stale.pk))


def _fresh(user: Any) -> Any:
    """The user as a new request would load them (no cached roles or agency)."""
    return type(user).objects.get(pk=user.pk)


def _login(client: Any, user: Any) -> Any:
    client.logout()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _json(response: Any) -> Any:
    return json.loads(response.content.decode())


def _without_echo(body: str, query: str) -> str:
    """The page without the search box's echo of what was searched for."""
    return body.replace(f'value="{query}"', "")


def _youth_ids_in(payload: Any) -> set[int]:
    rows = payload.get("results", payload) if isinstance(payload, dict) else payload
    return {row["id"] for row in rows}


# --- 1. youth_read_q: Q(agency_id=user.agency_id) ------------------------------------------------


def test_first_coordinator_cannot_open_the_second_agencys_suspected_victim(personas, one, two):
    """youth_read_q's agency filter: the coordinator's scope (every youth with a CSEC status) stops at
    their agency. Door, predicate, list selector and search."""
    victim = two.records.youth
    assert victim.csec_status == "suspected_victim"
    coordinator = _fresh(personas.coordinator)
    with pytest.raises(Http404):
        youth_selectors.youth_get_for_user(user=coordinator, pk=victim.pk)
    assert not permissions.can_view_youth(coordinator, victim)
    assert not youth_selectors.youth_is_visible(user=coordinator, youth_id=victim.pk)
    visible = set(youth_selectors.youth_list_visible_to(user=coordinator).values_list("pk", flat=True))
    assert one.youth.pk in visible  # the coordinator's own agency's suspected victim is there
    assert victim.pk not in visible
    for scope in ("all", "mine", "unit"):
        listed = youth_selectors.youth_list_filtered(user=coordinator, scope=scope, status="suspected_victim")
        assert victim.pk not in set(listed.values_list("pk", flat=True))
    hits = youth_search(user=coordinator, query=f"{YOUTH_TWO_FIRST} {YOUTH_TWO_LAST}")
    assert victim.pk not in {hit.youth.pk for hit in hits}
    assert one.youth.pk in {hit.youth.pk for hit in youth_search(user=coordinator, query=YOUTH_ONE_LAST)}


def test_second_coordinator_cannot_open_the_first_agencys_suspected_victim(personas, one, two):
    coordinator = _fresh(two.coordinator)
    with pytest.raises(Http404):
        youth_selectors.youth_get_for_user(user=coordinator, pk=one.youth.pk)
    assert not permissions.can_view_youth(coordinator, one.youth)
    assert one.youth.pk not in set(youth_selectors.youth_list_visible_to(user=coordinator).values_list("pk", flat=True))
    assert two.records.youth.pk in set(
        youth_selectors.youth_list_visible_to(user=coordinator).values_list("pk", flat=True)
    )


def test_coordinator_youth_urls_refuse_the_other_agencys_victim(personas, one, two, client):
    """youth_read_q's agency filter through every youth page and API the coordinator has."""
    victim = two.records.youth
    _login(client, personas.coordinator)
    assert client.get(reverse("youth:detail", kwargs={"pk": victim.pk})).status_code == 404
    assert client.get(reverse("api:youth-detail", kwargs={"pk": victim.pk})).status_code == 404
    for url in (
        reverse("missing:youth-episodes", kwargs={"youth_pk": victim.pk}),
        reverse("screening:history", kwargs={"youth_pk": victim.pk}),
        reverse("care:plan", kwargs={"youth_id": victim.pk}),
        reverse("webaccess:research", kwargs={"youth_id": victim.pk}),
        reverse("guidance:notes", kwargs={"youth_pk": victim.pk}),
        reverse("api:care-youth-services", kwargs={"youth_id": victim.pk}),
    ):
        assert client.get(url).status_code == 404, url
    for scope in ("all", "mine", "unit"):
        page = client.get(reverse("youth:list"), {"scope": scope}).content.decode()
        assert YOUTH_TWO_LAST not in page
    assert YOUTH_ONE_LAST in client.get(reverse("youth:list"), {"scope": "all"}).content.decode()
    searched = client.post(reverse("youth:list"), {"q": YOUTH_TWO_LAST, "scope": "all"}).content.decode()
    assert YOUTH_TWO_LAST not in _without_echo(searched, YOUTH_TWO_LAST)
    assert reverse("youth:detail", kwargs={"pk": victim.pk}) not in searched
    found_own = client.post(reverse("youth:list"), {"q": YOUTH_ONE_LAST, "scope": "all"}).content.decode()
    assert reverse("youth:detail", kwargs={"pk": one.youth.pk}) in found_own
    listed = client.get(reverse("api:youth-list"), {"scope": "all"})
    assert listed.status_code == 200
    assert victim.pk not in _youth_ids_in(_json(listed))
    assert one.youth.pk in _youth_ids_in(_json(listed))
    found = client.post(reverse("api:youth-search"), {"q": YOUTH_TWO_LAST}, content_type="application/json")
    assert found.status_code == 200
    assert victim.pk not in _youth_ids_in(_json(found))


def test_moved_worker_and_new_supervisor_cannot_read_the_old_agencys_youth(personas, one, moved):
    """youth_read_q's agency filter, worker and supervisor paths: an assignment left behind when a
    worker moved agency opens nothing of the old agency."""
    for user in (moved.worker, _fresh(moved.worker.unit.supervisor)):
        with pytest.raises(Http404):
            youth_selectors.youth_get_for_user(user=user, pk=one.youth.pk)
        assert not permissions.can_view_youth(user, one.youth)


# --- 2. youth_write_q: Q(agency_id=user.agency_id) -----------------------------------------------


def test_second_supervisor_cannot_edit_the_first_agencys_youth(personas, one, two, moved, client):
    """youth_write_q's agency filter: the moved worker's old assignment puts the first agency's youth
    under the second agency's supervisor; neither may change it (door, predicate, service, page)."""
    supervisor = _fresh(two.supervisor)
    for user in (supervisor, moved.worker):
        assert not permissions.can_edit_youth(user, one.youth)
        with pytest.raises(Http404):
            youth_selectors.youth_get_for_user(user=user, pk=one.youth.pk, write=True)
        with pytest.raises(PermissionDenied):
            youth_services.youth_update(
                actor=user, youth=one.youth, version=one.youth.version, preferred_name="Changed"
            )
    before = Youth.objects.get(pk=one.youth.pk).preferred_name
    for user in (two.supervisor, moved.worker):
        _login(client, user)
        url = reverse("youth:edit", kwargs={"pk": one.youth.pk})
        assert client.get(url).status_code == 404
        response = client.post(
            url, {"legal_first_name": "Changed", "legal_last_name": "Changed", "preferred_name": "Changed"}
        )
        assert response.status_code == 404
        assert client.get(reverse("missing:report", kwargs={"youth_pk": one.youth.pk})).status_code == 404
    assert Youth.objects.get(pk=one.youth.pk).preferred_name == before


def test_first_supervisor_cannot_edit_the_second_agencys_youth(personas, two):
    supervisor = _fresh(personas.supervisor)
    assert not permissions.can_edit_youth(supervisor, two.records.youth)
    with pytest.raises(Http404):
        youth_selectors.youth_get_for_user(user=supervisor, pk=two.records.youth.pk, write=True)


# --- 3. mdt_member_sessions_q: Q(agency_id=user.agency_id) ---------------------------------------


def test_invitation_left_behind_opens_no_session_of_the_old_agency(personas, one, moved, client):
    """mdt_member_sessions_q's agency filter: an invitation to a first-agency meeting, kept by a person
    now in the second agency, opens neither the session, its agenda, its packet nor "My meetings"."""
    user = moved.worker
    session = one.session
    assert not MdtSession.objects.filter(permissions.mdt_member_sessions_q(user), pk=session.pk).exists()
    assert not permissions.can_view_session_packet(user, session)
    assert session.pk not in {i.session_id for i in mdt_selectors.my_invitations(user=user)}
    with pytest.raises(Http404):
        mdt_selectors.session_get_for_user(user=user, pk=session.pk)
    with pytest.raises(PermissionDenied):
        mdt_services.acknowledgment_record(actor=user, session=session)
    _login(client, user)
    assert client.get(reverse("mdt:session-agenda", kwargs={"pk": session.pk})).status_code == 404
    assert client.get(reverse("mdt:session-ics", kwargs={"pk": session.pk})).status_code == 404
    packet = reverse("mdt:packet", kwargs={"pk": session.pk, "youth_pk": one.youth.pk})
    assert client.get(packet).status_code == 404
    page = client.get(reverse("mdt:my-meetings")).content.decode()
    assert reverse("mdt:session-agenda", kwargs={"pk": session.pk}) not in page


def test_second_agency_members_see_only_their_own_sessions(personas, one, two):
    for user in (two.partner, two.worker, two.manager):
        user = _fresh(user)
        sessions = set(MdtSession.objects.filter(permissions.mdt_member_sessions_q(user)).values_list("pk", flat=True))
        assert sessions == {two.records.session.pk}
        assert not permissions.can_view_session_packet(user, one.session)


# --- 4. can_view_web_request: access_request.agency_id == user.agency_id ----------------------------


@pytest.mark.parametrize("role", ["manager", "coordinator"])
def test_web_request_of_another_agency_is_not_theirs(personas, one, two, client, role):
    """can_view_web_request's agency check (the predicate), and web_request_q through the door and page."""
    second = _fresh(getattr(two, role))
    first = _fresh(getattr(personas, role))
    assert not permissions.can_view_web_request(second, one.web_request)
    assert not permissions.can_view_web_request(first, two.records.web_request)
    assert permissions.can_view_web_request(first, one.web_request)
    with pytest.raises(Http404):
        request_get_for_user(user=second, pk=one.web_request.pk)
    _login(client, getattr(two, role))
    assert client.get(reverse("webaccess:request_detail", kwargs={"pk": one.web_request.pk})).status_code == 404


def test_web_request_decision_stays_in_the_agency(personas, one, two, client):
    assert not permissions.can_decide_web_access(_fresh(two.manager), one.web_request)
    _login(client, two.manager)
    url = reverse("webaccess:request_decide", kwargs={"pk": one.web_request.pk})
    assert client.post(url, {"decision": "approve", "comment": "Cross-agency."}).status_code == 404
    one.web_request.refresh_from_db()
    assert one.web_request.status == "pending"


# --- 5. can_view_referral: referral.agency_id != user.agency_id ------------------------------------


def test_referral_of_another_agency_is_not_the_coordinators(personas, one, two, client):
    """can_view_referral's agency check (predicate), and referral_q through the door and the pages."""
    second = _fresh(two.coordinator)
    assert not permissions.can_view_referral(second, one.referral)
    assert not permissions.can_view_referral(_fresh(personas.coordinator), two.records.referral)
    assert permissions.can_view_referral(_fresh(personas.coordinator), one.referral)
    # The moved worker made no referral; the second agency's worker did, of their own agency only.
    assert not permissions.can_view_referral(_fresh(two.worker), one.referral)
    with pytest.raises(Http404):
        mdt_selectors.referral_get_for_user(user=second, pk=one.referral.pk)
    _login(client, two.coordinator)
    for name in ("mdt:referral-detail", "mdt:referral-docx", "mdt:referral-schedule"):
        assert client.get(reverse(name, kwargs={"pk": one.referral.pk})).status_code == 404, name


def test_referral_made_before_a_move_is_not_readable_after_it(personas, one, moved):
    """can_view_referral's agency check, the referrer path: a referral the moved worker made in the
    first agency is not theirs to read from the second."""
    from safeharbor.accounts.models import User

    User.objects.filter(pk=moved.worker.pk).update(agency=personas.agency, unit=personas.unit)
    referral = make_referral(one.youth, _fresh(moved.worker), status="submitted")
    User.objects.filter(pk=moved.worker.pk).update(agency=moved.worker.agency_id, unit=moved.worker.unit_id)
    user = _fresh(moved.worker)
    assert user.agency_id != referral.agency_id
    assert not permissions.can_view_referral(user, referral)
    assert not permissions.can_answer_referral(user, referral)


# --- 6. can_coordinate_mdt: obj.agency_id == user.agency_id ----------------------------------------


def test_second_coordinator_cannot_coordinate_the_first_agencys_meeting(personas, one, two, client):
    """can_coordinate_mdt's agency check: predicate, services (no change), pages (404, no change)."""
    second = _fresh(two.coordinator)
    session = one.session
    assert not permissions.can_coordinate_mdt(second, session)
    assert not permissions.can_coordinate_mdt(second, one.referral)
    assert permissions.can_coordinate_mdt(_fresh(personas.coordinator), session)
    with pytest.raises(PermissionDenied):
        mdt_services.session_cancel(actor=second, session=session, reason="Not ours to cancel.")
    with pytest.raises(PermissionDenied):
        mdt_services.attendance_record(actor=second, session=session, present_ids=[])
    with pytest.raises(PermissionDenied):
        mdt_services.session_mark_held(actor=second, session=session)
    submitted = make_referral(one.youth, personas.worker, status="submitted")
    with pytest.raises(PermissionDenied):
        mdt_services.referral_accept(actor=second, referral=submitted)
    with pytest.raises(PermissionDenied):
        mdt_services.referral_schedule(actor=second, referral=one.referral)
    _login(client, two.coordinator)
    assert client.get(reverse("mdt:session-detail", kwargs={"pk": session.pk})).status_code == 404
    response = client.post(reverse("mdt:session-cancel", kwargs={"pk": session.pk}), {"cancel_reason": "Not ours."})
    assert response.status_code == 404
    response = client.post(reverse("mdt:referral-decide", kwargs={"pk": submitted.pk}), {"decision": "accept"})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == "agenda_published"
    assert Referral.objects.get(pk=submitted.pk).status == "submitted"
    assert two.records.session.pk not in set(
        mdt_selectors.session_list(agency=personas.agency, since=timezone.localdate()).values_list("pk", flat=True)
    )


# --- 7. can_complete_action_item: item.session.agency_id == user.agency_id ---------------------------


def test_second_coordinator_cannot_complete_the_first_agencys_action_item(personas, one, two, client):
    item = one.action_item
    second = _fresh(two.coordinator)
    assert not permissions.can_complete_action_item(second, item)
    assert permissions.can_complete_action_item(_fresh(personas.coordinator), item)
    assert not permissions.can_complete_action_item(_fresh(personas.coordinator), two.records.action_item)
    with pytest.raises(PermissionDenied):
        mdt_services.action_item_complete(actor=second, item=item)
    with pytest.raises(Http404):
        mdt_selectors.action_item_get_for_user(user=second, pk=item.pk, write=True)
    _login(client, two.coordinator)
    assert client.post(reverse("mdt:action-done", kwargs={"pk": item.pk})).status_code == 404
    assert ActionItem.objects.get(pk=item.pk).status == "open"


# --- 8. can_receive_assignment_from: worker.agency_id != user.agency_id ------------------------------


def test_reassigning_a_youth_to_a_worker_of_another_agency_is_refused(personas, one, two, moved, client):
    """can_receive_assignment_from's agency check: the moved worker's unit still names the first
    agency's Unit North, which the first supervisor supervises; they are still not a worker of theirs."""
    supervisor = _fresh(personas.supervisor)
    stale = moved.stale_unit_worker
    assert stale.unit_id == personas.unit.pk and stale.agency_id != supervisor.agency_id
    assert not permissions.can_receive_assignment_from(supervisor, stale)
    assert not permissions.can_receive_assignment_from(supervisor, _fresh(two.worker))
    assert not permissions.can_receive_assignment_from(_fresh(two.supervisor), _fresh(personas.worker))
    assert permissions.can_receive_assignment_from(supervisor, _fresh(personas.worker2))
    with pytest.raises(ApplicationError):
        youth_services.youth_reassign(actor=supervisor, youth=personas.youth, worker=stale)
    assert not Assignment.objects.filter(worker=stale).exists()
    _login(client, personas.supervisor)
    response = client.post(reverse("youth:reassign", kwargs={"pk": personas.youth.pk}), {"worker": stale.pk})
    assert response.status_code == 400
    assert not Assignment.objects.filter(worker=stale).exists()


# --- 9. can_view_session_packet: session.agency_id == user.agency_id (the coordinator) ---------------


def test_second_coordinator_cannot_see_the_first_agencys_packet(personas, one, two, client):
    second = _fresh(two.coordinator)
    session = one.session
    assert not permissions.can_view_session_packet(second, session)
    assert permissions.can_view_session_packet(_fresh(personas.coordinator), session)
    assert not permissions.can_view_session_packet(_fresh(personas.coordinator), two.records.session)
    with pytest.raises(PermissionDenied):
        mdt_services.acknowledgment_record(actor=second, session=session)
    _login(client, two.coordinator)
    for url in (
        reverse("mdt:packet", kwargs={"pk": session.pk, "youth_pk": one.youth.pk}),
        reverse("mdt:session-agenda", kwargs={"pk": session.pk}),
        reverse("mdt:session-minutes", kwargs={"pk": session.pk}),
    ):
        assert client.get(url).status_code == 404, url


# --- The second agency's people on the first agency's records (every door) -----------------------


def _record_urls(r: AgencyRecords) -> list[str]:
    return [
        reverse("youth:detail", kwargs={"pk": r.youth.pk}),
        reverse("youth:edit", kwargs={"pk": r.youth.pk}),
        reverse("api:youth-detail", kwargs={"pk": r.youth.pk}),
        reverse("missing:episode", kwargs={"pk": r.episode.pk}),
        reverse("missing:youth-episodes", kwargs={"youth_pk": r.youth.pk}),
        reverse("mdt:referral-detail", kwargs={"pk": r.referral.pk}),
        reverse("mdt:session-detail", kwargs={"pk": r.session.pk}),
        reverse("mdt:session-agenda", kwargs={"pk": r.session.pk}),
        reverse("mdt:packet", kwargs={"pk": r.session.pk, "youth_pk": r.youth.pk}),
        reverse("webaccess:request_detail", kwargs={"pk": r.web_request.pk}),
        reverse("care:service_detail", kwargs={"pk": r.service_item.pk}),
        reverse("api:care-service", kwargs={"pk": r.service_item.pk}),
        reverse("care:plan", kwargs={"youth_id": r.youth.pk}),
        reverse("screening:history", kwargs={"youth_pk": r.youth.pk}),
    ]


@pytest.mark.parametrize("role", SECOND_AGENCY_ROLES)
def test_second_agency_personas_get_nothing_of_the_first_agencys_records(personas, one, two, client, role):
    """Default of issue 21: 404 (or 403 where the role has no such page) on the first agency's records."""
    _login(client, getattr(two, role))
    failures = []
    for url in _record_urls(one):
        status = client.get(url).status_code
        if status not in (403, 404):
            failures.append(f"{url}: {status}")
    assert not failures, f"{role}: " + "; ".join(failures)


@pytest.mark.parametrize("role", SECOND_AGENCY_ROLES)
def test_second_agency_personas_open_their_own_agencys_records_as_the_first_do(personas, one, two, client, role):
    """The same role gets the same status on its own agency's record as the first agency's role on the
    first agency's: so the 404s above are the agency boundary, not a broken fixture."""
    first_user = getattr(personas, role)
    second_user = getattr(two, role)
    first_urls, second_urls = _record_urls(one), _record_urls(two.records)
    mismatches = []
    for url_one, url_two in zip(first_urls, second_urls, strict=True):
        first_status = _login(client, first_user).get(url_one).status_code
        second_status = _login(client, second_user).get(url_two).status_code
        if first_status != second_status:
            mismatches.append(f"{url_two}: {second_status} (first agency: {first_status})")
    assert not mismatches, f"{role}: " + "; ".join(mismatches)


# --- 3. List leaks: every list, search, export and API list, seeded in both agencies ----------------

LIST_PAGES: list[tuple[str, str, dict[str, Any]]] = [
    # (label, method, what to send); url names below
    ("core:home", "get", {}),
    ("youth:list", "get", {"scope": "all"}),
    ("youth:list", "get", {"scope": "all", "status": "suspected_victim"}),
    ("youth:list", "post", {"scope": "all", "q": "{last}"}),
    ("api:youth-list", "get", {"scope": "all"}),
    ("api:youth-search", "json", {"q": "{last}"}),
    ("mdt:queue", "get", {}),
    ("mdt:calendar", "get", {}),
    ("mdt:my-meetings", "get", {}),
    ("webaccess:home", "get", {}),
    ("webaccess:queue", "get", {}),
    ("webaccess:review", "get", {}),
    ("webaccess:review_export", "get", {}),
    ("care:open_needs", "get", {}),
    ("care:partner_list", "get", {}),
    ("api:care-partners", "get", {}),
    ("deadlines:inbox", "get", {}),
    ("deadlines:duties", "get", {}),
    ("deadlines:board", "get", {}),
    ("api:duties", "get", {}),
    ("api:reports-compliance", "get", {}),
    ("audit:search", "get", {}),
    ("audit:export", "get", {}),
]


def _forbidden_strings(r: AgencyRecords, names: tuple[str, str], staff: list[Any], extra: list[str]) -> list[str]:
    first, last = names
    strings = [first, last, *extra]
    strings += [reverse(n, kwargs={"pk": r.youth.pk}) for n in ("youth:detail", "api:youth-detail")]
    strings += [
        reverse("missing:episode", kwargs={"pk": r.episode.pk}),
        reverse("mdt:referral-detail", kwargs={"pk": r.referral.pk}),
        reverse("mdt:session-detail", kwargs={"pk": r.session.pk}),
        reverse("mdt:session-agenda", kwargs={"pk": r.session.pk}),
        reverse("webaccess:request_detail", kwargs={"pk": r.web_request.pk}),
        reverse("care:service_detail", kwargs={"pk": r.service_item.pk}),
        f"missing.missingepisode:{r.episode.pk}",
    ]
    strings += [user.get_full_name() for user in staff]
    return strings


def _json_leaks(payload: Any, *, youth_id: int, user_ids: set[int], duty_ids: set[int], path: str) -> list[str]:
    """Ids of the other agency's youth, people and duties under the keys that carry them."""
    leaks: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, int) and not isinstance(value, bool):
                    if key == "youth_id" and value == youth_id:
                        leaks.append(f"{key}={value}")
                    if key == "id" and path.startswith("/api/v1/youth") and value == youth_id:
                        leaks.append(f"youth id={value}")
                    if key == "id" and path.startswith("/api/v1/duties") and value in duty_ids:
                        leaks.append(f"duty id={value}")
                    if key in ("owner_id", "recipient_id", "done_by_id", "worker_id") and value in user_ids:
                        leaks.append(f"{key}={value}")
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload)
    return leaks


def _compliance_arose(payload: dict[str, Any]) -> dict[str, int]:
    return {kind: figures["arose"] for kind, figures in payload["duties"].items()}


def _request(client: Any, name: str, method: str, data: dict[str, Any], last: str) -> Any:
    url = reverse(name)
    data = {k: v.format(last=last) if isinstance(v, str) else v for k, v in data.items()}
    if method == "post":
        return client.post(url, data)
    if method == "json":
        return client.post(url, data, content_type="application/json")
    return client.get(url, data)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _check_lists(
    client: Any, viewer: Any, other: AgencyRecords, names: tuple[str, str], staff: list[Any], extra: list[str]
) -> list[str]:
    from safeharbor.deadlines.models import Deadline

    _login(client, viewer)
    forbidden = _forbidden_strings(other, names, staff, extra)
    failures: list[str] = []
    for name, method, data in LIST_PAGES:
        response = _request(client, name, method, data, names[1])
        body = _without_echo(_body(response), names[1])
        for text in forbidden:
            if re.search(rf"(?<![\w/]){re.escape(text)}(?![\w])", body):
                failures.append(f"{method.upper()} {name} ({response.status_code}): {text!r}")
        if response.status_code == 200 and response.get("Content-Type", "").startswith("application/json"):
            payload = _json(response)
            path = reverse(name)
            failures += [
                f"{method.upper()} {name}: {leak}"
                for leak in _json_leaks(
                    payload,
                    youth_id=other.youth.pk,
                    user_ids={u.pk for u in staff},
                    duty_ids=set(other.duty_ids),
                    path=path,
                )
            ]
            if name == "api:reports-compliance":
                own = Deadline.objects.filter(agency_id=viewer.agency_id)
                for kind, arose in _compliance_arose(payload).items():
                    if arose > own.filter(kind=kind).count():
                        failures.append(f"compliance {kind}: {arose} arose, more than the agency's own duties")
    return failures


@pytest.mark.parametrize("role", FIRST_AGENCY_ROLES)
def test_no_second_agency_row_in_any_list_of_a_first_agency_role(personas, one, two, client, role):
    staff = list(two.all_users().values())
    failures = _check_lists(
        client,
        getattr(personas, role),
        two.records,
        (YOUTH_TWO_FIRST, YOUTH_TWO_LAST),
        staff,
        [two.organisation.name],
    )
    assert not failures, f"{role}: " + "; ".join(failures)


@pytest.mark.parametrize("role", SECOND_AGENCY_ROLES)
def test_no_first_agency_row_in_any_list_of_a_second_agency_role(personas, one, two, client, role):
    staff = [personas.worker, personas.supervisor, personas.coordinator, personas.manager, personas.partner]
    failures = _check_lists(
        client,
        getattr(two, role),
        one,
        (YOUTH_ONE_FIRST, YOUTH_ONE_LAST),
        staff,
        ["Fictional Youth Advocates"],
    )
    assert not failures, f"{role}: " + "; ".join(failures)


def test_lists_show_each_agency_its_own_rows(personas, one, two, client):
    """The list checks above look for names that do show up in the owner's own lists."""
    _login(client, personas.coordinator)
    assert YOUTH_ONE_LAST in client.get(reverse("youth:list"), {"scope": "all"}).content.decode()
    _login(client, two.coordinator)
    assert YOUTH_TWO_LAST in client.get(reverse("youth:list"), {"scope": "all"}).content.decode()
    _login(client, two.auditor)
    duties = _json(client.get(reverse("api:duties")))
    rows = duties.get("results", duties) if isinstance(duties, dict) else duties
    assert {row["id"] for row in rows} >= set(two.records.duty_ids)


# --- Further agency filters of the doors, asked directly -------------------------------------------


def test_duty_ledger_and_board_filters_stop_at_the_agency(personas, one, two):
    """duty_ledger_q's agency filter (the ledger API and the compliance report also start from the
    agency's duties: this asks the filter itself), and duty_board_q's."""
    from safeharbor.deadlines.models import Deadline

    theirs = set(two.records.duty_ids)
    for user in (personas.auditor, personas.supervisor, personas.manager):
        user = _fresh(user)
        assert not theirs & set(Deadline.objects.filter(permissions.duty_ledger_q(user)).values_list("pk", flat=True))
        assert not theirs & set(Deadline.objects.filter(permissions.duty_board_q(user)).values_list("pk", flat=True))
    auditor = _fresh(two.auditor)
    assert theirs <= set(Deadline.objects.filter(permissions.duty_ledger_q(auditor)).values_list("pk", flat=True))
