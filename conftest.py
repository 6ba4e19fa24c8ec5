"""Standing personas for every test (DESIGN.md, "Tests"): two workers in one unit, their supervisor,
a worker in another unit, another agency's worker, a coordinator, a manager, a partner, an auditor,
an admin; and one youth on each worker's caseload. All fictional."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("SAFEHARBOR_ENV", "test")

import pytest
from django.utils import timezone


@dataclass
class Personas:
    agency: Any
    other_agency: Any
    unit: Any
    other_unit: Any
    worker: Any
    worker2: Any
    supervisor: Any
    other_unit_worker: Any
    other_unit_supervisor: Any
    other_agency_worker: Any
    coordinator: Any
    manager: Any
    partner: Any
    auditor: Any
    admin: Any
    youth: Any  # on worker's caseload
    youth2: Any  # on worker2's caseload
    other_unit_youth: Any  # on other_unit_worker's caseload
    other_agency_youth: Any  # another agency's

    def all_users(self) -> dict[str, Any]:
        return {
            "worker": self.worker,
            "worker2": self.worker2,
            "supervisor": self.supervisor,
            "other_unit_worker": self.other_unit_worker,
            "other_agency_worker": self.other_agency_worker,
            "coordinator": self.coordinator,
            "manager": self.manager,
            "partner": self.partner,
            "auditor": self.auditor,
            "admin": self.admin,
        }


def make_personas() -> Personas:
    from safeharbor.core.testing import factories as f

    agency = f.AgencyFactory(name="Fictional County Agency", slug="fictional")
    other_agency = f.AgencyFactory(name="Other Fictional County", slug="other")
    supervisor = f.UserFactory(username="supervisor", agency=agency, roles=["supervisor"])
    other_unit_supervisor = f.UserFactory(username="supervisor2", agency=agency, roles=["supervisor"])
    manager = f.UserFactory(username="manager", agency=agency, roles=["manager"])
    unit = f.UnitFactory(agency=agency, name="Unit North", supervisor=supervisor, manager=manager)
    other_unit = f.UnitFactory(agency=agency, name="Unit South", supervisor=other_unit_supervisor)
    worker = f.UserFactory(username="worker", agency=agency, unit=unit, roles=["worker"])
    worker2 = f.UserFactory(username="worker2", agency=agency, unit=unit, roles=["worker"])
    other_unit_worker = f.UserFactory(username="worker3", agency=agency, unit=other_unit, roles=["worker"])
    other_agency_worker = f.UserFactory(username="otherworker", agency=other_agency, roles=["worker"])
    coordinator = f.UserFactory(username="coordinator", agency=agency, roles=["coordinator"])
    org = f.PartnerOrganisationFactory(agency=agency, name="Fictional Youth Advocates")
    partner = f.UserFactory(username="partner", agency=agency, partner_organisation=org, roles=["partner"])
    auditor = f.UserFactory(username="auditor", agency=agency, roles=["auditor"])
    admin = f.UserFactory(username="itadmin", agency=agency, roles=["admin"])
    start = dt.date(2025, 1, 1)

    def youth_for(worker_user: Any, agency_obj: Any) -> Any:
        y = f.YouthFactory(agency=agency_obj)
        f.AssignmentFactory(youth=y, worker=worker_user, start=start)
        return y

    return Personas(
        agency=agency,
        other_agency=other_agency,
        unit=unit,
        other_unit=other_unit,
        worker=worker,
        worker2=worker2,
        supervisor=supervisor,
        other_unit_worker=other_unit_worker,
        other_unit_supervisor=other_unit_supervisor,
        other_agency_worker=other_agency_worker,
        coordinator=coordinator,
        manager=manager,
        partner=partner,
        auditor=auditor,
        admin=admin,
        youth=youth_for(worker, agency),
        youth2=youth_for(worker2, agency),
        other_unit_youth=youth_for(other_unit_worker, agency),
        other_agency_youth=youth_for(other_agency_worker, other_agency),
    )


@pytest.fixture
def personas(db: Any) -> Personas:
    return make_personas()


@pytest.fixture
def login(client: Any) -> Any:
    """`login(user)` signs the test client in as `user` and returns the client."""

    def _login(user: Any) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        # As the real sign-in does (SessionPolicyMiddleware): both session clocks start at sign-in,
        # so the first page request is like any other (no extra session write to count).
        session = client.session
        now = timezone.now().isoformat()
        session["sh_started"] = now
        session["sh_last"] = now
        session.save()
        return client

    return _login


@pytest.fixture(autouse=True)
def _engine_test_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests of the deadline engine itself open throwaway kinds (`test.*`); the application accepts only
    the registry's kinds (deadlines.kinds)."""
    from safeharbor.deadlines import kinds

    monkeypatch.setattr(kinds, "TEST_PREFIXES", ("test.", "extra."))


@pytest.fixture(autouse=True)
def _private_audit_anchors(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test verifies the audit chain against its own anchor store, never the one `make run` keeps
    in var/ (whose anchors belong to the demo database)."""
    settings.AUDIT_ANCHOR_DIR = tmp_path_factory.mktemp("audit-anchors")
