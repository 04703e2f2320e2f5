"""Whatever goes wrong under /api/, the answer is the one JSON error shape with the right status, with DEBUG
on or off: Django's own pages (404, 500, a body too large) never reach an API client as HTML."""

import json

import pytest
from django.test import override_settings

from core.public_ids import of as pid
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] and body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG=0", "DEBUG=1"])
def test_unknown_routes_and_server_errors_are_json_whatever_debug_says(owner, debug, monkeypatch):
    from tenants.api.branches import BranchViewSet

    monkeypatch.setattr(BranchViewSet, "list", lambda *args, **kwargs: 1 / 0)
    owner.raise_request_exception = False
    with override_settings(DEBUG=debug):
        _error(owner.get("/api/v1/no-such-thing/"), 404, "not_found")
        _error(owner.get("/api/v1/branches/"), 500, "server_error")


@override_settings(API_MAX_JSON_BYTES=1000)
def test_a_json_body_over_the_limit_is_a_413(owner):
    _error(owner.post("/api/v1/tags/", {"name": "x" * 2000}, format="json"), 413, "payload_too_large")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_form_body_over_the_limit_is_a_413(owner):
    _error(owner.post("/api/v1/tags/", {"name": "x" * 2000}, format="multipart"), 413, "payload_too_large")


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
def test_too_many_form_fields_is_a_400(owner):
    fields = {f"f{i}": "x" for i in range(20)}
    _error(owner.post("/api/v1/tags/", fields, format="multipart"), 400, "too_many_fields")


def test_a_query_string_too_long_is_a_414(owner):
    _error(owner.get("/api/v1/leads/", {"search": "x" * 5000}), 414, "uri_too_long")


def test_nesting_5000_deep_is_a_400_not_a_crash(owner):
    _error(owner.post("/api/v1/tags/", "[" * 5000, content_type="application/json"), 400, "parse_error")


def test_nesting_past_the_limit_is_a_400(owner):
    deep = json.dumps({"name": "x", "colour": [[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]})
    _error(owner.post("/api/v1/tags/", deep, content_type="application/json"), 400, "parse_error")


def test_a_nul_character_in_a_query_parameter_is_a_400_naming_it(owner):
    body = _error(owner.get("/api/v1/leads/", {"search": "ab\x00c"}), 400, "invalid")
    assert list(body["fields"]) == ["search"]


def test_a_nul_character_anywhere_in_a_json_body_is_a_400_at_its_path(owner, tenant_a):
    lead = LeadFactory(tenant=tenant_a)
    response = owner.patch(f"/api/v1/leads/{pid(lead)}/", {"custom_fields": {"note": "a\x00b"}}, format="json")
    body = _error(response, 400, "invalid")
    assert list(body["fields"]) == ["custom_fields.note"]


def test_nan_is_not_json(owner):
    _error(owner.post("/api/v1/tags/", '{"name": NaN}', content_type="application/json"), 400, "parse_error")
