"""Forms of website access: they validate input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from safeharbor.care.forms import UswdsForm, uswds
from safeharbor.core.forms import AgencyDateTimeField
from safeharbor.guidance.widgets import LanguageCheckedTextarea
from safeharbor.webaccess import rules
from safeharbor.webaccess.models import AccessLevel, Site


class SiteForm(UswdsForm):
    domain = forms.CharField(max_length=120, help_text="For example: example.com")
    name = forms.CharField(max_length=120)
    access_level = forms.ChoiceField(choices=AccessLevel.choices)
    is_active = forms.BooleanField(label="In use", required=False, initial=True)


def _site_field(agency_id: int, *, approval_only: bool) -> forms.ModelChoiceField[Site]:
    qs = Site.objects.filter(agency_id=agency_id, is_active=True).order_by("name", "domain")
    if approval_only:
        qs = qs.filter(access_level=rules.APPROVAL_REQUIRED)
    return forms.ModelChoiceField(queryset=qs, label="Site", empty_label="Choose a site")


class AccessRequestForm(UswdsForm):
    reason = forms.CharField(
        label="Why this site is needed for this youth's case",
        max_length=2000,
        widget=LanguageCheckedTextarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = _site_field(agency_id, approval_only=True)
        self.order_fields(["site", "reason"])
        uswds(self)


class DecisionForm(UswdsForm):
    decision = forms.ChoiceField(
        label="Decision", choices=[("approve", "Approve"), ("deny", "Deny")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you deny the request.",
    )


class ResearchSessionForm(UswdsForm):
    performed_at = AgencyDateTimeField(label="When the research was done")
    looked_for = forms.CharField(label="What you looked for", max_length=300)
    findings = forms.CharField(
        label="Findings", required=False, max_length=4000, widget=LanguageCheckedTextarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = _site_field(agency_id, approval_only=False)
        self.order_fields(["site", "performed_at", "looked_for", "findings"])
        uswds(self)


class UsageFilterForm(UswdsForm):
    worker = forms.IntegerField(label="Worker", required=False, min_value=1, widget=forms.Select)
    site = forms.IntegerField(label="Site", required=False, min_value=1, widget=forms.Select)
    youth = forms.IntegerField(label="Youth ID", required=False, min_value=1)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, workers: list[tuple[int, str]], sites: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].widget.choices = [("", "Any worker"), *workers]
        self.fields["site"].widget.choices = [("", "Any site"), *sites]
        uswds(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data
