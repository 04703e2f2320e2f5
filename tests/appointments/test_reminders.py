"""Reminders: created on booking, sent once by the beat task (even with two workers), through SMS and email
(with an .ics that icalendar parses), never for a canceled appointment or to a do-not-call number; Twilio's
request checked on the wire and against Twilio's own SDK; a reminder call passes the compliance gate."""

import base64
import json
import threading
from datetime import timedelta
from urllib.parse import parse_qs

import icalendar
import pytest
from django.db import connection

from appointments import notify, reminders, services
from appointments.models import AppointmentSettings, Reminder
from core.public_ids import of as pid
from tenants.scoping import tenant_scope
from tests.clock import now
from tests.factories import (
    AppointmentFactory,
    DoNotCallFactory,
    LeadFactory,
    ProviderAccountFactory,
    ReminderFactory,
    ScriptFactory,
    VoiceAgentFactory,
)

from .conftest import MON, TUE, at, weekday_rules

pytestmark = pytest.mark.django_db
TUESDAY_10 = at(TUE, 10)  # 10:00 New York
WHEN = f"{TUE:%a %d %b} at 10:00"  # how the reminder says it, e.g. "Tue 24 Nov at 10:00"


@pytest.fixture(autouse=True)
def empty_outbox():
    notify.outbox.clear()
    yield
    notify.outbox.clear()


@pytest.fixture
def booked(tenant_a, branch, tours, lead, clock):
    with tenant_scope(tenant_a.pk):
        return services.book(lead, branch, "tour", TUESDAY_10)


def send(tenant, when):
    with tenant_scope(tenant.pk):
        return reminders.send_due(when)


def test_due_reminders_go_out_once_by_sms_and_email_with_an_ics(tenant_a, booked, clock, mailoutbox):
    due = TUESDAY_10 - timedelta(hours=2)
    assert send(tenant_a, due - timedelta(minutes=1))["sent"] == 0  # not yet
    report = send(tenant_a, due)
    assert report["sent"] == 2
    (sms,) = notify.outbox
    assert sms.to == "+12125551234" and sms.sender == "+13055550100"
    assert sms.body.startswith(f"Hi Ana, a reminder of your tour at Downtown on {WHEN}.")
    (email,) = mailoutbox
    assert email.to == ["ana@example.test"] and email.subject == f"Your tour at Downtown, {WHEN}"
    (_name, content, mimetype) = email.attachments[0]
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == TUESDAY_10 and event.decoded("dtend") == TUESDAY_10 + timedelta(hours=1)
    assert str(event["summary"]) == "Tour at Alpha Gym LLC" and mimetype.startswith("text/calendar")
    assert send(tenant_a, due + timedelta(minutes=5))["sent"] == 0  # nothing twice
    statuses = set(Reminder.all_tenants.filter(send_at=due).values_list("status", "sent_at"))
    assert statuses == {("sent", due)}


def test_a_canceled_appointment_sends_nothing(tenant_a, booked, clock, mailoutbox):
    with tenant_scope(tenant_a.pk):
        services.cancel(booked, reason="Moved away")
    report = send(tenant_a, TUESDAY_10 - timedelta(minutes=30))
    assert report["sent"] == 0 and notify.outbox == [] and mailoutbox == []
    assert set(Reminder.all_tenants.filter(appointment=booked).values_list("status", flat=True)) == {"canceled"}


def test_a_reminder_whose_appointment_went_away_meanwhile_is_canceled_not_sent(tenant_a, booked, clock):
    from appointments.models import Appointment

    Appointment.all_tenants.filter(pk=booked.pk).update(status="canceled")  # raced past cancel_reminders
    report = send(tenant_a, TUESDAY_10 - timedelta(minutes=30))
    assert report["canceled"] == 2 and notify.outbox == []


def test_no_sms_to_a_do_not_call_number_and_no_email_without_an_address(tenant_a, branch, tours, clock, mailoutbox):
    lead = LeadFactory(tenant=tenant_a, phone="+12125550777", email="ann@example.test")
    DoNotCallFactory(tenant=tenant_a, phone=lead.phone)
    with tenant_scope(tenant_a.pk):
        services.book(lead, branch, "tour", TUESDAY_10)
    type(lead).all_tenants.filter(pk=lead.pk).update(email="")  # the address went away after the booking
    report = send(tenant_a, TUESDAY_10 - timedelta(minutes=30))
    assert report["canceled"] == 2 and notify.outbox == [] and mailoutbox == []
    errors = set(Reminder.all_tenants.values_list("channel", "error"))
    assert errors == {("sms", "The number is on the do-not-call list."), ("email", "No email address.")}


def test_tenant_templates_and_offsets(tenant_a, branch, tours, lead, clock):
    AppointmentSettings.objects.create(
        tenant=tenant_a,
        reminder_offsets={"default": [60], "tour": [180, 30]},
        reminder_channels=["sms"],
        sms_template="{first_name}: {kind} {when} @ {branch}. {unknown}",
    )
    with tenant_scope(tenant_a.pk):
        appointment = services.book(lead, branch, "tour", TUESDAY_10)
    assert sorted(Reminder.all_tenants.filter(appointment=appointment).values_list("send_at", flat=True)) == [
        TUESDAY_10 - timedelta(minutes=180),
        TUESDAY_10 - timedelta(minutes=30),
    ]
    send(tenant_a, TUESDAY_10 - timedelta(minutes=180))
    assert notify.outbox[0].body == f"Ana: tour {WHEN} @ Downtown. {{unknown}}"


def test_a_reminder_names_the_branchs_zone_to_a_person_whose_clock_differs(tenant_a, branch, tours, clock):
    AppointmentSettings.objects.create(
        tenant=tenant_a, reminder_offsets={"default": [60]}, reminder_channels=["sms"], sms_template="{when}"
    )
    austin = LeadFactory(tenant=tenant_a, branch=branch, phone="+15125550188")  # Central time, club in New York
    with tenant_scope(tenant_a.pk):
        services.book(austin, branch, "tour", TUESDAY_10)
    send(tenant_a, TUESDAY_10 - timedelta(minutes=60))
    assert notify.outbox[0].body == f"{TUE:%a %d %b} at 10:00 Eastern time"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_send_each_reminder_once(tenant_a, branch):
    appointments = [
        AppointmentFactory(
            tenant=tenant_a,
            branch=branch,
            lead=LeadFactory(tenant=tenant_a, phone=f"+1212555{8000 + i}"),
            start=now() + timedelta(days=1),
        )
        for i in range(120)
    ]
    due = now() - timedelta(minutes=1)
    Reminder.all_tenants.bulk_create(
        [Reminder(tenant=tenant_a, appointment=a, channel="sms", send_at=due) for a in appointments]
    )
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=10)
            with tenant_scope(tenant_a.pk):
                for _ in range(20):  # small batches, so the two interleave
                    ids = reminders.claim(now(), limit=10)
                    reminders.send_batch(ids, now())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent_to = [sms.to for sms in notify.outbox]
    assert len(sent_to) == 120 and len(set(sent_to)) == 120
    assert set(Reminder.all_tenants.values_list("status", flat=True)) == {"sent"}


def test_a_reminder_a_dead_worker_left_sending_is_failed_not_resent(tenant_a, booked, clock):
    due = TUESDAY_10 - timedelta(hours=2)
    with tenant_scope(tenant_a.pk):
        claimed = reminders.claim(due)  # the worker dies here
    assert len(claimed) == 2
    report = send(tenant_a, due + reminders.LEASE + timedelta(minutes=1))
    assert report["given_up"] == 2 and notify.outbox == []
    assert set(Reminder.all_tenants.filter(pk__in=claimed).values_list("status", flat=True)) == {"failed"}


def test_queries_per_batch_do_not_grow_with_its_size(tenant_a, branch, clock, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    def batch_queries(n, offset):
        for i in range(n):
            appointment = AppointmentFactory(
                tenant=tenant_a,
                branch=branch,
                lead=LeadFactory(tenant=tenant_a, phone=f"+1212555{offset + i:04d}", email=f"x{offset + i}@e.test"),
                start=TUESDAY_10,
            )
            for channel in ("sms", "email"):
                ReminderFactory(
                    tenant=tenant_a, appointment=appointment, channel=channel, send_at=TUESDAY_10 - timedelta(hours=3)
                )
        with tenant_scope(tenant_a.pk):
            ids = reminders.claim(TUESDAY_10)
            with CaptureQueriesContext(connection) as captured:
                reminders.send_batch(ids, TUESDAY_10)
        return len(captured.captured_queries)

    assert batch_queries(40, 1000) <= batch_queries(3, 2000)


def test_twilio_request_on_the_wire_matches_twilios_own_sdk(provider_server, no_backoff_sleep):
    from twilio.http.http_client import TwilioHttpClient
    from twilio.http.response import Response
    from twilio.rest import Client

    provider_server.answer(201, {"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"})
    backend = notify.TwilioSms("AC" + "1" * 32, "secret-token", provider_server.url)
    sid = backend.send(notify.Sms("+12125551234", "+13055550100", "Hi Ana, see you Tuesday."))
    assert sid == "SM0123456789abcdef0123456789abcdef"
    (ours,) = provider_server.requests

    class Capture(TwilioHttpClient):
        def __init__(self):
            super().__init__()
            self.seen = []

        def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None, **kwargs):
            self.seen.append({"method": method, "url": url, "data": data, "auth": auth})
            return Response(201, json.dumps({"sid": "SM1", "status": "queued"}))

    capture = Capture()
    Client("AC" + "1" * 32, "secret-token", http_client=capture).messages.create(
        to="+12125551234", from_="+13055550100", body="Hi Ana, see you Tuesday."
    )
    (sdk,) = capture.seen
    assert ours["method"] == sdk["method"] == "POST"
    assert "https://api.twilio.com" + ours["path"] == sdk["url"]
    assert {k: v[0] for k, v in parse_qs(ours["raw"].decode()).items()} == sdk["data"]
    user, password = base64.b64decode(ours["headers"]["authorization"].split()[1]).decode().split(":")
    assert (user, password) == sdk["auth"]
    assert ours["headers"]["content-type"] == "application/x-www-form-urlencoded"


def test_twilio_refusal_fails_the_reminder_with_twilios_message(
    tenant_a, booked, clock, provider_server, no_backoff_sleep, settings
):
    settings.SMS_BACKEND, settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "twilio", "AC1", "token"
    settings.TWILIO_API_BASE = provider_server.url
    provider_server.answer(400, {"code": 21211, "message": "The 'To' number +12125551234 is not a valid phone number."})
    send(tenant_a, TUESDAY_10 - timedelta(hours=2))
    sms = Reminder.all_tenants.get(appointment=booked, channel="sms", send_at=TUESDAY_10 - timedelta(hours=2))
    assert sms.status == "failed" and "not a valid phone number" in sms.error
    assert len(provider_server.requests) == 1  # a 400 is not retried


def test_a_reminder_call_passes_the_gate_and_waits_for_calling_hours(tenant_a, branch, lead, clock):
    account = ProviderAccountFactory(
        tenant=tenant_a, provider="simulator", api_key="sim", provider_ids={"silent": True}
    )
    agent = VoiceAgentFactory(tenant=tenant_a, account=account)
    script = ScriptFactory(tenant=tenant_a, purpose="appointment_reminder")
    AppointmentSettings.objects.create(
        tenant=tenant_a,
        reminder_offsets={"default": [780]},  # 13 hours before 10:00: 21:00 the evening before
        reminder_channels=["call"],
        reminder_call_script=script,
        reminder_call_agent=agent,
    )
    weekday_rules(tenant_a, branch, kinds=["tour"])
    with tenant_scope(tenant_a.pk):
        appointment = services.book(lead, branch, "tour", TUESDAY_10)
    (reminder,) = Reminder.all_tenants.filter(appointment=appointment)
    assert reminder.send_at == at(MON, 21)  # too late to call
    send(tenant_a, reminder.send_at)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.send_at) == ("pending", at(TUE, 8))
    send(tenant_a, reminder.send_at)
    reminder.refresh_from_db()
    from calls.models import Call

    (call,) = Call.all_tenants.filter(lead=lead)
    assert reminder.status == "sent" and reminder.provider_message_id == f"call-{pid(call)}"
    assert call.purpose == "appointment_reminder"


def test_a_person_without_an_email_address_gets_no_email_reminder(tenant_a, branch, tours, clock):
    """The README walk: an email reminder was queued (and shown) for a walk-in who gave no email address."""
    from appointments.models import Reminder
    from tests.factories import LeadFactory

    walk_in = LeadFactory(tenant=tenant_a, branch=branch, phone="+12125550199", email="")
    with tenant_scope(tenant_a.pk):
        appointment = services.book(walk_in, branch, "tour", TUESDAY_10)
    channels = set(Reminder.all_tenants.filter(appointment=appointment).values_list("channel", flat=True))
    assert channels == {"sms"}
