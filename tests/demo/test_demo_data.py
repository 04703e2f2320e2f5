"""The seeded demo holds data the product's own forms accept: a manager can open any demo lead and save it."""

import io

import pytest
from django.core.management import call_command

from demo import tenants as demo_tenants
from leads.models import Lead
from leads.services import is_email
from tenants.models import Tenant
from tenants.scoping import tenant_scope


@pytest.mark.django_db
def test_every_demo_leads_email_is_one_the_forms_accept():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    for spec in demo_tenants.TENANTS:
        with tenant_scope(Tenant.objects.get(slug=spec["slug"]).pk):
            emails = list(Lead.objects.exclude(email="").values_list("email", flat=True))
        assert emails and [email for email in emails if not is_email(email)] == []


@pytest.mark.django_db
def test_the_demo_campaigns_booked_figures_agree_on_every_screen():
    """Each past call that ended "appointment booked" made its appointment, so the campaign page, the list and
    the dashboard's leaderboard (appointments.by_campaign) show the same, non-zero, figures."""
    from datetime import timedelta

    from django.utils import timezone

    from analytics.kpi import Filters, Period
    from analytics.metrics.appointments import booked_by_campaign
    from campaigns.models import Campaign
    from campaigns.services import stats
    from demo import history

    call_command("seed_demo", "--force", stdout=io.StringIO())
    for spec in demo_tenants.TENANTS:
        tenant = Tenant.objects.get(slug=spec["slug"])
        with tenant_scope(tenant.pk):
            today = timezone.localdate()
            period = Period(today - timedelta(days=history.DAYS + 1), today, tenant.time_zone)  # all of it
            leaderboard = booked_by_campaign(Filters(period=period))
            pages = {c.pk: stats(c)["appointments_booked"] for c in Campaign.objects.all()}
        assert sum(pages.values()) > 0
        assert {pk: n for pk, n in pages.items() if n} == {pk: row["booked"] for pk, row in leaderboard.items()}
