"""`safeharbor report compliance --agency SLUG --from YYYY-MM-DD --to YYYY-MM-DD`.

Prints one JSON object: per duty kind, the duties that arose on those days (agency time zone,
inclusive) and how they were met (docs/duties.md, "The compliance report"). The run is audited
(`report.compliance_export`, the range only). Errors go to stderr with a non-zero exit.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safeharbor.agency.models import Agency
from safeharbor.audit.services import audit_record
from safeharbor.deadlines.management.commands.duties import _day
from safeharbor.reports.compliance import compliance_report


class Command(BaseCommand):
    help = "Reports: `report compliance --agency SLUG --from YYYY-MM-DD --to YYYY-MM-DD` (one JSON object)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        compliance = sub.add_parser("compliance", help="how the agency's duties were met, per duty kind")
        compliance.add_argument("--agency", required=True, metavar="SLUG", help="the agency's slug")
        compliance.add_argument("--from", dest="date_from", type=_day, required=True, metavar="YYYY-MM-DD")
        compliance.add_argument("--to", dest="date_to", type=_day, required=True, metavar="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency has the slug {options['agency']!r}.")
        date_from, date_to = options["date_from"], options["date_to"]
        if isinstance(date_from, str):
            date_from = _day(date_from)
        if isinstance(date_to, str):
            date_to = _day(date_to)
        if date_from > date_to:
            raise CommandError("--from is after --to.")
        report = compliance_report(agency=agency, date_from=date_from, date_to=date_to, now=timezone.now())
        audit_record(
            actor=None,
            action="report.compliance_export",
            agency_id=agency.pk,
            detail={"from": date_from.isoformat(), "to": date_to.isoformat(), "kinds": len(report["duties"])},
        )
        self.stdout.write(json.dumps(report, sort_keys=False))
