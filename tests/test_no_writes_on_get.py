"""No state change on GET, anywhere: every admin URL pattern and every API route, found by walking the URL
resolvers (pages added later are covered by themselves), is fetched with GET by an owner with a row of
each model in place, and may not write a row. A link on another site can then never act for a signed-in
member (docs/operations.md#security).

The same walk checks that no page and no answer names a row by its integer key: admin links and filters,
and every id in the API's JSON, are public ids (core.public_ids), so nobody can count rows or guess ids.

Writes of derived rows (the analytics rollups a page makes on demand, made again at will) are not state
changes, nor is the audit log's record that someone read a person's data; their tables are listed below.
"""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from calls.models import CallDayScope, CallDayState, CallDayTotal
from core import public_ids
from tenants.models import AuditLog
from tenants.roles import Role
from tests.conftest import api_client, member
from tests.factories import FACTORIES, TenantFactory

pytestmark = pytest.mark.django_db

DERIVED = {model._meta.db_table for model in (CallDayState, CallDayTotal, CallDayScope, AuditLog)}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
NOT_A_PAGE = ("admin/jsi18n", "admin/autocomplete", "admin/logout", "admin/r/")  # POST-only, or no page


def _patterns(resolvers, prefix=""):
    for pattern in resolvers:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _admin_pages():
    pages = []
    for route, _pattern in _patterns(get_resolver().url_patterns):
        if not route.startswith("admin/") or route.startswith(NOT_A_PAGE):
            continue
        pages.append(pytest.param(route, id=route))
    return pages


def _api_routes():
    return [
        pytest.param(route, id=route)
        for route, _pattern in _patterns(get_resolver().url_patterns)
        if route.startswith("api/v1/") and "format" not in route
    ]


ADMIN_PAGES = _admin_pages()
API_ROUTES = _api_routes()


def test_the_walk_finds_pages_and_routes():
    assert len(ADMIN_PAGES) > 100 and len(API_ROUTES) > 40


@pytest.fixture
def world(db):
    """A dealership (it sees every page), its owner, and one row of every tenant-owned model."""
    tenant = TenantFactory(slug="walk", name="Walk Motors", vertical="dealership")
    rows = {model: factory(tenant=tenant) for model, factory in FACTORIES.items()}
    return tenant, member(tenant, Role.OWNER, "owner-walk"), rows


def _model_of(route: str):
    """The model an admin route is about: admin/<app>/<model>/..."""
    parts = route.split("/")
    if len(parts) < 3:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == (parts[1], parts[2]):
            return model
    return None


def _api_model_of(route: str):
    from config.api import router

    prefix = route.removeprefix("api/v1/")
    for registered, viewset, _basename in sorted(router.registry, key=lambda entry: -len(entry[0])):
        queryset = getattr(viewset, "queryset", None)
        if prefix.startswith(registered) and queryset is not None:
            return queryset.model
    return None


def _fill(route: str, rows, model) -> str:
    """The route with its parameters replaced by ids of rows that exist."""
    by_name = {name.lower(): obj for m, obj in rows.items() for name in (m.__name__, m._meta.model_name)}

    def value(match):
        name = match.group(2)
        if name in ("object_id", "pk", "id"):
            obj = rows.get(model)
        else:
            obj = by_name.get(name.removesuffix("_id").replace("_", ""))
        if obj is None:
            return "1"
        return public_ids.of(obj)

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: value(re.match(r"<()(\w+)>", f"<{m.group(1)}>")), path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\.", ".")


def _writes(queries) -> list[str]:
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in DERIVED and not match.group(2).startswith("django_session"):
            found.append(query["sql"][:160])
    return found


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
    path = _fill(route, rows, _model_of(route))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code < 500, path
    assert _writes(queries) == [], f"GET {path} wrote"
    if response.get("Content-Type", "").startswith("text/html"):
        shown = KEY_IN_ADMIN_URL.findall(response.content.decode())
        assert shown == [], f"GET {path} links rows by key"
    assert not KEY_IN_ADMIN_URL.search(response.get("Location", "")), path


@pytest.mark.parametrize("route", API_ROUTES)
def test_an_api_get_writes_nothing_and_names_no_row_by_key(route, world):
    tenant, owner, rows = world
    client = api_client(owner, tenant)
    path = _fill(route, rows, _api_model_of(route))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code < 500, path
    assert _writes(queries) == [], f"GET {path} wrote"
    if response.get("Content-Type", "").startswith("application/json"):
        assert _keys_shown(response.json()) == [], f"GET {path} shows integer keys"
