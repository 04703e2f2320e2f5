"""The walk of every page and route (its URL patterns, found by walking the resolvers) with a row of each
model in place, shared by the tests that hold a rule for every door: no writes on GET
(tests/test_no_writes_on_get.py), every staff form sent once (tests/test_admin_posts.py).

Writes of derived rows (the analytics rollups a page makes on demand, made again at will) are not state
changes, nor is the audit log's record that someone read a person's data; their tables are in DERIVED.
"""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from calls.models import CallDayScope, CallDayState, CallDayTotal
from core import public_ids
from tenants.models import AuditLog
from tenants.roles import Role
from tests.conftest import member
from tests.factories import FACTORIES, TenantFactory

DERIVED = {model._meta.db_table for model in (CallDayState, CallDayTotal, CallDayScope, AuditLog)}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
NOT_A_PAGE = ("admin/jsi18n", "admin/autocomplete", "admin/logout", "admin/r/")  # POST-only, or no page


def patterns(resolvers, prefix=""):
    for pattern in resolvers:
        if isinstance(pattern, URLResolver):
            yield from patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def admin_pages():
    pages = []
    for route, _pattern in patterns(get_resolver().url_patterns):
        if not route.startswith("admin/") or route.startswith(NOT_A_PAGE):
            continue
        pages.append(pytest.param(route, id=route))
    return pages


def api_routes():
    return [
        pytest.param(route, id=route)
        for route, _pattern in patterns(get_resolver().url_patterns)
        if route.startswith("api/v1/") and "format" not in route
    ]


ADMIN_PAGES = admin_pages()
API_ROUTES = api_routes()


@pytest.fixture
def world(db):
    """A dealership (it sees every page), its owner, and one row of every tenant-owned model."""
    tenant = TenantFactory(slug="walk", name="Walk Motors", vertical="dealership")
    rows = {model: factory(tenant=tenant) for model, factory in FACTORIES.items()}
    for model, obj in rows.items():  # values that are codes, where pages show them (they must say them in words)
        coded = CODED.get(model._meta.label, {})
        if coded:
            model.all_tenants.filter(pk=obj.pk).update(**coded)
    return tenant, member(tenant, Role.OWNER, "owner-walk"), rows


CODED = {
    "calls.Call": {"outcome": "dnc_requested", "needs_attention": True, "attention_reason": "Said: stop calling"},
    "campaigns.CampaignTarget": {"last_outcome": "callback_requested"},
    "campaigns.FollowUpRule": {"outcomes": ["voicemail", "callback_requested"]},
    "leads.Lead": {"source": "walk_in", "score_explanation": [{"rule": "source", "detail": "walk_in", "points": 5}]},
}


def model_of(route: str):
    """The model an admin route is about: admin/<app>/<model>/..."""
    parts = route.split("/")
    if len(parts) < 3:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == (parts[1], parts[2]):
            return model
    return None


def api_model_of(route: str):
    from config.api import router

    prefix = route.removeprefix("api/v1/")
    for registered, viewset, _basename in sorted(router.registry, key=lambda entry: -len(entry[0])):
        queryset = getattr(viewset, "queryset", None)
        if prefix.startswith(registered) and queryset is not None:
            return queryset.model
    return None


def fill(route: str, rows, model) -> str:
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


def writes(queries) -> list[str]:
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in DERIVED and not match.group(2).startswith("django_session"):
            found.append(query["sql"][:160])
    return found
