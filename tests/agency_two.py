"""A second agency of full personas, each with records of their own (issue 21, item 1).

The standing personas (root conftest.py) have one person in another agency, a worker. This builds the
rest of that agency's staff on `personas.other_agency`: a coordinator, a manager, a supervisor with a
unit, a worker in that unit, an auditor, an admin and a partner with a partner organisation; and their
records: a youth on the worker's caseload with the CSEC status `suspected_victim`, a missing episode
(which opens the worker's 24-hour duties), an MDT referral booked on a published session (the worker
and the partner invited), an action item, a website-access request and a service-plan item.

`make_first_agency_records` gives the first agency the same kinds of records, so a test can ask what
the second agency's people can open of the first's, and the other way round. All data is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

# Names no Faker draw produces, so a response can be searched for them.
YOUTH_TWO_FIRST = "Zephyrine"
YOUTH_TWO_LAST = "Quorvantis"
YOUTH_ONE_FIRST = "Marigoldette"
YOUTH_ONE_LAST = "Ystrabelle"


@dataclass
class AgencyRecords:
    """One agency's suspected-victim youth and the records made about them."""

    youth: Any
    episode: Any
    referral: Any
    session: Any
    action_item: Any
    web_request: Any
    service_item: Any
    duty_ids: list[int]

    def record_ids(self) -> dict[str, int]:
        return {
            "youth": self.youth.pk,
            "episode": self.episode.pk,
            "referral": self.referral.pk,
            "session": self.session.pk,
            "action_item": self.action_item.pk,
            "web_request": self.web_request.pk,
            "service_item": self.service_item.pk,
        }


@dataclass
class AgencyTwo:
    agency: Any
    unit: Any
    coordinator: Any
    manager: Any
    supervisor: Any
    worker: Any
    auditor: Any
    admin: Any
    partner: Any
    organisation: Any
    records: AgencyRecords

    def all_users(self) -> dict[str, Any]:
        return {
            "coordinator": self.coordinator,
            "manager": self.manager,
            "supervisor": self.supervisor,
            "worker": self.worker,
            "auditor": self.auditor,
            "admin": self.admin,
            "partner": self.partner,
        }


def suspect(youth: Any) -> Any:
    """Give the youth the CSEC status `suspected_victim` (in the coordinator's scope of every agency)."""
    from safeharbor.youth.models import Youth

    Youth.objects.filter(pk=youth.pk).update(csec_status="suspected_victim")
    youth.refresh_from_db()
    return youth


def make_records(
    *, agency: Any, youth: Any, worker: Any, coordinator: Any, members: tuple[Any, ...], action_owner: Any
) -> AgencyRecords:
    """The records of one agency about `youth` (on `worker`'s caseload), made through the services where
    they are easy (episode, web-access request, service item) and as the MDT tests make them."""
    from safeharbor.care import rules as care_rules
    from safeharbor.care.services import service_item_create
    from safeharbor.deadlines.models import Deadline
    from safeharbor.mdt.models import MdtSession
    from safeharbor.mdt.tests.helpers import book, invite, make_action_item, make_referral, make_session
    from safeharbor.missing.tests.helpers import make_episode
    from safeharbor.webaccess.models import Site
    from safeharbor.webaccess.services import access_request_create, site_catalogue_seed
    from safeharbor.youth.search import youth_reindex

    suspect(youth)
    youth_reindex(youth=youth)  # the search's name index (the youth services keep it; factories do not)
    episode = make_episode(None, youth=youth, actor=worker)
    referral = make_referral(youth, worker, status="accepted")
    session = make_session(agency)
    book(session, referral)
    MdtSession.objects.filter(pk=session.pk).update(
        status="agenda_published", published_at=timezone.now() - timedelta(days=1), published_by=coordinator
    )
    session.refresh_from_db()
    referral.refresh_from_db()
    for member in members:
        invite(session, member, acknowledge=True)
    action_item = make_action_item(session, action_owner, coordinator, referral=referral)
    if not Site.objects.filter(agency=agency).exists():
        site_catalogue_seed(agency=agency)
    site = Site.objects.get(agency=agency, domain="backpage.com")
    web_request = access_request_create(
        actor=worker, youth=youth, site=site, reason="The youth mentioned ads on this site."
    )
    service_item = service_item_create(actor=worker, youth=youth, category=care_rules.LONG_TERM_CATEGORIES[0])
    duty_ids = list(Deadline.objects.filter(agency_id=agency.pk, youth_id=youth.pk).values_list("pk", flat=True))
    assert duty_ids, "the episode opens the worker's duties"
    return AgencyRecords(
        youth=youth,
        episode=episode,
        referral=referral,
        session=session,
        action_item=action_item,
        web_request=web_request,
        service_item=service_item,
        duty_ids=duty_ids,
    )


def make_agency_two(p: Any) -> AgencyTwo:
    """The second agency's personas and records, on the standing personas' `other_agency`."""
    from safeharbor.core.testing import factories as f

    agency = p.other_agency
    supervisor = f.UserFactory(username="two-supervisor", agency=agency, roles=["supervisor"])
    manager = f.UserFactory(username="two-manager", agency=agency, roles=["manager"])
    unit = f.UnitFactory(agency=agency, name="Unit East", supervisor=supervisor, manager=manager)
    worker = f.UserFactory(username="two-worker", agency=agency, unit=unit, roles=["worker"])
    coordinator = f.UserFactory(username="two-coordinator", agency=agency, roles=["coordinator"])
    organisation = f.PartnerOrganisationFactory(agency=agency, name="Second County Youth Advocates")
    partner = f.UserFactory(username="two-partner", agency=agency, partner_organisation=organisation, roles=["partner"])
    auditor = f.UserFactory(username="two-auditor", agency=agency, roles=["auditor"])
    admin = f.UserFactory(username="two-admin", agency=agency, roles=["admin"])
    youth = f.YouthFactory(agency=agency, legal_first_name=YOUTH_TWO_FIRST, legal_last_name=YOUTH_TWO_LAST)
    f.AssignmentFactory(youth=youth, worker=worker)
    records = make_records(
        agency=agency,
        youth=youth,
        worker=worker,
        coordinator=coordinator,
        members=(worker, partner, manager),
        action_owner=partner,
    )
    return AgencyTwo(
        agency=agency,
        unit=unit,
        coordinator=coordinator,
        manager=manager,
        supervisor=supervisor,
        worker=worker,
        auditor=auditor,
        admin=admin,
        partner=partner,
        organisation=organisation,
        records=records,
    )


def make_first_agency_records(p: Any) -> AgencyRecords:
    """The first agency's records of the same kinds, about a new youth on the standing worker's caseload."""
    from safeharbor.core.testing import factories as f

    youth = f.YouthFactory(agency=p.agency, legal_first_name=YOUTH_ONE_FIRST, legal_last_name=YOUTH_ONE_LAST)
    f.AssignmentFactory(youth=youth, worker=p.worker)
    return make_records(
        agency=p.agency,
        youth=youth,
        worker=p.worker,
        coordinator=p.coordinator,
        members=(p.worker, p.partner, p.manager),
        action_owner=p.partner,
    )
