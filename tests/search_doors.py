"""Searching through both doors: ``finder(...)`` gives ``find(door, term)``, the rows a member finds with
``term`` on an admin list ("admin") or through the API's ``search`` ("api"), as database keys. Used by the
lead and call search tests, which hold the two doors to the same answers."""

import pytest
from django.urls import reverse

from core.public_ids import of as pid
from tenants.scoping import tenant_scope
from tests.conftest import api_client

DOORS = pytest.mark.parametrize("door", ["admin", "api"])


def finder(client, user, tenant, *, changelist: str, api_path: str, model):
    client.force_login(user)
    api = api_client(user, tenant)

    def find(door, term):
        if door == "admin":
            response = client.get(reverse(changelist), {"q": term})
            assert response.status_code == 200, response.content[:300]
            return {row.pk for row in response.context["cl"].result_list}
        response = api.get(api_path, {"search": term})
        assert response.status_code == 200, response.content
        with tenant_scope(tenant.pk):
            by_id = {pid(row): row.pk for row in model.objects.all()}
        return {by_id[row["id"]] for row in response.json()["results"]}

    return find
