from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing import factories as f
from safeharbor.youth.models import Alias, Youth
from safeharbor.youth.search import youth_reindex

pytestmark = pytest.mark.django_db


def _youth_for(worker: Any, agency: Any, **fields: Any) -> Youth:
    youth = f.YouthFactory(agency=agency, **fields)
    f.AssignmentFactory(youth=youth, worker=worker, start=dt.date(2025, 1, 1))
    youth_reindex(youth=youth)
    return youth


def _reads(youth: Youth) -> int:
    return AuditEvent.objects.filter(youth_id=youth.pk).count()


def test_profile_read_leaves_exactly_one_audit_row(personas, login):
    client = login(personas.worker)
    before = _reads(personas.youth)
    response = client.get(reverse("youth:detail", kwargs={"pk": personas.youth.pk}))
    assert response.status_code == 200
    assert _reads(personas.youth) == before + 1
    event = AuditEvent.objects.filter(youth_id=personas.youth.pk).first()
    assert event is not None and event.action == "youth.view" and event.actor_id == personas.worker.pk
    assert response.headers["Cache-Control"] == "no-store"


def test_api_detail_read_leaves_exactly_one_audit_row(personas, login):
    client = login(personas.worker)
    before = _reads(personas.youth)
    response = client.get(reverse("api:youth-detail", kwargs={"pk": personas.youth.pk}))
    assert response.status_code == 200
    assert response.json()["id"] == personas.youth.pk
    assert _reads(personas.youth) == before + 1


def test_denied_profile_is_a_404_and_audited_as_denied(personas, login):
    client = login(personas.worker2)
    response = client.get(reverse("youth:detail", kwargs={"pk": personas.youth.pk}))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(object_id=str(personas.youth.pk), outcome="denied").count() == 1


def test_profile_shows_aliases_placements_and_no_empty_parts(personas, login):
    client = login(personas.worker)
    page = client.get(reverse("youth:detail", kwargs={"pk": personas.youth.pk})).content.decode()
    assert "Aliases" not in page and "Placements" not in page
    Alias.objects.create(youth=personas.youth, name="Sparrow", kind="street")
    f.PlacementFactory(
        youth=personas.youth,
        placement_type="shelter",
        facility=f.FacilityFactory(agency=personas.agency, name="Harbor Light"),
    )
    page = client.get(reverse("youth:detail", kwargs={"pk": personas.youth.pk})).content.decode()
    assert "Sparrow" in page and "Street name" in page and "Harbor Light" in page


def test_list_filters_caseload_unit_and_status(personas, login):
    at_risk = _youth_for(personas.worker2, personas.agency, csec_status="at_risk")
    client = login(personas.supervisor)
    page = client.get(reverse("youth:list"), {"scope": "unit"}).content.decode()
    assert personas.youth.display_name in page and at_risk.display_name in page
    assert personas.other_unit_youth.display_name not in page
    page = client.get(reverse("youth:list"), {"scope": "unit", "status": "at_risk"}).content.decode()
    assert at_risk.display_name in page and personas.youth.display_name not in page
    assert "sh-badge--at_risk" in page
    client = login(personas.worker)
    page = client.get(reverse("youth:list")).content.decode()
    assert personas.youth.display_name in page and at_risk.display_name not in page


def test_list_search_as_you_type_returns_a_partial(personas, login):
    youth = _youth_for(personas.worker, personas.agency, legal_first_name="Katherine", legal_last_name="Oyelaran")
    client = login(personas.worker)
    response = client.post(reverse("youth:list"), {"q": "Oyelaran Katie", "scope": "all"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and youth.display_name in body
    assert AuditEvent.objects.filter(action="youth.list").exists()
    assert not any("Oyelaran" in json.dumps(e.detail) for e in AuditEvent.objects.all())


def test_create_page_creates_and_redirects_to_profile(personas, login):
    client = login(personas.worker)
    response = client.post(
        reverse("youth:create"),
        {
            "legal_first_name": "Wren",
            "legal_last_name": "Calloway",
            "gender": "female",
            "date_of_birth": "2011-02-03",
            "icwa_status": "not_inquired",
        },
    )
    youth = Youth.objects.get(legal_last_name="Calloway")
    assert response.status_code == 302 and response.url == reverse("youth:detail", kwargs={"pk": youth.pk})


def test_create_page_bad_input_shows_the_error_summary(personas, login):
    client = login(personas.worker)
    response = client.post(
        reverse("youth:create"),
        {"legal_first_name": "Wren", "legal_last_name": "", "gender": "female", "dob_verified": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "data-error-summary" in body and "usa-error-message" in body
    assert "Say how the date of birth was verified" in body
    assert not Youth.objects.filter(legal_first_name="Wren").exists()


def test_duplicate_check_lists_visible_matches_with_a_link(personas, login):
    youth = _youth_for(personas.worker, personas.agency, legal_first_name="Alexandra", legal_last_name="Marchetti")
    client = login(personas.worker)
    response = client.post(reverse("youth:duplicates"), {"legal_first_name": "Alex", "legal_last_name": "Marchetti"})
    body = response.content.decode()
    assert reverse("youth:detail", kwargs={"pk": youth.pk}) in body
    assert "data-duplicate-warning" in body and "data-duplicate-hidden" not in body
    event = AuditEvent.objects.get(action="youth.duplicate_check")
    assert event.detail == {"visible": 1, "hidden": 0}


def test_duplicate_check_hides_other_caseloads_and_names_whom_to_ask(personas, login):
    hidden = _youth_for(
        personas.other_unit_worker,
        personas.agency,
        legal_first_name="Guadalupe",
        legal_last_name="Carrillo",
        date_of_birth=dt.date(2010, 12, 12),
    )
    client = login(personas.worker)
    response = client.post(
        reverse("youth:duplicates"),
        {"legal_first_name": "Lupe", "legal_last_name": "Carillo", "date_of_birth": "2010-12-12"},
    )
    body = response.content.decode()
    assert "data-duplicate-hidden" in body
    assert "Carrillo" not in body and "2010-12-12" not in body and str(hidden.pk) not in body.split("break-glass")[0]
    supervisor = personas.other_unit_supervisor
    assert (supervisor.get_full_name() or supervisor.username) in body
    assert reverse("youth:break_glass") in body
    assert AuditEvent.objects.get(action="youth.duplicate_check").detail == {"visible": 0, "hidden": 1}


def test_duplicate_check_without_a_supervisor_names_the_coordinator(personas, login):
    unitless = f.UserFactory(agency=personas.agency, roles=["worker"])
    _youth_for(unitless, personas.agency, legal_first_name="Imani", legal_last_name="Jefferson")
    client = login(personas.worker)
    body = client.post(
        reverse("youth:duplicates"), {"legal_first_name": "Imani", "legal_last_name": "Jeffersen"}
    ).content.decode()
    coordinator = personas.coordinator
    assert (coordinator.get_full_name() or coordinator.username) in body and "CSEC coordinator" in body


def test_stale_edit_page_shows_a_clear_error_and_changes_nothing(personas, login):
    client = login(personas.worker)
    url = reverse("youth:edit", kwargs={"pk": personas.youth.pk})
    form = {
        "legal_first_name": personas.youth.legal_first_name,
        "legal_last_name": personas.youth.legal_last_name,
        "gender": "female",
        "date_of_birth": personas.youth.date_of_birth.isoformat(),
        "dob_verified": "on",
        "dob_verification": "birth_certificate",
        "icwa_status": "not_inquired",
    }
    first = client.post(url, {**form, "preferred_name": "Birdie", "version": 1})
    assert first.status_code == 302, first.context["form"].errors
    response = client.post(url, {**form, "preferred_name": "Robin", "version": 1})
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    personas.youth.refresh_from_db()
    assert personas.youth.preferred_name == "Birdie" and personas.youth.version == 2


def test_break_glass_page_grants_and_redirects(personas, login):
    target = personas.other_unit_youth
    Youth.objects.filter(pk=target.pk).update(state_client_id="CA-555-0101")
    client = login(personas.worker)
    response = client.post(
        reverse("youth:break_glass"),
        {"client_id": "CA-555-0101", "reason": "Youth arrived at the shelter after hours; need contacts."},
    )
    assert response.status_code == 302 and response.url == reverse("youth:detail", kwargs={"pk": target.pk})
    assert client.get(response.url).status_code == 200


def test_break_glass_page_for_a_visible_youth_says_so(personas, login):
    Youth.objects.filter(pk=personas.youth.pk).update(state_client_id="CA-555-0202")
    client = login(personas.worker)
    response = client.post(
        reverse("youth:break_glass"), {"client_id": "CA-555-0202", "reason": "Checking the record before a visit."}
    )
    assert response.status_code == 400 and "You can already open this record" in response.content.decode()


def test_alias_and_placement_pages(personas, login):
    client = login(personas.worker)
    pk = personas.youth.pk
    response = client.post(reverse("youth:alias_add", kwargs={"pk": pk}), {"name": "Sparrow", "kind": "street"})
    assert response.status_code == 302
    response = client.post(
        reverse("youth:placement_add", kwargs={"pk": pk}), {"placement_type": "group_home", "start": "2025-02-01"}
    )
    assert response.status_code == 400 and "Choose the facility" in response.content.decode()
    response = client.post(
        reverse("youth:placement_add", kwargs={"pk": pk}),
        {"placement_type": "group_home", "start": "2025-02-01", "facility_name": "Cedar House"},
    )
    assert response.status_code == 302
    assert personas.youth.placements.get().facility.name == "Cedar House"


def test_reassign_page(personas, login):
    client = login(personas.supervisor)
    response = client.post(reverse("youth:reassign", kwargs={"pk": personas.youth.pk}), {"worker": personas.worker2.pk})
    assert response.status_code == 302, response.context["form"].errors
    assert personas.youth.assignments.filter(end__isnull=True).get().worker == personas.worker2


def test_api_create_and_stale_patch(personas, login):
    client = login(personas.worker)
    response = client.post(
        reverse("api:youth-list"),
        {"legal_first_name": "Wren", "legal_last_name": "Calloway", "date_of_birth": "2011-02-03"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    url = reverse("api:youth-detail", kwargs={"pk": pk})
    assert client.patch(url, {"preferred_name": "Birdie"}, content_type="application/json").status_code == 400
    ok = client.patch(url, {"preferred_name": "Birdie", "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(url, {"preferred_name": "Robin", "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and "version" in stale.json()
    assert Youth.objects.get(pk=pk).preferred_name == "Birdie"


def test_api_list_is_paginated_and_searchable(personas, login):
    youth = _youth_for(personas.worker, personas.agency, legal_first_name="Elizabeth", legal_last_name="Abernathy")
    client = login(personas.worker)
    data = client.get(reverse("api:youth-list"), {"q": "Liz Abernathy"}).json()
    assert data["count"] == 1 and data["results"][0]["id"] == youth.pk


def test_service_refusal_on_create_is_a_field_error_not_a_500(personas, login):
    Youth.objects.filter(pk=personas.youth.pk).update(state_client_id="CA-1")
    client = login(personas.worker)
    response = client.post(
        reverse("youth:create"),
        {
            "legal_first_name": "Ada",
            "legal_last_name": "Quill",
            "gender": "female",
            "state_client_id": "CA-1",
            "icwa_status": "not_inquired",
        },
    )
    assert response.status_code == 400 and "already has this state client ID" in response.content.decode()


def test_search_and_duplicate_check_refuse_get(personas, login):
    """Names and dates of birth travel only in POST bodies (issue 14 item 6): the duplicate check has no
    GET, and the list page sends its search form by POST with the CSRF token."""
    client = login(personas.worker)
    assert client.get(reverse("youth:duplicates"), {"legal_first_name": "Alex"}).status_code == 405
    page = client.get(reverse("youth:list")).content.decode()
    assert 'method="post"' in page and f'hx-post="{reverse("youth:list")}"' in page
    assert "csrfmiddlewaretoken" in page
    create = client.get(reverse("youth:create")).content.decode()
    assert f'hx-post="{reverse("youth:duplicates")}"' in create and "hx-get" not in create


def test_search_is_csrf_protected(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(reverse("youth:list"), {"q": "Ada"}).status_code == 403
    page = client.get(reverse("youth:list"))
    token = page.context["csrf_token"]
    assert client.post(reverse("youth:list"), {"q": "Ada"}, HTTP_X_CSRFTOKEN=str(token)).status_code == 200


def test_api_search_by_post_keeps_names_out_of_the_url(personas, login):
    youth = _youth_for(personas.worker, personas.agency, legal_first_name="Elizabeth", legal_last_name="Abernathy")
    client = login(personas.worker)
    response = client.post(reverse("api:youth-search"), {"q": "Liz Abernathy"}, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1 and data["results"][0]["id"] == youth.pk
    assert client.post(reverse("api:youth-search"), [1, 2], content_type="application/json").status_code == 400
    bad = client.post(reverse("api:youth-search"), {"date_of_birth": "soon"}, content_type="application/json")
    assert bad.status_code == 400 and "date_of_birth" in bad.json()


def test_date_of_birth_in_the_future_is_refused_on_the_pages(personas, login):
    client = login(personas.worker)
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    fields = {"legal_first_name": "Wren", "legal_last_name": "Calloway", "gender": "female"}
    response = client.post(
        reverse("youth:create"), {**fields, "icwa_status": "not_inquired", "date_of_birth": tomorrow}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date_of_birth"] == ["The date of birth cannot be in the future."]
    assert not Youth.objects.filter(legal_last_name="Calloway").exists()
    url = reverse("youth:edit", kwargs={"pk": personas.youth.pk})
    response = client.post(
        url, {**fields, "icwa_status": "not_inquired", "date_of_birth": tomorrow, "version": personas.youth.version}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date_of_birth"] == ["The date of birth cannot be in the future."]
    personas.youth.refresh_from_db()
    assert personas.youth.date_of_birth != dt.date.fromisoformat(tomorrow)


def test_date_of_birth_in_the_future_is_refused_by_the_api(personas, login):
    client = login(personas.worker)
    later = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("api:youth-list"),
        {"legal_first_name": "Wren", "legal_last_name": "Calloway", "date_of_birth": later},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"date_of_birth": ["The date of birth cannot be in the future."]}
    url = reverse("api:youth-detail", kwargs={"pk": personas.youth.pk})
    response = client.patch(url, {"date_of_birth": later, "version": 1}, content_type="application/json")
    assert response.status_code == 400 and "date_of_birth" in response.json()
    assert not Youth.objects.filter(legal_last_name="Calloway").exists()
    today = timezone.localdate().isoformat()
    response = client.patch(url, {"date_of_birth": today, "version": 1}, content_type="application/json")
    assert response.status_code == 200, response.content
