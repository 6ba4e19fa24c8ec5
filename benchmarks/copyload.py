"""Bulk loading helpers for the benchmark generator: PostgreSQL COPY straight into Django's tables.

Migration-free and app-independent: columns come from the models' own metadata, so a field an app
adds later is filled with its default (or NULL) without a change here. Secondary indexes and unique
constraints of the loaded tables are dropped before the load and rebuilt after it (one sort per index
instead of one insertion per row), and foreign-key triggers are skipped with
`session_replication_role = replica` (the generator writes consistent ids itself).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import psycopg
from django.db import models

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"
FLUSH_BYTES = 4 << 20


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":")).translate(_ESCAPES)


def _iso(value: Any) -> str:
    return str(value.isoformat())


# Dispatch on the exact type: this runs tens of millions of times for the state scale.
_FORMATS: dict[type, Any] = {
    str: lambda v: v.translate(_ESCAPES),
    int: str,
    float: repr,
    bool: lambda v: "t" if v else "f",
    type(None): lambda v: NULL,
    datetime: _iso,
    date: _iso,
    time: _iso,
    dict: _json,
    list: _json,
    tuple: _json,
}


def text(value: Any) -> str:
    """One value in COPY's text format."""
    fmt = _FORMATS.get(type(value))
    if fmt is not None:
        return str(fmt(value))
    return str(value).translate(_ESCAPES)


def _default_of(field: models.Field[Any, Any], now: datetime) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value (NOT NULL, no default)")


class CopyWriter:
    """COPY rows of one model over its own connection, so several tables load at once.

    `columns` are attribute names (`agency_id`, `legal_last_name`); every other concrete field gets its
    default. `row(*values)` formats values; `line(str)` takes a preformatted, tab-separated line of the
    same columns (the fast path for the big tables).
    """

    def __init__(self, dsn: str, model: type[models.Model], columns: list[str], now: datetime) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}")
        # An auto primary key left out is numbered by its sequence.
        rest = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in columns and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        self.suffix = "".join("\t" + text(_default_of(f, now)) for f in rest) + "\n"
        names = [fields[c].column for c in columns] + [f.column for f in rest]
        self.table = model._meta.db_table
        self.count = 0
        self._buf: list[str] = []
        self._size = 0
        self._conn = psycopg.connect(dsn, autocommit=False)
        self._conn.execute("SET session_replication_role = replica")
        self._conn.execute("SET synchronous_commit = off")
        self._cur = self._conn.cursor()
        cols = ", ".join(f'"{n}"' for n in names)
        self._copy_cm = self._cur.copy(f'COPY "{self.table}" ({cols}) FROM STDIN')
        self._copy = self._copy_cm.__enter__()

    def row(self, *values: Any) -> None:
        formats = _FORMATS
        self.line("\t".join([formats[type(v)](v) if type(v) in formats else text(v) for v in values]))

    def line(self, line: str) -> None:
        self._buf.append(line)
        self._buf.append(self.suffix)
        self.count += 1
        self._size += len(line) + len(self.suffix)
        if self._size >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._buf:
            self._copy.write("".join(self._buf))
            self._buf = []
            self._size = 0

    def close(self) -> int:
        self.flush()
        self._copy_cm.__exit__(None, None, None)
        self._conn.commit()
        self._conn.close()
        return self.count


def drop_secondary_indexes(conn: psycopg.Connection[Any], tables: list[str]) -> list[str]:
    """Drop every index and unique constraint of `tables` except primary keys; return the SQL that
    puts them back."""
    restore: list[str] = []
    for table in tables:
        constraints = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        ).fetchall()
        for name, definition in constraints:
            conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            restore.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        indexes = conn.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [table],
        ).fetchall()
        for name, definition in indexes:
            conn.execute(f"DROP INDEX {name}")
            restore.append(definition)
    conn.commit()
    return restore


def reset_sequences(conn: psycopg.Connection[Any], tables: list[str]) -> None:
    for table in tables:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
        )
    conn.commit()
