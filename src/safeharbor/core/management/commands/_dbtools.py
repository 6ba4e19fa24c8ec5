"""Shared by `safeharbor backup` and `safeharbor restore`: what the configured database is."""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import connections


@dataclass(frozen=True)
class Target:
    vendor: str  # "sqlite" or "postgresql"
    settings: dict[str, Any]

    @property
    def sqlite_path(self) -> Path:
        return Path(str(self.settings["NAME"]))

    def pg_args(self) -> list[str]:
        s = self.settings
        args = []
        if s.get("HOST"):
            args += ["--host", str(s["HOST"])]
        if s.get("PORT"):
            args += ["--port", str(s["PORT"])]
        if s.get("USER"):
            args += ["--username", str(s["USER"])]
        return [*args, "--dbname", str(s["NAME"])]

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.settings.get("PASSWORD"):
            env["PGPASSWORD"] = str(self.settings["PASSWORD"])
        return env


def target(alias: str = "default") -> Target:
    connection = connections[alias]
    if connection.vendor not in {"sqlite", "postgresql"}:
        raise CommandError(f"Unsupported database: {connection.vendor}")
    return Target(connection.vendor, dict(connection.settings_dict))


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def sqlite_integrity(path: Path) -> str:
    """PRAGMA integrity_check of a SQLite file, read-only."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = db.execute("PRAGMA integrity_check").fetchone()
    finally:
        db.close()
    return str(row[0]) if row else "no answer"
