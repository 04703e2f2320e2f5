"""Tenant isolation of every API route, found by walking the router: routes added later are covered too.

For each viewset over a tenant-owned model, a user of tenant A (an owner, so
permissions are not what stops them) must not see tenant B's row in the list,
must get 404 on its detail, its updates, deletes and detail actions, and must
get a 400 when pointing a related field of their own row at one of B's rows.
"""

import pytest
from rest_framework.relations import ManyRelatedField, RelatedField

from config.api import router
from core.public_ids import of as pid
from tenants.related import is_tenant_owned
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import api_client, member
from tests.factories import FACTORIES

pytestmark = pytest.mark.django_db


def _routes():
    routes = []
    for prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is not None and is_tenant_owned(queryset.model):
            routes.append(pytest.param(prefix, viewset, id=prefix))
    return routes


ROUTES = _routes()


def test_every_tenant_owned_model_has_a_factory():
    from django.apps import apps

    missing = [
        m._meta.label for m in apps.get_models() if is_tenant_owned(m) and not m._meta.abstract and m not in FACTORIES
    ]
    assert missing == [], f"add factories (tests/factories.py) for {missing}"


def test_the_walk_finds_routes():
    assert len(ROUTES) >= 2


def _ids_in_list(client, url):
    ids, page_url = set(), f"{url}?page_size=200"
    while page_url:
        response = client.get(page_url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        ids.update(row["id"] for row in rows if isinstance(row, dict) and "id" in row)
        page_url = body.get("next") if isinstance(body, dict) else None
    return ids


def _detail_actions(viewset):
    return [a for a in viewset.get_extra_actions() if a.detail]


def _writable_tenant_relations(viewset):
    """Related fields of the update serializer that point at tenant-owned (or per-tenant) models."""
    view = viewset(action="partial_update", format_kwarg=None, kwargs={})
    serializer_class = view.get_serializer_class()
    fields = serializer_class().fields
    found = []
    for name, field in fields.items():
        if field.read_only:
            continue
        target = field.child_relation if isinstance(field, ManyRelatedField) else field
        if isinstance(target, RelatedField) and getattr(target, "queryset", None) is not None:
            model = target.queryset.model
            if is_tenant_owned(model) and model in FACTORIES:
                found.append((name, model, isinstance(field, ManyRelatedField)))
    return found


@pytest.mark.parametrize("prefix,viewset", ROUTES)
def test_tenant_a_cannot_see_or_reach_tenant_b_rows(prefix, viewset, tenant_a, tenant_b):
    model = viewset.queryset.model
    factory = FACTORIES[model]
    row_a = factory(tenant=tenant_a)
    row_b = factory(tenant=tenant_b)
    user = member(tenant_a, Role.OWNER, "alice")
    client = api_client(user, tenant_a)
    base = f"/api/v1/{prefix}/"

    listed = _ids_in_list(client, base)
    assert pid(row_b) not in listed
    assert pid(row_a) in listed, "the list must show the tenant's own rows, else this test proves nothing"

    detail = f"{base}{pid(row_b)}/"
    assert client.get(detail).status_code == 404
    for method in ("patch", "put", "delete"):
        status = getattr(client, method)(detail, {}, format="json").status_code
        assert status in (404, 405), f"{method.upper()} {detail} answered {status}"
    for extra in _detail_actions(viewset):
        url = f"{base}{pid(row_b)}/{extra.url_path}/"
        for method in extra.mapping:
            status = getattr(client, method)(url, {}, format="json").status_code
            assert status in (404, 405), f"{method.upper()} {url} answered {status}"

    with tenant_scope(tenant_b.pk):
        assert model.objects.filter(pk=row_b.pk).exists(), "B's row must be untouched"


RELATION_ROUTES = [
    pytest.param(p.values[0], p.values[1], rel, id=f"{p.id}.{rel[0]}")
    for p in ROUTES
    for rel in _writable_tenant_relations(p.values[1])
]


def test_the_walk_finds_relations():
    assert RELATION_ROUTES, "at least the users route has a writable relation (default_branch)"


@pytest.mark.parametrize("prefix,viewset,relation", RELATION_ROUTES)
def test_tenant_a_cannot_point_a_relation_at_tenant_b_rows(prefix, viewset, relation, tenant_a, tenant_b):
    model = viewset.queryset.model
    user = member(tenant_a, Role.OWNER, "alice")
    row_a = FACTORIES[model](tenant=tenant_a)
    client = api_client(user, tenant_a)
    name, related_model, many = relation
    foreign = FACTORIES[related_model](tenant=tenant_b)
    value = [pid(foreign)] if many else pid(foreign)
    response = client.patch(f"/api/v1/{prefix}/{pid(row_a)}/", {name: value}, format="json")
    assert response.status_code == 400, f"{prefix}.{name} accepted tenant B's {related_model.__name__}"
    assert name in response.json().get("fields", {}), response.json()
