"""Permission matrix of the guidance app.

Knowledge and the policy handbook: everyone signed in reads their own agency's, partners included (no
case data). Editing: admins, of their own agency's content only. The language check: everyone signed
in. Case notes: through the youth door (read to list, write to add); a youth the persona may not open
is a 404.

Every record a row names is the first agency's (the personas' agency). The standing personas have no
admin of the other agency, so `OTHER_AGENCY_ADMIN_ROWS` below states what an admin of the other agency
gets on every guidance URL, GET and POST, next to the first agency's admin; `test_agency_content.py`
runs them and fails when a guidance URL has no such row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from safeharbor.core.testing.matrix import Row, expect

KIND_MODELS = {
    "glossary": "GlossaryTerm",
    "myths": "Myth",
    "strategies": "Strategy",
    "needs": "Need",
    "legal": "LegalBasis",
}


def _agency_content(p: Any) -> None:
    """Both agencies' copies of the default content, made once per row outside the savepoints, as in
    an installation where every agency has opened the guidance (the first use: test_agency_content.py)."""
    from safeharbor.guidance.services import guidance_defaults_ensure

    guidance_defaults_ensure(agency=p.agency)
    guidance_defaults_ensure(agency=p.other_agency)


def _with_content(row: Row) -> Row:
    kwargs = row.kwargs
    return replace(row, kwargs=lambda p: (_agency_content(p), kwargs(p))[1])


def _first_pk(p: Any, model_name: str) -> int:
    from django.apps import apps

    _agency_content(p)
    model = apps.get_model("guidance", model_name)
    return model.objects.filter(agency=p.agency).order_by("pk").values_list("pk", flat=True)[0]


def _entry(kind: str) -> Callable[[Any], dict[str, Any]]:
    return lambda p: {"kind": kind, "pk": _first_pk(p, KIND_MODELS[kind])}


def _first(p: Any, model_name: str) -> Any:
    from django.apps import apps

    _agency_content(p)
    return apps.get_model("guidance", model_name).objects.filter(agency=p.agency).order_by("pk").first()


# The body of a valid edit of the first entry of each kind (the entry unchanged but for one text).
def _edit_body(kind: str) -> Callable[[Any], dict[str, Any]]:
    def body(p: Any) -> dict[str, Any]:
        entry = _first(p, KIND_MODELS[kind])
        fields = {
            "glossary": ["key", "term", "meaning", "indicator", "citation", "order"],
            "myths": ["name", "myth", "facts", "citation", "order"],
            "strategies": ["title", "body", "citation", "order"],
            "needs": ["horizon", "name", "description", "citation", "order"],
            "legal": ["key", "citation", "title", "jurisdiction", "summary", "source", "order"],
        }[kind]
        data = {name: getattr(entry, name) for name in fields}
        data["citation"] = f"{data['citation']} (edited)"
        return data

    return body


def _new_body(kind: str) -> Callable[[Any], dict[str, Any]]:
    return lambda p: {
        "glossary": {"key": "new-term", "term": "New term", "meaning": "A meaning.", "citation": "local", "order": 99},
        "myths": {"name": "A new myth", "myth": "A myth.", "facts": "The facts.", "citation": "local", "order": 99},
        "strategies": {"title": "A new strategy", "body": "How.", "citation": "local", "order": 99},
        "needs": {"horizon": "immediate", "name": "A need", "description": "What.", "citation": "local", "order": 99},
        "legal": {
            "key": "new-statute",
            "citation": "Cal. Code § 1",
            "title": "A statute",
            "jurisdiction": "california",
            "summary": "What it says.",
            "source": "local",
            "order": 99,
        },
    }[kind]


def _new_version_body(p: Any) -> dict[str, Any]:
    return {
        "title": "CSEC Multidisciplinary Team Meeting",
        "summary": "Meetings now happen twice a month.",
        "effective_date": "2026-01-01",
        "last_updated": "2026-01-02",
        "enforced_by": "mdt-sessions",
        "change_note": "Twice-monthly meetings.",
    }


EVERYONE = expect(200)
ADMIN_ONLY = expect(403, admin=200)
ADMIN_SAVES = expect(403, admin=302)
NOTES_READ = expect(404, worker=200, supervisor=200, manager=200)
NOTES_WRITE = expect(404, worker=302, supervisor=302)

KINDS = list(KIND_MODELS)

ROWS = [
    Row("guidance:index", EVERYONE),
    Row("guidance:search", EVERYONE),
    Row("guidance:glossary", EVERYONE),
    Row("guidance:list", EVERYONE, kwargs=lambda p: {"kind": "myths"}),
    Row("guidance:list", expect(404), kwargs=lambda p: {"kind": "nonsense"}, label="unknown kind"),
    Row("guidance:content-new", ADMIN_ONLY, kwargs=lambda p: {"kind": "glossary"}),
    Row(
        "guidance:content-new",
        expect(403, admin=400),
        kwargs=lambda p: {"kind": "myths"},
        method="post",
        data=lambda p: {"name": ""},
        label="bad input",
    ),
    *[
        Row(
            "guidance:content-new",
            ADMIN_SAVES,
            kwargs=lambda p, kind=kind: {"kind": kind},
            method="post",
            data=_new_body(kind),
            label=f"add a {kind} entry",
        )
        for kind in KINDS
    ],
    *[
        Row("guidance:content-edit", ADMIN_ONLY, kwargs=_entry(kind), label=f"the agency's {kind} entry")
        for kind in KINDS
    ],
    *[
        Row(
            "guidance:content-edit",
            ADMIN_SAVES,
            kwargs=_entry(kind),
            method="post",
            data=_edit_body(kind),
            label=f"save the agency's {kind} entry",
        )
        for kind in KINDS
    ],
    Row(
        "guidance:content-edit",
        expect(403, admin=404),
        kwargs=lambda p: {"kind": "myths", "pk": 999999},
        label="no such entry",
    ),
    Row("guidance:handbook", EVERYONE),
    Row("guidance:section", EVERYONE, kwargs=lambda p: {"key": "victim-identification"}),
    Row("guidance:section", expect(404), kwargs=lambda p: {"key": "no-such-section"}, label="no such section"),
    Row("guidance:section-version", EVERYONE, kwargs=lambda p: {"key": "mdt", "version": 1}),
    Row(
        "guidance:section-version",
        expect(404),
        kwargs=lambda p: {"key": "mdt", "version": 9},
        label="no such version",
    ),
    Row("guidance:section-new-version", ADMIN_ONLY, kwargs=lambda p: {"key": "mdt"}),
    Row(
        "guidance:section-new-version",
        ADMIN_SAVES,
        kwargs=lambda p: {"key": "mdt"},
        method="post",
        data=_new_version_body,
        label="publish",
    ),
    Row("guidance:rules", EVERYONE),
    Row("guidance:indicator-help", EVERYONE, kwargs=lambda p: {"code": "the_life_lingo"}),
    Row("guidance:indicator-help", expect(404), kwargs=lambda p: {"code": "not_a_code"}, label="unknown code"),
    Row("guidance:check", EVERYONE),
    Row(
        "guidance:language-check",
        EVERYONE,
        method="post",
        data=lambda p: {"field": "note", "note": "She was on the track."},
    ),
    Row("guidance:notes", NOTES_READ, kwargs=lambda p: {"youth_pk": p.youth.pk}),
    Row(
        "guidance:notes",
        expect(404, other_agency_worker=200),
        kwargs=lambda p: {"youth_pk": p.other_agency_youth.pk},
        label="another agency's youth",
    ),
    Row(
        "guidance:notes",
        NOTES_WRITE,
        kwargs=lambda p: {"youth_pk": p.youth.pk},
        method="post",
        data=lambda p: {"text": "Met with the youth at school."},
        label="add",
    ),
    Row(
        "guidance:notes",
        expect(404, worker2=302, supervisor=302),
        kwargs=lambda p: {"youth_pk": p.youth2.pk},
        method="post",
        data=lambda p: {"text": "Met with the youth at school."},
        label="add for another worker's youth",
    ),
]

ROWS = [_with_content(row) for row in ROWS]

# --- An admin of the other agency, next to the first agency's admin -------------------------------


@dataclass(frozen=True)
class AdminRow:
    """One guidance URL as the first agency's admin (`own`) and an admin of the other agency (`other`).

    Records named in the URL are the first agency's. `after(p)` may check what the request left behind
    (that the other agency's admin changed nothing of the first agency, that their own copy changed)."""

    name: str
    own: int
    other: int
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda p: {})
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}{' (' + self.label + ')' if self.label else ''}"


def _only_in_first_agency(p: Any) -> dict[str, Any]:
    """A handbook section that only the first agency has (a key the other agency's handbook lacks)."""
    from safeharbor.guidance.models import PolicySection

    mdt = _first_section(p, "mdt")
    if not PolicySection.objects.filter(document=mdt.document, key="agency-one-only").exists():
        PolicySection.objects.create(
            document=mdt.document,
            key="agency-one-only",
            version=1,
            order=99,
            title="A section of the first agency only",
            summary="Local practice.",
            effective_date=mdt.effective_date,
            last_updated=mdt.last_updated,
        )
    return {"key": "agency-one-only"}


def _first_section(p: Any, key: str) -> Any:
    from safeharbor.guidance.models import PolicySection

    _agency_content(p)
    return PolicySection.objects.get(document__agency=p.agency, key=key, version=1)


ENTRY_OWN = 200  # the admin's own agency's entry: the edit page
SAVED = 302

OTHER_AGENCY_ADMIN_ROWS = [
    # Pages that name no record: each admin gets their own agency's content.
    AdminRow("guidance:index", 200, 200),
    AdminRow("guidance:search", 200, 200),
    AdminRow("guidance:glossary", 200, 200),
    AdminRow("guidance:list", 200, 200, kwargs=lambda p: {"kind": "myths"}),
    AdminRow("guidance:content-new", 200, 200, kwargs=lambda p: {"kind": "glossary"}),
    *[
        AdminRow(
            "guidance:content-new",
            SAVED,
            SAVED,
            kwargs=lambda p, kind=kind: {"kind": kind},
            method="post",
            data=_new_body(kind),
            label=f"add a {kind} entry: to the admin's own agency",
        )
        for kind in KINDS
    ],
    # The first agency's entries: the other agency's admin gets 404 and changes nothing.
    *[
        AdminRow("guidance:content-edit", ENTRY_OWN, 404, kwargs=_entry(kind), label=f"the first agency's {kind}")
        for kind in KINDS
    ],
    *[
        AdminRow(
            "guidance:content-edit",
            SAVED,
            404,
            kwargs=_entry(kind),
            method="post",
            data=_edit_body(kind),
            label=f"rewrite the first agency's {kind}",
        )
        for kind in KINDS
    ],
    AdminRow("guidance:handbook", 200, 200),
    AdminRow("guidance:section", 200, 404, kwargs=_only_in_first_agency, label="a section only the first agency has"),
    AdminRow("guidance:section", 200, 200, kwargs=lambda p: {"key": "mdt"}, label="each reads their own copy"),
    AdminRow(
        "guidance:section-version",
        200,
        404,
        kwargs=lambda p: {**_only_in_first_agency(p), "version": 1},
        label="a section only the first agency has",
    ),
    AdminRow(
        "guidance:section-new-version",
        200,
        404,
        kwargs=_only_in_first_agency,
        label="a section only the first agency has",
    ),
    AdminRow(
        "guidance:section-new-version",
        SAVED,
        404,
        kwargs=_only_in_first_agency,
        method="post",
        data=_new_version_body,
        label="rewrite a section only the first agency has",
    ),
    AdminRow(
        "guidance:section-new-version",
        SAVED,
        SAVED,
        kwargs=lambda p: {"key": "mdt"},
        method="post",
        data=_new_version_body,
        label="each publishes in their own handbook",
    ),
    AdminRow("guidance:rules", 200, 200),
    AdminRow("guidance:indicator-help", 200, 200, kwargs=lambda p: {"code": "the_life_lingo"}),
    AdminRow("guidance:check", 200, 200),
    AdminRow(
        "guidance:language-check",
        200,
        200,
        method="post",
        data=lambda p: {"field": "note", "note": "She was on the track."},
    ),
    # Case notes: no admin opens a youth; the first agency's youth is a 404 for both.
    AdminRow("guidance:notes", 404, 404, kwargs=lambda p: {"youth_pk": p.youth.pk}),
    AdminRow(
        "guidance:notes",
        404,
        404,
        kwargs=lambda p: {"youth_pk": p.youth.pk},
        method="post",
        data=lambda p: {"text": "Met with the youth at school."},
        label="add",
    ),
]
