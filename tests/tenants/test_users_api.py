"""Owners and admins invite staff, change roles and deactivate them; the rules hold."""

import re

import pytest
from django.core import mail

from core import public_ids
from core.public_ids import of as pid
from tenants.models import AuditLog, Membership, User
from tenants.roles import Role
from tests.conftest import api_client, member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def join_link(message) -> str:
    return re.search(r"http://testserver(/accounts/join/[^/\s]+/)", message.body).group(1)


def test_owner_invites_a_new_staff_member_by_email(owner_a, tenant_a, in_tenant, client):
    api = api_client(owner_a, tenant_a)
    response = api.post("/api/v1/users/", {"email": "New.Person@Example.test", "role": "agent", "first_name": "New"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["email"], body["role"], body["is_active"], body["invited"]) == (
        "new.person@example.test",
        "agent",
        False,
        True,
    )
    assert len(mail.outbox) == 1 and "new.person@example.test" in mail.outbox[0].to
    assert "/accounts/reset/" in mail.outbox[0].body  # a new person chooses a password first
    with in_tenant(tenant_a.pk):
        assert AuditLog.objects.filter(action="member.invited").count() == 1


def test_invited_person_can_log_in_once_a_password_is_given_and_they_accepted(owner_a, tenant_a, client):
    from rest_framework.test import APIClient

    api = api_client(owner_a, tenant_a)
    api.post("/api/v1/users/", {"email": "pat@example.test", "role": "manager", "password": "a-long-pass-123"})
    credentials = {"username": "pat@example.test", "password": "a-long-pass-123"}
    assert APIClient().post("/api/v1/auth/login", credentials).status_code == 403  # not a member until accepted
    client.force_login(User.objects.get(email="pat@example.test"))
    assert client.post(join_link(mail.outbox[-1])).status_code == 302
    login = APIClient().post("/api/v1/auth/login", credentials)
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
    assert client.patch(f"/api/v1/users/{pid(membership)}/", {"role": "manager"}).json()["role"] == "manager"
    assert client.post(f"/api/v1/users/{pid(membership)}/deactivate/").json()["is_active"] is False
    assert api_client(agent, tenant_a).get("/api/v1/branches/").status_code == 403
    assert client.post(f"/api/v1/users/{pid(membership)}/reactivate/").json()["is_active"] is True


def test_the_last_owner_cannot_be_removed_or_demoted(owner_a, tenant_a):
    platform = UserFactory(username="root", is_superuser=True)
    membership = Membership.all_tenants.get(user=owner_a)
    client = api_client(platform, tenant_a)
    response = client.patch(f"/api/v1/users/{pid(membership)}/", {"role": "agent"}, HTTP_X_TENANT="tenant-a")
    assert response.status_code == 400
    assert "owner" in response.json()["message"]
    response = client.post(f"/api/v1/users/{pid(membership)}/deactivate/", HTTP_X_TENANT="tenant-a")
    assert response.status_code == 400


def test_nobody_changes_their_own_role(tenant_a, owner_a):
    adam = member(tenant_a, Role.ADMIN, "adam")
    mine = Membership.all_tenants.get(user=adam)
    response = api_client(adam, tenant_a).patch(f"/api/v1/users/{pid(mine)}/", {"role": "manager"})
    assert response.status_code == 403


def test_users_list_shows_only_this_tenants_staff(owner_a, owner_b, tenant_a):
    emails = [row["email"] for row in api_client(owner_a, tenant_a).get("/api/v1/users/").json()["results"]]
    assert emails == ["alice@example.test"]


def test_users_cannot_be_deleted(owner_a, tenant_a):
    membership = Membership.all_tenants.get(user=owner_a)
    assert api_client(owner_a, tenant_a).delete(f"/api/v1/users/{pid(membership)}/").status_code == 405


def test_a_person_with_an_account_elsewhere_is_asked_not_linked_and_nothing_about_them_shows(
    owner_a, tenant_a, tenant_b, client
):
    elsewhere = member(tenant_b, Role.OWNER, "bea", first_name="Beatrix", last_name="Secretname")
    api = api_client(owner_a, tenant_a)
    known = api.post("/api/v1/users/", {"email": elsewhere.email, "role": "agent"})
    unknown = api.post("/api/v1/users/", {"email": "nobody-yet@example.test", "role": "agent"})
    assert known.status_code == unknown.status_code == 201
    shape = {key for key in known.json() if key not in ("id", "email", "created_at")}
    assert {k: known.json()[k] for k in shape} == {k: unknown.json()[k] for k in shape}  # same answer either way
    assert "Secretname" not in api.get("/api/v1/users/").content.decode()
    assert api.get("/api/v1/users/", {"search": "Secretname"}).json()["results"] == []
    from tenants.resolution import TenantNotAllowed, choose

    with pytest.raises(TenantNotAllowed):  # no rights in tenant A until they accept
        choose(elsewhere, tenant_id=tenant_a.pk)

    invitation = next(m for m in mail.outbox if elsewhere.email in m.to)
    assert "/accounts/reset/" not in invitation.body  # their password stays theirs
    link = join_link(invitation)
    client.force_login(owner_a)
    assert client.post(link).status_code == 404  # someone else's link
    client.force_login(elsewhere)
    page = client.get(link)
    assert page.status_code == 200 and "Accept" in page.content.decode()
    assert not Membership.all_tenants.get(tenant=tenant_a, user=elsewhere).is_active  # a GET joins nothing
    assert client.post(link).status_code == 302
    joined = Membership.all_tenants.get(tenant=tenant_a, user=elsewhere)
    assert (joined.is_active, joined.invited) == (True, False)
    assert "Secretname" in api.get("/api/v1/users/").content.decode()  # a member now: their name shows
    assert client.post(link).status_code == 404  # answered once


def test_an_old_or_tampered_join_link_is_refused(owner_a, tenant_a, tenant_b, client):
    import time_machine
    from django.utils import timezone

    elsewhere = member(tenant_b, Role.OWNER, "bea")
    api_client(owner_a, tenant_a).post("/api/v1/users/", {"email": elsewhere.email, "role": "agent"})
    link = join_link(mail.outbox[-1])
    client.force_login(elsewhere)
    assert client.get(link[:-3] + "xx/").status_code == 404
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):
        assert client.get(link).status_code == 404


def test_the_business_cannot_activate_an_invitation_and_deactivating_withdraws_it(owner_a, tenant_a, tenant_b, client):
    elsewhere = member(tenant_b, Role.OWNER, "bea")
    api = api_client(owner_a, tenant_a)
    invited = api.post("/api/v1/users/", {"email": elsewhere.email, "role": "agent"}).json()
    link = join_link(mail.outbox[-1])
    refused = api.post(f"/api/v1/users/{invited['id']}/reactivate/")
    assert refused.status_code == 400 and "is_active" in refused.json()["fields"]
    assert not Membership.all_tenants.get(pk=public_ids.decode(Membership, invited["id"])).is_active
    assert api.post(f"/api/v1/users/{invited['id']}/deactivate/").status_code == 200  # withdrawn
    client.force_login(elsewhere)
    assert client.post(link).status_code == 404
    assert not Membership.all_tenants.get(pk=public_ids.decode(Membership, invited["id"])).is_active


def test_the_answer_is_the_same_for_a_password_like_the_email_whether_the_account_exists(owner_a, tenant_a, tenant_b):
    member(tenant_b, Role.OWNER, "zephyrine.quaxleworth")  # zephyrine.quaxleworth@example.test exists
    api = api_client(owner_a, tenant_a)
    existing = api.post(
        "/api/v1/users/",
        {"email": "zephyrine.quaxleworth@example.test", "role": "agent", "password": "zephyrine.quaxleworth"},
    )
    new = api.post(
        "/api/v1/users/",
        {"email": "quaxleworth.zephyrine@example.test", "role": "agent", "password": "quaxleworth.zephyrine"},
    )
    assert existing.status_code == new.status_code == 400
    assert existing.json()["fields"].keys() == new.json()["fields"].keys() == {"password"}


def test_invitations_to_one_email_are_limited(owner_a, tenant_a):
    api = api_client(owner_a, tenant_a)
    answers = [api.post("/api/v1/users/", {"email": "pat@example.test", "role": "agent"}).status_code for _ in range(4)]
    assert answers == [201, 201, 201, 400]
    assert len(mail.outbox) == 3
