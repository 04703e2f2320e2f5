"""Sending due reminders, once.

A beat task claims due reminders with ``SELECT … FOR UPDATE SKIP LOCKED`` and marks them
``sending`` in the same transaction, so two workers ticking at once take disjoint rows; then it
sends them and records the result. A reminder left ``sending`` by a worker that died is marked
failed, never sent again: the message may have gone out, and a duplicate is worse than none.
Work is batched: a fixed number of queries per batch (claim, load, record), whatever its size.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.db import transaction
from django.utils import timezone

from calls import admission
from core import public_ids
from leads.models import DoNotCall
from leads.services import own_time_zone
from tenants.db import bulk_set, tenant_ids

from . import ics, notify, wording
from .models import ACTIVE_STATUSES, Channel, Reminder, ReminderStatus
from .services import settings_for_tenant

BATCH = 500
LEASE = timedelta(minutes=10)


class _Keep(dict):
    """Template values; an unknown placeholder stays as written."""

    def __missing__(self, key):
        return "{" + key + "}"


def values_for(appointment, tenant) -> dict:
    branch, lead = appointment.branch, appointment.lead
    place_zone = branch.time_zone or tenant.time_zone or "UTC"
    return _Keep(
        first_name=lead.first_name or "there",
        name=lead.full_name,
        kind=appointment.get_kind_display().lower(),
        branch=branch.name,
        address=branch.address,
        when=wording.spoken(appointment.start, place_zone, own_time_zone(lead), "%a %d %b at %H:%M"),
        phone=branch.phone or tenant.callback_phone,
        business=tenant.legal_name or tenant.name,
    )


def claim(now: datetime, limit: int = BATCH) -> list[int]:
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=ReminderStatus.PENDING, send_at__lte=now)
            .order_by("send_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(pk__any=ids).update(status=ReminderStatus.SENDING, claimed_at=now)
    return ids


@dataclass
class Result:
    status: str
    provider_id: str = ""
    error: str = ""
    retry_at: datetime | None = None


def _send_one(reminder, settings, tenant, dnc: set[str], sms, mail, now) -> Result:
    appointment = reminder.appointment
    lead = appointment.lead
    if lead is None or appointment.status not in ACTIVE_STATUSES or appointment.start <= now:
        return Result(ReminderStatus.CANCELED, error="The appointment is no longer ahead.")
    values = values_for(appointment, tenant)
    if reminder.channel == Channel.SMS:
        if lead.phone in dnc:
            return Result(ReminderStatus.CANCELED, error="The number is on the do-not-call list.")
        text = settings.sms_template.format_map(values)
        return Result(ReminderStatus.SENT, sms.send(notify.Sms(lead.phone, notify.sms_sender(tenant), text)))
    if reminder.channel == Channel.EMAIL:
        if not lead.email:
            return Result(ReminderStatus.CANCELED, error="No email address.")
        attachment = ics.for_person(appointment, business=values["business"], tenant_slug=tenant.slug)
        message = notify.email_message(
            lead.email,
            settings.email_subject.format_map(values),
            settings.email_template.format_map(values),
            attachment,
            mail,
        )
        message.extra_headers["Message-ID"] = message_id = make_msgid(domain=f"{tenant.slug}.voicecrm")
        message.send()
        return Result(ReminderStatus.SENT, message_id)
    return _reminder_call(reminder, settings, now)


def _reminder_call(reminder, settings, now) -> Result:
    from calls.services import request_call

    appointment, script, agent = reminder.appointment, settings.reminder_call_script, settings.reminder_call_agent
    if script is None or agent is None:
        return Result(ReminderStatus.FAILED, error="Reminder calls need a script and an agent (appointment settings).")
    lead = appointment.lead
    from_number = admission.caller_number(agent.account, lead)
    decision = admission.admit(lead, agent, script, from_number=from_number, when=now)
    if decision.deferred and decision.next_allowed_at and decision.next_allowed_at < appointment.start:
        return Result(ReminderStatus.PENDING, retry_at=decision.next_allowed_at)  # later, inside the calling hours
    if not decision.allowed:
        return Result(ReminderStatus.FAILED, error=f"{decision.code}: {decision.detail}"[:500])
    call, _ = request_call(lead, agent, script, when=now)
    return Result(ReminderStatus.SENT, f"call-{public_ids.of(call)}")


def send_batch(ids: list[int], now: datetime) -> Counter:
    from tenants.models import Tenant
    from tenants.scoping import current_tenant_id

    report: Counter = Counter()
    if not ids:
        return report
    reminders = list(Reminder.objects.filter(pk__any=ids).select_related("appointment__lead", "appointment__branch"))
    tenant = Tenant.objects.get(pk=current_tenant_id())
    settings = settings_for_tenant()
    phones = [r.appointment.lead.phone for r in reminders if r.channel == Channel.SMS]
    dnc = set(DoNotCall.objects.filter(phone__any=phones).values_list("phone", flat=True)) if phones else set()
    sms = notify.sms_backend()
    mail = notify.email_connection()
    with mail:
        for reminder in reminders:
            try:
                result = _send_one(reminder, settings, tenant, dnc, sms, mail, now)
            except Exception as exc:  # one bad address or a provider refusal must not stop the batch
                result = Result(ReminderStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:500])
            if result.retry_at is not None:
                reminder.send_at, reminder.claimed_at = result.retry_at, None
            reminder.status, reminder.error = result.status, result.error
            reminder.provider_message_id = result.provider_id[:100]
            reminder.sent_at = now if result.status == ReminderStatus.SENT else None
            report[result.status] += 1
    bulk_set(reminders, ["status", "provider_message_id", "error", "sent_at", "send_at", "claimed_at"])
    return report


def send_due(now: datetime | None = None, *, max_batches: int = 100) -> Counter:
    """Send the due reminders of the tenant in scope, batch after batch."""
    now = now or timezone.now()
    report: Counter = Counter()
    report["given_up"] += give_up_lost(now)
    for _ in range(max_batches):
        ids = claim(now)
        if not ids:
            break
        report.update(send_batch(ids, now))
        report["batches"] += 1
    return report


def give_up_lost(now: datetime) -> int:
    return Reminder.objects.filter(status=ReminderStatus.SENDING, claimed_at__lt=now - LEASE).update(
        status=ReminderStatus.FAILED,
        error="The worker stopped while sending; not sent again, to avoid sending it twice.",
    )


def tenants_with_due(now: datetime) -> list[int]:
    return tenant_ids(
        Reminder.objects.unscoped().filter(
            status__in=[ReminderStatus.PENDING, ReminderStatus.SENDING], send_at__lte=now
        )
    )
