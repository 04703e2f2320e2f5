"""Issue 19: staff read times in their business's zone. A call placed at 21:19 UTC by a New York gym reads
4:19 p.m. in the admin; the API keeps ISO 8601 with its offset."""

from datetime import UTC, datetime

import pytest
from django.utils import dateformat, timezone

from core.public_ids import of as pid
from tests.clock import moment, next_weekday
from tests.conftest import api_client
from tests.factories import CallFactory, LeadFactory

pytestmark = pytest.mark.django_db
PLACED = moment(next_weekday(0, weeks_ahead=-2), 16, 19)  # 4:19 p.m. in New York, two weeks before the suite's day


def test_the_admin_shows_the_businesss_local_time_and_the_api_an_offset(client, owner_a, tenant_a):
    lead = LeadFactory(tenant=tenant_a, first_name="Grace")
    call = CallFactory(tenant=tenant_a, lead=lead, created_at=PLACED)
    client.force_login(owner_a)
    listed = client.get("/admin/calls/call/").content.decode()
    in_utc = dateformat.format(PLACED.astimezone(UTC), "P")  # "9:19 p.m." in winter, "8:19 p.m." in summer
    assert "4:19 p.m." in listed and in_utc not in listed
    assert timezone.get_current_timezone_name() == "UTC"  # the override ended with the request
    shown = api_client(owner_a, tenant_a).get(f"/api/v1/calls/{pid(call)}/").json()
    assert datetime.fromisoformat(shown["created_at"]) == PLACED
