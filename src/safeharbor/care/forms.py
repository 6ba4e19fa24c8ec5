"""Forms of the care app: they validate input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from safeharbor.care import rules
from safeharbor.care.models import OrganisationKind, PartnerOrganisation
from safeharbor.guidance.widgets import LanguageCheckedTextarea

LONG_TERM_CHOICES = [(code, rules.CATEGORY_LABELS[code]) for code in rules.LONG_TERM_CATEGORIES]
ALL_CATEGORY_CHOICES = [
    (code, rules.CATEGORY_LABELS[code]) for code in rules.IMMEDIATE_CATEGORIES + rules.LONG_TERM_CATEGORIES
]
STATUS_CHOICES = [(code, rules.STATUS_LABELS[code]) for code in rules.STATUSES]


def uswds(form: forms.BaseForm) -> None:
    """Give each widget its USWDS class, and point it at its error message."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
            css = "usa-checkbox__input"
        elif isinstance(widget, forms.Select):
            css = "usa-select"
        elif isinstance(widget, forms.Textarea):
            css = "usa-textarea"
        else:
            css = "usa-input"
        errors = getattr(form, "_errors", None)  # never trigger validation here: fields may still be added
        if errors and name in errors:
            css += " usa-input--error"
            widget.attrs["aria-describedby"] = f"{name}-error"
            widget.attrs["aria-invalid"] = "true"
        widget.attrs["class"] = css


def _date_in_range(value: Any) -> Any:
    """A plan date within rules.DATE_RANGE_YEARS of today (the agency's day: the middleware activates
    the agency's time zone for the request)."""
    if value is not None and not rules.date_in_range(value=value, today=timezone.localdate()):
        raise forms.ValidationError(rules.DATE_RANGE_MESSAGE)
    return value


class UswdsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        uswds(self)

    def full_clean(self) -> None:
        super().full_clean()
        uswds(self)


def _partner_field(agency_id: int, *, required: bool = False) -> forms.ModelChoiceField[PartnerOrganisation]:
    return forms.ModelChoiceField(
        queryset=PartnerOrganisation.objects.filter(agency_id=agency_id, is_active=True).order_by("name"),
        required=required,
        label="Partner organisation",
        help_text="From the partner directory.",
        empty_label="None yet",
    )


class PartnerSearchForm(UswdsForm):
    q = forms.CharField(label="Name contains", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *OrganisationKind.choices])
    service = forms.ChoiceField(
        label="Service offered", required=False, choices=[("", "Any service"), *LONG_TERM_CHOICES]
    )
    city = forms.CharField(label="City", required=False, max_length=100)


class PartnerForm(UswdsForm):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=OrganisationKind.choices)
    services = forms.MultipleChoiceField(
        label="Long-term services offered",
        required=False,
        choices=LONG_TERM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(max_length=400, required=False, help_text="What the organisation does, briefly.")
    city = forms.CharField(max_length=120, required=False)
    area_served = forms.CharField(max_length=200, required=False)
    languages = forms.CharField(max_length=200, required=False, help_text="For example: English, Spanish, Vietnamese.")
    website = forms.URLField(required=False, assume_scheme="https")
    general_contact = forms.CharField(
        max_length=200, required=False, help_text="The organisation's general line or address. No named people."
    )
    is_active = forms.BooleanField(label="Active in the directory", required=False, initial=True)


class ServiceAddForm(UswdsForm):
    category = forms.ChoiceField(label="Long-term service", choices=LONG_TERM_CHOICES)
    due_on = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional."
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=4000, widget=LanguageCheckedTextarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"] = _partner_field(agency_id)
        self.order_fields(["category", "partner", "due_on", "notes"])
        uswds(self)

    def clean_due_on(self) -> Any:
        return _date_in_range(self.cleaned_data.get("due_on"))


class ServiceUpdateForm(UswdsForm):
    status = forms.ChoiceField(choices=STATUS_CHOICES)
    effective_on = forms.DateField(
        label="Date of the change",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for today.",
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=4000, widget=LanguageCheckedTextarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"] = _partner_field(agency_id)
        self.order_fields(["status", "effective_on", "partner", "notes"])
        uswds(self)

    def clean_effective_on(self) -> Any:
        return _date_in_range(self.cleaned_data.get("effective_on"))


class OpenNeedsFilterForm(UswdsForm):
    category = forms.ChoiceField(label="Service", required=False, choices=[("", "Any service"), *ALL_CATEGORY_CHOICES])

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _partner_field(agency_id)
        field.empty_label = "Any partner"
        field.help_text = ""
        field.label = "Partner"
        field.queryset = PartnerOrganisation.objects.filter(agency_id=agency_id).order_by("name")
        self.fields["partner"] = field
        uswds(self)
