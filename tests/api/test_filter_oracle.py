"""Foreign-key filters are no oracle: for every list route, found by walking the router, and every filter
on a related row, another tenant's id is answered exactly as an id that does not exist (so a tenant cannot
learn which ids other tenants have)."""

import django_filters
import pytest

from config.api import router
from tenants.roles import Role
from tests.conftest import api_client, member
from tests.factories import FACTORIES, TenantFactory

pytestmark = pytest.mark.django_db


def _target(model, spec):
    for part in spec.field_name.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def _related_filters():
    found = []
    for prefix, viewset, _basename in router.registry:
        queryset = getattr(viewset, "queryset", None)
        if queryset is None:
            continue
        view = viewset()
        view.action, view.request, view.format_kwarg = "list", None, None
        for backend in getattr(viewset, "filter_backends", []):
            get_class = getattr(backend(), "get_filterset_class", None)
            filterset = get_class(view, queryset) if get_class else None
            for name, spec in filterset.base_filters.items() if filterset else []:
                if isinstance(spec, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                    found.append(pytest.param(prefix, name, _target(queryset.model, spec), id=f"{prefix}?{name}"))
    return found


FILTERS = _related_filters()


def test_the_walk_finds_related_filters():
    assert len(FILTERS) >= 10


@pytest.mark.parametrize("prefix,name,model", FILTERS)
def test_another_tenants_id_is_answered_as_a_missing_one(prefix, name, model, db):
    mine, theirs = (
        TenantFactory(slug="mine", vertical="dealership"),
        TenantFactory(slug="theirs", vertical="dealership"),
    )
    if model._meta.label == "tenants.User":
        foreign = member(theirs, Role.AGENT, "their-agent")  # a person of another business
    else:
        foreign = FACTORIES[model](tenant=theirs)
    client = api_client(member(mine, Role.OWNER, "owner-mine"), mine)
    foreign_answer = client.get(f"/api/v1/{prefix}/", {name: foreign.pk})
    missing_answer = client.get(f"/api/v1/{prefix}/", {name: 2_000_000_000})
    assert foreign_answer.status_code == missing_answer.status_code
    assert foreign_answer.json() == missing_answer.json()
