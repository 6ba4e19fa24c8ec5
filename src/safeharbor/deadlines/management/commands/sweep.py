"""`safeharbor sweep`: run the deadline sweep once, now (the Huey worker runs it every minute)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from safeharbor.deadlines.services import deadlines_sweep


class Command(BaseCommand):
    help = "Send the reminders owed now for every open duty (idempotent; safe to re-run)."

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options.get("verbosity", 1) >= 2

        def progress(line: str) -> None:
            if verbose:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()

        result = deadlines_sweep(progress=progress)
        self.stdout.write(
            f"sweep done: deadlines={result.deadlines} claimed={result.claimed} "
            f"emailed={result.emailed} failed={result.failed}"
        )
