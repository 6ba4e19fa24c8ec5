"""Write workflows of the agency app: creating a county agency ready to work.

A new agency gets what each app seeds for existing agencies in its data migrations: the screening
indicator catalogue, the partner directory and the website catalogue of handbook 13-19, and its own
copy of the guidance content (glossary, myths, strategies, needs, legal basis, the policy handbook),
which its admin then edits for the agency alone. Holidays come from the agency's holiday calendar
setting, so none are seeded either.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safeharbor.agency.models import Agency
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError

DEFAULT_TIME_ZONE = "America/Los_Angeles"


def _validate(agency: Agency) -> None:
    try:
        agency.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=None if field == "__all__" else field) from exc


def agency_seed(*, agency: Agency) -> dict[str, int]:
    """Give an agency the default catalogues it lacks (idempotent). Returns how many rows each added."""
    from safeharbor.care.services import partner_directory_seed
    from safeharbor.guidance.services import guidance_defaults_ensure
    from safeharbor.screening.models import IndicatorDefinition
    from safeharbor.screening.services import indicator_catalogue_ensure
    from safeharbor.webaccess.services import site_catalogue_seed

    with transaction.atomic():
        indicators_before = IndicatorDefinition.objects.filter(agency=agency).count()
        indicators = len(indicator_catalogue_ensure(agency=agency)) - indicators_before
        partners = partner_directory_seed(agency=agency)
        sites = site_catalogue_seed(agency=agency)
        guidance = sum(guidance_defaults_ensure(agency=agency).values())
    return {"indicators": indicators, "partners": partners, "sites": sites, "guidance": guidance}


def agency_create(*, actor: Any | None, name: str, slug: str, time_zone: str = DEFAULT_TIME_ZONE) -> Agency:
    """Create a county agency with the handbook's default settings and catalogues, audited.

    `actor` is the admin who asked (None when run by county IT from the command line). Bad input
    raises ApplicationError naming the field; nothing is written then.
    """
    agency = Agency(name=name.strip(), slug=slug.strip(), time_zone=time_zone.strip())
    _validate(agency)
    with transaction.atomic():
        try:
            with transaction.atomic():
                agency.save()
        except IntegrityError as exc:  # the same slug, created meanwhile by someone else
            raise ApplicationError("An agency with this slug already exists.", field="slug") from exc
        seeded = agency_seed(agency=agency)
        audit_record(
            actor=actor,
            action="agency.create",
            obj=agency,
            agency_id=agency.pk,
            detail={"slug": agency.slug, "time_zone": agency.time_zone, **seeded},
        )
    return agency
