"""A member who may only look sees each shaped JSON field as its editor shows it, inputs disabled, never the
JSON (issue 19, finding 9): calling windows as weekdays and times, retries as minutes per outcome."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets

from core.public_ids import of as pid
from tenants.json_editors import editor_for
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import member
from tests.factories import FACTORIES, CampaignFactory, TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dealership(db):
    return TenantFactory(slug="looks", name="Look Motors", vertical="dealership")


def _shaped_admins():
    """Each admin that shows a shaped JSON field (in its fieldsets, or all fields when it declares none)."""
    for model, model_admin in admin.site._registry.items():
        shown = flatten_fieldsets(model_admin.fieldsets) if model_admin.fieldsets else None
        shaped = [f for f in model._meta.fields if editor_for(f) is not None and (shown is None or f.name in shown)]
        if shaped and model in FACTORIES:
            yield model, model_admin, shaped


def test_a_viewer_reads_calling_windows_and_retries_in_words(client, dealership):
    with tenant_scope(dealership.pk):
        campaign = CampaignFactory(
            tenant=dealership, calling_windows={"mon": [["09:00", "12:00"]]}, retry_minutes={"no_answer": [60]}
        )
    client.force_login(member(dealership, Role.VIEWER))
    page = client.get(f"/admin/campaigns/campaign/{pid(campaign)}/change/").content.decode()
    assert page.count("data-read-only") == 2
    assert "Monday" in page and 'value="09:00"' in page and "1 h" in page
    assert '[["09:00", "12:00"]]' not in page and '"no_answer"' not in page.replace("&quot;", '"').split("__shown")[0]


def test_every_shaped_field_a_viewer_can_see_is_shown_by_its_editor(client, dealership):
    viewer = member(dealership, Role.VIEWER)
    client.force_login(viewer)
    seen = 0
    for model, _model_admin, shaped in _shaped_admins():
        with tenant_scope(dealership.pk):
            row = FACTORIES[model](tenant=dealership)
        answer = client.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/{pid(row)}/change/")
        if answer.status_code == 403:
            continue  # not a viewer's page
        assert answer.status_code == 200, model
        page = answer.content.decode()
        assert page.count("data-read-only") == len(shaped), f"{model._meta.label}: {[f.name for f in shaped]} as JSON"
        seen += 1
    assert seen >= 3
