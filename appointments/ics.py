"""Appointments as iCalendar: the attachment of a reminder email, and the feeds behind secret URLs."""

from datetime import UTC

from icalendar import Calendar, Event, vText

from core import public_ids

STATUS = {
    "booked": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "attended": "CONFIRMED",
    "no_show": "CONFIRMED",
    "canceled": "CANCELLED",
}


def _event(appointment, tenant_slug: str) -> Event:
    event = Event()
    branch = appointment.branch
    event.add("uid", f"appointment-{public_ids.of(appointment)}@{tenant_slug}.voicecrm")
    event.add("dtstamp", appointment.updated_at.astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    lead = appointment.lead
    who = (lead.full_name or lead.phone) if lead else "erased person"
    event.add("summary", f"{appointment.get_kind_display()}: {who}")
    event.add("location", vText(", ".join(filter(None, [branch.name, branch.address]))))
    event.add("status", STATUS.get(appointment.status, "TENTATIVE"))
    event.add("sequence", getattr(appointment, "move_count", 0) or 0)
    if appointment.notes:
        event.add("description", appointment.notes)
    return event


def calendar(appointments, *, name: str, tenant_slug: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Voice CRM//appointments//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for appointment in appointments:
        cal.add_component(_event(appointment, tenant_slug))
    return cal.to_ical()


def for_person(appointment, *, business: str, tenant_slug: str) -> bytes:
    """The attachment of a reminder: the person's own appointment, titled for them."""
    cal = Calendar()
    cal.add("prodid", "-//Voice CRM//appointments//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = _event(appointment, tenant_slug)
    event["summary"] = vText(f"{appointment.get_kind_display()} at {business}")
    cal.add_component(event)
    return cal.to_ical()
