"""Cron schedules as kube-controller-manager reads them (github.com/robfig/cron/v3
ParseStandard): five fields, the @yearly…@hourly descriptors, @every <duration>, and an optional
`TZ=`/`CRON_TZ=` prefix. The arithmetic of the next run is croniter's; this module only adds what
robfig/cron does differently and says its errors in robfig/cron's words, as the API server
reports them (`spec.schedule: Invalid value: "…": <error>`).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from croniter import croniter

# robfig/cron/v3 parser.go: the descriptors and the bounds of each field.
_DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_NAMES: tuple[dict[str, int], ...] = (
    {},
    {},
    {},
    {
        m: i + 1
        for i, m in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        )
    },
    {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])},
)
_GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


class ScheduleError(ValueError):
    """A schedule robfig/cron refuses; str() is its error text."""


@dataclass(frozen=True)
class Schedule:
    expression: str  # five fields (descriptors expanded), or "" for @every
    zone: str  # an IANA zone from TZ=/CRON_TZ=, or "" for the zone the caller gives
    every: float = 0.0  # @every: seconds between runs

    def next_after(self, t: dt.datetime, zone: str = "UTC") -> dt.datetime:
        """The first activation strictly after t (Schedule.Next), in UTC."""
        if self.every:
            # ConstantDelaySchedule.Next: t + delay, rounded down to the second.
            whole = t.replace(microsecond=0)
            return whole + dt.timedelta(seconds=self.every)
        tz = zoneinfo.ZoneInfo(self.zone or zone)
        local = t.astimezone(tz)
        found = croniter(self.expression, local).get_next(dt.datetime)
        return found.astimezone(dt.UTC)


def parse(spec: str) -> Schedule:
    """cron.ParseStandard."""
    if not spec:
        raise ScheduleError("empty spec string")
    zone = ""
    if spec.startswith(("TZ=", "CRON_TZ=")):
        head, _, spec = spec.partition(" ")
        zone = head.split("=", 1)[1]
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"provided bad location {zone}: unknown time zone {zone}") from None
        spec = spec.strip()
    if spec.startswith("@"):
        return _descriptor(spec, zone)
    fields = spec.split()
    if len(fields) != 5:
        raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for index, text in enumerate(fields):
        _check_field(text, index)
    expression = " ".join("*" if f == "?" else f for f in fields)
    if not croniter.is_valid(expression):
        raise ScheduleError(f"failed to parse schedule: {spec}")
    return Schedule(expression, zone)


def _descriptor(spec: str, zone: str) -> Schedule:
    if spec in _DESCRIPTORS:
        return Schedule(_DESCRIPTORS[spec], zone)
    if spec.startswith("@every "):
        text = spec[len("@every ") :]
        seconds = _go_duration(text)
        if seconds is None:
            raise ScheduleError(f'failed to parse duration {spec}: time: invalid duration "{text}"')
        return Schedule("", zone, max(1.0, float(int(seconds))))  # Every: whole seconds, at least 1
    raise ScheduleError(f"unrecognized descriptor: {spec}")


def _go_duration(text: str) -> float | None:
    """time.ParseDuration for the units a schedule uses."""
    pos, total = 0, 0.0
    for match in _GO_DURATION.finditer(text):
        if match.start() != pos:
            return None
        total += float(match.group(1)) * _UNIT[match.group(2)]
        pos = match.end()
    return total if text and pos == len(text) else None


def _check_field(text: str, index: int) -> None:
    """getField / getRange: each comma-separated range within its field's bounds."""
    low, high = _BOUNDS[index]
    for part in text.split(","):
        body, _, step = part.partition("/")
        if body in ("*", "?"):
            start, end = low, high
        else:
            first, _, last = body.partition("-")
            start = _value(first, index)
            end = _value(last, index) if last else start
        if start < low:
            raise ScheduleError(f"beginning of range ({start}) below minimum ({low}): {part}")
        if end > high:
            raise ScheduleError(f"end of range ({end}) above maximum ({high}): {part}")
        if start > end:
            raise ScheduleError(f"beginning of range ({start}) beyond end of range ({end}): {part}")
        if step:
            if not step.isdigit():
                raise ScheduleError(
                    f'failed to parse int from {step}: strconv.Atoi: parsing "{step}": '
                    "invalid syntax"
                )
            if int(step) == 0:
                raise ScheduleError(f"step of range should be a positive number: {part}")


def _value(text: str, index: int) -> int:
    """parseIntOrName."""
    named = _NAMES[index].get(text.lower())
    if named is not None:
        return named
    if not re.fullmatch(r"-?\d+", text):
        raise ScheduleError(
            f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax'
        )
    value = int(text)
    if value < 0:
        raise ScheduleError(f"negative number ({value}) not allowed: {text}")
    return value
