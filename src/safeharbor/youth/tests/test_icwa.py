"""The youth's ICWA (Indian Child Welfare Act) status: recorded, audited with codes, kept in the
history, shown in plain words, settable only by those who may edit the youth, and passed on to the
missing-from-care episodes (the tribe's notice) in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from safeharbor.audit.models import AuditEvent
from safeharbor.core.errors import ApplicationError
from safeharbor.core.testing import factories as f
from safeharbor.youth import services
from safeharbor.youth.models import IcwaStatus, Youth

pytestmark = pytest.mark.django_db

HOOK = "safeharbor.missing.services.episodes_icwa_status_changed"


@pytest.fixture
def hook_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Stand in for the missing app's hook (written elsewhere): record each call."""
    calls: list[dict[str, Any]] = []

    def fake(*, youth: Youth, actor: Any, previous: str) -> None:
        calls.append({"youth_id": youth.pk, "status": youth.icwa_status, "actor": actor, "previous": previous})

    monkeypatch.setattr(HOOK, fake, raising=False)
    return calls


def _edit_form(youth: Youth, **changes: Any) -> dict[str, Any]:
    form = {
        "legal_first_name": youth.legal_first_name,
        "legal_last_name": youth.legal_last_name,
        "gender": youth.gender,
        "date_of_birth": youth.date_of_birth.isoformat() if youth.date_of_birth else "",
        "dob_verified": "on" if youth.dob_verified else "",
        "dob_verification": youth.dob_verification,
        "icwa_status": youth.icwa_status,
        "version": youth.version,
    }
    form.update(changes)
    return form


def _updates(youth: Youth) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="youth.update", youth_id=youth.pk).order_by("seq"))


# --- The model and its codes ------------------------------------------------------------------


def test_codes_are_stable_and_a_new_record_starts_not_inquired(personas):
    assert IcwaStatus.values == ["yes", "no", "not_inquired", "reason_to_know"]
    youth = services.youth_create(actor=personas.worker, legal_first_name="Wren", legal_last_name="Calloway")
    assert youth.icwa_status == "not_inquired" and youth.icwa_status_at is None
    assert f.YouthFactory().icwa_status == "not_inquired"


def test_create_with_a_status_records_when(personas, hook_calls):
    youth = services.youth_create(
        actor=personas.worker, legal_first_name="Wren", legal_last_name="Calloway", icwa_status="reason_to_know"
    )
    youth.refresh_from_db()
    assert youth.icwa_status == "reason_to_know" and youth.icwa_status_at is not None
    assert hook_calls == []  # a new record has no episodes to follow it


# --- The service: audit, history, the hook --------------------------------------------------------


def test_a_change_is_audited_with_codes_kept_in_history_and_passed_on_once(personas, hook_calls):
    youth = personas.youth
    updated = services.youth_update(actor=personas.worker, youth=youth, version=1, icwa_status="yes")
    assert updated.icwa_status == "yes" and updated.icwa_status_at is not None
    (event,) = _updates(youth)
    assert event.detail == {"fields": ["icwa_status"], "icwa_status": "yes", "icwa_status_previous": "not_inquired"}
    assert event.actor_id == personas.worker.pk and event.object_id == str(youth.pk)
    history = list(youth.history.order_by("-history_id").values_list("icwa_status", flat=True)[:2])
    assert history == ["yes", "not_inquired"]
    assert youth.history.latest("history_id").icwa_status_at == updated.icwa_status_at
    assert hook_calls == [{"youth_id": youth.pk, "status": "yes", "actor": personas.worker, "previous": "not_inquired"}]


def test_an_edit_that_leaves_the_status_alone_does_not_call_the_hook(personas, hook_calls):
    youth = personas.youth
    services.youth_update(actor=personas.worker, youth=youth, version=1, preferred_name="Birdie")
    services.youth_update(actor=personas.worker, youth=youth, version=2, icwa_status="not_inquired")
    assert hook_calls == []
    youth.refresh_from_db()
    assert youth.icwa_status_at is None
    for event in _updates(youth):
        assert "icwa_status" not in event.detail
    assert [e.detail["fields"] for e in _updates(youth)] == [["preferred_name"], []]


def test_each_change_is_passed_on_with_the_previous_code(personas, hook_calls):
    youth = personas.youth
    services.youth_update(actor=personas.worker, youth=youth, version=1, icwa_status="reason_to_know")
    services.youth_update(actor=personas.worker, youth=youth, version=2, icwa_status="no")
    assert [(c["previous"], c["status"]) for c in hook_calls] == [
        ("not_inquired", "reason_to_know"),
        ("reason_to_know", "no"),
    ]


def test_the_missing_apps_hook_takes_the_call_as_made(personas):
    # No stand-in: the real hook accepts these arguments (a youth with no episodes: nothing to do).
    updated = services.youth_update(actor=personas.worker, youth=personas.youth, version=1, icwa_status="no")
    assert updated.icwa_status == "no"


def test_the_hook_runs_inside_the_transaction(personas, monkeypatch):
    def refuse(**_: Any) -> None:
        raise ApplicationError("refused by the episodes")

    monkeypatch.setattr(HOOK, refuse, raising=False)
    youth = personas.youth
    with pytest.raises(ApplicationError):
        services.youth_update(actor=personas.worker, youth=youth, version=1, icwa_status="yes")
    youth.refresh_from_db()
    assert youth.icwa_status == "not_inquired" and youth.version == 1
    assert _updates(youth) == []


def test_an_unknown_code_is_refused_by_the_service(personas, hook_calls):
    with pytest.raises(ValidationError) as info:
        services.youth_update(actor=personas.worker, youth=personas.youth, version=1, icwa_status="maybe")
    assert "icwa_status" in info.value.message_dict
    personas.youth.refresh_from_db()
    assert personas.youth.icwa_status == "not_inquired" and hook_calls == []


def test_only_those_who_may_edit_the_youth_may_set_it(personas, hook_calls):
    for actor in (personas.manager, personas.worker2, personas.other_agency_worker, personas.auditor):
        with pytest.raises(PermissionDenied):
            services.youth_update(actor=actor, youth=personas.youth, version=1, icwa_status="yes")
    services.youth_update(actor=personas.supervisor, youth=personas.youth, version=1, icwa_status="yes")
    assert len(hook_calls) == 1 and hook_calls[0]["actor"] == personas.supervisor


# --- The pages ------------------------------------------------------------------------------------


def test_profile_shows_the_status_in_plain_words(personas, login):
    client = login(personas.worker)
    url = reverse("youth:detail", kwargs={"pk": personas.youth.pk})
    page = client.get(url).content.decode()
    assert "ICWA status" in page and "ICWA inquiry not yet made" in page
    Youth.objects.filter(pk=personas.youth.pk).update(
        icwa_status="yes", icwa_status_at=dt.datetime(2025, 3, 4, 18, 0, tzinfo=dt.UTC)
    )
    page = client.get(url).content.decode()
    assert "Indian child (ICWA applies)" in page and "recorded 2025-03-04" in page


def test_edit_page_offers_the_status_and_saves_a_change(personas, login, hook_calls):
    client = login(personas.worker)
    url = reverse("youth:edit", kwargs={"pk": personas.youth.pk})
    form_page = client.get(url).content.decode()
    assert 'name="icwa_status"' in form_page and "Reason to know, pending confirmation" in form_page
    response = client.post(url, _edit_form(personas.youth, icwa_status="reason_to_know"))
    assert response.status_code == 302, response.context["form"].errors
    personas.youth.refresh_from_db()
    assert personas.youth.icwa_status == "reason_to_know"
    assert [c["previous"] for c in hook_calls] == ["not_inquired"]


def test_edit_page_refuses_an_unknown_code_with_a_field_message(personas, login, hook_calls):
    client = login(personas.worker)
    url = reverse("youth:edit", kwargs={"pk": personas.youth.pk})
    response = client.post(url, _edit_form(personas.youth, icwa_status="maybe"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["icwa_status"][0]
    assert 'id="icwa_status-error"' in response.content.decode()
    personas.youth.refresh_from_db()
    assert personas.youth.icwa_status == "not_inquired" and hook_calls == []


def test_edit_page_for_a_youth_the_user_may_not_edit_is_refused(personas, login, hook_calls):
    response = login(personas.worker2).post(
        reverse("youth:edit", kwargs={"pk": personas.youth.pk}), _edit_form(personas.youth, icwa_status="yes")
    )
    assert response.status_code == 404
    personas.youth.refresh_from_db()
    assert personas.youth.icwa_status == "not_inquired" and hook_calls == []


def test_create_page_defaults_to_not_inquired_and_records_a_choice(personas, login):
    client = login(personas.worker)
    page = client.get(reverse("youth:create")).content.decode()
    assert '<option value="not_inquired" selected>' in page
    response = client.post(
        reverse("youth:create"),
        {"legal_first_name": "Ada", "legal_last_name": "Quill", "gender": "female", "icwa_status": "no"},
    )
    assert response.status_code == 302
    assert Youth.objects.get(legal_last_name="Quill").icwa_status == "no"


# --- The API --------------------------------------------------------------------------------------


def test_api_reads_and_writes_the_status(personas, login, hook_calls):
    client = login(personas.worker)
    url = reverse("api:youth-detail", kwargs={"pk": personas.youth.pk})
    data = client.get(url).json()
    assert data["icwa_status"] == "not_inquired" and data["icwa_status_at"] is None
    response = client.patch(url, {"version": 1, "icwa_status": "yes"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["icwa_status"] == "yes" and response.json()["icwa_status_at"]
    assert len(hook_calls) == 1
    # A PATCH without the status leaves it alone.
    response = client.patch(url, {"version": 2, "preferred_name": "Birdie"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["icwa_status"] == "yes"
    assert len(hook_calls) == 1


def test_api_refuses_an_unknown_code_with_a_field_message(personas, login, hook_calls):
    client = login(personas.worker)
    url = reverse("api:youth-detail", kwargs={"pk": personas.youth.pk})
    response = client.patch(url, {"version": 1, "icwa_status": "maybe"}, content_type="application/json")
    assert response.status_code == 400
    assert "not a valid choice" in response.json()["icwa_status"][0]
    created = client.post(
        reverse("api:youth-list"),
        {"legal_first_name": "Ada", "legal_last_name": "Quill", "icwa_status": "unknown"},
        content_type="application/json",
    )
    assert created.status_code == 400 and "icwa_status" in created.json()
    personas.youth.refresh_from_db()
    assert personas.youth.icwa_status == "not_inquired" and hook_calls == []


def test_api_create_defaults_to_not_inquired(personas, login):
    client = login(personas.worker)
    response = client.post(
        reverse("api:youth-list"),
        {"legal_first_name": "Ada", "legal_last_name": "Quill"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["icwa_status"] == "not_inquired"


@pytest.mark.parametrize(("who", "status"), [("worker2", 404), ("manager", 403), ("auditor", 403), ("supervisor", 200)])
def test_api_permission_to_set_it_is_the_permission_to_edit(personas, login, hook_calls, who, status):
    client = login(getattr(personas, who))
    url = reverse("api:youth-detail", kwargs={"pk": personas.youth.pk})
    response = client.patch(url, {"version": 1, "icwa_status": "yes"}, content_type="application/json")
    assert response.status_code == status
    personas.youth.refresh_from_db()
    assert personas.youth.icwa_status == ("yes" if status == 200 else "not_inquired")
    assert len(hook_calls) == (1 if status == 200 else 0)


def test_openapi_schema_lists_the_codes_as_an_enum():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    assert components["IcwaStatusEnum"]["enum"] == ["yes", "no", "not_inquired", "reason_to_know"]
    detail = components["YouthDetail"]["properties"]
    assert detail["icwa_status"] == {"$ref": "#/components/schemas/IcwaStatusEnum"}
    assert detail["icwa_status_at"]["nullable"] is True


def test_demo_youth_cover_every_status(db):
    from safeharbor.core.management.commands.demo import Command

    ctx = Command()._base()
    assert {y.icwa_status for y in ctx.youth} == set(IcwaStatus.values)
    assert all((y.icwa_status_at is None) == (y.icwa_status == "not_inquired") for y in ctx.youth)
