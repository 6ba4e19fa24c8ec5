"""`safeharbor audit verify` and `safeharbor audit export-head`.

verify: exit 0 with a one-line summary when the chain, every exported head and the anchor store hold
(warnings, such as "no exported head yet" on a new installation, go to stderr); exit 1 naming the first
broken link (its seq and what is wrong), or what is wrong with the anchor store, otherwise.
export-head: append the current head (seq, hash, UTC time) to the anchor file in AUDIT_ANCHOR_DIR.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safeharbor.audit.verify import anchor_export_head, anchor_path, chain_verify


class Command(BaseCommand):
    help = "Verify the audit hash chain, or export its head to the anchor directory."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="recompute every link; exit 1 naming the first broken one")
        verify.add_argument("--no-anchors", action="store_true", help="skip the check against exported heads")
        verify.add_argument("--anchor-dir", type=Path, default=None, help="default: settings.AUDIT_ANCHOR_DIR")
        export = sub.add_parser("export-head", help="append the chain head to the anchor file")
        export.add_argument("--anchor-dir", type=Path, default=None, help="default: settings.AUDIT_ANCHOR_DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export-head":
            anchor = anchor_export_head(directory=options["anchor_dir"])
            where = anchor_path(options["anchor_dir"])
            self.stdout.write(f"exported head seq {anchor.seq} hash {anchor.hash} at {anchor.at} to {where}")
            return
        result = chain_verify(check_anchors=not options["no_anchors"], anchor_dir=options["anchor_dir"])
        if result.ok:
            self.stdout.write(result.summary())
            for warning in result.warnings:
                self.stderr.write(f"warning: {warning}")
            return
        self.stderr.write(result.summary())
        sys.exit(1)
