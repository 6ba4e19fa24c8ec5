"""Urgent profile sections (for example missing in the 72-hour window) come first, as a banner."""

from __future__ import annotations

import sys
import types

import pytest
from django.test import RequestFactory
from django.urls import reverse

from safeharbor.missing.tests.helpers import make_episode
from safeharbor.youth import sections as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_sections(monkeypatch):
    module = types.ModuleType("sh_fake_sections")
    module.plain_a = lambda request, youth: {"title": "A", "template": "x.html"}
    module.urgent_b = lambda request, youth: {"title": "B", "template": "x.html", "urgent": True}
    module.calm_c = lambda request, youth: {"title": "C", "template": "x.html", "urgent": False}
    module.urgent_d = lambda request, youth: {"title": "D", "template": "x.html", "urgent": True}
    module.empty_e = lambda request, youth: None
    monkeypatch.setitem(sys.modules, "sh_fake_sections", module)
    monkeypatch.setattr(
        registry,
        "SECTIONS",
        [
            (1, "sh_fake_sections:plain_a"),
            (2, "sh_fake_sections:urgent_b"),
            (3, "sh_fake_sections:calm_c"),
            (4, "sh_fake_sections:urgent_d"),
            (5, "sh_fake_sections:empty_e"),
        ],
    )


def test_urgent_sections_first_keeping_registered_order(fake_sections, personas):
    request = RequestFactory().get("/")
    request.user = personas.worker
    titles = [s["title"] for s in registry.sections_for(request, personas.youth)]
    assert titles == ["B", "D", "A", "C"]


def _profile(client, personas):
    response = client.get(reverse("youth:detail", args=[personas.youth.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_missing_in_window_is_a_banner_under_the_heading(personas, login):
    client = login(personas.worker)
    make_episode(personas, hours_ago=6)
    html = _profile(client, personas)
    banner = html.index("Urgent: missing, in the 72-hour high-risk window")
    assert html.index("<h1>") < banner < html.index('aria-label="Parts of this record"') < html.index("record-heading")
    assert html.count("sh-urgent-section") == 1
    # the section appears once, and the section list links to it
    assert html.count('id="section-missing"') == 1
    assert 'href="#section-1">Missing from care</a>' in html
    assert 'id="section-1" class="sh-profile-section sh-urgent-section"' in html


def test_missing_after_the_window_stays_in_its_place(personas, login):
    client = login(personas.worker)
    make_episode(personas, hours_ago=80)  # last seen 82 hours ago: the 72-hour window has ended
    html = _profile(client, personas)
    assert "Urgent: missing" not in html
    assert "sh-urgent-section" not in html
    assert html.index("record-heading") < html.index('id="section-missing"')
