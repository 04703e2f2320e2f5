"""Issue 19, finding 4 (the import): consent is captured where leads come in. A file without a consent column
can carry an attestation ("these people gave consent via …", with how, which form or sheet, the disclosure
version, the day and the purposes): off unless asked for, complete or refused, audited, and each lead the
import creates or updates gets a Consent row with that evidence. The preview says how many leads will be
callable afterwards."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from calls.compliance import check_many
from leads import importing
from leads.models import Consent, Lead
from tenants.models import AuditLog
from tenants.scoping import tenant_scope
from tests.clock import NEW_YORK, moment, today
from tests.conftest import api_client
from tests.factories import DoNotCallFactory

pytestmark = pytest.mark.django_db

# Three people from a paper sign-up sheet: no consent column.
SHEET = "First Name,Last Name,Phone\nAnn,Lee,3055550123\nBob,Ray,3055550124\nCy,Fox,3055550125\n"


def given_on():
    return today(NEW_YORK) - timedelta(days=30)


def attestation(**changes) -> dict:
    return {
        "consent_attested": True,
        "consent_source": "paper",
        "consent_source_detail": "Spring open day sign-up sheet",
        "consent_disclosure_version": "sheet-v2",
        "consent_given_on": given_on().isoformat(),
        "consent_purposes": ["lead_followup", "trial_booking"],
        **changes,
    }


def upload(text=SHEET, name="sheet.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def consents(tenant):
    with tenant_scope(tenant.pk):
        return list(Consent.objects.select_related("lead").order_by("lead__phone"))


def test_without_an_attestation_nobody_gets_consent_and_the_preview_says_so(gym):
    with tenant_scope(gym.pk):
        previewed = importing.preview(io.BytesIO(SHEET.encode()))
    assert (previewed["callable"], previewed["no_consent"]) == (0, 3)
    with tenant_scope(gym.pk):
        importing.run_import(importing.create_import(upload(), queue=False))
    assert consents(gym) == []


def test_the_admin_preview_takes_the_attestation_and_each_lead_gets_the_evidence(
    client, owner_a, gym, django_capture_on_commit_callbacks
):
    client.force_login(owner_a)
    response = client.post(reverse("admin:leads_lead_import"), {"file": upload(), "on_duplicate": "skip"})
    preview_url = response["Location"]
    before = client.get(preview_url)
    assert (before.context["preview"]["callable"], before.context["preview"]["no_consent"]) == (0, 3)
    assert "Callable afterwards: 0" in before.content.decode()

    form = {"update": "1", "map:Phone": "phone", **attestation()}
    after = client.post(preview_url, form)
    assert (after.context["preview"]["callable"], after.context["preview"]["no_consent"]) == (3, 0)
    assert "Callable afterwards: 3" in after.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(preview_url, {**form, "confirm": "1"})
    assert confirmed.status_code == 302
    recorded = consents(gym)
    assert len(recorded) == 3
    for consent in recorded:
        assert consent.phone == consent.lead.phone
        assert (consent.kind, consent.source, consent.disclosure_version) == ("express_written", "paper", "sheet-v2")
        assert consent.purposes == ["lead_followup", "trial_booking"]
        assert consent.captured_at == moment(given_on(), 12)
        assert consent.source_detail == "Spring open day sign-up sheet (attested when importing sheet.csv)"
        assert consent.recorded_by == owner_a
    with tenant_scope(gym.pk):
        entry = AuditLog.objects.get(action="consent.attested")
        leads = list(Lead.objects.all())
    assert entry.changes["attested_by"] == owner_a.get_username()
    assert (entry.changes["source"], entry.changes["given_on"], entry.changes["consents_recorded"]) == (
        "paper",
        given_on().isoformat(),
        3,
    )
    # Callable indeed: the gate finds consent for a marketing call to each of them.
    with tenant_scope(gym.pk):
        decisions = check_many(leads, purpose="lead_followup", is_marketing=True)
    assert [d.code for d in decisions.values() if not d.allowed and not d.deferred] == []  # (hours aside)


def test_the_admin_refuses_an_incomplete_attestation_and_imports_nothing(client, owner_a, gym):
    client.force_login(owner_a)
    response = client.post(reverse("admin:leads_lead_import"), {"file": upload(), "on_duplicate": "skip"})
    tomorrow = today(NEW_YORK) + timedelta(days=1)
    form = {"confirm": "1", **attestation(consent_source="", consent_given_on=tomorrow.isoformat())}
    refused = client.post(response["Location"], form)
    assert refused.status_code == 200  # the preview again, with the errors
    errors = refused.context["consent"].errors
    assert "consent_source" in errors and "future" in errors["consent_given_on"][0]
    with tenant_scope(gym.pk):
        assert not Lead.objects.exists()


def test_the_api_takes_the_attestation_and_a_dry_run_counts_the_callable(
    owner_a, gym, django_capture_on_commit_callbacks
):
    client = api_client(owner_a, gym)
    DoNotCallFactory(tenant=gym, phone="+13055550125")  # Cy asked not to be called
    with django_capture_on_commit_callbacks(execute=True):
        checked = client.post(
            "/api/v1/leads/imports/", {"file": upload(), "dry_run": True, **attestation()}, format="multipart"
        )
    assert checked.status_code == 202
    status = client.get(f"/api/v1/leads/imports/{checked.json()['id']}/").json()
    assert (status["callable_count"], status["no_consent_count"], status["on_dnc_count"]) == (2, 0, 1)
    assert consents(gym) == []  # a dry run records nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/api/v1/leads/imports/", {"file": upload(), **attestation()}, format="multipart")
    assert done.status_code == 202
    assert len(consents(gym)) == 3  # the do-not-call list still stops Cy's calls; his consent is recorded


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent_source": ""}, "consent_source"),
        ({"consent_disclosure_version": ""}, "consent_disclosure_version"),
        ({"consent_purposes": []}, "consent_purposes"),
        ({"consent_given_on": ""}, "consent_given_on"),
        ({"consent_source": "call"}, "consent_purposes"),  # marketing purposes need written consent
        ({"consent_attested": False}, "consent_source"),  # evidence without the attestation itself
    ],
)
def test_the_api_refuses_an_incomplete_attestation_field_by_field(owner_a, gym, changes, field):
    client = api_client(owner_a, gym)
    body = {key: value for key, value in attestation(**changes).items() if value not in ("", [])}
    response = client.post("/api/v1/leads/imports/", {"file": upload(), **body}, format="multipart")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_the_api_refuses_a_future_day(owner_a, gym):
    client = api_client(owner_a, gym)
    tomorrow = (today(NEW_YORK) + timedelta(days=2)).isoformat()
    body = {"file": upload(), **attestation(consent_given_on=tomorrow)}
    response = client.post("/api/v1/leads/imports/", body, format="multipart")
    assert response.status_code == 400 and "consent_given_on" in response.json()["fields"]


def test_rows_whose_consent_column_says_no_get_none(gym):
    text = "Phone,Consent\n3055550123,yes\n3055550124,no\n3055550125,\n"
    with tenant_scope(gym.pk):
        lead_import = importing.create_import(upload(text), queue=False, **attestation(consent_source="form"))
        importing.run_import(lead_import)
    assert [c.lead.phone for c in consents(gym)] == ["+13055550123", "+13055550125"]
    assert {c.source for c in consents(gym)} == {"form"}


def test_the_command_takes_the_attestation(gym, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(SHEET)
    out = io.StringIO()
    evidence = [
        "--consent-attested",
        "--consent-source",
        "paper",
        "--consent-given-on",
        given_on().isoformat(),
        "--consent-disclosure-version",
        "sheet-v2",
        "--consent-purpose",
        "lead_followup",
    ]
    call_command("import_leads", str(sheet), "--tenant", gym.slug, *evidence, stdout=out, stderr=io.StringIO())
    assert "Callable afterwards: 3" in out.getvalue()
    assert len(consents(gym)) == 3
    with pytest.raises(CommandError, match="consent_given_on"):
        call_command("import_leads", str(sheet), "--tenant", gym.slug, *evidence[:3], stderr=io.StringIO())
