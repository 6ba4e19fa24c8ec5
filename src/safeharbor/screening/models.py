"""Screenings, their answers and confirming facts, external tool results, and CSEC status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from safeharbor.core.models import TimeStampedModel
from safeharbor.screening.codes import (
    ANSWERS,
    CONFIRMING_FACTS,
    EXTERNAL_LEVEL_LABELS,
    EXTERNAL_LEVELS,
    FACT_LABELS,
    INDICATORS,
    RELATIONSHIP_LABELS,
    RELATIONSHIPS,
    SETTING_LABELS,
    SETTINGS,
    SIGNS,
    STATUS_LABELS,
    STATUSES,
    VULNERABILITY_FACTORS,
    WHEN_CATEGORIES,
    WHEN_LABELS,
)

STATUS_CHOICES = [(code, STATUS_LABELS[code]) for code in STATUSES]
WHEN_CHOICES = [(code, WHEN_LABELS[code]) for code in WHEN_CATEGORIES]


class IndicatorGroup(models.TextChoices):
    VULNERABILITY = "vulnerability", "Vulnerability factor"
    SIGN = "sign", "Sign of exploitation"
    CONFIRMING = "confirming", "Confirming fact"


def group_of(code: str) -> str:
    if code in VULNERABILITY_FACTORS:
        return IndicatorGroup.VULNERABILITY
    if code in SIGNS:
        return IndicatorGroup.SIGN
    return IndicatorGroup.CONFIRMING


class IndicatorDefinition(models.Model):
    """One entry of an agency's indicator catalogue. The code is fixed; label and help are editable."""

    agency = models.ForeignKey("agency.Agency", on_delete=models.CASCADE, related_name="indicator_definitions")
    code = models.CharField(max_length=40, choices=[(c, c) for c in (*INDICATORS, *CONFIRMING_FACTS)])
    group = models.CharField(max_length=16, choices=IndicatorGroup.choices)
    label = models.CharField(max_length=120)
    help_text = models.TextField(help_text="Plain words; cite the handbook section.")
    handbook_section = models.CharField(max_length=120, default="CSEC Victim Identification")
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="indicator_unique_code_per_agency")]

    def __str__(self) -> str:
        return self.code


class Screening(TimeStampedModel):
    """One screening of one youth: the handbook checklist, or an external validated tool's result.

    A draft may change; a finalised screening is locked. A correction is a new screening that `amends`
    the finalised one, with a reason.
    """

    class Kind(models.TextChoices):
        CHECKLIST = "checklist", "Handbook checklist"
        EXTERNAL = "external", "External validated tool"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINALISED = "finalised", "Finalised"

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="screenings")
    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="screenings")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CHECKLIST)
    status = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    assessed_on = models.DateField()
    stated_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The age the youth gives, when the date of birth is unknown or unverified."
    )
    recommended_status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="no_known_risk")
    recommended_reasons = models.JSONField(default=list, blank=True)
    recommended_next_steps = models.JSONField(default=list, blank=True)
    determined_status = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)
    when_category = models.CharField(max_length=20, choices=WHEN_CHOICES, blank=True)
    override_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")
    amendment_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["youth", "status"], name="screening_youth_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (~Q(determined_status="") & Q(finalised_at__isnull=False)),
                name="screening_finalised_has_determination",
            ),
            models.CheckConstraint(
                condition=Q(amends__isnull=True) | ~Q(amendment_reason=""),
                name="screening_amendment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening #{self.pk}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.State.FINALISED

    @property
    def differs(self) -> bool:
        return bool(self.determined_status) and self.determined_status != self.recommended_status


class ScreeningIndicator(models.Model):
    """The answer to one indicator on a checklist screening: yes, no or unknown, with a note."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    code = models.CharField(max_length=40, choices=[(c, c) for c in INDICATORS])
    answer = models.CharField(max_length=8, choices=[(a, a.capitalize()) for a in ANSWERS], default="unknown")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["screening", "code"], name="screening_answer_unique_code")]

    def __str__(self) -> str:
        return f"{self.code}={self.answer}"


class ConfirmingFact(models.Model):
    """A confirming fact of RULES.md §1, with the date it occurred, its source, setting and exploiter."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(max_length=40, choices=[(c, FACT_LABELS[c]) for c in CONFIRMING_FACTS])
    occurred_on = models.DateField()
    source = models.CharField(max_length=200, help_text="Where this is known from (report, record, disclosure).")
    setting = models.CharField(max_length=24, choices=[(c, SETTING_LABELS[c]) for c in SETTINGS], blank=True)
    relationship = models.CharField(
        "exploiter's relationship",
        max_length=16,
        choices=[(c, RELATIONSHIP_LABELS[c]) for c in RELATIONSHIPS],
        blank=True,
    )

    class Meta:
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["setting"], name="fact_setting_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"


class ExternalToolResult(models.Model):
    """An external validated tool's result, by name, level and date. Never the tool's item wording."""

    screening = models.OneToOneField(Screening, on_delete=models.CASCADE, related_name="external_result")
    tool_name = models.CharField(max_length=80)
    level = models.CharField(max_length=20, choices=[(c, EXTERNAL_LEVEL_LABELS[c]) for c in EXTERNAL_LEVELS])
    assessed_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.tool_name}: {self.level}"


class CsecStatusChange(models.Model):
    """The youth's CSEC status history: one row per finalised determination. Never edited or removed."""

    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="csec_status_changes")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    previous_status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    when_category = models.CharField(max_length=20, choices=WHEN_CHOICES, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    screening = models.OneToOneField(Screening, on_delete=models.PROTECT, related_name="status_change")
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["youth", "at"], name="csec_change_youth_at_idx")]

    def __str__(self) -> str:
        return f"{self.status} at {self.at:%Y-%m-%d}"


class VictimReport(models.Model):
    """The report to law enforcement of a youth identified as a victim of sex trafficking, due within 24
    hours of the identification (42 USC 671(a)(34)(A); RULES.md §3). One per youth, as the duty is.

    `made_at` is when the person made the report (entered by them); `recorded_at` when it was entered.
    """

    agency = models.ForeignKey("agency.Agency", on_delete=models.PROTECT, related_name="+")
    youth = models.ForeignKey("youth.Youth", on_delete=models.CASCADE, related_name="victim_reports")
    made_at = models.DateTimeField(help_text="When the report was made (entered by the person).")
    law_enforcement_agency = models.CharField("law enforcement agency", max_length=200)
    report_number = models.CharField("report number", max_length=80)
    officer = models.CharField("officer", max_length=120, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True, help_text="When the report was entered.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["youth"], name="victim_report_once_per_youth")]

    def __str__(self) -> str:
        return f"Victim report #{self.pk}"
