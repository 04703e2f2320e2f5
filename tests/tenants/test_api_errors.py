"""Bad input gets the one JSON error shape with the right status, never a 500 or an HTML page."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tenants.scoping import get_current_tenant_id
from tests.conftest import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(owner_a, tenant_a):
    return api_client(owner_a, tenant_a)


def test_malformed_json_is_400(client_a):
    response = client_a.post("/api/v1/branches/", data='{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response["Content-Type"] == "application/json"


def test_unknown_fields_are_400_with_a_field_map(client_a):
    response = client_a.post("/api/v1/branches/", {"name": "X", "time_zone": "UTC", "colour": "red"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Some fields are not valid.",
        "fields": {"colour": ["Unknown field."]},
    }


def test_tenant_cannot_be_set_from_request_data(client_a, tenant_b):
    response = client_a.post("/api/v1/branches/", {"name": "X", "time_zone": "UTC", "tenant": tenant_b.pk})
    assert response.status_code == 400
    assert "tenant" in response.json()["fields"]


def test_wrong_types_and_values_are_400_per_field(client_a):
    response = client_a.post(
        "/api/v1/branches/",
        {"name": ["not", "a", "string"], "time_zone": "Mars/Olympus", "business_hours": {"mon": "all day"}},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"name", "time_zone", "business_hours.mon"}
    assert "known time zone" in fields["time_zone"][0]


def test_a_list_where_an_object_is_expected_is_400(client_a):
    response = client_a.post("/api/v1/branches/", [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_missing_token_is_401(db):
    response = APIClient().get("/api/v1/branches/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_expired_token_is_401_token_expired(owner_a):
    token = AccessToken.for_user(owner_a)
    token.set_exp(lifetime=-timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "refresh" in response.json()["message"]


def test_tampered_token_is_401(owner_a):
    token = str(AccessToken.for_user(owner_a))
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tampered}")
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_unknown_api_route_is_json_404(client_a):
    response = client_a.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_missing_object_is_json_404(client_a):
    response = client_a.get("/api/v1/branches/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_method_not_allowed_is_json_405(client_a):
    response = client_a.delete("/api/v1/auth/me")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_an_unexpected_error_is_a_json_500_and_the_scope_is_cleared(client_a, monkeypatch):
    from tenants.api.branches import BranchViewSet

    def boom(self, request, *args, **kwargs):
        assert get_current_tenant_id() is not None  # the scope was open inside the view
        raise RuntimeError("boom")

    monkeypatch.setattr(BranchViewSet, "list", boom)
    client_a.raise_request_exception = False
    response = client_a.get("/api/v1/branches/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert get_current_tenant_id() is None


def test_scope_is_cleared_after_a_request_that_raises(client_a, monkeypatch):
    from tenants.api.branches import BranchViewSet

    monkeypatch.setattr(BranchViewSet, "list", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        client_a.get("/api/v1/branches/")
    assert get_current_tenant_id() is None


def test_page_size_is_capped_at_200(client_a, tenant_a, in_tenant):
    from tenants.models import Branch

    with in_tenant(tenant_a.pk):
        Branch.objects.bulk_create([Branch(name=f"B{i}", time_zone="UTC") for i in range(201)])
    body = client_a.get("/api/v1/branches/?page_size=100000").json()
    assert body["count"] == 201
    assert len(body["results"]) == 200
