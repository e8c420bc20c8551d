"""Timestamps and human durations, as kubectl prints them.

Pure and headless: stdlib only.  ``human_duration`` follows
``k8s.io/apimachinery/pkg/util/duration.HumanDuration`` exactly, except that a
negative duration (clock skew between this machine and the API server) reads
``"0s"`` rather than ``"<invalid>"``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

__all__ = ["age", "format_rfc1123z", "human_duration", "parse_timestamp", "since"]

UNKNOWN = "<unknown>"

_MINUTE = 60
_HOUR = 3600
_DAY = 86400
_YEAR_DAYS = 365


@lru_cache(maxsize=32768)
def _parse(value: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    # fromisoformat (3.11) takes "Z", offsets and any number of fraction digits,
    # but not a lower-case "t"/"z", which RFC 3339 allows.
    if "t" in text or text.endswith("z"):
        text = text.replace("t", "T").replace("z", "Z")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def parse_timestamp(value: str | None) -> float | None:
    """RFC 3339 (``metav1.Time`` / ``MicroTime``) to epoch seconds; ``None`` if absent or bad.

    Results are cached per string, so re-rendering a large list costs a dict lookup.
    """
    if not value or type(value) is not str:
        return None
    return _parse(value)


def clear_parse_cache() -> None:
    """Forget the parsed timestamps (a benchmark measures the first render)."""
    _parse.cache_clear()


def human_duration(seconds: float) -> str:
    """kubectl's ``duration.HumanDuration`` for a duration given in seconds."""
    if seconds != seconds or seconds < 1:  # NaN, negative, or under a second
        return "0s"
    total = int(seconds)  # truncation, like Go's int(d.Seconds())
    if total < 2 * _MINUTE:
        return f"{total}s"
    minutes = total // _MINUTE
    if minutes < 10:
        secs = total % _MINUTE
        return f"{minutes}m" if secs == 0 else f"{minutes}m{secs}s"
    if minutes < 3 * 60:
        return f"{minutes}m"
    hours = total // _HOUR
    if hours < 8:
        mins = minutes % 60
        return f"{hours}h" if mins == 0 else f"{hours}h{mins}m"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        hrs = hours % 24
        return f"{days}d" if hrs == 0 else f"{days}d{hrs}h"
    if hours < 24 * _YEAR_DAYS * 2:
        return f"{days}d"
    years = days // _YEAR_DAYS
    if hours < 24 * _YEAR_DAYS * 8:
        rem = days % _YEAR_DAYS
        return f"{years}y" if rem == 0 else f"{years}y{rem}d"
    return f"{years}y"


def since(value: str | None, now: float) -> str:
    """``human_duration(now - value)``, or ``"<unknown>"`` when the timestamp is absent."""
    ts = parse_timestamp(value)
    if ts is None:
        return UNKNOWN
    return human_duration(now - ts)


def age(obj: dict[str, Any], now: float) -> str:
    """Age from ``metadata.creationTimestamp``; ``"<unknown>"`` when missing."""
    meta = obj.get("metadata")
    if not meta:
        return UNKNOWN
    return since(meta.get("creationTimestamp"), now)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_rfc1123z(value: str | None) -> str:
    """Go's ``time.RFC1123Z`` in UTC ("Mon, 02 Jan 2006 15:04:05 +0000"), locale independent.

    Returns ``"<unknown>"`` for an absent or unparsable timestamp.
    """
    ts = parse_timestamp(value)
    if ts is None:
        return UNKNOWN
    dt = datetime.fromtimestamp(ts, tz=UTC)
    return (
        f"{_WEEKDAYS[dt.weekday()]}, {dt.day:02d} {_MONTHS[dt.month - 1]} {dt.year:04d} "
        f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} +0000"
    )
