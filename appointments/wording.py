"""How an appointment's time is said to the person: in the branch's local time, since that is where they
will be, with the zone named whenever the person's own zone differs (an Austin lead booking a Miami club
hears "18:30 Eastern time", so the time they turn up at is the time they agreed to).

One rule for the AI agent's prompt (free slots, the upcoming appointment), the reminders and the
attention notes a booking from a call leaves. See docs/architecture.md, "Times in words"."""

from datetime import datetime
from zoneinfo import ZoneInfo

# The names people in the US use for their zones; any other zone is named by its city.
ZONE_NAMES = {
    "America/New_York": "Eastern time",
    "America/Detroit": "Eastern time",
    "America/Indiana/Indianapolis": "Eastern time",
    "America/Kentucky/Louisville": "Eastern time",
    "America/Chicago": "Central time",
    "America/Denver": "Mountain time",
    "America/Boise": "Mountain time",
    "America/Phoenix": "Arizona time",
    "America/Los_Angeles": "Pacific time",
    "America/Anchorage": "Alaska time",
    "Pacific/Honolulu": "Hawaii time",
    "America/Puerto_Rico": "Atlantic time",
}


def zone_name(zone: str) -> str:
    """'America/Chicago' → 'Central time'; 'Europe/Lisbon' → 'Lisbon time'."""
    return ZONE_NAMES.get(zone) or f"{zone.rsplit('/', 1)[-1].replace('_', ' ')} time"


def branch_zone(branch, fallback: str = "UTC") -> str:
    return (branch.time_zone if branch is not None else "") or fallback


def spoken(moment: datetime, place_zone: str, person_zone: str | None, pattern: str = "%A %d %B at %H:%M") -> str:
    """``moment`` in the place's local time; the zone is named when the person's clock shows another hour."""
    local = moment.astimezone(ZoneInfo(place_zone))
    text = local.strftime(pattern)
    if person_zone and moment.astimezone(ZoneInfo(person_zone)).utcoffset() != local.utcoffset():
        text += f" {zone_name(place_zone)}"
    return text
