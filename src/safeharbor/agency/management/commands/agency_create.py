"""`safeharbor agency_create --name ... --slug ... [--time-zone ...]`: a new county agency, ready to work.

For county IT administrators. The agency gets the handbook's default settings, the screening
indicator catalogue, the partner directory and the website catalogue; the creation is audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeharbor.agency.services import DEFAULT_TIME_ZONE, agency_create
from safeharbor.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create a county agency with its default catalogues (audited)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="the agency's name, as staff know it")
        parser.add_argument("--slug", required=True, help="a short identifier: letters, digits, hyphens")
        parser.add_argument(
            "--time-zone", default=DEFAULT_TIME_ZONE, help=f"IANA time zone (default {DEFAULT_TIME_ZONE})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency = agency_create(
                actor=None, name=options["name"], slug=options["slug"], time_zone=options["time_zone"]
            )
        except ApplicationError as exc:
            label = exc.field.replace("_", "-") if exc.field else "input"
            raise CommandError(f"--{label}: {exc.message}") from exc
        self.stdout.write(f"Created agency {agency.slug!r} (id {agency.pk}, time zone {agency.time_zone}).")
