"""Form fields shared by every app: a date and time typed on the agency's wall clock.

`AgencyDateTimeField` reads `<input type="datetime-local">` (value format `%Y-%m-%dT%H:%M`) in the
active time zone (the agency's, activated by `core.middleware.AgencyTimezoneMiddleware`) and cleans to
an aware instant in UTC:

- an ordinary wall time is the one instant it names;
- a wall time in the hour repeated when the clocks go back (2025-11-02 01:30 in Los Angeles) names two
  instants: the field stays invalid until the person picks one. The widget then shows both as a radio
  pair named `<field>_fold` (0: the first, earlier; 1: the second, later), and keeps the choice on every
  re-render, so the instant is never guessed;
- a wall time in the hour skipped when the clocks go forward (2025-03-09 02:30) names none: a field
  error says so.

Messages name only times and dates, never anything about a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.dates import MONTHS

from safeharbor.core.timeutils import clock_change_around, utc_offset_label, wall_time_instants

VALUE_FORMAT = "%Y-%m-%dT%H:%M"
INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
FOLD_SUFFIX = "_fold"


@dataclass(frozen=True)
class WallTimeEntry:
    """What the widget read from the request: the typed text and the repeated-hour choice, if any."""

    text: str
    fold: int | None = None


@dataclass(frozen=True)
class FoldChoice:
    value: int
    instant: datetime
    label: str


def _zone() -> ZoneInfo:
    zone = timezone.get_current_timezone()
    if not isinstance(zone, ZoneInfo):  # Django 5 always gives a ZoneInfo; keep mypy and odd setups honest
        zone = ZoneInfo(str(zone))
    return zone


def _day(value: date) -> str:
    return f"{value.day} {MONTHS[value.month]} {value.year}"


def parse_wall_text(text: str) -> datetime | None:
    """The datetime a typed value names (naive unless it carries an offset), or None if unreadable."""
    text = text.strip()
    try:
        parsed = parse_datetime(text)
    except ValueError:
        return None
    if parsed is not None:
        return parsed
    for fmt in INPUT_FORMATS:
        try:
            return datetime.strptime(text, fmt)  # noqa: DTZ007 - a wall-clock reading, resolved in the zone
        except ValueError:
            continue
    return None


def fold_choices(wall: datetime, zone: ZoneInfo) -> list[FoldChoice]:
    """The two instants of a repeated wall time, labelled "01:30 PDT (UTC-7, the first 01:30)"."""
    instants = wall_time_instants(wall, zone)
    if len(instants) != 2:
        return []
    clock = wall.strftime("%H:%M")
    choices = []
    for fold, (instant, which) in enumerate(zip(instants, ("first", "second"), strict=True)):
        local = instant.astimezone(zone)
        abbreviation = local.tzname() or ""
        name = f"{clock} {abbreviation}" if abbreviation[:1].isalpha() else clock
        choices.append(
            FoldChoice(fold, instant, f"{name} ({utc_offset_label(local.utcoffset())}, the {which} {clock})")
        )
    return choices


def ambiguous_message(wall: datetime, zone: ZoneInfo) -> str:
    moved_from, moved_to = clock_change_around(wall, zone)
    clock = wall.strftime("%H:%M")
    return (
        f"{clock} on {_day(wall.date())} occurs twice: the clocks go back from {moved_from:%H:%M} to "
        f"{moved_to:%H:%M}. Choose which {clock} you mean."
    )


def nonexistent_message(wall: datetime, zone: ZoneInfo) -> str:
    moved_from, moved_to = clock_change_around(wall, zone)
    return (
        f"This time does not exist on {_day(wall.date())}: clocks moved from {moved_from:%H:%M} to "
        f"{moved_to:%H:%M}. Enter the time the clock showed: before {moved_from:%H:%M}, or {moved_to:%H:%M} "
        "or later."
    )


def resolve_wall_time(wall: datetime, zone: ZoneInfo, fold: int | None) -> datetime:
    """The instant (aware, UTC) a wall time names in `zone`; ValidationError when it is not one."""
    instants = wall_time_instants(wall, zone)
    if not instants:
        raise ValidationError(nonexistent_message(wall, zone), code="nonexistent")
    if len(instants) == 1:
        return instants[0]
    if fold not in (0, 1):
        raise ValidationError(ambiguous_message(wall, zone), code="ambiguous")
    return instants[fold]


class AgencyDateTimeInput(forms.DateTimeInput):
    """`<input type="datetime-local">`, plus the repeated-hour radio pair when the time names two instants."""

    input_type = "datetime-local"
    template_name = "core/widgets/agency_datetime.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=VALUE_FORMAT)
        self.legend_label = ""  # the field's label, set by the bound field at each render

    def value_from_datadict(self, data: Any, files: Any, name: str) -> WallTimeEntry | None:
        text = data.get(name)
        if text is None:
            return None
        raw_fold = data.get(name + FOLD_SUFFIX)
        fold = int(raw_fold) if raw_fold in ("0", "1") else None
        return WallTimeEntry(str(text), fold)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + FOLD_SUFFIX not in data

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, WallTimeEntry):
            return value.text
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = value.astimezone(_zone())
            return value.strftime(VALUE_FORMAT)
        return super().format_value(value)

    @staticmethod
    def _wall_and_fold(value: Any, zone: ZoneInfo) -> tuple[datetime | None, int | None]:
        """The naive wall time being shown, and which of a repeated hour's instants is chosen."""
        if isinstance(value, WallTimeEntry):
            parsed = parse_wall_text(value.text)
            if parsed is None or parsed.tzinfo is not None:
                return None, None
            return parsed, value.fold
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                local = value.astimezone(zone)
                return local.replace(tzinfo=None, second=0, microsecond=0), local.fold
            return value.replace(second=0, microsecond=0), None
        return None, None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        zone = _zone()
        wall, fold = self._wall_and_fold(value, zone)
        choices = fold_choices(wall, zone) if wall is not None else []
        if choices:
            base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
            clock = f"{wall:%H:%M} on {_day(wall.date())}" if wall is not None else ""
            legend = f"Which {clock} do you mean?"
            if self.legend_label:
                legend = f"{self.legend_label}: which {clock}?"
            context["widget"]["fold"] = {
                "name": name + FOLD_SUFFIX,
                "id": base_id + FOLD_SUFFIX,
                "legend": legend,
                "options": [
                    {
                        "value": choice.value,
                        "id": f"{base_id}{FOLD_SUFFIX}_{choice.value}",
                        "label": choice.label,
                        "checked": choice.value == fold,
                    }
                    for choice in choices
                ],
            }
        return context


class AgencyDateTimeBoundField(BoundField):
    def as_widget(self, widget: Any = None, attrs: Any = None, only_initial: bool = False) -> Any:
        target = widget or self.field.widget
        if isinstance(target, AgencyDateTimeInput):
            target.legend_label = str(self.label)
        return super().as_widget(widget=widget, attrs=attrs, only_initial=only_initial)


YEAR_RANGE = (1900, 2200)


class AgencyDateTimeField(forms.DateTimeField):
    """A date and time on the agency's wall clock, cleaned to an aware UTC instant (see the module)."""

    widget = AgencyDateTimeInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", list(INPUT_FORMATS))
        super().__init__(**kwargs)

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> BoundField:
        return AgencyDateTimeBoundField(form, self, field_name)

    def prepare_value(self, value: Any) -> Any:
        # Keep an aware initial value aware: the widget shows it on the wall clock and, in a repeated
        # hour, pre-selects which of the two it is.
        return value

    def to_python(self, value: Any) -> datetime | None:
        fold: int | None = None
        if isinstance(value, WallTimeEntry):
            fold = value.fold
            value = value.text
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            parsed: datetime | None = value
        elif isinstance(value, date):
            parsed = datetime(value.year, value.month, value.day)  # noqa: DTZ001 - midnight on the wall clock
        elif isinstance(value, str):
            parsed = parse_wall_text(value)
        else:
            parsed = None
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if not YEAR_RANGE[0] <= parsed.year <= YEAR_RANGE[1]:
            # Far outside any case's life (and near the calendar's edge, where zone arithmetic overflows).
            raise ValidationError("Enter a date between the years 1900 and 2200.", code="invalid")
        if timezone.is_aware(parsed):
            return parsed.astimezone(UTC)
        return resolve_wall_time(parsed, _zone(), fold)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True
