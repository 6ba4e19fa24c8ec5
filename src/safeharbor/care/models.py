from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeharbor.care import rules
from safeharbor.core.models import TimeStampedModel


class OrganisationKind(models.TextChoices):
    COMMUNITY_ADVOCACY = "community_advocacy", "Community advocacy"
    HEALTH = "health", "Health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    LEGAL = "legal", "Legal"
    HOUSING = "housing", "Housing"
    EDUCATION = "education", "Education"
    EMPLOYMENT = "employment", "Employment"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    NATIONAL_RESOURCE = "national_resource", "National resource"


class PartnerOrganisation(models.Model):
    """An outside organisation in the partner directory (RULES.md §5). Partner users belong to one.

    Facts about the organisation only: no named individuals; `general_contact` is the organisation's
    general line or address.
    """

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="partner_organisations")
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=24, choices=OrganisationKind.choices, default=OrganisationKind.COMMUNITY_ADVOCACY, db_index=True
    )
    services = models.JSONField(
        default=list, blank=True, help_text="Long-term service categories the organisation offers."
    )
    description = models.CharField(max_length=400, blank=True)
    city = models.CharField(max_length=120, blank=True)
    area_served = models.CharField(max_length=200, blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text="For example: English, Spanish, Vietnamese.")
    website = models.URLField(blank=True)
    general_contact = models.CharField(
        max_length=200, blank=True, help_text="The organisation's general phone line or address; no named people."
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="partner_org_unique_name_per_agency")]

    def __str__(self) -> str:
        return self.name

    @property
    def service_labels(self) -> list[str]:
        return [rules.CATEGORY_LABELS.get(code, code) for code in self.services or []]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not isinstance(self.services, list) or any(c not in rules.LONG_TERM_CATEGORIES for c in self.services):
            raise ValidationError({"services": "Choose services from the long-term service categories."})


class ServiceKind(models.TextChoices):
    IMMEDIATE = rules.IMMEDIATE, "Immediate intervention"
    LONG_TERM = rules.LONG_TERM, "Long-term service"


ServiceCategory = models.TextChoices(  # type: ignore[call-overload]
    "ServiceCategory",
    [
        (code.upper(), (code, rules.CATEGORY_LABELS[code]))
        for code in rules.IMMEDIATE_CATEGORIES + rules.LONG_TERM_CATEGORIES
    ],
)
ServiceStatus = models.TextChoices(  # type: ignore[call-overload]
    "ServiceStatus", [(code.upper(), (code, rules.STATUS_LABELS[code])) for code in rules.STATUSES]
)


class ServiceItem(TimeStampedModel):
    """One need of a youth's service plan: an immediate intervention or a long-term service."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="service_items")
    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="service_items")
    kind = models.CharField(max_length=12, choices=ServiceKind.choices)
    category = models.CharField(max_length=32, choices=ServiceCategory.choices)
    status = models.CharField(max_length=16, choices=ServiceStatus.choices, default="needed", db_index=True)
    partner = models.ForeignKey(
        PartnerOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="service_items"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_items")
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    determined_at = models.DateTimeField(
        null=True, blank=True, help_text="For immediate interventions: the determination that called for them."
    )
    notes = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["agency", "status", "due_at"], name="service_agency_status_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "category"],
                condition=Q(kind=rules.IMMEDIATE),
                name="service_immediate_once_per_youth",
            ),
            models.CheckConstraint(
                condition=(Q(kind=rules.IMMEDIATE) & Q(category__in=rules.IMMEDIATE_CATEGORIES))
                | (Q(kind=rules.LONG_TERM) & Q(category__in=rules.LONG_TERM_CATEGORIES)),
                name="service_category_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"Service item #{self.pk}"

    @property
    def category_label(self) -> str:
        return rules.CATEGORY_LABELS.get(self.category, self.category)

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return rules.is_open(self.status)


class ServiceStatusChange(models.Model):
    """Who moved a service item from one status to another, and when."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="status_changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    from_status = models.CharField(max_length=16, choices=ServiceStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ServiceStatus.choices)
    effective_on = models.DateField(help_text="The day the change happened, on the agency's calendar.")

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"Status change #{self.pk}"
