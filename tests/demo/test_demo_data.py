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
