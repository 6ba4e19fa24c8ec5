"""Forms of the youth pages: validation only; the services do the writing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from safeharbor.accounts.models import User
from safeharbor.accounts.roles import Role
from safeharbor.core.timeutils import agency_today
from safeharbor.youth.models import AliasKind, CsecStatus, Facility, PlacementType, Youth
from safeharbor.youth.services import YOUTH_EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def uswds(form: forms.BaseForm) -> None:
    """Give each widget the USWDS class it needs, and aria-describedby for its error."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "usa-checkbox__input"
        elif isinstance(widget, forms.Select):
            css = "usa-select"
        elif isinstance(widget, forms.Textarea):
            css = "usa-textarea"
        else:
            css = "usa-input"
        errors = getattr(form, "_errors", None)  # only errors already found: never validate from here
        if errors and name in errors:
            css += " usa-input--error"
            widget.attrs["aria-describedby"] = f"{name}-error"
            widget.attrs["aria-invalid"] = "true"
        widget.attrs["class"] = css


class UswdsForm(forms.Form):
    def full_clean(self) -> None:
        super().full_clean()
        uswds(self)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        uswds(self)


DOB_IN_FUTURE_MESSAGE = "The date of birth cannot be in the future."


class YouthForm(forms.ModelForm):
    """The youth's own facts. Editing carries the version the user loaded (no last-write-wins)."""

    agency: Any = None  # whose calendar says what "today" is (the record's, or the creating user's)

    class Meta:
        model = Youth
        fields = list(YOUTH_EDITABLE_FIELDS)
        widgets = {"date_of_birth": DateInput()}
        help_texts = {
            "preferred_name": "The name the youth asks to be called, if different.",
            "state_client_id": "The youth's client ID in the state child-welfare system, if known.",
            "dob_verification": "Required when the date of birth is verified.",
            "icwa_status": "Whether the Indian Child Welfare Act applies. The tribe's notices follow it.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].help_text = "Format: YYYY-MM-DD."
        uswds(self)

    def full_clean(self) -> None:
        super().full_clean()
        uswds(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("dob_verified"):
            if not data.get("date_of_birth"):
                self.add_error("date_of_birth", "Enter the date of birth you verified.")
            if not data.get("dob_verification"):
                self.add_error("dob_verification", "Say how the date of birth was verified.")
        dob = data.get("date_of_birth")
        if dob and dob > self._today():
            self.add_error("date_of_birth", DOB_IN_FUTURE_MESSAGE)
        for name in ("legal_first_name", "legal_last_name", "legal_middle_name", "preferred_name", "state_client_id"):
            if isinstance(data.get(name), str):
                data[name] = " ".join(data[name].split())
        return data

    def _today(self) -> date:
        agency = self.agency or (self.instance.agency if self.instance.pk else None)
        return agency_today(agency)

    def _post_clean(self) -> None:
        # The services validate the whole record (with its agency); skip the partial model check
        # here so the error comes once, from the field rules above and the service.
        return None

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in YOUTH_EDITABLE_FIELDS}


class YouthCreateForm(YouthForm):
    worker = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Assigned worker",
        help_text="Leave empty to assign yourself.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = user.agency
        if user.has_role(Role.SUPERVISOR):
            self._worker_field().queryset = assignable_workers(user)
            if not user.has_role(Role.WORKER):
                self.fields["worker"].required = True
                self.fields["worker"].help_text = "A worker of a unit you supervise."
        else:
            del self.fields["worker"]
        uswds(self)

    def _worker_field(self) -> forms.ModelChoiceField:
        field = self.fields["worker"]
        assert isinstance(field, forms.ModelChoiceField)
        return field


class YouthEditForm(YouthForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def assignable_workers(user: Any) -> Any:
    return (
        User.objects.filter(
            is_active=True, agency_id=user.agency_id, role_grants__role=Role.WORKER, unit__supervisor_id=user.pk
        )
        .select_related("unit")
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


class YouthFilterForm(UswdsForm):
    SCOPES = [("mine", "My caseload"), ("unit", "My unit"), ("all", "All I can see")]

    q = forms.CharField(label="Name or alias", required=False, max_length=120)
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DateInput())
    scope = forms.ChoiceField(label="Show", choices=SCOPES, required=False)
    status = forms.ChoiceField(label="CSEC status", choices=[("", "Any status"), *CsecStatus.choices], required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("all", "All I can see")]
        if user.has_role(Role.WORKER):
            choices.insert(0, ("mine", "My caseload"))
        if user.has_role(Role.SUPERVISOR):
            choices.insert(len(choices) - 1, ("unit", "My unit"))
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices


class DuplicateCheckForm(forms.Form):
    legal_first_name = forms.CharField(required=False, max_length=100)
    legal_last_name = forms.CharField(required=False, max_length=100)
    preferred_name = forms.CharField(required=False, max_length=100)
    date_of_birth = forms.DateField(required=False)


class AliasForm(UswdsForm):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(label="Kind of name", choices=AliasKind.choices, initial=AliasKind.AKA)


class PlacementForm(UswdsForm):
    placement_type = forms.ChoiceField(label="Placement type", choices=PlacementType.choices)
    facility = forms.ModelChoiceField(
        label="Facility", queryset=Facility.objects.none(), required=False, help_text="For a group home or shelter."
    )
    facility_name = forms.CharField(
        label="Or a new facility's name", max_length=200, required=False, help_text="Adds it to the facility list."
    )
    start = forms.DateField(label="Start date", widget=DateInput(), help_text="Format: YYYY-MM-DD.")

    def __init__(self, *args: Any, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facility = self.fields["facility"]
        assert isinstance(facility, forms.ModelChoiceField)
        facility.queryset = Facility.objects.filter(agency_id=agency_id).order_by("name")


class PlacementEndForm(UswdsForm):
    end = forms.DateField(label="End date", widget=DateInput(), help_text="Format: YYYY-MM-DD.")


class ReassignForm(UswdsForm):
    worker = forms.ModelChoiceField(label="New worker", queryset=User.objects.none())
    start = forms.DateField(
        label="Start date", required=False, widget=DateInput(), help_text="Empty means today. Format: YYYY-MM-DD."
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ModelChoiceField)
        worker.queryset = assignable_workers(user)


class BreakGlassForm(UswdsForm):
    client_id = forms.CharField(
        label="State client ID", max_length=40, help_text="The youth's client ID in the state child-welfare system."
    )
    reason = forms.CharField(
        label="Why you need this record now",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=20,
        max_length=2000,
        help_text="At least 20 characters. The youth's supervisor is told, and the access is recorded.",
    )
