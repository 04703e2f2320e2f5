"""Opaque public ids (core.public_ids): rows are named outside the database by ids nobody can count,
guess or reuse for another model, and every door takes them and nothing else (docs/api.md#ids)."""

import html
import json
import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver

from calls.models import Call
from core import public_ids
from core.public_ids import of as pid
from leads.models import Lead, Tag
from tenants.models import AuditLog
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import api_client, member
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_an_id_names_its_row_and_nothing_else():
    text = public_ids.encode(Lead, 42)
    assert re.fullmatch(public_ids.PATTERN, text)
    assert public_ids.decode(Lead, text) == 42
    assert public_ids.decode(Call, text) is None  # a lead's id is no call's
    tampered = text[:-1] + ("0" if text[-1] != "0" else "1")
    assert public_ids.decode(Lead, tampered) is None
    for junk in ("42", 42, None, "", "x" * 100, "00000000-0000-0000-0000-000000000000"):
        assert public_ids.decode(Lead, junk) is None


def test_ids_of_consecutive_rows_cannot_be_counted():
    ids = [public_ids.encode(Lead, pk) for pk in range(1, 201)]
    assert len({text[:8] for text in ids}) == 200  # no shared prefix: no order to read
    assert sorted(ids) != ids


def test_the_ids_depend_on_the_server_key(settings):
    settings.SUPPRESSION_KEY = "key-one"
    first = public_ids.encode(Lead, 7)
    settings.SUPPRESSION_KEY = "key-two"
    assert public_ids.encode(Lead, 7) != first
    assert public_ids.decode(Lead, first) is None


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_admin_object_url_takes_a_public_id():
    routes = list(_routes(admin.site.get_urls()))
    assert not any(hasattr(model, "get_absolute_url") for model in admin.site._registry)
    # r/<content_type_id>/<object_id>/ is "view on site", which needs get_absolute_url: no model here has one.
    with_ids = [route for route in routes if re.search(r"(object_id|:id)>", route) and not route.startswith("r/")]
    assert len(with_ids) > 100
    assert [route for route in with_ids if "<public_id_" not in route] == []
    assert [route for route in routes if "<int:" in route or "<id>" in route] == []


def test_the_admin_answers_a_public_id_and_not_a_key(tenant_a, client):
    owner = member(tenant_a, Role.OWNER, "owner-ids")
    lead = LeadFactory(tenant=tenant_a)
    client.force_login(owner)
    assert client.get(f"/admin/leads/lead/{pid(lead)}/change/").status_code == 200
    assert client.get(f"/admin/leads/lead/{lead.pk}/change/").status_code == 404
    assert client.get(f"/admin/calls/call/{pid(lead)}/change/").status_code == 404  # a lead's id is no call's


def test_the_api_takes_public_ids_and_refuses_keys(tenant_a):
    owner = member(tenant_a, Role.OWNER, "owner-api-ids")
    lead = LeadFactory(tenant=tenant_a)
    api = api_client(owner, tenant_a)
    shown = api.get(f"/api/v1/leads/{pid(lead)}/").json()
    assert shown["id"] == pid(lead)
    assert api.get(f"/api/v1/leads/{lead.pk}/").status_code == 404
    refused = api.post("/api/v1/vehicles/", {"lead": lead.pk, "vin": "1HGCM82633A004352"}, format="json")
    assert refused.status_code == 400
    assert "Expected an id" in refused.json()["fields"]["lead"][0]
    assert api.get("/api/v1/vehicles/", {"lead": lead.pk}).status_code == 400
    assert api.get("/api/v1/vehicles/", {"lead": pid(lead)}).status_code == 200


def test_admin_forms_name_related_rows_by_public_id(tenant_a, branch_a, client):
    """Related fields post and show public ids (their view/change links are built from the selected
    option), and autocompletes answer them."""
    owner = member(tenant_a, Role.OWNER, "owner-links")
    lead = LeadFactory(tenant=tenant_a, branch=branch_a, owner=owner)
    client.force_login(owner)
    page = client.get(f"/admin/leads/lead/{pid(lead)}/change/").content.decode()
    owner_select = re.search(r'<select name="owner".*?</select>', page, re.S).group(0)
    values = [v for v in re.findall(r'<option value="([^"]*)"', owner_select) if v]
    assert values and all(re.fullmatch(public_ids.PATTERN, v) for v in values) and pid(owner) in values
    branch_select = re.search(r'<select name="branch".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"[^>]*selected', branch_select) == [pid(branch_a)]
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "leads", "model_name": "lead", "field_name": "branch", "term": branch_a.name[:3]},
    ).json()
    assert [row["id"] for row in found["results"]] == [pid(branch_a)]


def test_only_the_spelling_given_out_is_read():
    text = public_ids.encode(Lead, 9)
    for other in (text.upper(), "{" + text + "}", "urn:uuid:" + text, text.replace("-", ""), f" {text}"):
        assert public_ids.decode(Lead, other) is None


def test_the_audit_log_shows_rows_by_public_id(tenant_a, branch_a, client):
    owner = member(tenant_a, Role.OWNER, "owner-audit")
    api = api_client(owner, tenant_a)
    created = api.post("/api/v1/leads/", {"phone": "+12125550111", "branch": pid(branch_a)}, format="json").json()
    lead_key = public_ids.decode(Lead, created["id"])
    with tenant_scope(tenant_a.pk):
        entry = AuditLog.objects.get(action="create", object_type="leads.lead")
    client.force_login(owner)
    page = client.get(f"/admin/tenants/auditlog/{pid(entry)}/change/").content.decode()
    shown = json.loads(html.unescape(re.search(r"<pre[^>]*>(.*?)</pre>", page, re.S).group(1)))
    assert shown["id"] == [None, created["id"]] and shown["branch_id"] == [None, pid(branch_a)]
    assert "tenant_id" not in shown and created["id"] in page
    assert lead_key not in (value for pair in shown.values() if isinstance(pair, list) for value in pair)


def test_a_changelist_cannot_be_filtered_by_key(tenant_a, branch_a, client):
    owner = member(tenant_a, Role.OWNER, "owner-lookups")
    LeadFactory(tenant=tenant_a, branch=branch_a)
    client.force_login(owner)
    for query in ("id__lte=500", "id=1", "pk__gt=0", "branch=1", "branch_id=1", "branch__pk=1", "branch__id__lte=9"):
        assert client.get(f"/admin/leads/lead/?{query}").status_code == 400, query
    assert client.get(f"/admin/leads/lead/?branch__id__exact={pid(branch_a)}").status_code == 200
    assert client.get("/admin/leads/lead/?branch__isnull=True").status_code == 200


def test_a_row_added_in_a_popup_goes_back_to_the_form_by_public_id(tenant_a, client):
    owner = member(tenant_a, Role.OWNER, "owner-popup")
    client.force_login(owner)
    answer = client.post(
        "/admin/leads/tag/add/?_to_field=id&_popup=1",
        {"name": "walk-in", "colour": "#3366ff", "_popup": "1", "_to_field": "id"},
    )
    assert answer.status_code == 200, answer.content[:300]
    handed = json.loads(answer.context_data["popup_response_data"])
    with tenant_scope(tenant_a.pk):
        tag = Tag.objects.get(name="walk-in")
    assert handed["value"] == pid(tag)
