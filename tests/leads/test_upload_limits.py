"""Uploads at every door share one limit and land in their tenant's folder (docs/operations.md#security)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.public_ids import of as pid
from knowledge.models import Document
from leads.importing import runs
from leads.models import LeadImport
from tenants.roles import Role
from tests.conftest import api_client, member
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db
CSV = b"First name,Phone\nAna,(212) 555-7001\n"


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(runs, "MAX_UPLOAD_BYTES", len(CSV) - 1)


def test_an_api_import_over_the_limit_is_a_400_and_nothing_is_stored(
    small_limit, owner_a, tenant_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/leads/imports/", {"file": SimpleUploadedFile("big.csv", CSV)}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()["fields"]
    assert not LeadImport.all_tenants.exists() and not any(tmp_path.rglob("*.csv"))


def test_a_campaign_upload_over_the_limit_is_a_400(small_limit, owner_a, tenant_a):
    campaign = CampaignFactory(tenant=tenant_a)
    response = api_client(owner_a, tenant_a).post(
        f"/api/v1/campaigns/{pid(campaign)}/targets/", {"file": SimpleUploadedFile("big.csv", CSV)}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()["fields"]
    assert not LeadImport.all_tenants.exists()


def test_uploads_land_in_their_tenants_folder(
    owner_a, tenant_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = api_client(owner_a, tenant_a)
    checked = client.post(
        "/api/v1/leads/imports/", {"file": SimpleUploadedFile("check.csv", CSV), "dry_run": True}, format="multipart"
    )
    assert checked.status_code == 202
    assert LeadImport.all_tenants.get().file.name.startswith(f"imports/{pid(tenant_a)}/")
    manager = api_client(member(tenant_a, Role.MANAGER, "maria"), tenant_a)
    with django_capture_on_commit_callbacks(execute=False):
        uploaded = manager.post(
            "/api/v1/knowledge/documents/",
            {"file": SimpleUploadedFile("menu.txt", b"Oil change 89.95")},
            format="multipart",
        )
    assert uploaded.status_code == 201, uploaded.json()
    assert Document.all_tenants.get().file.name.startswith(f"knowledge/{pid(tenant_a)}/")
    assert not (tmp_path / "imports" / "None").exists() and not (tmp_path / "knowledge" / "None").exists()


def test_an_imports_file_is_deleted_once_it_is_done(
    owner_a, tenant_a, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(owner_a, tenant_a).post(
            "/api/v1/leads/imports/", {"file": SimpleUploadedFile("people.csv", CSV)}, format="multipart"
        )
    assert response.status_code == 202
    lead_import = LeadImport.all_tenants.get()
    assert lead_import.status == "done" and not lead_import.file
    assert not any(tmp_path.rglob("people*.csv"))
