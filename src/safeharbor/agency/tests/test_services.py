"""Creating a county agency: default settings, the seeded catalogues, the audit row, the command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from safeharbor.agency.models import Agency
from safeharbor.agency.services import agency_create, agency_seed
from safeharbor.audit.models import AuditEvent
from safeharbor.care.directory import HANDBOOK_ORGANISATIONS
from safeharbor.care.models import PartnerOrganisation
from safeharbor.core.errors import ApplicationError
from safeharbor.guidance import defaults
from safeharbor.guidance.models import PolicySection
from safeharbor.screening.catalogue import ORDER
from safeharbor.screening.models import IndicatorDefinition
from safeharbor.webaccess.catalogue import HANDBOOK_SITES
from safeharbor.webaccess.models import Site

pytestmark = pytest.mark.django_db


def _rows(agency: Agency) -> tuple[int, int, int]:
    return (
        IndicatorDefinition.objects.filter(agency=agency).count(),
        PartnerOrganisation.objects.filter(agency=agency).count(),
        Site.objects.filter(agency=agency).count(),
    )


def _guidance_defaults() -> int:
    return sum(
        len(rows)
        for rows in (
            defaults.GLOSSARY,
            defaults.MYTHS,
            defaults.STRATEGIES,
            defaults.NEEDS,
            defaults.LEGAL,
            defaults.SECTIONS,
        )
    )


def test_new_agency_gets_every_catalogue_and_one_audit_row(personas):
    agency = agency_create(
        actor=personas.admin, name=" North Fictional County ", slug="north-fictional", time_zone="America/Denver"
    )
    assert (agency.name, agency.slug, agency.time_zone) == (
        "North Fictional County",
        "north-fictional",
        "America/Denver",
    )
    assert agency.immediate_due_days == 7  # the handbook's defaults
    assert _rows(agency) == (len(ORDER), len(HANDBOOK_ORGANISATIONS), len(HANDBOOK_SITES))
    assert sorted(IndicatorDefinition.objects.filter(agency=agency).values_list("code", flat=True)) == sorted(ORDER)
    assert PolicySection.objects.filter(document__agency=agency).count() == len(defaults.SECTIONS)
    event = AuditEvent.objects.get(action="agency.create")
    assert event.actor_id == personas.admin.pk
    assert event.agency_id == agency.pk and event.object_id == str(agency.pk)
    assert event.detail == {
        "slug": "north-fictional",
        "time_zone": "America/Denver",
        "indicators": len(ORDER),
        "partners": len(HANDBOOK_ORGANISATIONS),
        "sites": len(HANDBOOK_SITES),
        "guidance": _guidance_defaults(),
    }
    # another agency's catalogues are untouched
    before = _rows(personas.other_agency)
    agency_seed(agency=agency)
    assert _rows(personas.other_agency) == before


def test_seeding_again_adds_nothing(personas):
    agency = agency_create(actor=None, name="South Fictional County", slug="south-fictional")
    assert agency.time_zone == "America/Los_Angeles"
    first = _rows(agency)
    assert agency_seed(agency=agency) == {"indicators": 0, "partners": 0, "sites": 0, "guidance": 0}
    assert _rows(agency) == first


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "", "slug": "blank-name"}, "name"),
        ({"name": "Bad Slug County", "slug": "not a slug!"}, "slug"),
        ({"name": "Taken County", "slug": "fictional"}, "slug"),  # the personas' agency has it
        ({"name": "Bad Zone County", "slug": "bad-zone", "time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(personas, kwargs, field):
    agencies = Agency.objects.count()
    events = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as exc:
        agency_create(actor=personas.admin, **kwargs)
    assert exc.value.field == field
    assert Agency.objects.count() == agencies
    assert AuditEvent.objects.count() == events


def test_command_creates_an_agency(db):
    out = io.StringIO()
    call_command(
        "agency_create",
        "--name",
        "East Fictional County",
        "--slug",
        "east-fictional",
        "--time-zone",
        "America/Chicago",
        stdout=out,
    )
    agency = Agency.objects.get(slug="east-fictional")
    assert agency.time_zone == "America/Chicago"
    assert f"id {agency.pk}" in out.getvalue()
    assert _rows(agency) == (len(ORDER), len(HANDBOOK_ORGANISATIONS), len(HANDBOOK_SITES))
    assert AuditEvent.objects.get(action="agency.create").actor_id is None


def test_command_reports_bad_input_by_option(db):
    call_command("agency_create", "--name", "West Fictional County", "--slug", "west-fictional", stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"^--slug: "):
        call_command("agency_create", "--name", "Again", "--slug", "west-fictional", stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"^--time-zone: "):
        call_command("agency_create", "--name", "Z", "--slug", "zone-fictional", "--time-zone", "Nowhere/At_All")
    assert Agency.objects.filter(slug__endswith="-fictional").count() == 1


def test_demo_base_creates_its_agency_through_the_service_once(db):
    from safeharbor.core.management.commands.demo import DEMO_SLUG, Command

    Command()._base()
    agency = Agency.objects.get(slug=DEMO_SLUG)
    rows = _rows(agency)
    assert rows == (len(ORDER), len(HANDBOOK_ORGANISATIONS) + 1, len(HANDBOOK_SITES))  # + the demo's own partner
    ctx = Command()._base()
    assert ctx.created is False
    assert _rows(agency) == rows
    assert AuditEvent.objects.filter(action="agency.create").count() == 1
