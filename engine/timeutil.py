"""Virtual time as Kubernetes prints it.

Virtual second 0 is a fixed instant, so timestamps (and everything derived from them, such as
event names) are the same on every run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)


def to_datetime(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def rfc3339(seconds: float) -> str:
    """metav1.Time: second precision, UTC, `Z` suffix."""
    return to_datetime(int(seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_micro(seconds: float) -> str:
    """metav1.MicroTime (events.k8s.io eventTime): microseconds."""
    return to_datetime(seconds).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_rfc3339(text: str) -> float:
    """Virtual seconds of an RFC 3339 timestamp written by `rfc3339`/`rfc3339_micro`."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment - EPOCH).total_seconds()


def human_duration(seconds: float) -> str:
    """duration.HumanDuration (staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go)."""
    s = int(seconds)  # Go truncates toward zero before comparing: -1.5 s is "0s"
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rest = s % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        rest = hours % 24
        return f"{days}d{rest}h" if rest else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    years = days // 365
    if hours < 24 * 365 * 8:
        rest = days % 365
        return f"{years}y{rest}d" if rest else f"{years}y"
    return f"{years}y"


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String() for durations already truncated to milliseconds."""
    ms = round(seconds * 1000)
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    whole, frac = divmod(ms, 1000)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    sec_text = f"{secs}.{frac:03d}".rstrip("0").rstrip(".") + "s"
    if hours:
        return f"{hours}h{minutes}m{sec_text}"
    if minutes:
        return f"{minutes}m{sec_text}"
    return sec_text
