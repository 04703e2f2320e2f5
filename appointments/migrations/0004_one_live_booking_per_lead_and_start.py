from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone

LIVE = ["booked", "confirmed"]


def cancel_double_bookings(apps, schema_editor):
    """Before the constraint: where a person holds several live bookings at one start, keep the first."""
    Appointment = apps.get_model("appointments", "Appointment")
    doubles = (
        Appointment._default_manager.filter(status__in=LIVE, lead__isnull=False)
        .values("lead_id", "start")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    for double in doubles:
        later = Appointment._default_manager.filter(
            status__in=LIVE, lead_id=double["lead_id"], start=double["start"]
        ).order_by("id")[1:]
        Appointment._default_manager.filter(pk__in=[a.pk for a in later]).update(
            status="canceled", closed_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0003_appointment_kpi_indexes"),
    ]

    operations = [
        migrations.RunPython(cancel_double_bookings, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("lead__isnull", False), ("status__in", ["booked", "confirmed"])),
                fields=("lead", "start"),
                name="appointment_one_live_booking_per_lead_and_start",
                violation_error_message="This person already has an appointment at that time.",
            ),
        ),
    ]
