from __future__ import annotations

import re
from typing import Any

from django import forms

from safeharbor.audit.models import AuditEvent
from safeharbor.audit.selectors import AuditFilters

_ACTION = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]*)*$")


class AuditSearchForm(forms.Form):
    actor = forms.CharField(
        label="User (username)", required=False, max_length=150, help_text="The username of the person who acted."
    )
    youth = forms.IntegerField(label="Youth record number", required=False, min_value=1)
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=60,
        help_text="An action code such as youth.view, or a family ending with a dot, such as youth.",
    )
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any outcome"), *AuditEvent.Outcome.choices]
    )
    date_from = forms.DateField(label="From (date)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To (date)", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "usa-select" if isinstance(field, forms.ChoiceField) else "usa-input"
            field.widget.attrs.setdefault("class", css)

    def clean_actor(self) -> str:
        return self.cleaned_data["actor"].strip()

    def clean_action(self) -> str:
        action = self.cleaned_data["action"].strip().lower()
        if action and not _ACTION.match(action):
            raise forms.ValidationError("Use an action code: lower-case words joined by dots, such as youth.view.")
        return action

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            actor=data.get("actor") or "",
            youth_id=data.get("youth"),
            action=data.get("action") or "",
            outcome=data.get("outcome") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def submitted_codes(self) -> list[str]:
        """The filters a visitor filled in (names only), for the audit row of a refused search."""
        names = {"youth": "youth"}
        return [names.get(name, name) for name in self.fields if self.data.get(name)]
