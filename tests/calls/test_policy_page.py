"""Issue 19, finding 12: the "Calling policy" page always shows the policy in force. With no row it shows
the defaults (the legal floor) and a button to customise them, writing nothing; with a row it goes to it,
and shows the rules as the gate reads them (through the floor)."""

from datetime import time

import pytest
from django.urls import reverse

from calls.models import CallingPolicy
from tenants.models import AuditLog
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import member

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:calls_callingpolicy_changelist"


def stored(tenant):
    with tenant_scope(tenant.pk):
        return list(CallingPolicy.objects.all())


def test_without_a_policy_the_page_shows_the_defaults_and_writes_nothing(client, tenant_a):
    client.force_login(member(tenant_a, Role.ADMIN))
    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    html = page.content.decode()
    assert "No results" not in html
    assert "In force now: the defaults" in html
    assert "from 08:00; the last call starts before 21:00" in html  # everyone
    assert "Calling hours in FL, MD, OK" in html and "the last call starts before 20:00" in html
    assert reverse("admin:calls_callingpolicy_add") in html  # the button to customise
    assert stored(tenant_a) == []
    with tenant_scope(tenant_a.pk):
        assert not AuditLog.objects.exists()


def test_only_those_who_may_change_it_are_offered_to_customise(client, tenant_a):
    client.force_login(member(tenant_a, Role.MANAGER))
    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200 and "In force now: the defaults" in page.content.decode()
    assert reverse("admin:calls_callingpolicy_add") not in page.content.decode()


def test_customising_saves_the_policy_and_the_page_then_goes_to_it(client, tenant_a):
    client.force_login(member(tenant_a, Role.ADMIN))
    assert client.get(reverse("admin:calls_callingpolicy_add")).status_code == 200
    assert stored(tenant_a) == []  # the form alone saves nothing
    form = {
        "window_start": "09:00",
        "window_end": "20:00",
        "restricted_window_end": "19:00",
        "restricted_regions": "[]",
        "max_calls_per_day": "2",
        "sunday_calls": "on",
        "closed_days": "[]",
        "escalation_words": "[]",
    }
    assert client.post(reverse("admin:calls_callingpolicy_add"), form).status_code == 302
    (policy,) = stored(tenant_a)
    page = client.get(reverse(CHANGELIST), follow=True)
    assert page.redirect_chain == [(reverse("admin:calls_callingpolicy_change", args=[policy.pk]), 302)]
    assert "from 09:00; the last call starts before 20:00" in page.content.decode()


def test_a_stored_policy_shows_the_rules_as_the_gate_reads_them(client, tenant_a):
    with tenant_scope(tenant_a.pk):  # stored some other way, wider than the law
        policy = CallingPolicy.objects.create(window_start=time(0, 0), window_end=time(23, 59), max_calls_per_day=9)
    client.force_login(member(tenant_a, Role.VIEWER))
    page = client.get(reverse(CHANGELIST), follow=True)
    assert page.redirect_chain[-1][0] == reverse("admin:calls_callingpolicy_change", args=[policy.pk])
    html = page.content.decode()
    assert "from 08:00; the last call starts before 21:00" in html  # the floor, not the row's 00:00–23:59
    assert "Calls per number and purpose, in any 24 hours" in html
