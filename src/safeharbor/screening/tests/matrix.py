"""Permission-matrix rows for every screening URL (see core/testing/matrix.py)."""

from __future__ import annotations

from typing import Any

from safeharbor.core.testing.matrix import Row, expect

# The youth's own worker and the unit's supervisor may screen; everyone else gets a 404 (not a 403),
# so a record's existence is never revealed.
WRITE = expect(404, worker=200, supervisor=200)
WRITE_BAD_INPUT = expect(404, worker=400, supervisor=400)
WRITE_REDIRECT = expect(404, worker=302, supervisor=302)
# Whoever may open the youth: its worker, the unit's supervisor and manager (the coordinator only once the
# youth has a CSEC status or a referral).
READ = expect(404, worker=200, supervisor=200, manager=200)
READ_WITH_STATUS = expect(404, worker=200, supervisor=200, manager=200, coordinator=200)
CATALOGUE = expect(200, partner=403, auditor=403)


def _youth(p: Any) -> dict[str, Any]:
    return {"youth_pk": p.youth.pk}


def _draft(p: Any) -> dict[str, Any]:
    from safeharbor.screening.services import screening_start

    return {"pk": screening_start(actor=p.worker, youth=p.youth).pk}


def _final(p: Any, status: str = "at_risk") -> dict[str, Any]:
    from safeharbor.screening.services import screening_finalise, screening_save_answers, screening_start

    screening = screening_start(actor=p.worker, youth=p.youth)
    screening = screening_save_answers(
        actor=p.worker, screening=screening, answers={"foster_care": ("yes", "")}, facts=[]
    )
    extra = (
        {} if status == "at_risk" else {"when_category": "in_foster_care", "override_reason": "Matrix fixture reason."}
    )
    screening_finalise(actor=p.worker, screening=screening, determined_status=status, **extra)
    return {"pk": screening.pk}


def _indicator(p: Any, agency: str = "agency") -> dict[str, Any]:
    from safeharbor.screening.services import indicator_catalogue_ensure

    return {"pk": indicator_catalogue_ensure(agency=getattr(p, agency))[0].pk}


ROWS = [
    Row("screening:start", WRITE, kwargs=_youth),
    Row(
        "screening:start",
        expect(404, other_agency_worker=200),
        kwargs=lambda p: {"youth_pk": p.other_agency_youth.pk},
        label="other agency's youth",
    ),
    Row("screening:start", WRITE_REDIRECT, kwargs=_youth, method="post", data=lambda p: {}),
    Row("screening:external", WRITE, kwargs=_youth),
    Row("screening:external", WRITE_BAD_INPUT, kwargs=_youth, method="post", data=lambda p: {"level": "bogus"}),
    Row(
        "screening:external",
        expect(404, worker2=200, supervisor=200),
        kwargs=lambda p: {"youth_pk": p.youth2.pk},
        label="another worker's youth",
    ),
    Row("screening:history", READ, kwargs=_youth),
    Row("screening:detail", READ, kwargs=_draft, label="draft"),
    Row(
        "screening:detail",
        READ_WITH_STATUS,
        kwargs=lambda p: _final(p, "suspected_victim"),
        label="finalised suspected",
    ),
    Row("screening:detail", WRITE_BAD_INPUT, kwargs=_draft, method="post", data=lambda p: {}, label="bad answers"),
    Row("screening:recommend", WRITE, kwargs=_draft, method="post", data=lambda p: {"ind-branding_tattoo": "yes"}),
    Row("screening:finalise", WRITE, kwargs=_draft),
    Row("screening:finalise", WRITE_BAD_INPUT, kwargs=_draft, method="post", data=lambda p: {}, label="no status"),
    Row("screening:amend", WRITE, kwargs=_final),
    Row("screening:amend", WRITE_BAD_INPUT, kwargs=_final, method="post", data=lambda p: {"reason": "short"}),
    Row("screening:catalogue", CATALOGUE),
    Row("screening:indicator_edit", expect(403, admin=200), kwargs=_indicator),
    Row(
        "screening:indicator_edit",
        expect(403, admin=404),
        kwargs=lambda p: _indicator(p, "other_agency"),
        label="other agency's indicator",
    ),
]
