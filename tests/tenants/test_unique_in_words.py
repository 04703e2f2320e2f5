"""A value that must be unique in the tenant, entered again in the admin, is refused in words on its field,
never a server error nor a constraint's name (tenants.constraint_errors)."""

import pytest

from leads.models import DoNotCall, Tag
from tenants.scoping import tenant_scope
from tests.factories import DoNotCallFactory, TagFactory

pytestmark = pytest.mark.django_db


def _errors(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(str(error) for error in response.context["adminform"].form.errors.values())


def test_a_tag_named_again_in_other_letters_is_refused_on_its_name(owner_a, tenant_a, client):
    with tenant_scope(tenant_a.pk):
        TagFactory(tenant=tenant_a, name="vip")
    client.force_login(owner_a)
    answer = client.post("/admin/leads/tag/add/", {"name": "VIP", "colour": "#6366f1"})
    assert "There is already a tag with this name." in _errors(answer)
    assert "tag_name_unique_per_tenant_ci" not in answer.content.decode()
    with tenant_scope(tenant_a.pk):
        assert Tag.objects.count() == 1


def test_a_number_already_on_the_do_not_call_list_is_refused_on_its_number(owner_a, tenant_a, client):
    with tenant_scope(tenant_a.pk):
        DoNotCallFactory(tenant=tenant_a, phone="+13055550123")
    client.force_login(owner_a)
    answer = client.post("/admin/leads/donotcall/add/", {"phone": "+13055550123", "reason": "asked"})
    assert "There is already a do-not-call entry with this phone." in _errors(answer)
    with tenant_scope(tenant_a.pk):
        assert DoNotCall.objects.count() == 1


def test_the_same_name_in_another_tenant_is_fine(owner_a, tenant_a, tenant_b, client):
    with tenant_scope(tenant_b.pk):
        TagFactory(tenant=tenant_b, name="vip")
    client.force_login(owner_a)
    assert client.post("/admin/leads/tag/add/", {"name": "vip", "colour": "#6366f1"}).status_code == 302
