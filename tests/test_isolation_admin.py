"""Tenant isolation of every admin page, found by walking the admin registry.

For each registered tenant-owned model, tenant A's owner must not see B's row in
the changelist, must get 404 on its change, delete and history pages, and must
never be offered B's rows as foreign-key choices, autocomplete results or list
filter choices.
"""

import pytest
from django.contrib import admin
from django.forms import ModelChoiceField
from django.urls import reverse

from core import public_ids
from tenants.related import is_tenant_owned
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import member
from tests.factories import FACTORIES

pytestmark = pytest.mark.django_db

ADMINS = [
    pytest.param(model, model_admin, id=model._meta.label_lower)
    for model, model_admin in admin.site._registry.items()
    if is_tenant_owned(model)
]


def test_the_walk_finds_admin_pages():
    assert len(ADMINS) >= 3


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def tenant_a(db):
    """A dealership: it sees every admin page (gym tenants never see the vehicle pages)."""
    from tests.factories import TenantFactory

    return TenantFactory(slug="tenant-a", name="Alpha Motors", vertical="dealership")


@pytest.fixture
def owner_client(client, tenant_a):
    user = member(tenant_a, Role.OWNER, "alice")
    client.force_login(user)
    return client


def _tenant_of(obj):
    return getattr(obj, "tenant_id", None)


@pytest.mark.parametrize("model,model_admin", ADMINS)
def test_changelist_and_object_pages_show_only_the_tenants_rows(model, model_admin, owner_client, tenant_a, tenant_b):
    row_a = FACTORIES[model](tenant=tenant_a)
    row_b = FACTORIES[model](tenant=tenant_b)

    response = owner_client.get(_url(model, "changelist"))
    if response.status_code == 302:  # one row per tenant (the calling policy): its list goes to the tenant's row
        assert response["Location"] == _url(model, "change", row_a.pk)
    else:
        assert response.status_code == 200
        shown = {obj.pk for obj in response.context["cl"].result_list}
        assert row_a.pk in shown, "the changelist must show the tenant's own rows, else this test proves nothing"
        assert row_b.pk not in shown

    for view in ("change", "history"):
        assert owner_client.get(_url(model, view, row_b.pk)).status_code == 404, view
    # Pages the role may not use at all are refused before any lookup.
    assert owner_client.get(_url(model, "delete", row_b.pk)).status_code in (403, 404)


@pytest.mark.parametrize("model,model_admin", ADMINS)
def test_forms_filters_and_autocomplete_offer_only_the_tenants_rows(
    model, model_admin, owner_client, tenant_a, tenant_b
):
    row_a = FACTORIES[model](tenant=tenant_a)
    # One row of tenant B for every tenant-owned model, so every choice list has something to leak.
    for factory in FACTORIES.values():
        factory(tenant=tenant_b)

    response = owner_client.get(_url(model, "change", row_a.pk))
    assert response.status_code == 200
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        if isinstance(field, ModelChoiceField):
            with tenant_scope(tenant_a.pk):  # querysets take the tenant in scope when they run
                offered = list(field.queryset)
            assert all(_tenant_of(obj) in (None, tenant_a.pk) for obj in offered), name
            if field.queryset.model._meta.label == "tenants.User":
                assert all(obj.memberships.filter(tenant=tenant_a).exists() for obj in offered), name

    listed = owner_client.get(_url(model, "changelist"))
    filter_specs = listed.context["cl"].filter_specs if listed.status_code == 200 else []  # (302: one row per tenant)
    for spec in filter_specs:
        choices = getattr(spec, "lookup_choices", None) or []
        related = getattr(getattr(spec, "field", None), "related_model", None)
        if related is not None and is_tenant_owned(related):
            foreign_ids = set(related.objects.unscoped().filter(tenant=tenant_b).values_list("pk", flat=True))
            # B's rows by either name: their public ids (what the filters offer) or their keys.
            foreign_names = foreign_ids | {public_ids.encode(related, pk) for pk in foreign_ids}
            assert not foreign_names & {value for value, _label in choices}, spec.title

    for field_name in model_admin.get_autocomplete_fields(None) or ():
        related = model._meta.get_field(field_name).related_model
        response = owner_client.get(
            reverse("admin:autocomplete"),
            {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name},
        )
        assert response.status_code == 200
        ids = {public_ids.decode(related, r["id"]) for r in response.json()["results"]}
        assert None not in ids, f"{field_name}: every autocomplete answer names a row by its public id"
        if is_tenant_owned(related):
            foreign_ids = set(related.objects.unscoped().filter(tenant=tenant_b).values_list("pk", flat=True))
            assert not ids & foreign_ids, field_name


def test_superuser_switches_tenant_and_sees_only_that_tenant(client, superuser, tenant_a, tenant_b, branch_a, branch_b):
    from tenants.models import Branch

    client.force_login(superuser)
    client.post(reverse("admin:switch_tenant"), {"tenant": tenant_b.slug})
    shown = {obj.pk for obj in client.get(_url(Branch, "changelist")).context["cl"].result_list}
    assert shown == {branch_b.pk}

    client.post(reverse("admin:switch_tenant"), {"tenant": tenant_a.slug})
    shown = {obj.pk for obj in client.get(_url(Branch, "changelist")).context["cl"].result_list}
    assert shown == {branch_a.pk}


def test_the_tenant_switch_is_visible_to_superusers(client, superuser, tenant_a, tenant_b):
    client.force_login(superuser)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Switch tenant" in page
    assert tenant_a.name in page and tenant_b.name in page


def test_staff_cannot_switch_to_a_tenant_they_do_not_belong_to(client, tenant_a, tenant_b, branch_a, branch_b):
    from tenants.models import Branch

    client.force_login(member(tenant_a, Role.OWNER, "alice"))
    client.post(reverse("admin:switch_tenant"), {"tenant": tenant_b.slug})
    shown = {obj.pk for obj in client.get(_url(Branch, "changelist")).context["cl"].result_list}
    assert shown == {branch_a.pk}


def test_staff_sees_only_their_own_tenant_in_the_tenant_admin(client, tenant_a, tenant_b):
    from tenants.models import Tenant

    client.force_login(member(tenant_a, Role.OWNER, "alice"))
    shown = {obj.pk for obj in client.get(_url(Tenant, "changelist")).context["cl"].result_list}
    assert shown == {tenant_a.pk}
    assert client.get(_url(Tenant, "change", tenant_b.pk)).status_code in (302, 404)
