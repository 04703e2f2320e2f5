"""Issue 19: staff read times in their business's zone. A call placed at 21:19 UTC by a New York gym reads
4:19 p.m. in the admin; the API keeps ISO 8601 with its offset."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from core.public_ids import of as pid
from tests.conftest import api_client
from tests.factories import CallFactory, LeadFactory

pytestmark = pytest.mark.django_db
PLACED = datetime(2026, 3, 2, 21, 19, tzinfo=UTC)  # 4:19 p.m. in New York (EST, before daylight time)


def test_the_admin_shows_the_businesss_local_time_and_the_api_an_offset(client, owner_a, tenant_a):
    lead = LeadFactory(tenant=tenant_a, first_name="Grace")
    call = CallFactory(tenant=tenant_a, lead=lead, created_at=PLACED)
    client.force_login(owner_a)
    listed = client.get("/admin/calls/call/").content.decode()
    assert "4:19 p.m." in listed and "9:19 p.m." not in listed
    assert timezone.get_current_timezone_name() == "UTC"  # the override ended with the request
    shown = api_client(owner_a, tenant_a).get(f"/api/v1/calls/{pid(call)}/").json()
    assert datetime.fromisoformat(shown["created_at"]) == PLACED
