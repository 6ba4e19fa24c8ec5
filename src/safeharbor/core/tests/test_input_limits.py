"""Issue 14 items 10 and 11: malformed bodies are a 400, never a 500 and never a half-written record.

- JSON nested deeper than 32 levels (a RecursionError in `json.loads` before), on every JSON endpoint:
  core/api.py `LimitedJSONParser`, the default parser of settings REST_FRAMEWORK.
- JSON strings with lone surrogates (valid JSON, not storable text).
- A form or JSON body that is not UTF-8 (stored with replacement characters before): core/middleware.py.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from safeharbor.audit.models import AuditEvent
from safeharbor.care.models import PartnerOrganisation, ServiceItem
from safeharbor.core.api import MAX_JSON_DEPTH, LimitedJSONParser, json_nesting_exceeds
from safeharbor.youth.models import Youth


def _nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def test_nesting_is_counted_outside_strings_and_without_recursion():
    assert not json_nesting_exceeds(_nested(MAX_JSON_DEPTH))
    assert json_nesting_exceeds(_nested(MAX_JSON_DEPTH + 1))
    assert json_nesting_exceeds("[" * 1_000_000)  # no RecursionError: one pass over the tokens
    brackets_in_strings = json.dumps({"name": "[[[[{{{{" * 50, "note": 'a "quoted" \\ [ thing'})
    assert not json_nesting_exceeds(brackets_in_strings, limit=1)
    assert json_nesting_exceeds('[[{"x": "]]]]"}]]', limit=2)


def _views(resolver: URLResolver) -> list[Any]:
    found: list[Any] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found.extend(_views(pattern))
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
            if isinstance(view_class, type) and issubclass(view_class, APIView):
                found.append(view_class)
    return found


def test_every_api_view_parses_json_with_the_limits():
    """The default parser is the limited one, and no API view swaps in a plain JSON parser."""
    assert api_settings.DEFAULT_PARSER_CLASSES[0] is LimitedJSONParser
    views = _views(get_resolver())
    assert len(views) > 10
    for view_class in views:
        for parser in view_class.parser_classes:
            if issubclass(parser, JSONParser):
                assert issubclass(parser, LimitedJSONParser), (view_class, parser)


@pytest.fixture
def item(personas: Any) -> ServiceItem:
    return ServiceItem.objects.create(
        agency=personas.agency, youth=personas.youth, kind="long_term", category="housing", owner=personas.worker
    )


def _endpoints(personas: Any, item: ServiceItem) -> list[tuple[Any, str, str]]:
    return [
        (personas.coordinator, "post", reverse("api:care-partners")),
        (personas.worker, "post", reverse("api:youth-list")),
        (personas.worker, "post", reverse("api:youth-search")),
        (personas.worker, "patch", reverse("api:youth-detail", kwargs={"pk": personas.youth.pk})),
        (personas.worker, "post", reverse("api:care-youth-services", kwargs={"youth_id": personas.youth.pk})),
        (personas.worker, "patch", reverse("api:care-service", kwargs={"pk": item.pk})),
        (personas.worker, "post", reverse("api:rules-run", kwargs={"name": "age"})),
    ]


@pytest.mark.django_db
def test_deeply_nested_json_is_a_400_on_json_endpoints(personas, login, item):
    deep_object = _nested(50_000)
    deep_list = "[" * 50_000 + "]" * 50_000
    just_too_deep = '{"legal_first_name": ' + _nested(MAX_JSON_DEPTH) + "}"
    youth_before, audit_before = Youth.objects.count(), AuditEvent.objects.count()
    for user, method, url in _endpoints(personas, item):
        client = login(user)
        client.raise_request_exception = False
        for body in (deep_object, deep_list, just_too_deep):
            response = getattr(client, method)(url, body, content_type="application/json")
            assert response.status_code == 400, (url, response.status_code, response.content[:200])
            assert "nested deeper than 32 levels" in response.json()["detail"], url
    assert Youth.objects.count() == youth_before
    # Refused while parsing: at most the door's access rows, never a record.
    assert not AuditEvent.objects.filter(pk__gt=audit_before, action__in=["youth.create", "youth.update"]).exists()


@pytest.mark.django_db
def test_json_at_the_depth_limit_is_still_read(personas, login):
    client = login(personas.worker)
    body = {"legal_first_name": "Ada", "legal_last_name": "Quill", "gender": "female", "x": json.loads(_nested(30))}
    response = client.post(reverse("api:youth-list"), body, content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_a_lone_surrogate_in_json_is_a_400(personas, login):
    client = login(personas.coordinator)
    client.raise_request_exception = False
    response = client.post("/api/v1/partners/", '{"name": "Fictional \\ud800 Trust"}', content_type="application/json")
    assert response.status_code == 400
    assert not PartnerOrganisation.objects.filter(name__contains="Trust").exists()


# --- Invalid UTF-8 ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_form_body_that_is_not_utf8_is_a_400_before_any_query(personas, login, django_assert_num_queries):
    client = login(personas.worker)
    url = reverse("youth:create")
    for body in (
        b"legal_first_name=Ada%FF&legal_last_name=Quill&gender=female&icwa_status=not_inquired",  # escaped
        b"legal_first_name=Ada\xff&legal_last_name=Quill&gender=female&icwa_status=not_inquired",  # raw byte
        b"legal_first_name=Ada%ED%A0%80&legal_last_name=Quill&gender=female",  # an encoded surrogate
    ):
        with django_assert_num_queries(0):
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        assert b"not valid UTF-8" in response.content
    assert not Youth.objects.filter(legal_last_name="Quill").exists()


@pytest.mark.django_db
def test_a_json_body_that_is_not_utf8_is_a_400(personas, login, django_assert_num_queries):
    client = login(personas.worker)
    with django_assert_num_queries(0):
        response = client.post(
            reverse("api:youth-list"),
            b'{"legal_first_name": "Ada\xff", "legal_last_name": "Quill"}',
            content_type="application/json",
        )
    assert response.status_code == 400 and "UTF-8" in response.json()["detail"]
    assert not Youth.objects.filter(legal_last_name="Quill").exists()


@pytest.mark.django_db
def test_utf8_forms_and_multipart_uploads_pass(personas, login):
    client = login(personas.worker)
    form = "legal_first_name=Ad%C3%A9la%C3%AFde&legal_last_name=Nguy%E1%BB%85n&gender=female&icwa_status=not_inquired"
    response = client.post(reverse("youth:create"), form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert Youth.objects.filter(legal_first_name="Adélaïde", legal_last_name="Nguyễn").exists()
    # A multipart body is binary (file uploads): the UTF-8 check leaves it to Django's parser.
    response = client.post(
        reverse("youth:create"),
        {
            "legal_first_name": "Wren",
            "legal_last_name": "Calloway",
            "gender": "female",
            "icwa_status": "not_inquired",
            "date_of_birth": dt.date(2011, 2, 3).isoformat(),
            "attachment": _binary_file(),
        },
    )
    assert response.status_code == 302


def _binary_file() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.bin", bytes(range(1, 256)), content_type="application/octet-stream")
