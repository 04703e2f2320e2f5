"""Free slots and reminders at volume, on PostgreSQL.

1. Free slots for one branch over 14 days holding 5,000 appointments (a dealership's service lane:
   every day 07:00–19:00, 15-minute slots, capacity 10), plus 20,000 appointments elsewhere
   (other branches, other months) so the indexes have to do their job. Goal: median under 50 ms.
   Measured as the service call and as ``GET /api/v1/appointments/availability/`` (in process).
   Baseline: the SQL query that counts the held appointments per slot, run raw (the database's share).
2. 10,000 due reminders (SMS and email with an .ics, console backends) sent by the beat task.
   Goal: under 30 s, with a fixed number of queries per batch. Baseline: the same messages
   rendered and written by the same backends with no database work at all.

    python bench/availability.py [--quick]
"""

import argparse
import contextlib
import os
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

from _common import emit, median_ms, setup_django

DAYS = 14


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    held_in_range = 500 if args.quick else 5000
    elsewhere = 1000 if args.quick else 20000
    reminder_count = 1000 if args.quick else 10000
    runs = 10 if args.quick else 40
    os.environ.setdefault("SMS_BACKEND", "console")
    os.environ.setdefault("EMAIL_URL", "consolemail://")

    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appointments import availability, reminders, tasks
    from appointments.models import HOLDING_STATUSES, Appointment, AvailabilityRule, Reminder
    from leads.models import Lead
    from tenants.api.auth import tokens_for
    from tenants.models import Branch, Membership, Tenant, User
    from tenants.scoping import tenant_scope

    tenant = Tenant.objects.create(
        name="Bench Motors", slug="bench", vertical="dealership", legal_name="Bench LLC", callback_phone="+16175550100"
    )
    now = datetime.now(UTC).replace(microsecond=0)
    with tenant_scope(tenant.pk):
        zone_name = "America/New_York"
        lane, *others = [
            Branch.objects.create(name=f"Branch {i}", time_zone=zone_name, phone="+16175550101") for i in range(4)
        ]
        for branch in [lane, *others]:
            AvailabilityRule.objects.bulk_create(
                AvailabilityRule(
                    branch=branch,
                    weekday=day,
                    opens=clock(7),
                    closes=clock(19),
                    slot_minutes=15,
                    capacity=10,
                    kinds=["service"],
                )
                for day in range(7)
            )
        rules = {(r.branch_id, r.weekday): r.pk for r in AvailabilityRule.objects.all()}
        people = held_in_range + elsewhere + reminder_count // 2
        leads = Lead.objects.bulk_create(
            [
                Lead(phone=f"+1617{2000000 + i:07d}", first_name=f"L{i}", email=f"l{i}@example.test")
                for i in range(people)
            ],
            batch_size=5000,
        )
        zone = availability.branch_zone(lane)
        first = (now + timedelta(days=1)).astimezone(zone).date()

        def appointment(lead, branch, day_offset, slot, base=first):
            local = datetime.combine(base + timedelta(days=day_offset), clock(7)).replace(tzinfo=zone)
            start = local + timedelta(minutes=15 * slot)
            return Appointment(
                branch=branch,
                lead=lead,
                kind="service",
                start=start,
                end=start + timedelta(minutes=15),
                rule_id=rules[(branch.pk, start.weekday())],
            )

        rows = [appointment(leads[i], lane, i % DAYS, (i // DAYS) % 48) for i in range(held_in_range)]
        for i in range(elsewhere):
            branch = others[i % len(others)] if i % 2 else lane
            base = first + timedelta(days=60) if branch is lane else first  # the lane's other months
            rows.append(appointment(leads[held_in_range + i], branch, i % 28, (i // 28) % 48, base))
        Appointment.objects.bulk_create(rows, batch_size=5000)

        # Part 2's appointments: tomorrow onwards in another branch, each with an SMS and an email reminder due now.
        offset = held_in_range + elsewhere
        targets = Appointment.objects.bulk_create(
            [appointment(leads[offset + i], others[0], 2 + i % 20, i % 48) for i in range(reminder_count // 2)],
            batch_size=5000,
        )
        Reminder.objects.bulk_create(
            [
                Reminder(appointment=target, channel=channel, send_at=now - timedelta(minutes=1))
                for target in targets
                for channel in ("sms", "email")
            ],
            batch_size=5000,
        )
        user = User.objects.create(username="bench-manager", email="m@bench.test")
        Membership.objects.create(user=user, role="manager")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # --- 1. free slots ------------------------------------------------------------------------
    last = first + timedelta(days=DAYS - 1)
    with tenant_scope(tenant.pk):
        slots = availability.free_slots(lane, "service", first, last)
        service_ms = median_ms(lambda: availability.free_slots(lane, "service", first, last), runs)
        range_start = datetime.combine(first, clock.min).replace(tzinfo=zone)
        range_end = datetime.combine(last + timedelta(days=1), clock.min).replace(tzinfo=zone)
        held = Appointment.objects.filter(
            branch=lane, status__in=HOLDING_STATUSES, start__lt=range_end, end__gt=range_start
        )
        held_count = held.count()
        sql, params = availability.holding(held).query.sql_with_params()

        def raw_query():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        sql_ms = median_ms(raw_query, runs)

    from rest_framework.test import APIClient

    from core import public_ids

    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user, tenant)['access']}")
    query = {"branch": public_ids.of(lane), "kind": "service", "from": first.isoformat(), "to": last.isoformat()}
    response = client.get("/api/v1/appointments/availability/", query)
    assert response.status_code == 200, response.content[:300]
    api_ms = median_ms(lambda: client.get("/api/v1/appointments/availability/", query), runs)

    # --- 2. due reminders -----------------------------------------------------------------------
    per_batch: list[int] = []
    claim, send_batch = reminders.claim, reminders.send_batch

    def counted_claim(when, limit=reminders.BATCH):
        counted_claim.mark = len(capture.captured_queries)
        return claim(when, limit)

    def counted_send(ids, when):
        report = send_batch(ids, when)
        per_batch.append(len(capture.captured_queries) - counted_claim.mark)
        return report

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        # Baseline first (it also warms the imports both use): the same messages, same backends, no database.
        with tenant_scope(tenant.pk):
            loaded = list(Reminder.objects.select_related("appointment__lead", "appointment__branch"))
            settings = reminders.settings_for_tenant()
            sms, mail = reminders.notify.sms_backend(), reminders.notify.email_connection()
            started = time.perf_counter()
            with mail:
                for reminder in loaded:
                    reminders._send_one(reminder, settings, tenant, set(), sms, mail, now)
            baseline_seconds = time.perf_counter() - started

        reminders.claim, reminders.send_batch = counted_claim, counted_send
        with CaptureQueriesContext(connection) as capture:
            started = time.perf_counter()
            report = tasks.send_due_reminders()
            send_seconds = time.perf_counter() - started
        reminders.claim, reminders.send_batch = claim, send_batch

    with tenant_scope(tenant.pk):
        sent = Reminder.objects.filter(status="sent").count()
    assert sent == reminder_count, (sent, report)

    emit(
        {
            "bench": "availability",
            "quick": args.quick,
            "free_slots": {
                "appointments_in_range": held_count,
                "appointments_elsewhere": elsewhere,
                "days": DAYS,
                "free_slots_returned": len(slots),
                "service_median_ms": service_ms,
                "api_median_ms": api_ms,
                "goal_ms": 50,
                "baseline": "the SQL query counting the held appointments per slot, run raw (the database's share)",
                "baseline_median_ms": sql_ms,
                "ratio_to_baseline": round(service_ms / sql_ms, 2) if sql_ms else None,
            },
            "reminders": {
                "due": reminder_count,
                "sent": sent,
                "seconds": round(send_seconds, 2),
                "per_second": round(sent / send_seconds, 1),
                "goal_seconds": 30,
                "batches": len(per_batch),
                "batch_size": reminders.BATCH,
                "queries_per_batch_max": max(per_batch),
                "queries_per_batch_min": min(per_batch),
                "baseline": "the same messages through the same console backends, no database",
                "baseline_seconds": round(baseline_seconds, 2),
                "ratio_to_baseline": round(send_seconds / baseline_seconds, 2),
            },
        }
    )


if __name__ == "__main__":
    main()
