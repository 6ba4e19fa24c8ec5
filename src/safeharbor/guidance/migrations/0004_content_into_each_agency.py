"""Give every existing agency its own guidance content (issue 14, item 4).

Until now the glossary, myths, strategies, needs, legal basis and the policy handbook had no agency:
one set of rows, shown to and editable by the admin of every agency. Each agency saw the same content,
so each gets a copy of it as it stands now, edits included:

- no agency yet (a fresh installation): the seeded rows are the shared default text, which
  `guidance/defaults.py` carries too, so they are removed; `guidance_defaults_ensure` copies the
  defaults into each agency when it is created or first opens the guidance pages;
- one or more agencies: the existing rows (with their ids and their history) go to the first agency,
  and every other agency gets a copy, its policy sections (every version) linked to its own copies of
  the legal basis.

Reversing keeps the first agency's content as the shared content again and removes the copies.
"""

from django.db import migrations

SIMPLE = ["GlossaryTerm", "Myth", "Strategy", "Need"]
COPIED_FIELDS = {
    "GlossaryTerm": ["key", "term", "meaning", "indicator", "citation", "order"],
    "Myth": ["name", "myth", "facts", "citation", "order"],
    "Strategy": ["title", "body", "citation", "order"],
    "Need": ["horizon", "name", "description", "citation", "order"],
    "LegalBasis": ["key", "citation", "title", "jurisdiction", "summary", "source", "order"],
}
SECTION_FIELDS = [
    "key",
    "version",
    "order",
    "title",
    "summary",
    "effective_date",
    "last_updated",
    "related_forms",
    "enforced_by",
    "change_note",
]
ALL = [*SIMPLE, "LegalBasis", "PolicyDocument"]


def _copy(model, row, agency_id, fields):
    return model.objects.create(agency_id=agency_id, **{name: getattr(row, name) for name in fields})


def forwards(apps, schema_editor):
    Agency = apps.get_model("agency", "Agency")
    PolicySection = apps.get_model("guidance", "PolicySection")
    agency_ids = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
    if not agency_ids:
        PolicySection.objects.all().delete()
        for name in ["PolicyDocument", "LegalBasis", *SIMPLE]:
            apps.get_model("guidance", name).objects.filter(agency__isnull=True).delete()
        return
    first, others = agency_ids[0], agency_ids[1:]
    for name in ALL:
        apps.get_model("guidance", name).objects.filter(agency__isnull=True).update(agency_id=first)
        apps.get_model("guidance", f"Historical{name}").objects.filter(agency__isnull=True).update(agency_id=first)
    for agency_id in others:
        for name in SIMPLE:
            model = apps.get_model("guidance", name)
            for row in model.objects.filter(agency_id=first).order_by("pk"):
                _copy(model, row, agency_id, COPIED_FIELDS[name])
        LegalBasis = apps.get_model("guidance", "LegalBasis")
        legal = {
            row.pk: _copy(LegalBasis, row, agency_id, COPIED_FIELDS["LegalBasis"])
            for row in LegalBasis.objects.filter(agency_id=first).order_by("pk")
        }
        PolicyDocument = apps.get_model("guidance", "PolicyDocument")
        for document in PolicyDocument.objects.filter(agency_id=first).order_by("pk"):
            copy = _copy(PolicyDocument, document, agency_id, ["code", "title"])
            for section in PolicySection.objects.filter(document=document).order_by("pk"):
                new = PolicySection.objects.create(
                    document=copy, **{name: getattr(section, name) for name in SECTION_FIELDS}
                )
                new.legal_basis.set([legal[b.pk] for b in section.legal_basis.all() if b.pk in legal])


def backwards(apps, schema_editor):
    PolicySection = apps.get_model("guidance", "PolicySection")
    owners = [
        apps.get_model("guidance", name).objects.order_by("agency_id").values_list("agency_id", flat=True).first()
        for name in ALL
    ]
    keep = min((owner for owner in owners if owner is not None), default=None)
    PolicySection.objects.exclude(document__agency_id=keep).delete()
    for name in ["PolicyDocument", "LegalBasis", *SIMPLE]:
        model = apps.get_model("guidance", name)
        model.objects.exclude(agency_id=keep).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0001_initial"),
        ("guidance", "0003_content_agency_nullable"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
