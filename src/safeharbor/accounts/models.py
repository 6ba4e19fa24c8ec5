from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from safeharbor.accounts.roles import Role


class Unit(models.Model):
    """A team of workers with one supervisor; a manager may manage several units."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="units")
    name = models.CharField(max_length=120)
    supervisor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="supervised_units"
    )
    manager = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_units"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unit_unique_name_per_agency")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles are granted separately; a person may hold several."""

    agency = models.ForeignKey("agency.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    partner_organisation = models.ForeignKey(
        "care.PartnerOrganisation", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Demo accounts may skip the second factor, and only while DEBUG is on (accounts/mfa.py decides).
    mfa_exempt_in_demo = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.roles.intersection(roles))

    def clean(self) -> None:
        if self.unit is not None and self.agency_id and self.unit.agency_id != self.agency_id:
            raise ValidationError({"unit": "The unit belongs to another agency."})


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class UserSession(models.Model):
    """Which server-side session belongs to whom, so an admin can end a user's sessions (accounts/sessions.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="usersession_user_idx")]

    def __str__(self) -> str:
        return f"session of user {self.user_id}"
