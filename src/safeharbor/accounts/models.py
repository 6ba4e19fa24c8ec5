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


class ApiToken(models.Model):
    """A personal API token (accounts/tokens.py). Only a SHA-256 of the secret is stored; the secret is
    shown once. It works until `expires_at`, while the session it was made in lives, while the user is
    active and holds the same roles; it ends early when revoked (`revoked_at`, `revoked_cause`)."""

    class Cause(models.TextChoices):
        OWNER = "owner", "Revoked by its owner"
        ADMIN = "admin", "Revoked by an IT admin"
        SIGN_OUT = "sign_out", "Signed out of the session it was made in"
        SESSION_ENDED = "session_ended", "The session it was made in ended"
        SESSIONS_ENDED = "sessions_ended", "An IT admin ended the user's sessions"
        MFA_RESET = "mfa_reset", "The second factor was reset"
        ROLE_CHANGE = "role_change", "The user's roles or agency changed"
        DEACTIVATED = "deactivated", "The user was disabled"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    session_key = models.CharField(max_length=40, db_index=True)
    # The roles and agency the token was issued under ("agency:role,role"): a change ends the token.
    grants = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_cause = models.CharField(max_length=20, choices=Cause.choices, blank=True)
    revoked_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who revoked it, if a person",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"], name="apitoken_user_live_idx")]

    def __str__(self) -> str:
        return f"API token #{self.pk} of user {self.user_id}"


class EnrolmentCode(models.Model):
    """A one-time code an IT admin gives a user so they can set up an authenticator app
    (accounts/enrolment.py). Stored as a SHA-256; single use; expires; voided by a newer code or by
    too many wrong tries."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    failed_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "used_at", "voided_at"], name="enrolmentcode_user_live_idx")]

    def __str__(self) -> str:
        return f"enrolment code #{self.pk} of user {self.user_id}"


class SignInLock(models.Model):
    """A username locked at every address after too many failures from any mix of addresses
    (accounts/lockout.py; the per-address lock is django-axes's own AccessAttempt rows)."""

    username = models.CharField(max_length=255, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="sign_in_locks")
    locked_at = models.DateTimeField()
    locked_until = models.DateTimeField()
    failures = models.PositiveIntegerField()
    addresses = models.PositiveIntegerField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-locked_at", "-id"]
        indexes = [models.Index(fields=["username", "locked_until"], name="signinlock_username_idx")]

    def __str__(self) -> str:
        return f"sign-in lock #{self.pk}"
