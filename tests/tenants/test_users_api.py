"""Owners and admins invite staff, change roles and deactivate them; the rules hold."""

import pytest
from django.core import mail

from tenants.models import AuditLog, Membership
from tenants.roles import Role
from tests.conftest import api_client, member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_owner_invites_a_new_staff_member_by_email(owner_a, tenant_a, in_tenant):
    client = api_client(owner_a, tenant_a)
    response = client.post("/api/v1/users/", {"email": "New.Person@Example.test", "role": "agent", "first_name": "New"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["email"], body["role"], body["is_active"]) == ("new.person@example.test", "agent", True)
    assert len(mail.outbox) == 1 and "new.person@example.test" in mail.outbox[0].to
    with in_tenant(tenant_a.pk):
        assert AuditLog.objects.filter(action="member.added").count() == 1


def test_invited_person_can_log_in_once_a_password_is_given(owner_a, tenant_a):
    client = api_client(owner_a, tenant_a)
    client.post("/api/v1/users/", {"email": "pat@example.test", "role": "manager", "password": "a-long-pass-123"})
    from rest_framework.test import APIClient

    login = APIClient().post("/api/v1/auth/login", {"username": "pat@example.test", "password": "a-long-pass-123"})
    assert login.status_code == 200
    assert login.json()["tenant"]["slug"] == "tenant-a"


def test_adding_an_existing_member_again_is_400(owner_a, tenant_a):
    client = api_client(owner_a, tenant_a)
    response = client.post("/api/v1/users/", {"email": "alice@example.test", "role": "agent"})
    assert response.status_code == 400
    assert "email" in response.json()["fields"]


def test_admin_cannot_make_owners_and_agents_cannot_manage_staff(tenant_a, owner_a):
    admin_client = api_client(member(tenant_a, Role.ADMIN, "adam"), tenant_a)
    assert admin_client.post("/api/v1/users/", {"email": "o@example.test", "role": "owner"}).status_code == 403
    assert admin_client.post("/api/v1/users/", {"email": "m@example.test", "role": "manager"}).status_code == 201
    agent_client = api_client(member(tenant_a, Role.AGENT, "agnes"), tenant_a)
    assert agent_client.post("/api/v1/users/", {"email": "x@example.test", "role": "agent"}).status_code == 403


def test_change_role_and_deactivate(owner_a, tenant_a):
    agent = member(tenant_a, Role.AGENT, "agnes")
    membership = Membership.all_tenants.get(user=agent)
    client = api_client(owner_a, tenant_a)
    assert client.patch(f"/api/v1/users/{membership.pk}/", {"role": "manager"}).json()["role"] == "manager"
    assert client.post(f"/api/v1/users/{membership.pk}/deactivate/").json()["is_active"] is False
    assert api_client(agent, tenant_a).get("/api/v1/branches/").status_code == 403
    assert client.post(f"/api/v1/users/{membership.pk}/reactivate/").json()["is_active"] is True


def test_the_last_owner_cannot_be_removed_or_demoted(owner_a, tenant_a):
    platform = UserFactory(username="root", is_superuser=True)
    membership = Membership.all_tenants.get(user=owner_a)
    client = api_client(platform, tenant_a)
    response = client.patch(f"/api/v1/users/{membership.pk}/", {"role": "agent"}, HTTP_X_TENANT="tenant-a")
    assert response.status_code == 400
    assert "owner" in response.json()["message"]
    response = client.post(f"/api/v1/users/{membership.pk}/deactivate/", HTTP_X_TENANT="tenant-a")
    assert response.status_code == 400


def test_nobody_changes_their_own_role(tenant_a, owner_a):
    adam = member(tenant_a, Role.ADMIN, "adam")
    mine = Membership.all_tenants.get(user=adam)
    response = api_client(adam, tenant_a).patch(f"/api/v1/users/{mine.pk}/", {"role": "manager"})
    assert response.status_code == 403


def test_users_list_shows_only_this_tenants_staff(owner_a, owner_b, tenant_a):
    emails = [row["email"] for row in api_client(owner_a, tenant_a).get("/api/v1/users/").json()["results"]]
    assert emails == ["alice@example.test"]


def test_users_cannot_be_deleted(owner_a, tenant_a):
    membership = Membership.all_tenants.get(user=owner_a)
    assert api_client(owner_a, tenant_a).delete(f"/api/v1/users/{membership.pk}/").status_code == 405
