"""Guidance content belongs to an agency (issue 14, item 4): each agency's own copy of the default text,
the doors that 404 across agencies, an admin of another agency on every guidance URL, and the data
migration that gave existing agencies their copies."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404
from django.urls import get_resolver, reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing.factories import AgencyFactory, UserFactory
from safeharbor.guidance import defaults, selectors, services
from safeharbor.guidance.models import (
    GlossaryTerm,
    LegalBasis,
    Myth,
    Need,
    PolicyDocument,
    PolicySection,
    Strategy,
)
from safeharbor.guidance.tests.matrix import OTHER_AGENCY_ADMIN_ROWS, ROWS, AdminRow

pytestmark = pytest.mark.django_db

ENTRY_MODELS = [GlossaryTerm, Myth, Strategy, Need, LegalBasis]
SEED_MIGRATION = "safeharbor.guidance.migrations.0002_seed_handbook_13_19"


@pytest.fixture
def other_admin(personas: Any) -> Any:
    return UserFactory(username="otheradmin", agency=personas.other_agency, roles=["admin"])


@pytest.fixture
def content(personas: Any) -> None:
    services.guidance_defaults_ensure(agency=personas.agency)
    services.guidance_defaults_ensure(agency=personas.other_agency)


def _snapshot(agency: Any) -> list[Any]:
    """Everything of an agency's guidance content, to compare before and after a request."""
    rows: list[Any] = [list(m.objects.filter(agency=agency).order_by("pk").values()) for m in ENTRY_MODELS]
    rows.append(list(PolicyDocument.objects.filter(agency=agency).order_by("pk").values()))
    sections = PolicySection.objects.filter(document__agency=agency).order_by("pk")
    rows.append(list(sections.values()))
    rows.append(sorted(sections.values_list("pk", "legal_basis")))
    return rows


def _counts(agency: Any) -> dict[str, int]:
    result = {m.__name__: m.objects.filter(agency=agency).count() for m in ENTRY_MODELS}
    result["PolicySection"] = PolicySection.objects.filter(document__agency=agency).count()
    return result


DEFAULT_COUNTS = {
    "GlossaryTerm": len(defaults.GLOSSARY),
    "Myth": len(defaults.MYTHS),
    "Strategy": len(defaults.STRATEGIES),
    "Need": len(defaults.NEEDS),
    "LegalBasis": len(defaults.LEGAL),
    "PolicySection": len(defaults.SECTIONS),
}


# --- The shared default text and each agency's copy --------------------------------------------------


def test_defaults_are_the_text_the_seed_migration_gave_existing_installations():
    frozen = importlib.import_module(SEED_MIGRATION)
    for name in ["GLOSSARY", "MYTHS", "STRATEGIES", "NEEDS", "LEGAL", "SECTIONS"]:
        assert getattr(defaults, name) == getattr(frozen, name), name


def test_fresh_installation_has_no_guidance_rows_until_an_agency_copies_the_defaults():
    """The test database was migrated with no agency: 0004 removed the seeded shared rows."""
    assert not any(m.objects.exists() for m in [*ENTRY_MODELS, PolicyDocument, PolicySection])


def test_defaults_are_copied_into_an_agency_once(personas, django_assert_num_queries):
    assert _counts(personas.agency) == dict.fromkeys(DEFAULT_COUNTS, 0)
    added = services.guidance_defaults_ensure(agency=personas.agency)
    assert sum(added.values()) == sum(DEFAULT_COUNTS.values())
    assert _counts(personas.agency) == DEFAULT_COUNTS
    assert _counts(personas.other_agency) == dict.fromkeys(DEFAULT_COUNTS, 0)
    mdt = PolicySection.objects.get(document__agency=personas.agency, key="mdt")
    assert set(mdt.legal_basis.values_list("agency_id", flat=True)) == {personas.agency.pk}
    assert Myth.objects.filter(agency=personas.agency).first().history.count() == 1
    event = AuditEvent.objects.get(action="guidance.defaults_seed")
    assert event.agency_id == personas.agency.pk and event.object_id == str(personas.agency.pk)
    # From now on the copy is the agency's: edits stay, nothing comes back, one query to find out.
    Myth.objects.filter(agency=personas.agency).update(name="Renamed by the agency")
    with django_assert_num_queries(1):
        assert sum(services.guidance_defaults_ensure(agency=personas.agency).values()) == 0
    assert _counts(personas.agency) == DEFAULT_COUNTS


def test_an_agency_with_some_content_gets_only_the_kinds_it_lacks(personas):
    Myth.objects.create(agency=personas.agency, name="Our myth", myth="m", facts="f", citation="local")
    added = services.guidance_defaults_ensure(agency=personas.agency)
    assert added["myths"] == 0 and added["glossary"] == len(defaults.GLOSSARY)
    assert list(Myth.objects.filter(agency=personas.agency).values_list("name", flat=True)) == ["Our myth"]


def test_first_use_of_the_guidance_pages_copies_the_content(personas, login):
    assert not PolicyDocument.objects.filter(agency=personas.agency).exists()
    response = login(personas.worker).get(reverse("guidance:handbook"))
    assert response.status_code == 200
    assert _counts(personas.agency) == DEFAULT_COUNTS
    assert "Table of contents" in response.content.decode()


# --- An admin of another agency on every guidance URL ---------------------------------------------


def _names_in(rows: list[Any], method: str) -> set[str]:
    return {row.name for row in rows if row.method == method}


def test_every_guidance_url_has_an_other_agency_admin_row():
    resolver = get_resolver()
    names = {
        f"guidance:{name}" for name in resolver.namespace_dict["guidance"][1].reverse_dict if isinstance(name, str)
    }
    assert names - _names_in(OTHER_AGENCY_ADMIN_ROWS, "get") <= {"guidance:language-check"}  # POST only
    assert _names_in(ROWS, "post") <= _names_in(OTHER_AGENCY_ADMIN_ROWS, "post")


@pytest.mark.parametrize("row", OTHER_AGENCY_ADMIN_ROWS, ids=[row.id for row in OTHER_AGENCY_ADMIN_ROWS])
def test_an_admin_of_another_agency(row: AdminRow, personas, other_admin, content, client) -> None:
    """Each admin in a savepoint rolled back. The other agency's admin never changes anything of the
    first agency, whatever the answer."""
    url = reverse(row.name, kwargs=row.kwargs(personas))
    body = row.data(personas) if row.data else {}
    failures = []
    for user, expected in [(personas.admin, row.own), (other_admin, row.other)]:
        with transaction.atomic():
            before = _snapshot(personas.agency)
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            response = client.get(url) if row.method == "get" else client.post(url, body)
            if response.status_code != expected:
                failures.append(f"{user.username}: got {response.status_code}, expected {expected}")
            if user == other_admin and _snapshot(personas.agency) != before:
                failures.append("the other agency's admin changed the first agency's content")
            transaction.set_rollback(True)
    assert not failures, f"{row.id}: " + "; ".join(failures)


def test_rewriting_another_agencys_content_is_a_404_audited_and_changes_nothing(personas, other_admin, content, login):
    myth = Myth.objects.filter(agency=personas.agency).order_by("pk").first()
    client = login(other_admin)
    url = reverse("guidance:content-edit", kwargs={"kind": "myths", "pk": myth.pk})
    data = {"name": "Hijacked", "myth": "x", "facts": "y", "citation": "z", "order": 1}
    assert client.post(url, data).status_code == 404
    myth.refresh_from_db()
    assert myth.name != "Hijacked"
    denial = AuditEvent.objects.get(action="guidance.myths.edit", outcome=AuditEvent.Outcome.DENIED)
    assert denial.actor_id == other_admin.pk and denial.object_id == str(myth.pk)
    # A new version of "mdt" by the other agency's admin goes into their own handbook only.
    response = client.post(
        reverse("guidance:section-new-version", kwargs={"key": "mdt"}),
        {
            "title": "Our MDT",
            "summary": "Weekly.",
            "effective_date": "2026-01-01",
            "last_updated": "2026-01-01",
            "change_note": "Weekly meetings.",
        },
    )
    assert response.status_code == 302
    versions = PolicySection.objects.filter(key="mdt").values_list("document__agency_id", "version")
    assert sorted(versions) == sorted(
        [(personas.agency.pk, 1), (personas.other_agency.pk, 1), (personas.other_agency.pk, 2)]
    )
    body = login(personas.worker).get(reverse("guidance:section", kwargs={"key": "mdt"})).content.decode()
    assert "Weekly." not in body and "Our MDT" not in body


def test_every_read_is_of_the_users_agency(personas, other_admin, content, login):
    other = GlossaryTerm.objects.get(agency=personas.other_agency, key="daddy")
    other.meaning = "OTHER-COUNTY-MEANING"
    other.save()
    Myth.objects.filter(agency=personas.other_agency).update(facts="OTHER-COUNTY-FACTS")
    services.case_note_create(actor=personas.worker, youth=personas.youth, text="She calls him Daddy.")
    client = login(personas.worker)
    pages = [
        client.get(reverse("guidance:glossary")),
        client.get(reverse("guidance:list", kwargs={"kind": "myths"})),
        client.get(reverse("guidance:indicator-help", kwargs={"code": "the_life_lingo"})),
        client.post(reverse("guidance:language-check"), {"text": "She calls him Daddy."}),
        client.get(reverse("guidance:notes", kwargs={"youth_pk": personas.youth.pk})),
    ]
    for response in pages:
        assert response.status_code == 200
        assert "OTHER-COUNTY" not in response.content.decode()
    search = client.get(reverse("guidance:search"), {"q": "OTHER-COUNTY"}).content.decode()
    assert "Nothing in the guidance matches" in search
    own = GlossaryTerm.objects.get(agency=personas.agency, key="daddy").meaning
    assert own[:40] in pages[3].content.decode()
    other_body = login(personas.other_agency_worker).post(
        reverse("guidance:language-check"), {"text": "She calls him Daddy."}
    )
    assert "OTHER-COUNTY-MEANING" in other_body.content.decode()


def test_services_refuse_another_agencys_content(personas, other_admin, content):
    myth = Myth.objects.filter(agency=personas.agency).first()
    with pytest.raises(PermissionDenied):
        services.content_save(actor=other_admin, instance=myth, kind="myths")
    with pytest.raises(PermissionDenied):
        services.content_save(actor=other_admin, instance=Myth(agency=personas.agency, name="n"), kind="myths")
    with pytest.raises(PermissionDenied):
        services.content_save(actor=personas.worker, instance=myth, kind="myths")  # not an admin
    section = PolicySection.objects.get(document__agency=personas.agency, key="mdt")
    arguments: dict[str, Any] = {
        "title": "t",
        "summary": "s",
        "effective_date": section.effective_date,
        "last_updated": section.last_updated,
        "enforced_by": [],
        "related_forms": [],
        "change_note": "c",
    }
    with pytest.raises(PermissionDenied):
        services.section_new_version(actor=other_admin, current=section, legal_basis=[], **arguments)
    theirs = list(LegalBasis.objects.filter(agency=personas.other_agency)[:1])
    with pytest.raises(ValidationError):
        services.section_new_version(actor=personas.admin, current=section, legal_basis=theirs, **arguments)
    assert PolicySection.objects.filter(document__agency=personas.agency, key="mdt").count() == 1


def test_doors_answer_404_across_agencies_and_audit_both_outcomes(personas, other_admin, content):
    term = GlossaryTerm.objects.get(agency=personas.agency, key="daddy")
    assert selectors.guidance_glossary_term_get_for_user(user=personas.worker, pk=term.pk) == term
    assert AuditEvent.objects.filter(action="guidance.glossary.view", object_id=str(term.pk), outcome="ok").exists()
    with pytest.raises(Http404):
        selectors.guidance_glossary_term_get_for_user(user=personas.other_agency_worker, pk=term.pk)
    with pytest.raises(Http404):
        selectors.guidance_glossary_term_get_for_user(user=other_admin, pk=term.pk, write=True)
    with pytest.raises(Http404):
        selectors.guidance_glossary_term_get_for_user(user=personas.worker, pk=term.pk, write=True)
    denied = AuditEvent.objects.filter(action__startswith="guidance.glossary.", outcome=AuditEvent.Outcome.DENIED)
    assert denied.count() == 3
    for door, model in [
        (selectors.guidance_myth_get_for_user, Myth),
        (selectors.guidance_strategy_get_for_user, Strategy),
        (selectors.guidance_need_get_for_user, Need),
        (selectors.guidance_legal_basis_get_for_user, LegalBasis),
    ]:
        entry = model.objects.filter(agency=personas.agency).first()
        assert door(user=personas.admin, pk=entry.pk, write=True) == entry
        with pytest.raises(Http404):
            door(user=other_admin, pk=entry.pk)
    with pytest.raises(Http404):
        selectors.guidance_myth_get_for_user(user=personas.admin, pk="not-a-number")
    personas.worker.is_active = False  # a disabled account reads nothing, its agency's content included
    with pytest.raises(Http404):
        selectors.guidance_glossary_term_get_for_user(user=personas.worker, pk=term.pk)
    assert selectors.glossary_by_key(user=personas.worker) == {}
    personas.worker.is_active = True
    section = selectors.guidance_section_get_for_user(user=personas.worker, key="mdt")
    assert section.document.agency_id == personas.agency.pk
    with pytest.raises(Http404):
        selectors.guidance_section_get_for_user(user=personas.worker, key="mdt", write=True)
    assert AuditEvent.objects.filter(
        action="guidance.section.edit", outcome=AuditEvent.Outcome.DENIED, detail__key="mdt"
    ).exists()


def test_a_key_is_unique_within_an_agency_only(personas, other_admin, content, login):
    client = login(personas.admin)
    url = reverse("guidance:content-new", kwargs={"kind": "glossary"})
    data = {"key": "daddy", "term": "Again", "meaning": "m", "citation": "c", "order": 1}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "already has an entry with this key" in response.content.decode()
    data["key"] = "local-word"
    assert client.post(url, data).status_code == 302
    assert login(other_admin).post(url, data).status_code == 302  # the same key in another agency
    assert GlossaryTerm.objects.filter(key="local-word").count() == 2
    term = GlossaryTerm.objects.get(agency=personas.agency, key="local-word")
    edit = reverse("guidance:content-edit", kwargs={"kind": "glossary", "pk": term.pk})
    assert login(personas.admin).post(edit, {**data, "meaning": "changed"}).status_code == 302


def test_a_new_section_version_offers_only_the_agencys_legal_basis(personas, content, login):
    client = login(personas.admin)
    url = reverse("guidance:section-new-version", kwargs={"key": "mdt"})
    offered = {choice[0].value for choice in client.get(url).context["form"].fields["legal_basis"].choices}
    assert offered == set(LegalBasis.objects.filter(agency=personas.agency).values_list("pk", flat=True))
    theirs = LegalBasis.objects.filter(agency=personas.other_agency).first()
    response = client.post(
        url,
        {
            "title": "t",
            "summary": "s",
            "effective_date": "2026-01-01",
            "last_updated": "2026-01-01",
            "legal_basis": [theirs.pk],
            "change_note": "c",
        },
    )
    assert response.status_code == 400


# --- The data migration ------------------------------------------------------------------------------


def _migrate(target: list[tuple[str, str]]) -> Any:
    """Migrate the test database to `target`; return the historical models there."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(target)
    return state.apps


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


BEFORE = [("guidance", "0002_seed_handbook_13_19")]
EDITED = "Edited by an admin before the change."


def _existing_installation(old: Any) -> tuple[Any, Any]:
    """The content of an installation before the change: the seed, an edited myth, a second version."""
    importlib.import_module(SEED_MIGRATION).seed(old, None)
    myth = old.get_model("guidance", "Myth").objects.order_by("pk").first()
    myth.facts = EDITED
    myth.save()
    section = old.get_model("guidance", "PolicySection").objects.get(key="mdt")
    section.pk = None
    section.version = 2
    section.save()  # with no legal basis
    return myth, section


@pytest.mark.django_db(transaction=True)
def test_existing_content_becomes_each_agencys_own() -> None:
    try:
        # (A fresh installation, with no agency yet, is the test database itself: see test_fresh_installation_...)
        # Three agencies: the first keeps the rows (same ids, edits), the others get copies of them.
        myth, _ = _existing_installation(_migrate(BEFORE))
        owners = [AgencyFactory(name=f"Fictional County {n}", slug=f"county-{n}") for n in range(3)]
        _migrate(_latest())
        assert Myth.objects.get(pk=myth.pk).agency_id == owners[0].pk
        expected = {**DEFAULT_COUNTS, "PolicySection": len(defaults.SECTIONS) + 1}
        for agency in owners:
            assert _counts(agency) == expected
            assert Myth.objects.filter(agency=agency, facts=EDITED).count() == 1
            versions = PolicySection.objects.filter(document__agency=agency, key="mdt").order_by("version")
            assert [s.version for s in versions] == [1, 2]
            bases = versions[0].legal_basis.all()
            assert {b.agency_id for b in bases} == {agency.pk}
            assert {b.key for b in bases} == {"wic-827", "wic-18961-7", "pc-13753"}
            assert services.guidance_defaults_ensure(agency=agency) == dict.fromkeys(services.DEFAULT_KINDS, 0)

        # And back: the first agency's content is the shared content again.
        old = _migrate(BEFORE)
        assert old.get_model("guidance", "GlossaryTerm").objects.count() == len(defaults.GLOSSARY)
        assert old.get_model("guidance", "PolicySection").objects.count() == len(defaults.SECTIONS) + 1
        assert old.get_model("guidance", "Myth").objects.get(pk=myth.pk).facts == EDITED
    finally:
        _migrate(_latest())
