"""A textarea that shows the victim-centred language check under itself as the worker types.

Use it for every free-text field: `forms.CharField(widget=LanguageCheckedTextarea())`. It never
blocks saving; the findings come from the guidance app's language-check endpoint over htmx.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse


class LanguageCheckedTextarea(forms.Textarea):
    template_name = "guidance/widgets/language_checked_textarea.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        element_id = widget_attrs.get("id") or f"id_{name}"
        findings_id = f"{element_id}-language"
        widget_attrs.update(
            {
                "hx-post": reverse("guidance:language-check"),
                "hx-trigger": "input changed delay:600ms, load",
                "hx-target": f"#{findings_id}",
                "hx-swap": "innerHTML",
                "hx-vals": '{"field": "' + name + '"}',
                "aria-describedby": findings_id,
            }
        )
        context["widget"]["findings_id"] = findings_id
        return context
