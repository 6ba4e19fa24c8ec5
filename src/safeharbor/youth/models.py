from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeharbor.core.models import TimeStampedModel
from safeharbor.core.timeutils import age_on
from safeharbor.screening.codes import STATUS_LABELS, STATUSES


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    TRANSGENDER = "transgender", "Transgender"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class DobVerification(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", "Birth certificate"
    COURT_RECORD = "court_record", "Court record"
    STATE_RECORD = "state_record", "State child-welfare record"
    GOVERNMENT_ID = "government_id", "Government ID or passport"
    SCHOOL_RECORD = "school_record", "School record"
    OTHER = "other", "Other document"


class IcwaStatus(models.TextChoices):
    """Whether the Indian Child Welfare Act applies (RULES.md §3, §9): the tribe's notices follow it."""

    YES = "yes", "Indian child (ICWA applies)"
    NO = "no", "Not an Indian child"
    NOT_INQUIRED = "not_inquired", "ICWA inquiry not yet made"
    REASON_TO_KNOW = "reason_to_know", "Reason to know, pending confirmation"


# Members named by code, each value a (code, label) pair: the stored value is the code.
CsecStatus = models.TextChoices(  # type: ignore[call-overload]
    "CsecStatus", [(code.upper(), (code, STATUS_LABELS[code])) for code in STATUSES]
)


class Youth(TimeStampedModel):
    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="youth")
    legal_first_name = models.CharField(max_length=100)
    legal_middle_name = models.CharField(max_length=100, blank=True)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    dob_verified = models.BooleanField("date of birth verified", default=False)
    dob_verification = models.CharField(
        "how the date of birth was verified", max_length=32, choices=DobVerification.choices, blank=True
    )
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.UNKNOWN)
    state_client_id = models.CharField("state client ID", max_length=40, blank=True)
    csec_status = models.CharField(
        "CSEC status", max_length=20, choices=CsecStatus.choices, default="no_known_risk", db_index=True
    )
    csec_status_at = models.DateTimeField(null=True, blank=True)
    icwa_status = models.CharField(
        "ICWA status",
        max_length=20,
        choices=IcwaStatus.choices,
        default=IcwaStatus.NOT_INQUIRED,
        help_text="Whether the Indian Child Welfare Act applies to this youth.",
    )
    icwa_status_at = models.DateTimeField("ICWA status recorded at", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name_plural = "youth"
        ordering = ["legal_last_name", "legal_first_name", "id"]
        indexes = [
            models.Index(fields=["agency", "legal_last_name", "legal_first_name"], name="youth_agency_name_idx"),
            # The coordinator's and manager's scope (CSEC status other than no known risk) per agency.
            models.Index(fields=["agency", "csec_status", "id"], name="youth_agency_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "state_client_id"],
                condition=~Q(state_client_id=""),
                name="youth_unique_client_id_per_agency",
            ),
            models.CheckConstraint(
                condition=Q(dob_verified=False) | (Q(date_of_birth__isnull=False) & ~Q(dob_verification="")),
                name="youth_verified_dob_has_date_and_method",
            ),
        ]

    def __str__(self) -> str:
        return f"Youth #{self.pk}"

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}".strip()

    @property
    def legal_name(self) -> str:
        parts = [self.legal_first_name, self.legal_middle_name, self.legal_last_name]
        return " ".join(p for p in parts if p)

    def age(self, on: date) -> int | None:
        return age_on(self.date_of_birth, on) if self.date_of_birth else None


class AliasKind(models.TextChoices):
    AKA = "aka", "Also known as"
    STREET = "street", "Street name"
    SPELLING = "spelling", "Other spelling"


class Alias(models.Model):
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=16, choices=AliasKind.choices, default=AliasKind.AKA)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "aliases"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Alias #{self.pk}"


class PlacementType(models.TextChoices):
    PARENT = "parent", "Parent"
    RELATIVE = "relative", "Relative"
    FOSTER_FAMILY = "foster_family", "Foster family"
    GROUP_HOME = "group_home", "Group home / STRTP"
    SHELTER = "shelter", "Shelter"
    SILP = "silp", "Supervised independent living"
    OTHER = "other", "Other"


CONGREGATE_TYPES = frozenset({PlacementType.GROUP_HOME, PlacementType.SHELTER})


class Facility(models.Model):
    """A group home, shelter or other named place where youth are placed."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PlacementType.choices)
    city = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name_plural = "facilities"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="facility_unique_name_per_agency")]

    def __str__(self) -> str:
        return self.name


class Placement(models.Model):
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="placements")
    placement_type = models.CharField(max_length=20, choices=PlacementType.choices)
    facility = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["facility", "end"], name="placement_facility_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="placement_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Placement #{self.pk}"


class Assignment(models.Model):
    """A caseworker's assignment to a youth, from `start` to `end` (open when null)."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="assignments")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["worker", "end"], name="assignment_worker_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="assignment_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Assignment #{self.pk}"


class BreakGlassGrant(models.Model):
    """A worker's audited, time-limited read access to a youth outside their caseload."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants")
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="break_glass_grants")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_expiry_idx")]

    def __str__(self) -> str:
        return f"Break-glass #{self.pk}"


class NameSource(models.TextChoices):
    LEGAL = "legal", "Legal name"
    PREFERRED = "preferred", "Preferred name"
    ALIAS = "alias", "Alias"


class NameKey(models.Model):
    """One searchable name of a youth (legal, preferred or an alias), normalised, with its keys.

    Derived data: rebuilt by `safeharbor.youth.search.youth_reindex` whenever the names change.
    """

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="name_keys")
    agency = models.ForeignKey("agency.Agency", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16, choices=NameSource.choices)
    alias = models.ForeignKey(Alias, null=True, blank=True, on_delete=models.CASCADE, related_name="name_keys")
    full_name = models.CharField(max_length=300)
    tokens = models.JSONField(default=list)
    phonetic = models.CharField(max_length=300, blank=True)
    first_canonical = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Name key #{self.pk}"


class NameBlockKey(models.Model):
    """A blocking key of one name (phonetic code, token prefix, nickname group...), indexed."""

    name_key = models.ForeignKey(NameKey, on_delete=models.CASCADE, related_name="block_keys")
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agency.Agency", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)

    class Meta:
        # youth_id in the index: the blocking query (keys of one agency, grouped by youth) reads
        # the index alone (docs/performance.md, search).
        indexes = [models.Index(fields=["agency", "key", "youth"], name="nameblock_agency_key_youth_idx")]

    def __str__(self) -> str:
        return f"Block key #{self.pk}"
