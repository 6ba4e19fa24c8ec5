"""Forms of the screening pages: validation only; the services do the work."""

from __future__ import annotations

from typing import Any

from django import forms

from safeharbor.core.forms import AgencyDateTimeField
from safeharbor.guidance.widgets import LanguageCheckedTextarea
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
    STATUS_LABELS,
    STATUSES,
    WHEN_CATEGORIES,
    WHEN_LABELS,
)
from safeharbor.screening.services import FactInput


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _uswds(form: forms.BaseForm, *, with_errors: bool = False) -> None:
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.HiddenInput | forms.CheckboxInput):
            continue
        css = (
            "usa-select"
            if isinstance(widget, forms.Select)
            else "usa-textarea"
            if isinstance(widget, forms.Textarea)
            else "usa-input"
        )
        widget.attrs["class"] = css
        if with_errors and name in form.errors:
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{form.add_prefix(name)}-error"


class UswdsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _uswds(self)

    def full_clean(self) -> None:
        super().full_clean()
        _uswds(self, with_errors=True)


class ChecklistForm(UswdsForm):
    """The screening date, stated age, and one yes / no / unknown answer (with a note) per indicator.

    The answers are read from `ind-<code>` and `note-<code>` inputs that the page renders per indicator.
    """

    assessed_on = forms.DateField(label="Date of the screening", widget=DateInput())
    stated_age = forms.IntegerField(
        label="Age the youth gives",
        required=False,
        min_value=0,
        max_value=30,
        help_text="Only when the date of birth is unknown or not verified.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in INDICATORS:
            self.fields[f"ind-{code}"] = forms.ChoiceField(
                label=code, choices=[(a, a) for a in ANSWERS], required=False, widget=forms.HiddenInput
            )
            self.fields[f"note-{code}"] = forms.CharField(label=f"Note on {code}", required=False, max_length=500)

    def answers(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {code: (data.get(f"ind-{code}") or "unknown", data.get(f"note-{code}") or "") for code in INDICATORS}

    def yes_codes(self) -> list[str]:
        return [code for code, (answer, _) in self.answers().items() if answer == "yes"]


class FactForm(UswdsForm):
    kind = forms.ChoiceField(
        label="What is known", choices=[("", "Choose..."), *[(c, FACT_LABELS[c]) for c in CONFIRMING_FACTS]]
    )
    occurred_on = forms.DateField(label="Date it occurred", widget=DateInput())
    source = forms.CharField(label="Source", max_length=200, help_text="Report, record, disclosure...")
    setting = forms.ChoiceField(
        label="Setting or method",
        required=False,
        choices=[("", "Not known"), *[(c, SETTING_LABELS[c]) for c in SETTINGS]],
    )
    relationship = forms.ChoiceField(
        label="Exploiter's relationship",
        required=False,
        choices=[("", "Not known"), *[(c, RELATIONSHIP_LABELS[c]) for c in RELATIONSHIPS]],
    )

    def to_input(self) -> FactInput:
        d = self.cleaned_data
        return FactInput(d["kind"], d["occurred_on"], d["source"], d.get("setting") or "", d.get("relationship") or "")


class BaseFactFormSet(forms.BaseFormSet):
    def facts(self) -> list[FactInput]:
        return [
            form.to_input()
            for form in self.forms
            if form.has_changed() and form.is_valid() and not form.cleaned_data.get("DELETE")
        ]


FactFormSet = forms.formset_factory(FactForm, formset=BaseFactFormSet, extra=1, can_delete=True, max_num=20)


class DeterminationForm(UswdsForm):
    determined_status = forms.ChoiceField(
        label="CSEC status you determine", choices=[(c, STATUS_LABELS[c]) for c in STATUSES]
    )
    when_category = forms.ChoiceField(
        label="When it happened",
        required=False,
        choices=[("", "Not applicable"), *[(c, WHEN_LABELS[c]) for c in WHEN_CATEGORIES]],
        help_text="For a victim: before foster care, while in care, or while absent from care (W&I 16501.45).",
    )
    override_reason = forms.CharField(
        label="Why your determination differs from the recommendation",
        required=False,
        widget=LanguageCheckedTextarea(attrs={"rows": 4}),
        help_text="Required when the status you choose is not the recommended one.",
    )


class AmendForm(UswdsForm):
    reason = forms.CharField(
        label="Why this screening needs a correction",
        min_length=10,
        widget=LanguageCheckedTextarea(attrs={"rows": 4}),
    )


class ExternalResultForm(UswdsForm):
    tool_name = forms.CharField(label="Tool", max_length=80, initial="CSE-IT")
    level = forms.ChoiceField(
        label="Level of concern",
        choices=[(c, EXTERNAL_LEVEL_LABELS[c]) for c in EXTERNAL_LEVELS],
        widget=forms.RadioSelect,
    )
    assessed_on = forms.DateField(label="Date of the tool's result", widget=DateInput())


class IndicatorEditForm(UswdsForm):
    label = forms.CharField(label="Label", max_length=120)
    help_text = forms.CharField(label="Help text", widget=forms.Textarea(attrs={"rows": 5}))


class VictimReportForm(UswdsForm):
    """The report to law enforcement of an identified victim: when it was made (the agency's wall
    clock; a time in the repeated autumn hour asks which one is meant), to whom, and its number."""

    made_at = AgencyDateTimeField(
        label="When the report was made", help_text="When the report was actually made; it may be earlier than now."
    )
    law_enforcement_agency = forms.CharField(label="Law enforcement agency", max_length=200)
    report_number = forms.CharField(label="Report number", max_length=80)
    officer = forms.CharField(label="Officer who took the report", max_length=120, required=False)
