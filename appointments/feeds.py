"""The iCalendar feed behind a secret URL: a branch's (or one staff member's) appointments from a week ago
to two months ahead, for Google Calendar, Outlook or a phone. The token is the only credential."""

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tenants.models import Tenant
from tenants.scoping import tenant_scope

from . import feed_access, ics
from .models import Appointment, CalendarFeed

PAST, AHEAD = timedelta(days=7), timedelta(days=62)


@require_GET
def calendar_feed(request, token: str):
    feed = CalendarFeed.objects.unscoped().filter(token=token).select_related("branch", "staff", "created_by").first()
    if feed is None or not feed_access.owners_still_members(feed):
        raise Http404("No such calendar.")
    tenant = Tenant.objects.get(pk=feed.tenant_id)
    now = timezone.now()
    with tenant_scope(tenant.pk):
        appointments = Appointment.objects.filter(start__gte=now - PAST, start__lt=now + AHEAD).select_related(
            "lead", "branch"
        )
        if feed.branch_id:
            appointments = appointments.filter(branch_id=feed.branch_id)
        if feed.staff_id:
            appointments = appointments.filter(staff_id=feed.staff_id)
        body = ics.calendar(appointments.order_by("start"), name=f"{tenant.name}: {feed}", tenant_slug=tenant.slug)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
