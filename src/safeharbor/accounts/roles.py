from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    WORKER = "worker", "Social worker"
    SUPERVISOR = "supervisor", "Supervisor"
    COORDINATOR = "coordinator", "CSEC coordinator"
    MANAGER = "manager", "Manager"
    PARTNER = "partner", "MDT partner"
    AUDITOR = "auditor", "Auditor"
    ADMIN = "admin", "IT administrator"


# Roles that may never skip the second factor (DESIGN.md, security baseline).
ALWAYS_MFA = frozenset({Role.PARTNER, Role.AUDITOR, Role.ADMIN})
