"""What an AI call's opening must say (docs/compliance.md#disclosures): refused at save, with what to add, in the
API and the admin; completed at call time for an opening saved before a rule existed; seen in the preview."""

import pytest
from django.urls import reverse

from core.public_ids import of as pid
from tenants.scoping import tenant_scope
from tests.conftest import api_client
from tests.factories import BranchFactory, LeadFactory, ScriptFactory
from voice import disclosures, prompting
from voice.disclosures import DEFAULT_OPENING
from voice.models import Script

pytestmark = pytest.mark.django_db

EVERY_CALL = "Hi {lead_first_name}, this is an automated assistant from {business_name} about {call_about}. Our number is {callback_phone}."  # noqa: E501


def post_script(owner, tenant, purpose, opening):
    return api_client(owner, tenant).post(
        "/api/v1/voice/scripts/",
        {"name": "S", "purpose": purpose, "opening_line": opening, "prompt_template": "p"},
        format="json",
    )


def test_a_reminder_needs_the_business_automated_what_about_and_a_number_to_call(owner_a, tenant_a):
    assert post_script(owner_a, tenant_a, "appointment_reminder", EVERY_CALL).status_code == 201
    lacking = "Hi {lead_first_name}, this is an automated assistant from {business_name}."
    answer = post_script(owner_a, tenant_a, "appointment_reminder", lacking)
    assert answer.status_code == 400
    problems = " ".join(answer.json()["fields"]["opening_line"])
    assert "{call_about}" in problems and "{callback_phone}" in problems
    assert "stop the calls" not in problems  # an informational call need not offer it


def test_the_branchs_number_alone_is_not_a_number_to_call_back(owner_a, tenant_a):
    opening = EVERY_CALL.replace("{callback_phone}", "{branch_phone}")  # a lead with no branch would hear nothing
    answer = post_script(owner_a, tenant_a, "appointment_reminder", opening)
    assert answer.status_code == 400 and "{callback_phone}" in " ".join(answer.json()["fields"]["opening_line"])


def test_a_marketing_script_must_say_how_to_stop_the_calls_and_ask_to_go_on(owner_a, tenant_a):
    answer = post_script(owner_a, tenant_a, "lead_followup", EVERY_CALL)
    assert answer.status_code == 400
    problems = " ".join(answer.json()["fields"]["opening_line"])
    assert "say how to stop the calls" in problems and "ask whether to go on" in problems
    assert not Script.all_tenants.filter(tenant=tenant_a).exists()  # nothing saved
    assert post_script(owner_a, tenant_a, "lead_followup", DEFAULT_OPENING).status_code == 201


def test_changing_a_reminder_into_a_marketing_script_is_checked_too(owner_a, tenant_a):
    script = post_script(owner_a, tenant_a, "service_reminder", EVERY_CALL).json()
    moved = api_client(owner_a, tenant_a).patch(
        f"/api/v1/voice/scripts/{script['id']}/", {"purpose": "win_back"}, format="json"
    )
    assert moved.status_code == 400 and "opening_line" in moved.json()["fields"]


def test_the_admin_refuses_a_marketing_opening_without_the_opt_out(client, owner_a, tenant_a):
    client.force_login(owner_a)
    page = client.post(
        reverse("admin:voice_script_add"),
        {
            "name": "Win them back",
            "purpose": "win_back",
            "is_marketing": "on",
            "opening_line": EVERY_CALL,
            "prompt_template": "p",
            "collect": "[]",
            "version": 1,
            "is_active": "on",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00",
        },
    )
    assert page.status_code == 200  # the form again, with the error on the field
    assert "say how to stop the calls" in page.content.decode()
    assert not Script.all_tenants.filter(tenant=tenant_a, name="Win them back").exists()


def test_an_opening_saved_before_the_rules_is_completed_when_a_call_is_rendered(tenant_a):
    branch = BranchFactory(tenant=tenant_a, phone="+12125550100")
    tenant_a.callback_phone = ""
    tenant_a.save()
    old = ScriptFactory(tenant=tenant_a, purpose="win_back")  # "Hi …, this is an automated assistant from …."
    lead = LeadFactory(tenant=tenant_a, branch=branch, first_name="Ana")
    with tenant_scope(tenant_a.pk):
        opening = prompting.render(lead, old).opening_line
    assert opening.startswith("Hi Ana, this is an automated assistant from")
    assert "I'm calling about your membership." in opening
    assert "Our number is +12125550100." in opening  # the branch's, the business having none of its own
    assert "say “stop calling”" in opening and "end the call?" in opening
    assert disclosures.missing(disclosures.complete(old.opening_line, is_marketing=True), is_marketing=True) == []


def test_a_complete_opening_is_left_as_written(tenant_a):
    script = ScriptFactory(tenant=tenant_a, purpose="lead_followup", opening_line=DEFAULT_OPENING)
    assert disclosures.complete(script.opening_line, is_marketing=True) == DEFAULT_OPENING
    lead = LeadFactory(tenant=tenant_a)
    with tenant_scope(tenant_a.pk):
        assert prompting.render(lead, script).opening_line.count("stop calling") == 1


def test_the_preview_shows_the_opening_the_person_will_hear(owner_a, tenant_a):
    script = ScriptFactory(tenant=tenant_a, purpose="win_back")
    lead = LeadFactory(tenant=tenant_a)
    preview = api_client(owner_a, tenant_a).get(f"/api/v1/voice/scripts/{pid(script)}/preview/?lead={pid(lead)}")
    assert "To stop our calls" in preview.json()["opening_line"]


def test_the_script_preview_says_what_the_law_asks_and_where_it_is_said(client, owner_a, tenant_a):
    old = ScriptFactory(tenant=tenant_a, purpose="win_back")
    client.force_login(owner_a)
    page = client.get(reverse("admin:voice_script_preview", args=[old.pk])).content.decode()
    rows = " ".join(page.split('data-testid="disclosures"')[1].split("</table>")[0].split())
    assert 'Names the business</td><td class="p-1">in the script' in rows
    assert 'Says how to stop the calls</td><td class="p-1">added to each call' in rows
    assert "47 CFR 64.1200(b)(3)" in rows
