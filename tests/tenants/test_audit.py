"""Every admin change and every API write lands in the audit log, through one mechanism."""

import pytest
from django.urls import reverse

from core import public_ids
from tenants.models import AuditLog, Branch
from tests.conftest import api_client

pytestmark = pytest.mark.django_db


def entries(tenant):
    return list(AuditLog.all_tenants.filter(tenant=tenant).order_by("id"))


def test_api_create_update_delete_are_audited_with_changes(owner_a, tenant_a):
    client = api_client(owner_a, tenant_a)
    branch_id = client.post("/api/v1/branches/", {"name": "North", "time_zone": "UTC"}).json()["id"]
    client.patch(f"/api/v1/branches/{branch_id}/", {"name": "North Side"})
    client.delete(f"/api/v1/branches/{branch_id}/")
    log = entries(tenant_a)
    assert [e.action for e in log] == ["create", "update", "delete"]
    assert {e.actor_id for e in log} == {owner_a.pk}
    assert log[1].changes == {"name": ["North", "North Side"]}
    assert log[0].ip_address == "127.0.0.1"
    assert log[0].object_type == "tenants.branch" and log[0].object_id == str(public_ids.decode(Branch, branch_id))


def test_admin_changes_are_audited(client, owner_a, tenant_a, branch_a):
    client.force_login(owner_a)
    url = reverse("admin:tenants_branch_change", args=[branch_a.pk])
    response = client.post(url, {"name": "Renamed", "country": "US", "time_zone": "UTC", "business_hours": "{}"})
    assert response.status_code == 302
    (entry,) = entries(tenant_a)
    assert entry.action == "update" and entry.actor_id == owner_a.pk
    assert entry.changes["name"] == ["Alpha Downtown", "Renamed"]


def test_reads_and_work_outside_requests_are_not_audited(owner_a, tenant_a, branch_a, in_tenant):
    api_client(owner_a, tenant_a).get("/api/v1/branches/")
    with in_tenant(tenant_a.pk):
        Branch.objects.create(name="By a task", time_zone="UTC")
    assert entries(tenant_a) == []
