"""Helpers for files that leave the system (CSV exports)."""

from __future__ import annotations

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A cell that a spreadsheet shows as text and never runs as a formula: a leading = + - @ tab or
    carriage return gets a single quote in front."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
