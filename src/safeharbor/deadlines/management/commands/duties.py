"""`safeharbor duties export --agency SLUG [--from YYYY-MM-DD] [--to YYYY-MM-DD]`.

Writes the duty ledger of one agency to stdout as JSON Lines: one duty per line, by `arose_at, id`,
in the shape of docs/duties.md ("The duty ledger"). `--from`/`--to` are days in the agency's time
zone, inclusive, on the day the duty arose. Nothing else goes to stdout; errors go to stderr with a
non-zero exit. The export is audited (`deadline.ledger_export`: the count and the range, no names).
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeharbor.agency.models import Agency
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.deadlines.ledger import ledger_rows

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value: str) -> date:
    """A day written YYYY-MM-DD (argparse type): anything else is an error naming the value."""
    try:
        if not _DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD, for example 2026-01-31") from None


class Command(BaseCommand):
    help = "The duty ledger: `duties export --agency SLUG [--from YYYY-MM-DD] [--to YYYY-MM-DD]` (JSON Lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser("export", help="write the agency's duties to stdout, one JSON object a line")
        export.add_argument("--agency", required=True, metavar="SLUG", help="the agency's slug")
        export.add_argument(
            "--from",
            dest="date_from",
            type=_day,
            default=None,
            metavar="YYYY-MM-DD",
            help="the first day (agency time zone) a duty arose on, inclusive",
        )
        export.add_argument(
            "--to",
            dest="date_to",
            type=_day,
            default=None,
            metavar="YYYY-MM-DD",
            help="the last day (agency time zone) a duty arose on, inclusive",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self._export(slug=options["agency"], date_from=options["date_from"], date_to=options["date_to"])

    def _export(self, *, slug: str, date_from: date | str | None, date_to: date | str | None) -> None:
        # call_command(..., date_from="2026-01-01") passes the value past argparse: check it here too.
        try:
            start = _day(date_from) if isinstance(date_from, str) else date_from
            end = _day(date_to) if isinstance(date_to, str) else date_to
        except argparse.ArgumentTypeError as exc:
            raise CommandError(str(exc)) from None
        if start is not None and end is not None and start > end:
            raise CommandError(f"--from {start.isoformat()} is after --to {end.isoformat()}")
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            raise CommandError(f"no agency with the slug {slug!r}")
        count = 0
        complete = False
        try:
            for row in ledger_rows(agency=agency, date_from=start, date_to=end):
                self.stdout.write(json.dumps(row, separators=(",", ":")))
                count += 1
            self.stdout.flush()
            complete = True
        finally:
            audit_record(
                actor=None,
                action="deadline.ledger_export",
                agency_id=agency.pk,
                outcome=AuditEvent.Outcome.OK if complete else AuditEvent.Outcome.FAILED,
                detail={
                    "count": count,
                    "from": start.isoformat() if start else None,
                    "to": end.isoformat() if end else None,
                },
            )
