"""The account pages outside the admin and the API's member door, as an attacker would use them: the
auth app's login page, password reset flooding, and a weak password set through the API."""

import pytest
from django.core import mail

from tenants.models import User
from tests.conftest import api_client

pytestmark = pytest.mark.django_db


def test_the_accounts_login_page_leads_to_the_admins(client):
    response = client.get("/accounts/login/?next=/admin/leads/lead/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/leads/lead/"


def test_the_password_reset_pages_work(client, owner_a):
    assert client.get("/accounts/password_reset/").status_code == 200
    response = client.post("/accounts/password_reset/", {"email": owner_a.email})
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_password_reset_is_rate_limited_per_email_and_per_address(client, owner_a):
    statuses = [client.post("/accounts/password_reset/", {"email": owner_a.email}).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    spread = [
        client.post("/accounts/password_reset/", {"email": f"someone{n}@example.org"}).status_code for n in range(10)
    ]
    assert 429 in spread  # ten more from the same address: over the address's limit


@pytest.mark.parametrize("password", ["1", "password", "12345678"])
def test_the_api_refuses_a_weak_password_for_a_new_member(password, owner_a, tenant_a):
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/users/", {"email": "new@example.org", "role": "agent", "password": password}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.json()["fields"]
    assert not User.objects.filter(email="new@example.org").exists()


def test_a_strong_password_is_accepted(owner_a, tenant_a):
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/users/",
        {"email": "new@example.org", "role": "agent", "password": "a-long-and-unusual-phrase-93"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert User.objects.get(email="new@example.org").check_password("a-long-and-unusual-phrase-93")
