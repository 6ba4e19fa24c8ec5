from __future__ import annotations

from typing import Any, cast

from django import forms

from safeharbor.guidance.widgets import LanguageCheckedTextarea
from safeharbor.screening.codes import INDICATORS

INDICATOR_CHOICES = [(code, code.replace("_", " ").capitalize()) for code in INDICATORS]


class ReferralForm(forms.Form):
    question = forms.CharField(
        label="Question for the team",
        max_length=2000,
        help_text="What should the MDT help decide? (handbook 13-19, MDT meetings)",
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        max_length=10000,
        help_text="What has happened, in plain, victim-centred words. Put the youth's own words in quotation marks.",
        widget=LanguageCheckedTextarea(attrs={"rows": 8, "class": "usa-textarea"}),
    )
    key_indicators = forms.MultipleChoiceField(
        label="Key indicators",
        required=False,
        choices=INDICATOR_CHOICES,
        help_text="Prefilled from the latest finalised screening; adjust if the record has changed.",
        widget=forms.CheckboxSelectMultiple,
    )


class DecisionForm(forms.Form):
    ACTIONS = [("accept", "Accept"), ("decline", "Decline"), ("more_info", "Ask for more information")]

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect, label="Decision")
    text = forms.CharField(
        label="Reason, request or notes",
        required=False,
        max_length=2000,
        help_text="Required to decline (the reason) or to ask for more information (what is needed).",
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") in ("decline", "more_info") and not (data.get("text") or "").strip():
            self.add_error("text", "Write the reason or the information you need.")
        return data


class ScheduleForm(forms.Form):
    slot = forms.IntegerField(required=False, widget=forms.HiddenInput)
    bump_reason = forms.CharField(
        label="Reason for taking this slot",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
    )


class SessionAddForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}))
    start = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time", "class": "usa-input"}))
    end = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time", "class": "usa-input"}))
    room = forms.CharField(label="Room", max_length=120, widget=forms.TextInput(attrs={"class": "usa-input"}))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the session cancelled?", max_length=300, widget=forms.TextInput(attrs={"class": "usa-input"})
    )


class PublishForm(forms.Form):
    members = forms.MultipleChoiceField(label="Members to invite", choices=[], widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, member_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["members"]).choices = member_choices


class AcknowledgeForm(forms.Form):
    agree = forms.BooleanField(
        label="I will keep this packet confidential and use it only for this team's work.",
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label="Present", required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, member_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["present"]).choices = member_choices


class DiscussionForm(forms.Form):
    referral = forms.IntegerField(widget=forms.HiddenInput)
    notes = forms.CharField(
        label="Discussion notes",
        required=False,
        max_length=10000,
        widget=LanguageCheckedTextarea(attrs={"rows": 5, "class": "usa-textarea"}),
    )
    decisions = forms.CharField(
        label="Decisions",
        required=False,
        max_length=5000,
        widget=LanguageCheckedTextarea(attrs={"rows": 3, "class": "usa-textarea"}),
    )


class ActionItemForm(forms.Form):
    description = forms.CharField(
        label="Action",
        max_length=300,
        help_text="Plain words, no child's name: the owner may be an outside partner.",
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    owner = forms.ChoiceField(label="Owner", choices=[], widget=forms.Select(attrs={"class": "usa-select"}))
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}))
    referral = forms.ChoiceField(
        label="Youth", required=False, choices=[], widget=forms.Select(attrs={"class": "usa-select"})
    )

    def __init__(
        self, *args: Any, owner_choices: list[tuple[int, str]], referral_choices: list[tuple[Any, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = owner_choices
        cast(forms.ChoiceField, self.fields["referral"]).choices = [("", "The whole meeting"), *referral_choices]


class HolidayForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}))
    name = forms.CharField(label="Name", max_length=120, widget=forms.TextInput(attrs={"class": "usa-input"}))
    closed = forms.BooleanField(
        label="The office is closed (untick to mark a default holiday as a working day)",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )
