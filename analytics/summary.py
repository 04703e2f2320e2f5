"""The daily summary email: yesterday's figures (the tenant's day) to each manager who asked for it.

Beat runs ``send_due`` every 15 minutes. A tenant's summaries go out once its local clock has passed
``DAILY_SUMMARY_HOUR``; each membership is claimed by a conditional update of
``daily_summary_sent_on`` before its email is sent, so two workers (or a second tick) never send
the same summary twice. A send that fails releases its claim, so a later tick tries again, up to
``SEND_TRIES`` times a day (a bad address is not tried all day long).
"""

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from analytics.kpi import Filters, Period
from core.cache import incr_with_expiry
from tenants.db import tenant_ids
from tenants.models import Membership, Tenant
from tenants.roles import ROLE_ORDER, Role, rank
from tenants.scoping import tenant_scope

from . import reports

log = logging.getLogger(__name__)
MANAGER_ROLES = [role for role in ROLE_ORDER if rank(role) >= rank(Role.MANAGER)]
SEND_TRIES = 3  # per membership and day
LINES = [
    "calls_dialled",
    "connect_rate",
    "contact_rate",
    "appointments_booked",
    "show_rate",
    "cost_per_appointment",
    "speed_to_lead",
    "opt_out_rate",
]


def tenants_with_subscribers() -> list[int]:
    return tenant_ids(Membership.objects.unscoped().filter(daily_summary=True, is_active=True))


def summary_for(tenant: Tenant, day) -> dict:
    """What the email says about ``day`` (inside the tenant's scope)."""
    from analytics.dashboard import show

    filters = Filters(Period(day, day, tenant.time_zone))
    overview = reports.report("overview", filters)
    attention = reports.report("needs-attention", filters, limit=5)
    lines = []
    for key in LINES:
        figure = overview["figures"][key]
        before = (figure.get("previous") or {}).get("value")
        lines.append(
            {
                "label": figure["label"],
                "value": show(figure["value"], figure["unit"]),
                "before": show(before, figure["unit"]),
            }
        )
    return {"tenant": tenant, "day": day, "lines": lines, "attention": attention}


def send_for_tenant(tenant_id: int, now=None) -> int:
    """Send the tenant's due summaries (inside its scope); returns how many went out."""
    now = now or timezone.now()
    tenant = Tenant.objects.get(pk=tenant_id)
    local = now.astimezone(ZoneInfo(tenant.time_zone))
    if local.hour < settings.DAILY_SUMMARY_HOUR:
        return 0
    today = local.date()
    due = Membership.objects.filter(daily_summary=True, is_active=True, role__in=MANAGER_ROLES).filter(
        Q(daily_summary_sent_on__isnull=True) | Q(daily_summary_sent_on__lt=today)
    )
    members = list(due.select_related("user"))
    if not members:
        return 0
    context = summary_for(tenant, today - timedelta(days=1))  # before any claim: a failure here claims none
    context["admin_url"] = settings.PUBLIC_BASE_URL.rstrip("/") + "/admin/"
    subject = render_to_string("analytics/daily_summary_subject.txt", context).strip()
    body = render_to_string("analytics/daily_summary.txt", context)
    sent = 0
    for membership in members:
        claimed = (
            Membership.objects.filter(pk=membership.pk)
            .filter(Q(daily_summary_sent_on__isnull=True) | Q(daily_summary_sent_on__lt=today))
            .update(daily_summary_sent_on=today)
        )
        if not claimed:
            continue  # another worker has it
        try:
            send_mail(subject, body, None, [membership.user.email])
        except Exception:
            failures = _count_failure(membership.pk, today)
            if failures < SEND_TRIES:
                log.exception("Daily summary to membership %s failed; tried again at the next tick", membership.pk)
                Membership.objects.filter(pk=membership.pk, daily_summary_sent_on=today).update(
                    daily_summary_sent_on=membership.daily_summary_sent_on
                )
            else:
                log.exception(
                    "Daily summary to membership %s failed %s times; not tried again today", membership.pk, failures
                )
            continue
        sent += 1
    return sent


def _count_failure(membership_id: int, day) -> int:
    key = f"daily-summary-failures:{membership_id}:{day.isoformat()}"
    return incr_with_expiry(cache, key, 2 * 24 * 3600)


def send_due(now=None) -> int:
    total = 0
    for tenant_id in tenants_with_subscribers():
        with tenant_scope(tenant_id):
            total += send_for_tenant(tenant_id, now)
    return total
