"""Permission matrix of the guidance app.

Knowledge and the policy handbook: everyone signed in, partners included (no case data). Editing:
admins. The language check: everyone signed in. Case notes: through the youth door (read to list,
write to add); a youth the persona may not open is a 404.
"""

from __future__ import annotations

from safeharbor.core.testing.matrix import Row, expect


def _first_pk(model_name: str) -> int:
    from django.apps import apps

    return apps.get_model("guidance", model_name).objects.order_by("pk").values_list("pk", flat=True)[0]


EVERYONE = expect(200)
ADMIN_ONLY = expect(403, admin=200)
NOTES_READ = expect(404, worker=200, supervisor=200, manager=200)
NOTES_WRITE = expect(404, worker=302, supervisor=302)

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
    Row("guidance:content-edit", ADMIN_ONLY, kwargs=lambda p: {"kind": "myths", "pk": _first_pk("Myth")}),
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
    Row("guidance:section-new-version", ADMIN_ONLY, kwargs=lambda p: {"key": "mdt"}),
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
