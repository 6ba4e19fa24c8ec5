"""Guidance pages: the agency's copy of the default content, the handbook with versions and enforcement,
the live check, notes. Cross-agency cases: test_agency_content.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.urls import reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.guidance import services
from safeharbor.guidance.models import CaseNote, GlossaryTerm, LegalBasis, Myth, PolicySection

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _content(personas):
    """The personas' agency has its copy of the default content, as after its creation."""
    services.guidance_defaults_ensure(agency=personas.agency)


def test_default_content_is_present_and_names_no_people(personas):
    assert GlossaryTerm.objects.filter(agency=personas.agency).count() == 13
    assert Myth.objects.filter(agency=personas.agency).count() == 4
    keys = set(LegalBasis.objects.filter(agency=personas.agency).values_list("key", flat=True))
    for key in ["18-usc-2251", "pc-236-1", "pc-311-3", "42-usc-671-a-34", "42-usc-671-a-35", "pl-113-183"]:
        assert key in keys
    for key in ["wic-16501-35", "wic-16501-45", "wic-827", "wic-18961-7", "pc-13753", "pc-11166"]:
        assert key in keys
    text = " ".join(
        list(PolicySection.objects.values_list("summary", flat=True))
        + list(GlossaryTerm.objects.values_list("meaning", flat=True))
    )
    # The handbook's contact people must never appear; their surnames are kept here only as hashes,
    # so the test itself does not carry them.
    words = {hashlib.sha256(w.lower().encode()).hexdigest()[:16] for w in re.findall(r"[A-Za-z]+", text)}
    assert not words & {"1f7f389318737dde", "14e59f423e87958e"}
    assert "408" not in text
    assert all(s.citation.startswith("handbook 13-19") for s in GlossaryTerm.objects.all())


def test_knowledge_pages_render_for_a_partner(personas, login, django_assert_max_num_queries):
    client = login(personas.partner)
    for name, kwargs in [
        ("guidance:index", {}),
        ("guidance:glossary", {}),
        ("guidance:list", {"kind": "legal"}),
        ("guidance:list", {"kind": "needs"}),
        ("guidance:list", {"kind": "strategies"}),
        ("guidance:handbook", {}),
        ("guidance:rules", {}),
    ]:
        with django_assert_max_num_queries(12):
            response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
    glossary = client.get(reverse("guidance:glossary")).content.decode()
    assert "term-daddy" in glossary and "Language and Terminology" in glossary


def test_search_spans_every_kind(personas, login):
    client = login(personas.worker)
    body = client.get(reverse("guidance:search"), {"q": "consent"}).content.decode()
    assert "Myths and facts" in body
    body = client.get(reverse("guidance:search"), {"q": "Multidisciplinary"}).content.decode()
    assert "Policy handbook" in body and "Legal basis" in body
    body = client.get(reverse("guidance:search"), {"q": "zzzz-not-there"}).content.decode()
    assert "Nothing in the guidance matches" in body


def test_handbook_lists_enforcement_and_rules_page_lists_sections(personas, login):
    client = login(personas.worker)
    body = client.get(reverse("guidance:handbook")).content.decode()
    assert "Table of contents" in body
    assert "#rule-screening" in body and "#rule-mdt-sessions" in body and "#rule-language" in body
    assert "Effective date" in body and "2014-04-04" in body
    rules_body = client.get(reverse("guidance:rules")).content.decode()
    assert 'id="rule-language"' in rules_body
    assert "Language and Terminology of the Pimp Structure" in rules_body


def test_mdt_referral_form_link_resolves_or_is_omitted(personas, login):
    body = login(personas.worker).get(reverse("guidance:section", kwargs={"key": "mdt"})).content.decode()
    assert "CSEC MDT referral form" in body  # falls back to the youth list when the form needs a youth


def test_new_section_version_keeps_the_old_one(personas, login):
    client = login(personas.admin)
    url = reverse("guidance:section-new-version", kwargs={"key": "mdt"})
    legal = LegalBasis.objects.get(agency=personas.agency, key="wic-827")
    response = client.post(
        url,
        {
            "title": "CSEC Multidisciplinary Team Meeting",
            "summary": "Meetings now happen twice a month.",
            "effective_date": "2026-01-01",
            "last_updated": "2026-01-02",
            "legal_basis": [legal.pk],
            "enforced_by": "mdt-sessions, language",
            "change_note": "Twice-monthly meetings.",
        },
    )
    assert response.status_code == 302
    versions = PolicySection.objects.filter(document__agency=personas.agency, key="mdt").order_by("version")
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].enforced_by == ["mdt-sessions", "language"]
    body = client.get(reverse("guidance:section-version", kwargs={"key": "mdt", "version": 1})).content.decode()
    assert "no longer current" in body and "2014-04-04" in body
    assert AuditEvent.objects.filter(action="guidance.section.new_version").count() == 1
    bad = client.post(url, {"title": "x", "summary": "y", "effective_date": "2026-02-01", "last_updated": "2026-01-01"})
    assert bad.status_code == 400
    assert PolicySection.objects.filter(document__agency=personas.agency, key="mdt").count() == 2


def test_admin_edits_content_with_history_and_audit(personas, login):
    client = login(personas.admin)
    myth = Myth.objects.filter(agency=personas.agency).order_by("pk").first()
    url = reverse("guidance:content-edit", kwargs={"kind": "myths", "pk": myth.pk})
    response = client.post(
        url, {"name": myth.name, "myth": myth.myth, "facts": "Rewritten facts.", "citation": myth.citation, "order": 1}
    )
    assert response.status_code == 302
    myth.refresh_from_db()
    assert myth.facts == "Rewritten facts."
    assert myth.history.first().history_user == personas.admin
    assert AuditEvent.objects.filter(action="guidance.myths.update", object_id=str(myth.pk)).exists()
    assert "History" in client.get(url).content.decode()


def test_language_check_partial(personas, login):
    client = login(personas.worker)
    url = reverse("guidance:language-check")
    response = client.post(url, {"field": "narrative", "narrative": "She is a child prostitute and calls him “Daddy”."})
    body = response.content.decode()
    assert response.status_code == 200
    assert "child prostitute" in body and "commercially sexually exploited" in body
    assert 'aria-describedby="sh-narrative-tip-1"' in body and 'role="tooltip"' in body
    assert "the youth&#x27;s own words" in body or "the youth's own words" in body
    assert "the_life_lingo" in body
    assert client.post(url, {"text": "She keeps track of her homework."}).content.decode().strip() == ""
    assert "too long" in client.post(url, {"text": "a" * 100_001}).content.decode()
    assert client.get(url).status_code == 405


def test_indicator_help_links_glossary(personas, login):
    body = login(personas.worker).get(reverse("guidance:indicator-help", kwargs={"code": "the_life_lingo"})).content
    assert b"term-daddy" in body


def test_notes_save_with_findings_and_show_tooltips(personas, login, django_assert_max_num_queries):
    client = login(personas.worker)
    url = reverse("guidance:notes", kwargs={"youth_pk": personas.youth.pk})
    response = client.post(url, {"text": "Staff called her a prostitute. She was on the track with her wife-in-law."})
    assert response.status_code == 302
    note = CaseNote.objects.get(youth=personas.youth)
    assert note.author == personas.worker
    assert AuditEvent.objects.filter(action="guidance.case_note.create", object_id=str(note.pk)).exists()
    for _ in range(3):
        services.case_note_create(actor=personas.worker, youth=personas.youth, text="Visited; she is on the stroll.")
    with django_assert_max_num_queries(25):
        body = client.get(url).content.decode()
    assert 'class="sh-term sh-term--lingo"' in body and 'role="tooltip"' in body
    assert client.post(url, {"text": ""}).status_code == 400
    assert CaseNote.objects.filter(youth=personas.youth).count() == 4


def test_profile_section_shows_latest_notes(personas, rf):
    from safeharbor.guidance.sections import latest_notes

    services.case_note_create(actor=personas.worker, youth=personas.youth, text="First note.")
    section = latest_notes(rf.get("/"), personas.youth)
    assert section is not None and len(section["notes"]) == 1
    assert section["url"].endswith(f"/youth/{personas.youth.pk}/notes/")


def test_section_clean_rejects_bad_dates():
    section = PolicySection.objects.first()
    section.last_updated = section.effective_date - dt.timedelta(days=1)
    with pytest.raises(Exception, match="Last updated"):
        section.full_clean()
