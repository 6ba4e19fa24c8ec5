"""`safeharbor backup PATH`: a consistent copy of the database while the application keeps running.

SQLite: the online backup API (sqlite3.Connection.backup) copies the live database page by page into
PATH; writers are not stopped, and the copy is a single self-contained file (journal mode DELETE),
checked with PRAGMA integrity_check before it replaces PATH.
PostgreSQL: `pg_dump --format=custom` with the DATABASE_URL's host, port, user and database; the
password goes to pg_dump in PGPASSWORD, never on the command line.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from safeharbor.core.management.commands._dbtools import pg_tool, sqlite_integrity, target


class Command(BaseCommand):
    help = "Back up the database to PATH (SQLite online backup API; pg_dump -Fc on PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="file to write (replaced only when the backup is complete)")
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"].expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = target(options["database"])
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        if db.vendor == "sqlite":
            self._sqlite(options["database"], partial)
        else:
            command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), *db.pg_args()]
            result = subprocess.run(command, env=db.pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
            if result.returncode != 0:
                partial.unlink(missing_ok=True)
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        os.replace(partial, path)
        self.stdout.write(f"Backed up the {db.vendor} database to {path} ({path.stat().st_size} bytes).")

    def _sqlite(self, alias: str, partial: Path) -> None:
        connection = connections[alias]
        connection.ensure_connection()
        source = connection.connection
        dest = sqlite3.connect(partial)
        try:
            # Copy in steps so concurrent writers are held up only briefly; SQLite restarts the copy
            # by itself when another connection writes in between.
            source.backup(dest, pages=256)
            dest.execute("PRAGMA journal_mode=DELETE")
            dest.commit()
        finally:
            dest.close()
        verdict = sqlite_integrity(partial)
        if verdict != "ok":
            partial.unlink(missing_ok=True)
            raise CommandError(f"The copy failed its integrity check: {verdict}")
