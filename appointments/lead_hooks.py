"""What the appointments room adds to the leads room: timeline entries, engagement for scoring,
appointments in a data export, and scrubbing them on erasure (appointments.receivers answers leads.signals
with these)."""

from django.db.models import Count, Q
from django.urls import reverse

from core import public_ids
from core.formats import timestamp
from tenants.models import Branch

from .models import Appointment, AppointmentMove, Kind, Status


def timeline_entries(lead) -> list[dict]:
    entries = []
    appointments = list(Appointment.objects.filter(lead=lead).select_related("branch"))
    for appointment in appointments:
        link = {
            "appointment_id": public_ids.of(appointment),
            "url": reverse("admin:appointments_appointment_change", args=[appointment.pk]),
        }
        title = f"{appointment.get_kind_display()} booked at {appointment.branch.name}"
        entries.append(
            {"at": appointment.created_at, "kind": "appointment", "title": title, "detail": "", "by": "", "link": link}
        )
        if appointment.status in (Status.ATTENDED, Status.NO_SHOW, Status.CANCELED):
            at = appointment.checked_in_at or appointment.closed_at or appointment.updated_at
            detail = appointment.cancel_reason if appointment.status == Status.CANCELED else ""
            entries.append(
                {
                    "at": at,
                    "kind": "appointment",
                    "title": f"{appointment.get_kind_display()}: {appointment.get_status_display()}",
                    "detail": detail,
                    "by": "",
                    "link": link,
                }
            )
    for move in AppointmentMove.objects.filter(appointment__in=appointments):
        entries.append(
            {
                "at": move.moved_at,
                "kind": "appointment",
                "title": f"Appointment moved: {move}",
                "detail": move.reason,
                "by": "",
                "link": {
                    "appointment_id": public_ids.encode(Appointment, move.appointment_id),
                    "url": reverse("admin:appointments_appointment_change", args=[move.appointment_id]),
                },
            }
        )
    return entries


def engagement(lead_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = (
        Appointment.objects.filter(lead_id__in=lead_ids)
        .values("lead_id")
        .annotate(
            booked=Count("pk", filter=~Q(status=Status.CANCELED)),
            attended=Count("pk", filter=Q(status=Status.ATTENDED)),
        )
    )
    return {
        row["lead_id"]: {"appointments_booked": row["booked"], "appointments_attended": row["attended"]} for row in rows
    }


# An attended service visit is a transaction (18 months); any other visit attended, an inquiry (3 months).
TRANSACTION_KINDS = {Kind.SERVICE}


def relationship_events(lead_ids: list[int], since) -> dict[int, list[tuple[str, object, str]]]:
    """The visits attended since ``since`` that give a relationship (leads.relationships): one query."""
    events: dict[int, list] = {}
    attended = Appointment.objects.filter(lead_id__in=lead_ids, status=Status.ATTENDED, start__gte=since)
    for lead_id, kind, start in attended.values_list("lead_id", "kind", "start"):
        label = Kind(kind).label.lower()
        relation = "transaction" if kind in TRANSACTION_KINDS else "inquiry"
        events.setdefault(lead_id, []).append((relation, start, f"Attended a {label} on {start:%Y-%m-%d}"))
    return events


def export_appointments(lead) -> list[dict]:
    return [
        {
            "id": public_ids.of(a),
            "kind": a.kind,
            "start": timestamp(a.start),
            "end": timestamp(a.end),
            "status": a.status,
            "branch": public_ids.encode(Branch, a.branch_id),
            "notes": a.notes,
            "cancel_reason": a.cancel_reason,
        }
        for a in Appointment.objects.filter(lead=lead)
    ]


def erase_appointments(lead) -> None:
    """The appointments stay (for the figures) without the person or what was written about them."""
    from leads.privacy import scrub

    from .models import Reminder, ReminderStatus

    appointments = Appointment.objects.filter(lead=lead)
    ids = list(appointments.values_list("pk", flat=True))
    Reminder.objects.filter(appointment_id__in=ids, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELED
    )
    Reminder.objects.filter(appointment_id__in=ids).update(error="")  # a failure's text can name them
    AppointmentMove.objects.filter(appointment_id__in=ids).update(reason="")
    appointments.update(notes="", cancel_reason="", vehicle=None, lead=None)
    scrub({"appointments.appointment": ids})
