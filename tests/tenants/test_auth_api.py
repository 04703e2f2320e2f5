"""JWT login, refresh, logout and me; choosing the tenant; lockout."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.public_ids import of as pid
from tenants.roles import Role
from tests.conftest import PASSWORD, api_client, member

pytestmark = pytest.mark.django_db


def login(client, username, password=PASSWORD, **extra):
    return client.post("/api/v1/auth/login", {"username": username, "password": password, **extra}, format="json")


def bearer(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def test_login_by_email_returns_tokens_carrying_the_tenant(owner_a, tenant_a):
    response = login(APIClient(), "ALICE@example.test")
    assert response.status_code == 200
    body = response.json()
    assert body["tenant"]["slug"] == "tenant-a"
    assert [m["role"] for m in body["memberships"]] == ["owner"]
    me = bearer(body["access"]).get("/api/v1/auth/me").json()
    assert me["user"]["email"] == "alice@example.test"
    assert me["tenant"]["slug"] == "tenant-a"
    assert me["role"] == "owner"
    assert "tenants.change_membership" in me["permissions"]


def test_login_by_username(owner_a):
    assert login(APIClient(), "alice").status_code == 200


def test_wrong_password_is_401_in_the_error_shape(owner_a):
    response = login(APIClient(), "alice", "nope")
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "Wrong username or password."}


def test_refresh_gives_a_new_access_token_for_the_same_tenant(owner_a):
    tokens = login(APIClient(), "alice").json()
    response = APIClient().post("/api/v1/auth/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert bearer(response.json()["access"]).get("/api/v1/auth/me").json()["tenant"]["slug"] == "tenant-a"


def test_logout_blacklists_the_refresh_token(owner_a):
    tokens = login(APIClient(), "alice").json()
    client = bearer(tokens["access"])
    assert client.post("/api/v1/auth/logout", {"refresh": tokens["refresh"]}, format="json").status_code == 204
    again = APIClient().post("/api/v1/auth/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert again.status_code == 401
    assert again.json()["code"] == "token_invalid"


def test_cannot_log_out_someone_elses_token(owner_a, owner_b):
    theirs = login(APIClient(), "bob").json()["refresh"]
    mine = login(APIClient(), "alice").json()["access"]
    response = bearer(mine).post("/api/v1/auth/logout", {"refresh": theirs}, format="json")
    assert response.status_code == 400
    assert "refresh" in response.json()["fields"]


@pytest.fixture
def two_tenant_user(tenant_a, tenant_b):
    user = member(tenant_a, Role.OWNER, "carol")
    from tests.factories import MembershipFactory

    MembershipFactory(tenant=tenant_b, user=user, role=Role.VIEWER, default_branch=None)
    return user


def test_user_with_several_tenants_must_choose(two_tenant_user):
    tokens = login(APIClient(), "carol").json()
    assert tokens["tenant"] is None
    client = bearer(tokens["access"])
    me = client.get("/api/v1/auth/me").json()
    assert me["tenant"] is None and len(me["memberships"]) == 2
    response = client.get("/api/v1/branches/")
    assert response.status_code == 400
    assert response.json()["code"] == "tenant_required"


def test_x_tenant_header_switches_tenant_and_role(two_tenant_user):
    client = bearer(login(APIClient(), "carol").json()["access"])
    as_a = client.get("/api/v1/auth/me", HTTP_X_TENANT="tenant-a").json()
    as_b = client.get("/api/v1/auth/me", HTTP_X_TENANT="tenant-b").json()
    assert (as_a["tenant"]["slug"], as_a["role"]) == ("tenant-a", "owner")
    assert (as_b["tenant"]["slug"], as_b["role"]) == ("tenant-b", "viewer")
    created = client.post("/api/v1/branches/", {"name": "X", "time_zone": "UTC"}, HTTP_X_TENANT="tenant-b")
    assert created.status_code == 403  # a viewer there


def test_login_can_pick_the_tenant(two_tenant_user):
    body = login(APIClient(), "carol", tenant="tenant-b").json()
    assert body["tenant"]["slug"] == "tenant-b"
    assert bearer(body["access"]).get("/api/v1/auth/me").json()["role"] == "viewer"


def test_unknown_or_foreign_x_tenant_is_403(owner_a, tenant_b):
    client = api_client(owner_a)
    for slug in ("no-such-tenant", "tenant-b"):
        response = client.get("/api/v1/branches/", HTTP_X_TENANT=slug)
        assert response.status_code == 403
        assert response.json()["code"] == "tenant_forbidden"


def test_user_without_membership_gets_403(db):
    from tests.factories import UserFactory

    loner = UserFactory(username="loner")
    assert login(APIClient(), "loner").status_code == 403
    response = api_client(loner).get("/api/v1/branches/")
    assert response.status_code == 403


def test_revoked_membership_stops_an_issued_token(owner_a, tenant_a):
    from tenants.models import Membership

    client = api_client(owner_a, tenant_a)
    assert client.get("/api/v1/branches/").status_code == 200  # the membership is now cached
    membership = Membership.objects.unscoped().get(user=owner_a)
    membership.is_active = False
    membership.save()
    assert client.get("/api/v1/branches/").status_code == 403


def test_deactivated_user_is_refused_at_once(owner_a, tenant_a):
    client = api_client(owner_a, tenant_a)
    assert client.get("/api/v1/auth/me").status_code == 200
    owner_a.is_active = False
    owner_a.save()
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_viewer_reads_but_cannot_write(tenant_a, branch_a):
    client = api_client(member(tenant_a, Role.VIEWER, "vera"), tenant_a)
    assert client.get("/api/v1/branches/").status_code == 200
    assert client.post("/api/v1/branches/", {"name": "New", "time_zone": "UTC"}).status_code == 403
    assert client.patch(f"/api/v1/branches/{pid(branch_a)}/", {"name": "Renamed"}).status_code == 403
    assert client.delete(f"/api/v1/branches/{pid(branch_a)}/").status_code == 403


def test_api_lockout_after_repeated_failures(owner_a):
    client = APIClient()
    for _ in range(4):
        assert login(client, "alice", "wrong").status_code == 401
    assert login(client, "alice", "wrong").status_code == 429  # the fifth failure locks
    locked = login(client, "alice")  # even the right password
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"


def test_admin_lockout_after_repeated_failures(client, owner_a):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "alice", "password": "wrong"})
    response = client.post(url, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
