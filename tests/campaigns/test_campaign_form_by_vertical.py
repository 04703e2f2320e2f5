"""A campaign's form speaks its business (issue 19, finding 13): a gym is not offered recalls, VINs or
service-due audiences, and each vertical's stages read as it names them ("Joined" at a gym, "Sold /
serviced" at a dealership)."""

import re

import pytest

from tenants.roles import Role
from tests.conftest import member

pytestmark = pytest.mark.django_db
ADD = "/admin/campaigns/campaign/add/"


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def _form(client, tenant) -> str:
    client.force_login(member(tenant, Role.MANAGER, f"manager-{tenant.slug}"))
    answer = client.get(ADD)
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_gyms_form_has_no_recall_and_its_own_stage_names(client, tenant_a):
    page = _form(client, tenant_a)
    kinds = _options(page, "audience_kind")
    assert not any("VIN" in kind or "service" in kind.lower() for kind in kinds), kinds
    assert 'name="vins"' not in page and 'name="recall_file"' not in page
    stages = _options(page, "stages")
    assert "Joined" in stages and "Tour / trial booked" in stages and "Sold / serviced" not in stages


def test_a_dealerships_form_has_recalls_and_its_own_stage_names(client, tenant_b):
    page = _form(client, tenant_b)
    kinds = _options(page, "audience_kind")
    assert "Owners of the VINs of a recall" in kinds and "Vehicles due for service within N days" in kinds
    assert 'name="vins"' in page and 'name="recall_file"' in page
    stages = _options(page, "stages")
    assert "Sold / serviced" in stages and "Appointment set" in stages and "Joined" not in stages


def test_a_gym_cannot_send_a_recall_audience(client, tenant_a):
    client.force_login(member(tenant_a, Role.MANAGER, "maria"))
    answer = client.post(ADD, {"name": "Sneaky recall", "audience_kind": "recall", "vins": "1HGCM82633A004352"})
    assert answer.status_code == 200
    assert "audience_kind" in answer.context["adminform"].form.errors
