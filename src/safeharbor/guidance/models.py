"""Knowledge at the point of need (handbook 13-19) and the agency's versioned policy handbook.

Every entry belongs to one agency (DESIGN.md, "Every record belongs to one agency"): each agency has its
own glossary, myths, strategies, needs, legal basis and versioned handbook, first copied from the shared
default text (`guidance/defaults.py`) by `services.guidance_defaults_ensure`. An agency's admin edits
only the agency's copy; every change is kept by django-simple-history and written to the audit chain.
A policy section belongs to its document's agency. Case notes belong to a youth and are reached only
through the youth door.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from safeharbor.core.models import TimeStampedModel


class GlossaryTerm(TimeStampedModel):
    """A term of "the life" with its meaning in plain words."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=40, help_text="Stable key; the language check uses it.")
    term = models.CharField(max_length=80)
    meaning = models.TextField()
    indicator = models.CharField(
        max_length=40, blank=True, help_text="The screening sign that use of this term suggests, if any."
    )
    citation = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "key"],
                name="glossary_term_unique_key_per_agency",
                violation_error_message="The glossary already has a term with this key.",
            ),
        ]

    def __str__(self) -> str:
        return self.term


class Myth(TimeStampedModel):
    """A belief that blames the child, and the facts that answer it."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=80)
    myth = models.TextField("the myth")
    facts = models.TextField("the facts")
    citation = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Strategy(TimeStampedModel):
    """A way to engage a youth who is, or may be, exploited."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    body = models.TextField()
    citation = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.title


class Need(TimeStampedModel):
    """An immediate or long-term need of a victim, and what meets it."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="+")

    class Horizon(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate"
        LONG_TERM = "long_term", "Long-term"

    horizon = models.CharField(max_length=12, choices=Horizon.choices)
    name = models.CharField(max_length=80)
    description = models.TextField()
    citation = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["horizon", "order", "name"]

    def __str__(self) -> str:
        return self.name


class LegalBasis(TimeStampedModel):
    """A statute the protocol rests on, described in plain words (never quoted)."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="+")

    class Jurisdiction(models.TextChoices):
        FEDERAL = "federal", "Federal"
        CALIFORNIA = "california", "California"

    key = models.SlugField(max_length=40)
    citation = models.CharField(max_length=80)
    title = models.CharField(max_length=160)
    jurisdiction = models.CharField(max_length=12, choices=Jurisdiction.choices)
    summary = models.TextField()
    source = models.CharField(max_length=200, help_text="Where the software or the handbook relies on it.")
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "citation"]
        verbose_name_plural = "legal bases"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "key"],
                name="legal_basis_unique_key_per_agency",
                violation_error_message="The legal basis already has an entry with this key.",
            ),
        ]

    def __str__(self) -> str:
        return self.citation


class PolicyDocument(TimeStampedModel):
    """One of the agency's policy pages, e.g. handbook 13-19."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=20)
    title = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="policy_document_unique_code_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PolicySection(TimeStampedModel):
    """One version of one section. A new version is a new row; older versions stay readable."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="sections")
    key = models.SlugField(max_length=60)
    version = models.PositiveIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="The section in plain words.")
    effective_date = models.DateField()
    last_updated = models.DateField()
    legal_basis = models.ManyToManyField(LegalBasis, blank=True, related_name="sections")
    related_forms = models.JSONField(
        default=list, blank=True, help_text='A list of {"label", "url_name", "note"} entries.'
    )
    enforced_by = models.JSONField(
        default=list, blank=True, help_text="Keys of the software rules that implement this section."
    )
    change_note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords(m2m_fields=[legal_basis])

    class Meta:
        ordering = ["document", "order", "key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["document", "key", "version"], name="policy_section_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def agency_id(self) -> int:
        """A section belongs to its document's agency (the permission predicates and the audit read it)."""
        return self.document.agency_id

    def clean(self) -> None:
        if self.effective_date and self.last_updated and self.last_updated < self.effective_date:
            raise ValidationError({"last_updated": "Last updated cannot be before the effective date."})
        if not isinstance(self.enforced_by, list) or not all(isinstance(k, str) for k in self.enforced_by):
            raise ValidationError({"enforced_by": "Give a list of rule keys."})
        if not isinstance(self.related_forms, list) or not all(
            isinstance(f, dict) and isinstance(f.get("label"), str) for f in self.related_forms
        ):
            raise ValidationError({"related_forms": 'Give a list of {"label": ..., "url_name": ...} entries.'})


class CaseNote(models.Model):
    """A worker's note about a youth. The language check runs as it is written; it never blocks."""

    youth = models.ForeignKey("youth.Youth", on_delete=models.PROTECT, related_name="case_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=100_000)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["youth", "-created_at"], name="casenote_youth_recent")]

    def __str__(self) -> str:
        return f"Case note {self.pk}"
