"""Forms of the unit board: validation only; the services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms

from safeharbor.accounts.models import User
from safeharbor.deadlines.board import BoardFilters
from safeharbor.deadlines.services import REASSIGN_TARGET_MESSAGE
from safeharbor.youth.forms import UswdsForm

MAX_ID = 2**63 - 1


def person_label(user: User) -> str:
    return user.get_full_name() or user.username


class BoardFilterForm(UswdsForm):
    """The board's filters, read from the query string. A value that is not one of the choices is a
    field error (the page answers 400 and says which)."""

    worker = forms.TypedChoiceField(
        label="Worker",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose one of the workers of your units."},
    )
    kind = forms.ChoiceField(
        label="Duty kind",
        required=False,
        error_messages={"invalid_choice": "Choose one of the duty kinds in the list."},
    )
    youth = forms.IntegerField(
        label="Youth",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "The youth filter must be a record number.",
            "min_value": "The youth filter must be a record number.",
            "max_value": "The youth filter must be a record number.",
        },
    )

    def __init__(self, *args: Any, workers: list[User], kind_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker = self.fields["worker"]
        assert isinstance(worker, forms.TypedChoiceField)
        worker.choices = [("", "All workers"), *[(str(w.pk), person_label(w)) for w in workers]]
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "All duty kinds"), *kind_choices]

    def filters(self) -> BoardFilters:
        data = self.cleaned_data
        return BoardFilters(worker_id=data.get("worker"), kind=data.get("kind") or "", youth_id=data.get("youth"))


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        unit = obj.unit.name if obj.unit is not None else ""
        return f"{person_label(obj)} ({unit})" if unit else person_label(obj)


class DutyReassignForm(UswdsForm):
    to_user = WorkerChoiceField(
        label="New owner",
        queryset=User.objects.none(),
        help_text="A worker of the duty's unit. They are told in the app; the message names no child.",
        error_messages={
            "required": "Choose the worker who takes the duty.",
            "invalid_choice": REASSIGN_TARGET_MESSAGE,
        },
    )

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to_user = self.fields["to_user"]
        assert isinstance(to_user, forms.ModelChoiceField)
        to_user.queryset = targets
