"""The one import service behind three doors: the command, the API (202, then poll) and the admin pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.public_ids import of as pid
from leads.models import ImportStatus, Lead, LeadImport
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import api_client, member

from .conftest import sample

pytestmark = pytest.mark.django_db


def upload(name="leads_gym_300.csv"):
    return SimpleUploadedFile(name, sample(name).read_bytes(), content_type="text/csv")


def test_command_imports_with_a_summary_and_records_the_run(gym, branch_a):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_leads",
        str(sample("leads_gym_300.csv")),
        "--tenant",
        gym.slug,
        "--tag",
        "spring",
        "--branch",
        branch_a.name,
        stdout=out,
        stderr=err,
    )
    summary = out.getvalue()
    assert "300 rows, 284 new, 0 updated, 10 already known, 6 errors" in summary
    assert "row 109, Phone:" in summary
    with tenant_scope(gym.pk):
        assert Lead.objects.filter(branch=branch_a, tags__name="spring").count() == 284
        record = LeadImport.objects.get()
    assert (record.status, record.created_count) == (ImportStatus.DONE, 284)


def test_command_dry_run_and_bad_arguments(gym):
    out = io.StringIO()
    call_command(
        "import_leads",
        str(sample("leads_gym_300.csv")),
        "--tenant",
        gym.slug,
        "--dry-run",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue().startswith("Checked")
    with tenant_scope(gym.pk):
        assert not Lead.objects.exists()
    with pytest.raises(CommandError, match="No tenant"):
        call_command("import_leads", str(sample("leads_gym_300.csv")), "--tenant", "nope")
    with pytest.raises(CommandError, match="No branch"):
        call_command("import_leads", str(sample("leads_gym_300.csv")), "--tenant", gym.slug, "--branch", "Mars")


def test_command_reports_an_unreadable_file(gym, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        call_command("import_leads", str(empty), "--tenant", gym.slug, stderr=io.StringIO())


def test_api_upload_answers_202_and_the_status_shows_counts_and_errors(
    owner_a, gym, django_capture_on_commit_callbacks
):
    client = api_client(owner_a, gym)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/leads/imports/", {"file": upload(), "tags": ["api"]}, format="multipart")
    assert response.status_code == 202
    import_id = response.json()["id"]
    status = client.get(f"/api/v1/leads/imports/{import_id}/").json()
    assert (status["status"], status["created_count"], status["duplicate_count"], status["error_count"]) == (
        "done",
        284,
        10,
        6,
    )
    assert status["errors"][0] == {
        "row": 109,
        "column": "Phone",
        "value": "12345",
        "reason": "“12345” is not a valid phone number.",
        "level": "error",
        "name": "Emma O'Brien",
        "email": "Emma.OBrien107@Example.COM",
    }
    report = client.get(f"/api/v1/leads/imports/{import_id}/error-report/")
    assert report.status_code == 200
    assert b"109,Phone,12345" in b"".join(report.streaming_content)


def test_api_upload_refuses_bad_options(owner_a, gym, tenant_b, branch_b):
    client = api_client(owner_a, gym)
    response = client.post("/api/v1/leads/imports/", {"file": upload(), "branch": pid(branch_b)}, format="multipart")
    assert response.status_code == 400 and "branch" in response.json()["fields"]
    response = client.post(
        "/api/v1/leads/imports/", {"file": upload(), "mapping": '{"Phone": "shoe size"}'}, format="multipart"
    )
    assert response.status_code == 400 and "mapping.Phone" in response.json()["fields"]


def test_agents_may_not_import(gym):
    client = api_client(member(gym, Role.AGENT, "agnes"), gym)
    assert client.post("/api/v1/leads/imports/", {"file": upload()}, format="multipart").status_code == 403


def test_admin_upload_preview_confirm_and_progress(client, owner_a, gym, django_capture_on_commit_callbacks):
    client.force_login(owner_a)
    page = client.get(reverse("admin:leads_lead_import"))
    assert page.status_code == 200
    response = client.post(reverse("admin:leads_lead_import"), {"file": upload(), "on_duplicate": "skip"})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert "How each column is read" in text and "Hiro" in text
    assert preview.context["preview"]["errors"] == 6  # in the sampled rows: all six bad phones
    with tenant_scope(gym.pk):
        assert not Lead.objects.exists()  # nothing before confirming
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(response["Location"], {"confirm": "1", "map:Phone": "phone"})
    assert confirmed.status_code == 302
    progress = client.get(confirmed["Location"]).content.decode()
    assert "284 new leads" in progress and "Download the error report" in progress
    with tenant_scope(gym.pk):
        assert Lead.objects.count() == 284


def test_admin_preview_lets_staff_remap_columns(client, owner_a, gym):
    client.force_login(owner_a)
    data = b"Digits,Full\n3055550123,Ann Lee\n"
    response = client.post(
        reverse("admin:leads_lead_import"), {"file": SimpleUploadedFile("x.csv", data), "on_duplicate": "skip"}
    )
    first = client.get(response["Location"]).context["preview"]
    assert first["failure"]  # "Digits" is not a known phone header
    second = client.post(response["Location"], {"update": "1", "map:Digits": "phone", "map:Full": "full_name"})
    preview = second.context["preview"]
    assert (preview["failure"], preview["would_create"]) == ("", 1)
