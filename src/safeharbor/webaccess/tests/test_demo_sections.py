from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory

from safeharbor.audit.models import AuditEvent
from safeharbor.core.demo import DemoContext
from safeharbor.core.testing import factories as f
from safeharbor.webaccess import rules
from safeharbor.webaccess.demo import populate
from safeharbor.webaccess.models import AccessRequest, ResearchSession
from safeharbor.webaccess.sections import research_section


def test_demo_populate_covers_every_state_once(personas):
    for _ in range(3):
        f.AssignmentFactory(youth=f.YouthFactory(agency=personas.agency), worker=personas.worker)
    ctx = DemoContext(agency=personas.agency, users={"worker": personas.worker, "manager": personas.manager})
    populate(ctx)
    populate(ctx)
    statuses = sorted(AccessRequest.objects.values_list("status", flat=True))
    assert statuses == ["approved", "approved", "denied", "pending"]
    assert AuditEvent.objects.filter(action="webaccess.lapse").count() == 1
    assert ResearchSession.objects.count() == 2


def test_research_section_renders(personas, django_assert_max_num_queries):
    populate(DemoContext(agency=personas.agency, users={}))
    request = RequestFactory().get("/")
    request.user = personas.worker
    with django_assert_max_num_queries(4):
        section = research_section(request, personas.youth)
    assert section is not None
    html = render_to_string(section["template"], {"section": section})
    assert "No website research recorded" in html
    request.user = personas.manager
    assert research_section(request, personas.youth) is None


def test_normalise_domain():
    assert rules.normalise_domain("HTTPS://www.Example.com/a?b") == "example.com"
