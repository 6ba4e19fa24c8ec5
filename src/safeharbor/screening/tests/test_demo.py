"""The demo populates finalised screenings idempotently."""

from __future__ import annotations

import pytest

from safeharbor.core.demo import DemoContext
from safeharbor.core.testing import factories as f
from safeharbor.screening import demo
from safeharbor.screening.models import Screening

pytestmark = pytest.mark.django_db


def test_demo_covers_every_status_and_is_idempotent(personas):
    youth = []
    for _ in range(8):
        y = f.YouthFactory(agency=personas.agency)
        f.AssignmentFactory(youth=y, worker=personas.worker)
        youth.append(y)
    ctx = DemoContext(agency=personas.agency, youth=youth)
    demo.populate(ctx)
    statuses = set()
    for y in youth:
        y.refresh_from_db()
        statuses.add(y.csec_status)
    assert statuses == {"confirmed_victim", "suspected_victim", "at_risk", "no_known_risk"}
    count = Screening.objects.count()
    demo.populate(ctx)
    assert Screening.objects.count() == count
