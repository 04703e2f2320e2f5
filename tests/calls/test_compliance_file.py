"""A compliance file for every call that reached the dialler, allowed or refused (docs/compliance.md#compliance-file):
what the gate checked and why it decided, on the call page in words, in the API, and exported per person as JSON."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.urls import reverse

from calls import services, state_rules
from calls.models import Call
from calls.tasks import dial_due_calls
from core.public_ids import of as pid
from leads.models import DoNotCall
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.clock import moment, monday_of_next_week
from tests.conftest import api_client, member
from tests.factories import CallFactory, ConsentFactory, LeadFactory

pytestmark = pytest.mark.django_db
MONDAY = monday_of_next_week()


def dial(tenant, lead, agent, script, when):
    with time_machine.travel(when, tick=False):
        with tenant_scope(tenant.pk):
            call, _ = services.request_call(lead, agent, script)
        with mock.patch("voice.clients.simulator.SimulatorClient.start_call") as start:
            start.return_value = mock.Mock(provider_call_id=f"sim_{call.pk}")
            dial_due_calls(tenant_id=tenant.pk)
    return Call.all_tenants.get(pk=call.pk)


def test_a_dialled_call_keeps_what_the_gate_checked(tenant_a, lead, agent, script):
    CallFactory(tenant=tenant_a, lead=lead, to_number=lead.phone, purpose="lead_followup", dialed_at=moment(MONDAY, 9))
    call = dial(tenant_a, lead, agent, script, moment(MONDAY, 11))
    file = call.compliance_file
    assert call.status == "dialing" and file["allowed"] is True
    assert (file["purpose"], file["marketing"], file["rules_version"]) == ("lead_followup", True, state_rules.VERSION)
    assert file["zones"] == ["America/New_York"] and file["states"] == ["NY"]
    assert file["state_rules"] == ["NY-hours"]
    consent = lead.consents.get()
    assert (file["consent"]["id"], file["consent"]["kind"]) == (pid(consent), "express_written")
    assert file["do_not_call_listed"] is False
    assert file["calls_in_24h"] == {"to_number": 1, "to_person": 1}
    assert file["disclosures"] == ["business", "automated", "about", "callback", "opt_out", "go_on"]


def test_a_call_refused_at_the_dial_keeps_why(tenant_a, lead, agent, script):
    with time_machine.travel(moment(MONDAY, 11), tick=False):
        with tenant_scope(tenant_a.pk):
            call, _ = services.request_call(lead, agent, script)
            DoNotCall.objects.create(phone=lead.phone, reason="asked by email")
        dial_due_calls(tenant_id=tenant_a.pk)
    file = Call.all_tenants.get(pk=call.pk).compliance_file
    assert (file["allowed"], file["code"], file["decided_by"]) == (False, "dnc", "dnc")
    assert file["do_not_call_listed"] is True


def test_a_state_rule_that_deferred_a_call_is_named(tenant_a, branch, agent, script):
    texan = LeadFactory(tenant=tenant_a, branch=None, phone="+12145550142", time_zone="America/Chicago")
    ConsentFactory(tenant=tenant_a, lead=texan)
    sunday = MONDAY - timedelta(days=1)
    with time_machine.travel(moment(sunday, 11, zone="America/Chicago"), tick=False):
        with tenant_scope(tenant_a.pk):
            call = CallFactory(tenant=tenant_a, lead=texan, agent=agent, script=script, to_number=texan.phone)
            Call.objects.filter(pk=call.pk).update(status="queued", due_at=moment(sunday, 10))
        dial_due_calls(tenant_id=tenant_a.pk)
    file = Call.all_tenants.get(pk=call.pk).compliance_file
    assert (file["allowed"], file["decided_by"]) == (False, "TX-hours")


def test_the_call_page_says_why_and_exports_the_persons_files(client, tenant_a, tenant_b, lead, agent, script):
    call = dial(tenant_a, lead, agent, script, moment(MONDAY, 11))
    manager = member(tenant_a, Role.MANAGER, "maria")
    client.force_login(manager)
    page = client.get(reverse("admin:calls_call_change", args=[call.pk])).content.decode()
    shown = " ".join(page.split('data-testid="compliance-file"')[1].split("</table>")[0].split())
    assert 'Rule that decided</td><td class="py-1">none: every rule allowed it' in shown
    assert "Prior express written consent, captured" in shown and "NY-hours" in shown
    assert "Lead follow-up (marketing)" in shown  # words, not codes
    export_url = reverse("admin:calls_call_compliance_file", args=[pid(lead)])
    assert export_url in page
    export = client.get(export_url)
    assert export["Content-Disposition"] == f'attachment; filename="compliance-{pid(lead)}.json"'
    body = export.json()
    assert [c["id"] for c in body["calls"]] == [pid(call)] and body["calls"][0]["compliance_file"]["allowed"]
    assert body["consents"][0]["source"] == "form"
    assert client.post(export_url).status_code == 405
    client.force_login(member(tenant_b, Role.MANAGER, "other"))
    assert client.get(export_url).status_code == 404  # another tenant's person


def test_the_api_gives_the_file_and_the_persons_export(tenant_a, lead, agent, script):
    call = dial(tenant_a, lead, agent, script, moment(MONDAY, 11))
    api = api_client(member(tenant_a, Role.MANAGER, "maria"), tenant_a)
    assert api.get(f"/api/v1/calls/{pid(call)}/").json()["compliance_file"]["allowed"] is True
    export = api.get(f"/api/v1/calls/compliance-file/?lead={pid(lead)}")
    assert export.status_code == 200 and export.json()["calls"][0]["id"] == pid(call)
    missing = api.get("/api/v1/calls/compliance-file/")
    assert missing.status_code == 400 and "lead" in missing.json()["fields"]
