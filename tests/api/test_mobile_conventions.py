"""What a mobile developer expects of the API: CORS for the configured origins, gzipped JSON, the token's
lifetime at sign-in, one timestamp format everywhere, and money as a decimal string with its currency."""

import gzip
import json
import re

import pytest
from django.test import override_settings

from config.api import router
from tests.conftest import api_client
from tests.factories import FACTORIES, CallFactory, ExpenseFactory

pytestmark = pytest.mark.django_db

INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}:\d{2}$")
LOOKS_LIKE_A_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:")


def _timestamps(value, key=""):
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _timestamps(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _timestamps(item, key)
    elif isinstance(value, str) and LOOKS_LIKE_A_TIME.match(value):
        yield key, value


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_cors_answers_the_configured_origin_only(owner):
    allowed = owner.options(
        "/api/v1/leads/", HTTP_ORIGIN="https://app.example.com", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "idempotency-key" in allowed["Access-Control-Allow-Headers"]
    other = owner.options(
        "/api/v1/leads/", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in other


def test_json_is_gzipped_for_clients_that_ask_and_admin_pages_are_not(owner, client, tenant_a, owner_a):
    response = owner.get("/api/v1/auth/me/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["user"]["username"] == "alice"
    client.force_login(owner_a)
    page = client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and "Content-Encoding" not in page


def test_sign_in_and_refresh_say_when_the_access_token_expires(owner_a):
    client = api_client()
    login = client.post("/api/v1/auth/login/", {"username": "alice", "password": "pw-123-secret"}, format="json")
    assert login.json()["expires_in"] == 15 * 60
    refreshed = client.post("/api/v1/auth/refresh/", {"refresh": login.json()["refresh"]}, format="json")
    assert refreshed.status_code == 200 and refreshed.json()["expires_in"] == 15 * 60


def test_every_timestamp_the_api_answers_is_utc_with_z_or_a_local_time_with_its_offset(owner, tenant_a):
    for factory in FACTORIES.values():
        factory(tenant=tenant_a)
    seen = 0
    for prefix, viewset, _ in router.registry:
        if not hasattr(viewset, "list"):
            continue
        body = owner.get(f"/api/v1/{prefix}/").json()
        rows = body.get("results", [])
        documents = [body, *(owner.get(f"/api/v1/{prefix}/{row['id']}/").json() for row in rows[:1] if "id" in row)]
        for key, value in (pair for document in documents for pair in _timestamps(document)):
            seen += 1
            pattern = LOCAL if key.startswith(("local_", "lead_local_")) else INSTANT
            assert pattern.match(value), f"{prefix}: {key} = {value!r}"
    assert seen > 20, "the walk must see timestamps, else it proves nothing"


def test_money_is_a_decimal_string_beside_its_currency(owner, tenant_a):
    CallFactory(tenant=tenant_a, cost="0.35")
    ExpenseFactory(tenant=tenant_a, amount="120.5")
    call = owner.get("/api/v1/calls/").json()["results"][0]
    assert (call["cost"], call["currency"]) == ("0.3500", "USD")
    expense = owner.get("/api/v1/campaigns/expenses/").json()["results"][0]
    assert (expense["amount"], expense["currency"]) == ("120.50", "USD")
    figures = owner.get("/api/v1/analytics/overview/", {"days": 30}).json()["figures"]
    for key in ("cost", "cost_per_appointment", "cost_per_show"):
        figure = figures[key]
        assert figure["currency"] == "USD", key
        assert figure["value"] is None or re.fullmatch(r"-?\d+\.\d{2}", figure["value"]), (key, figure["value"])
