"""The MDT doors (issue 15, finding 1): referral, session and action item, each on a `*_q(user)` filter,
one 404 for missing and forbidden, both outcomes audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing import factories as f
from safeharbor.mdt import selectors
from safeharbor.mdt.tests import helpers as h


def _other_coordinator(p: Any) -> Any:
    return f.UserFactory(username="othercoordinator", agency=p.other_agency, roles=["coordinator"])


def _denied(action: str, pk: int, actor: Any) -> bool:
    return AuditEvent.objects.filter(action=action, outcome="denied", object_id=str(pk), actor_id=actor.pk).exists()


# --- Referral ---------------------------------------------------------------------------------


def test_referral_door_opens_for_its_worker_and_the_coordinator(personas):
    referral = h.make_referral(personas.youth, personas.worker)
    for user in (personas.worker, personas.coordinator):
        assert selectors.referral_get_for_user(user=user, pk=referral.pk) == referral
    rows = AuditEvent.objects.filter(action="mdt.referral_view", outcome="ok", object_id=str(referral.pk))
    assert rows.count() == 2
    assert {row.youth_id for row in rows} == {personas.youth.pk}


def test_referral_door_write_audits_the_edit(personas):
    referral = h.make_referral(personas.youth, personas.worker)
    selectors.referral_get_for_user(user=personas.coordinator, pk=referral.pk, write=True)
    assert AuditEvent.objects.filter(action="mdt.referral_edit", outcome="ok", object_id=str(referral.pk)).exists()


@pytest.mark.parametrize("name", ["worker2", "other_agency_worker", "partner", "auditor"])
def test_referral_door_is_a_404_for_others_audited_denied(personas, name):
    referral = h.make_referral(personas.youth, personas.worker)
    user = getattr(personas, name)
    with pytest.raises(Http404):
        selectors.referral_get_for_user(user=user, pk=referral.pk)
    assert _denied("mdt.referral_view", referral.pk, user)


def test_referral_door_another_agencys_coordinator(personas):
    referral = h.make_referral(personas.youth, personas.worker)
    other = _other_coordinator(personas)
    with pytest.raises(Http404):
        selectors.referral_get_for_user(user=other, pk=referral.pk)
    assert _denied("mdt.referral_view", referral.pk, other)


# --- Session ----------------------------------------------------------------------------------


def test_session_door_coordinator_and_invited_member(personas):
    session, _ = h.published_session(personas)
    assert selectors.session_get_for_user(user=personas.coordinator, pk=session.pk, write=True) == session
    assert selectors.session_get_for_user(user=personas.partner, pk=session.pk) == session
    assert AuditEvent.objects.filter(action="mdt.session_edit", outcome="ok", object_id=str(session.pk)).exists()
    assert AuditEvent.objects.filter(
        action="mdt.session_view", outcome="ok", object_id=str(session.pk), actor_id=personas.partner.pk
    ).exists()


def test_session_door_write_is_the_coordinators_only(personas):
    session, _ = h.published_session(personas)
    with pytest.raises(Http404):
        selectors.session_get_for_user(user=personas.partner, pk=session.pk, write=True)
    assert _denied("mdt.session_edit", session.pk, personas.partner)


@pytest.mark.parametrize("name", ["worker", "other_agency_worker"])
def test_session_door_uninvited_is_a_404_audited(personas, name):
    session, _ = h.published_session(personas)
    user = getattr(personas, name)
    with pytest.raises(Http404):
        selectors.session_get_for_user(user=user, pk=session.pk)
    assert _denied("mdt.session_view", session.pk, user)


def test_session_door_another_agencys_coordinator(personas):
    session = h.make_session(personas.agency)
    other = _other_coordinator(personas)
    with pytest.raises(Http404):
        selectors.session_get_for_user(user=other, pk=session.pk, write=True)
    assert _denied("mdt.session_edit", session.pk, other)


def test_session_page_of_another_agency_is_a_404_audited(personas, login):
    session = h.make_session(personas.agency)
    other = _other_coordinator(personas)
    client = login(other)
    assert client.get(reverse("mdt:session-detail", kwargs={"pk": session.pk})).status_code == 404
    assert _denied("mdt.session_view", session.pk, other)


# --- Action item ------------------------------------------------------------------------------


def test_action_item_door_owner_and_coordinator(personas):
    session, referral = h.published_session(personas)
    item = h.make_action_item(session, personas.partner, personas.coordinator, referral=referral)
    assert selectors.action_item_get_for_user(user=personas.partner, pk=item.pk, write=True) == item
    assert selectors.action_item_get_for_user(user=personas.coordinator, pk=item.pk, write=True) == item
    rows = AuditEvent.objects.filter(action="mdt.action_item_edit", outcome="ok", object_id=str(item.pk))
    assert rows.count() == 2
    assert {row.youth_id for row in rows} == {referral.youth_id}


@pytest.mark.parametrize("name", ["worker", "worker2", "other_agency_worker"])
def test_action_item_door_others_are_a_404_audited(personas, name):
    session, _ = h.published_session(personas)
    item = h.make_action_item(session, personas.partner, personas.coordinator)
    user = getattr(personas, name)
    with pytest.raises(Http404):
        selectors.action_item_get_for_user(user=user, pk=item.pk, write=True)
    assert _denied("mdt.action_item_edit", item.pk, user)


def test_action_item_door_has_the_agency_filter(personas):
    """Another agency's coordinator may not complete this agency's item (the old door let them)."""
    session, _ = h.published_session(personas)
    item = h.make_action_item(session, personas.partner, personas.coordinator)
    other = _other_coordinator(personas)
    with pytest.raises(Http404):
        selectors.action_item_get_for_user(user=other, pk=item.pk, write=True)
    assert _denied("mdt.action_item_edit", item.pk, other)


@pytest.mark.parametrize(
    "door",
    [selectors.referral_get_for_user, selectors.session_get_for_user, selectors.action_item_get_for_user],
)
def test_mdt_doors_refuse_a_pk_that_is_not_an_int(personas, door):
    with pytest.raises(Http404):
        door(user=personas.coordinator, pk="abc")
