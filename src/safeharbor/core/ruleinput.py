"""Small, strict readers for the JSON input of rule contracts.

Each reader raises `RuleInputError` naming the field and the bad value, so the CLI can print one line
and the API can answer 400 with a field error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from safeharbor.core.timeutils import (
    OFFSET_REQUIRED_MESSAGE,
    clock_change_around,
    wall_time_instants,
)

_MISSING = object()
_OFFSETS_REQUIRED: ContextVar[bool] = ContextVar("ruleinput_offsets_required", default=False)


@contextmanager
def offsets_required() -> Iterator[None]:
    """Within this block `read_datetime` refuses a date-time without a UTC offset (the rules API)."""
    token = _OFFSETS_REQUIRED.set(True)
    try:
        yield
    finally:
        _OFFSETS_REQUIRED.reset(token)


class RuleInputError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def require_object(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise RuleInputError("input", f"expected a JSON object, got {type(data).__name__}")
    return data


def get(data: Mapping[str, Any], field: str, *, required: bool = True, default: Any = None) -> Any:
    value = data.get(field, _MISSING)
    if value is _MISSING:
        if required:
            raise RuleInputError(field, "this key is required")
        return default
    return value


def read_date(data: Mapping[str, Any], field: str, *, required: bool = True, nullable: bool = False) -> date | None:
    value = get(data, field, required=required)
    if value is None:
        if nullable or not required:
            return None
        raise RuleInputError(field, "must be a date (YYYY-MM-DD), got null")
    return parse_date_value(field, value)


def parse_date_value(field: str, value: Any) -> date:
    if not isinstance(value, str):
        raise RuleInputError(field, f"must be a date (YYYY-MM-DD), got {_show(value)}")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise RuleInputError(field, f"must be a date (YYYY-MM-DD), got {_show(value)}") from None


def read_datetime(
    data: Mapping[str, Any], field: str, *, zone: ZoneInfo, required: bool = True, nullable: bool = False
) -> datetime | None:
    """An ISO 8601 date-time, returned aware.

    With a UTC offset or `Z` it is that instant, wherever it comes from. Without one:

    - over HTTP (`POST /api/v1/rules/<name>` runs the contract inside `offsets_required()`) it is
      refused with OFFSET_REQUIRED_MESSAGE, as every datetime the API accepts: a program can always say
      which instant it means, and a guess would move deadlines by an hour on the clock-change days;
    - on the command line (`safeharbor rules NAME`) and for in-process callers it is read as a wall-clock
      time in `zone`, the agency's, for a person typing at a terminal. A wall time in the hour repeated
      when the clocks go back (two instants) or skipped when they go forward (none) is refused, naming
      the field and the offsets to choose from; it is never guessed.
    """
    value = get(data, field, required=required)
    if value is None:
        if nullable or not required:
            return None
        raise RuleInputError(field, "must be an ISO 8601 date-time, got null")
    if not isinstance(value, str) or "T" not in value.upper():
        raise RuleInputError(field, f"must be an ISO 8601 date-time, got {_show(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RuleInputError(field, f"must be an ISO 8601 date-time, got {_show(value)}") from None
    if parsed.tzinfo is not None:
        return parsed
    if _OFFSETS_REQUIRED.get():
        raise RuleInputError(field, f"{OFFSET_REQUIRED_MESSAGE} Got {_show(value)}.")
    return _wall_time(field, value, parsed, zone)


def _wall_time(field: str, value: str, wall: datetime, zone: ZoneInfo) -> datetime:
    instants = wall_time_instants(wall, zone)
    if len(instants) == 1:
        return instants[0].astimezone(zone)
    moved_from, moved_to = clock_change_around(wall, zone)
    change = f"on {wall.date().isoformat()} the clocks in {zone.key} moved from {moved_from:%H:%M} to {moved_to:%H:%M}"
    if not instants:
        raise RuleInputError(field, f"{_show(value)} does not exist: {change}")
    first, second = (instant.astimezone(zone).isoformat() for instant in instants)
    raise RuleInputError(
        field,
        f"{_show(value)} occurs twice: {change}; give its UTC offset: {first} (the first) or {second} (the second)",
    )


def read_int(
    data: Mapping[str, Any],
    field: str,
    *,
    required: bool = True,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    value = get(data, field, required=required)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleInputError(field, f"must be a whole number, got {_show(value)}")
    if minimum is not None and value < minimum:
        raise RuleInputError(field, f"must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise RuleInputError(field, f"must be at most {maximum}, got {value}")
    return value


def read_bool(data: Mapping[str, Any], field: str, *, required: bool = True, default: bool = False) -> bool:
    value = get(data, field, required=required, default=default)
    if not isinstance(value, bool):
        raise RuleInputError(field, f"must be true or false, got {_show(value)}")
    return value


def read_str(
    data: Mapping[str, Any], field: str, *, required: bool = True, max_length: int | None = None
) -> str | None:
    value = get(data, field, required=required)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise RuleInputError(field, f"must be a string, got {_show(value)}")
    if max_length is not None and len(value) > max_length:
        raise RuleInputError(field, f"must be at most {max_length} characters, got {len(value)}")
    return value


def read_choice(value: Any, field: str, choices: Iterable[str]) -> str:
    allowed = tuple(choices)
    if not isinstance(value, str) or value not in allowed:
        raise RuleInputError(field, f"unknown value {_show(value)}")
    return value


def read_list(data: Mapping[str, Any], field: str, *, required: bool = True) -> list[Any]:
    value = get(data, field, required=required, default=[])
    if not isinstance(value, list):
        raise RuleInputError(field, f"must be a list, got {_show(value)}")
    return value
