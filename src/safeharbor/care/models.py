from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class PartnerOrganisation(models.Model):
    """An outside organisation in the partner directory (RULES.md §5). Partner users belong to one."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="partner_organisations")
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=120, blank=True)
    website = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="partner_org_unique_name_per_agency")
        ]

    def __str__(self) -> str:
        return self.name
