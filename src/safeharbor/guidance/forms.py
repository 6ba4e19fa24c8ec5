from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from safeharbor.guidance.models import GlossaryTerm, LegalBasis, Myth, Need, PolicySection, Strategy
from safeharbor.guidance.rules import MAX_TEXT
from safeharbor.guidance.widgets import LanguageCheckedTextarea

_INPUT = {"class": "usa-input"}
_TEXTAREA = {"class": "usa-textarea"}
_SELECT = {"class": "usa-select"}


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "usa-textarea")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "usa-select")
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        else:
            widget.attrs.setdefault("class", "usa-input")


class _StyledModelForm(forms.ModelForm):
    """A knowledge entry of one agency: the view gives the instance its agency, never the form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_key(self) -> str:
        """A key is unique within the agency (the model's constraint; the agency is not a form field,
        so the form checks it here, as an error on the key)."""
        key: str = self.cleaned_data["key"]
        others = type(self.instance)._default_manager.filter(agency_id=self.instance.agency_id, key=key)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This agency already has an entry with this key.")
        return key


class GlossaryTermForm(_StyledModelForm):
    class Meta:
        model = GlossaryTerm
        fields = ["key", "term", "meaning", "indicator", "citation", "order"]


class MythForm(_StyledModelForm):
    class Meta:
        model = Myth
        fields = ["name", "myth", "facts", "citation", "order"]


class StrategyForm(_StyledModelForm):
    class Meta:
        model = Strategy
        fields = ["title", "body", "citation", "order"]


class NeedForm(_StyledModelForm):
    class Meta:
        model = Need
        fields = ["horizon", "name", "description", "citation", "order"]


class LegalBasisForm(_StyledModelForm):
    class Meta:
        model = LegalBasis
        fields = ["key", "citation", "title", "jurisdiction", "summary", "source", "order"]


CONTENT_FORMS: dict[str, type[_StyledModelForm]] = {
    "glossary": GlossaryTermForm,
    "myths": MythForm,
    "strategies": StrategyForm,
    "needs": NeedForm,
    "legal": LegalBasisForm,
}


class SectionVersionForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(widget=forms.Textarea)
    effective_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    last_updated = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    legal_basis = forms.ModelMultipleChoiceField(
        queryset=LegalBasis.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    enforced_by = forms.CharField(
        required=False,
        max_length=300,
        help_text="Keys of the software rules that implement this section, separated by commas.",
    )
    change_note = forms.CharField(max_length=300, help_text="What changed, and why.")

    def __init__(self, *args: Any, legal_basis: QuerySet[LegalBasis], **kwargs: Any) -> None:
        """`legal_basis`: the choices, the agency's own (`selectors.legal_basis_for`)."""
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].queryset = legal_basis  # type: ignore[attr-defined]
        _style(self)

    def clean_enforced_by(self) -> list[str]:
        raw = self.cleaned_data.get("enforced_by") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("effective_date") and data.get("last_updated") and data["last_updated"] < data["effective_date"]:
            self.add_error("last_updated", "Last updated cannot be before the effective date.")
        return data

    @classmethod
    def initial_from(cls, section: PolicySection) -> dict[str, Any]:
        return {
            "title": section.title,
            "summary": section.summary,
            "effective_date": section.effective_date,
            "last_updated": section.last_updated,
            "legal_basis": list(section.legal_basis.all()),
            "enforced_by": ", ".join(section.enforced_by),
        }


class LanguageCheckForm(forms.Form):
    text = forms.CharField(
        label="Your wording",
        max_length=MAX_TEXT,
        required=False,
        widget=LanguageCheckedTextarea(attrs={"class": "usa-textarea", "rows": 8}),
        help_text="Nothing typed here is saved. The findings appear below the box as you type.",
    )


class CaseNoteForm(forms.Form):
    text = forms.CharField(
        label="Case note",
        max_length=MAX_TEXT,
        widget=LanguageCheckedTextarea(attrs={"class": "usa-textarea", "rows": 8}),
        help_text="Put the youth's own words in quotation marks. The wording check advises; it never stops you saving.",
    )
