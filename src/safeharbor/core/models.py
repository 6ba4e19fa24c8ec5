from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    """Base for records: creation and change instants in UTC."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Lease(models.Model):
    """A named lease that expires on its own (DESIGN.md: "every lock a worker takes expires"), with the
    heartbeat of the job it guards.

    One row per job (e.g. `deadlines-sweep`). The lease is free when `holder` is blank or `expires_at`
    has passed, so a holder killed with SIGKILL blocks the job for at most one lease length. `holder`
    names one acquisition (host, process id, random suffix), never a person. Written only through
    `core/leases.py`.
    """

    name = models.CharField(max_length=60, primary_key=True)
    holder = models.CharField(max_length=200, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True, help_text="When the last holder took the lease.")
    expires_at = models.DateTimeField(help_text="The lease is free from this instant, whoever holds it.")
    last_completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a holder last released the lease after finishing its work."
    )

    def __str__(self) -> str:
        return f"Lease {self.name}"
