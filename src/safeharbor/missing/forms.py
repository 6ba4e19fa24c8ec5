"""Thin forms of the missing-from-care pages. Times are entered on the agency's wall clock."""

from __future__ import annotations

from typing import Any

from django import forms

from safeharbor.core.forms import AgencyDateTimeField, AgencyDateTimeInput
from safeharbor.guidance.widgets import LanguageCheckedTextarea
from safeharbor.missing.models import EpisodeType


class LocalDateTimeInput(AgencyDateTimeInput):
    """The shared wall-clock input (core/forms.py), kept under its old name for this app's imports."""


class UswdsMixin:
    """USWDS classes on every input; aria-invalid on fields with errors."""

    def _style(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "usa-checkbox__input"
            elif isinstance(widget, forms.Select):
                css = "usa-select"
            elif isinstance(widget, forms.Textarea):
                css = "usa-textarea"
            else:
                css = "usa-input"
            widget.attrs["class"] = css
            if name in errors:
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["class"] = css + " usa-input--error"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._style()


def when(label: str, *, required: bool = True, help_text: str = "") -> AgencyDateTimeField:
    """A time on the agency's wall clock; a time in the repeated autumn hour asks which one is meant."""
    return AgencyDateTimeField(label=label, required=required, widget=LocalDateTimeInput(), help_text=help_text)


class EpisodeReportForm(UswdsMixin, forms.Form):
    episode_type = forms.ChoiceField(label="Type of episode", choices=EpisodeType.choices)
    last_seen_at = when("When the youth was last seen", required=False, help_text="Leave empty when unknown.")
    discovered_at = when("When the agency learned the youth was missing")
    last_seen_location = forms.CharField(label="Where the youth was last seen", max_length=200, required=False)
    circumstances = forms.CharField(
        label="Circumstances",
        required=False,
        widget=LanguageCheckedTextarea(attrs={"rows": 5}),
        help_text="What is known about the absence. Put the youth's own words in quotation marks.",
    )


class RecordReportForm(UswdsMixin, forms.Form):
    made_at = when("When it was made")
    made_to = forms.CharField(label="To whom", max_length=200)
    reference_number = forms.CharField(label="Report or case number", max_length=80, required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == "law_enforcement":
            self.fields["made_to"].label = "Law enforcement agency"
            self.fields["reference_number"].label = "Report number"
            self.fields["reference_number"].required = True
            self.fields["officer"] = forms.CharField(label="Officer", max_length=120, required=False)
        elif kind == "ncmec":
            self.fields["made_to"].initial = "NCMEC"
            self.fields["made_to"].label = "Received by (NCMEC)"
            self.fields["reference_number"].label = "NCMEC case number"
            self.fields["reference_number"].required = True
        else:
            self.fields["reference_number"].label = "Reference number (if any)"
            self.fields["not_applicable"] = forms.BooleanField(
                label="This notice does not apply (write why in “To whom”)", required=False
            )
        self._style()


class WhenForm(UswdsMixin, forms.Form):
    at = when("When")

    def __init__(self, *args: Any, label: str = "When", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["at"].label = label


class DebriefForm(UswdsMixin, forms.Form):
    debriefed_at = when("When the debrief took place")
    primary_factors = forms.CharField(
        label="Primary factors behind the absence", widget=LanguageCheckedTextarea(attrs={"rows": 5})
    )
    experiences = forms.CharField(label="Experiences while absent", widget=LanguageCheckedTextarea(attrs={"rows": 5}))


class LinkScreeningForm(UswdsMixin, forms.Form):
    screening_id = forms.IntegerField(label="Screening", min_value=1)
