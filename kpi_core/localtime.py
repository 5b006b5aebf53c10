"""Stored times (ISO 8601 UTC) shown in the person's own time zone, or in UTC when that zone is unknown."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def time_zone(name: str | None) -> dt.tzinfo:
    """The IANA zone `name` (a browser's "Asia/Tokyo"), or UTC when it is missing or not a zone this system knows."""
    if not name:
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: not even a well-formed zone name ("../x", "/abs")
        return dt.UTC


def local_time(iso_utc: str, zone: str | None = None) -> str:
    """「2026-11-23 07:30 JST」: a stored UTC time in `zone`, labelled with that zone (UTC when unknown)."""
    moment = dt.datetime.fromisoformat(iso_utc)
    if moment.tzinfo is None:  # every *_at value is written with +00:00; a bare one is UTC all the same
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(time_zone(zone))
    return f"{local:%Y-%m-%d %H:%M} {_zone_label(local)}"


def _zone_label(moment: dt.datetime) -> str:
    """JST, CEST, UTC…; a zone with no abbreviation of its own (tzdata says "-03") becomes UTC-03."""
    name = moment.tzname() or "UTC"
    return f"UTC{name}" if name[0] in "+-" else name


def known_zone(name: str | None) -> str | None:
    """`name` when it is a time zone this system knows, else None (times are then shown in UTC)."""
    return name if time_zone(name) is not dt.UTC else None


def local_today(zone: str | None = None, now: dt.datetime | None = None) -> dt.date:
    """The date it is in `zone` (UTC when unknown) at `now` (a moment; the clock when None, UTC when naive).

    The week a person calls "last week" turns over at their own midnight, not the server's.
    """
    moment = dt.datetime.now(dt.UTC) if now is None else now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(time_zone(zone)).date()
