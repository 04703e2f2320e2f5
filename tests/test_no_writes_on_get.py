"""No state change on GET, anywhere: every admin URL pattern and every API route, found by walking the URL
resolvers (pages added later are covered by themselves), is fetched with GET by an owner with a row of
each model in place, and may not write a row. A link on another site can then never act for a signed-in
member (docs/operations.md#security).

The same walk checks that no page and no answer names a row by its integer key: admin links and filters,
and every id in the API's JSON, are public ids (core.public_ids), so nobody can count rows or guess ids; and
that no admin page shows staff a code (``no_consent``) where words belong (tests.plain_words).

Writes of derived rows do not count (tests.walk.DERIVED).
"""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import api_client
from tests.plain_words import codes_shown, product_codes
from tests.walk import ADMIN_PAGES, API_ROUTES, api_model_of, fill, model_of, world, writes

pytestmark = pytest.mark.django_db
__all__ = ["world"]  # the walk's fixture
CODES = product_codes()


def test_the_walk_finds_pages_and_routes():
    assert len(ADMIN_PAGES) > 100 and len(API_ROUTES) > 40


# An admin link or filter naming a row by key: /admin/leads/lead/12/…, ?branch__id__exact=3, ?tag=4.
KEY_IN_ADMIN_URL = re.compile(
    r"/admin/\w+/\w+/(?:[\w-]+/)?\d+/|(?:__id__exact|[?&](?:tag|branch|campaign|agent|staff))=\d+(?![\w-])"
)


def _relation_names() -> set[str]:
    names = {"id", "user_id", "call_id", "lead_id", "campaign_id", "appointment_id", "lead_ids", "staff"}
    for model in apps.get_models():
        names |= {field.name for field in model._meta.get_fields() if field.is_relation and not field.auto_created}
    return names - {"tenant", "tenant_id"}


RELATIONS = _relation_names()


def _keys_shown(value, path="") -> list[str]:
    """Where a JSON answer shows an integer under an id's name ("results.0.lead", "audience.tags.1")."""
    found = []
    if isinstance(value, dict):
        for name, item in value.items():
            here = f"{path}.{name}" if path else name
            integers = [item] if isinstance(item, int) and not isinstance(item, bool) else []
            if isinstance(item, list):
                integers = [i for i in item if isinstance(i, int)]
            if (name in RELATIONS or name.endswith("_id")) and integers:
                found.append(here)
            else:
                found += _keys_shown(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _keys_shown(item, f"{path}.{index}")
    return found


@pytest.mark.parametrize("route", ADMIN_PAGES)
def test_an_admin_get_writes_nothing_and_names_no_row_by_key(route, world, client):
    _tenant, owner, rows = world
    client.force_login(owner)
    path = fill(route, rows, model_of(route))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code < 500, path
    assert writes(queries) == [], f"GET {path} wrote"
    if response.get("Content-Type", "").startswith("text/html"):
        shown = KEY_IN_ADMIN_URL.findall(response.content.decode())
        assert shown == [], f"GET {path} links rows by key"
        assert codes_shown(response.content.decode(), CODES) == [], f"GET {path} shows codes, not words"
    assert not KEY_IN_ADMIN_URL.search(response.get("Location", "")), path


@pytest.mark.parametrize("route", API_ROUTES)
def test_an_api_get_writes_nothing_and_names_no_row_by_key(route, world):
    tenant, owner, rows = world
    client = api_client(owner, tenant)
    path = fill(route, rows, api_model_of(route))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code < 500, path
    assert writes(queries) == [], f"GET {path} wrote"
    if response.get("Content-Type", "").startswith("application/json"):
        assert _keys_shown(response.json()) == [], f"GET {path} shows integer keys"
