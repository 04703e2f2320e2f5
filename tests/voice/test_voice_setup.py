"""Provider accounts keep secrets encrypted and write-only; scripts refuse an opening that hides the
business or the automation; previews show exactly what the agent gets."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.urls import reverse

from core import public_ids
from core.public_ids import of as pid
from tenants import services as tenant_services
from tenants.scoping import tenant_scope
from tests.conftest import api_client
from tests.factories import BranchFactory, LeadFactory, ScriptFactory
from voice.disclosures import DEFAULT_OPENING
from voice.models import ProviderAccount, Script, VoiceAgent

pytestmark = pytest.mark.django_db


def raw_column(account_id, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM voice_provideraccount WHERE id = %s", [account_id])
        return cursor.fetchone()[0]


def test_every_new_tenant_gets_a_simulator_account_and_agent(db):
    tenant = tenant_services.create_tenant(
        name="New Gym", slug="new-gym", vertical="gym", legal_name="New Gym LLC", callback_phone="+13055550100"
    )
    with tenant_scope(tenant.pk):
        account = ProviderAccount.objects.get()
        assert account.provider == "simulator" and account.api_key
        assert VoiceAgent.objects.filter(account=account).exists()


def test_secrets_are_encrypted_at_rest_and_never_returned(owner_a, tenant_a):
    client = api_client(owner_a, tenant_a)
    response = client.post(
        "/api/v1/voice/accounts/",
        {"provider": "retell", "label": "Retell", "api_key": "key_SECRET", "webhook_secret": "whsec_SECRET"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "api_key" not in body and body["has_api_key"] is True
    assert body["webhook_url"].endswith(f"/webhooks/voice/retell/{ProviderAccount.all_tenants.get().webhook_uuid}/")
    account_id = public_ids.decode(ProviderAccount, body["id"])
    stored = raw_column(account_id, "api_key")
    assert stored.startswith("enc:") and "key_SECRET" not in stored
    assert ProviderAccount.all_tenants.get(pk=account_id).api_key == "key_SECRET"
    listed = client.get("/api/v1/voice/accounts/").content.decode()
    assert "SECRET" not in listed
    # Sending nothing (or an empty value) for a secret keeps it.
    client.patch(f"/api/v1/voice/accounts/{body['id']}/", {"label": "Retell main", "api_key": ""}, format="json")
    assert ProviderAccount.all_tenants.get(pk=account_id).api_key == "key_SECRET"


def test_admin_never_shows_a_stored_secret(client, owner_a, tenant_a):
    from tests.factories import ProviderAccountFactory

    account = ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="key_VISIBLE?")
    client.force_login(owner_a)
    page = client.get(reverse("admin:voice_provideraccount_change", args=[account.pk])).content.decode()
    assert "key_VISIBLE?" not in page
    assert account.webhook_url in page


def test_key_rotation_re_encrypts_with_the_new_first_key(owner_a, tenant_a, settings):
    from django.core.management import call_command

    from tests.factories import ProviderAccountFactory
    from voice import crypto

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    account = ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="rotate-me")
    under_old = raw_column(account.pk, "api_key")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_secrets", stdout=__import__("io").StringIO())
    under_new = raw_column(account.pk, "api_key")
    assert under_new != under_old
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert crypto.decrypt(under_new) == "rotate-me"


@pytest.mark.parametrize(
    "opening,problem",
    [
        ("Hi {lead_first_name}, it's Sam from the gym.", "business"),
        ("Hi, this is {business_name} calling about your visit.", "automated"),
    ],
)
def test_scripts_must_name_the_business_and_say_they_are_automated(owner_a, tenant_a, opening, problem):
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/voice/scripts/",
        {"name": "X", "purpose": "lead_followup", "opening_line": opening, "prompt_template": "p"},
        format="json",
    )
    assert response.status_code == 400
    assert problem in " ".join(response.json()["fields"]["opening_line"])


def test_script_purpose_decides_marketing_or_informational(owner_a, tenant_a):
    client = api_client(owner_a, tenant_a)
    common = {"opening_line": DEFAULT_OPENING, "prompt_template": "p"}
    reminder = client.post("/api/v1/voice/scripts/", {"name": "R", "purpose": "service_reminder", **common}).json()
    assert reminder["is_marketing"] is False
    followup = {"name": "F", "purpose": "win_back", "is_marketing": False, **common}
    followup = client.post("/api/v1/voice/scripts/", followup).json()
    assert followup["is_marketing"] is True


def test_duplicate_makes_a_new_inactive_version(owner_a, tenant_a):
    script = ScriptFactory(tenant=tenant_a, name="Follow-up", version=2)
    copy = api_client(owner_a, tenant_a).post(f"/api/v1/voice/scripts/{pid(script)}/duplicate/").json()
    assert (copy["name"], copy["version"], copy["is_active"]) == ("Follow-up", 3, False)


def test_preview_renders_the_script_for_a_lead(owner_a, tenant_a):
    branch = BranchFactory(tenant=tenant_a, name="Downtown", business_hours={"mon": [["06:00", "22:00"]]})
    lead = LeadFactory(tenant=tenant_a, first_name="Ana", interest="yoga", branch=branch, region="")
    script = ScriptFactory(
        tenant=tenant_a, prompt_template="Invite {lead_first_name} to {branch_name} for {lead_interest}."
    )
    body = (
        api_client(owner_a, tenant_a).get(f"/api/v1/voice/scripts/{pid(script)}/preview/", {"lead": pid(lead)}).json()
    )
    assert body["opening_line"].startswith(f"Hi Ana, this is an automated assistant from {tenant_a.legal_name}.")
    assert "recorded" in body["opening_line"]  # state unknown: the recording notice is given
    assert body["prompt"] == "Invite Ana to Downtown for yoga."
    assert body["variables"]["branch_hours"].startswith("Mon 06:00-22:00")
    assert body["variables"]["lead_stage"] == "New"  # words the agent may say, not the code


def test_a_lead_without_a_branch_hears_of_the_businesss_first(owner_a, tenant_a):
    """The README walk: a script's preview for a lead with no branch read "at ()"."""
    BranchFactory(tenant=tenant_a, name="Downtown", address="1 Main St")
    BranchFactory(tenant=tenant_a, name="Uptown")
    lead = LeadFactory(tenant=tenant_a, first_name="Ana", branch=None)
    script = ScriptFactory(tenant=tenant_a, prompt_template="Offer a tour at {branch_name} ({branch_address}).")
    body = (
        api_client(owner_a, tenant_a).get(f"/api/v1/voice/scripts/{pid(script)}/preview/", {"lead": pid(lead)}).json()
    )
    assert body["prompt"] == "Offer a tour at Downtown (1 Main St)."


def test_admin_script_preview_and_test_connection(client, owner_a, tenant_a):
    from tests.factories import ProviderAccountFactory

    lead = LeadFactory(tenant=tenant_a, first_name="Ana")
    script = ScriptFactory(tenant=tenant_a)
    client.force_login(owner_a)
    page = client.get(reverse("admin:voice_script_preview", args=[script.pk]), {"lead": pid(lead)}).content.decode()
    assert "Hi Ana, this is an automated assistant" in page
    account = ProviderAccountFactory(tenant=tenant_a, provider="simulator")
    client.post(
        reverse("admin:voice_provideraccount_changelist"),
        {"action": "test_connection", "_selected_action": [account.pk]},
    )
    account.refresh_from_db()
    assert account.health == "ok" and account.health_checked_at is not None


def test_seeded_demo_scripts_are_valid(db):
    from demo.voice import OPENING
    from voice import disclosures

    assert disclosures.missing(OPENING, is_marketing=True) == []
    assert Script._meta.get_field("opening_line").default == OPENING


def test_the_preview_finds_leads_by_name_through_the_admin_autocomplete(client, owner_a, tenant_a, tenant_b):
    import re

    lead = LeadFactory(tenant=tenant_a, first_name="Ana")
    LeadFactory(tenant=tenant_b, first_name="Ana")
    script = ScriptFactory(tenant=tenant_a)
    client.force_login(owner_a)
    page = client.get(reverse("admin:voice_script_preview", args=[script.pk])).content.decode()
    params = dict(re.findall(r'data-(app-label|model-name|field-name)="([^"]+)"', page))
    answer = client.get(
        reverse("admin:autocomplete"),
        {"app_label": params["app-label"], "model_name": params["model-name"], "field_name": params["field-name"]}
        | {"term": "Ana"},
    )
    assert [row["id"] for row in answer.json()["results"]] == [pid(lead)]
