"""Staff read times in their branch's zone, else the business's, and the header says which (issue 19, finding 2).
The tenant is in New York; a member whose branch is in Los Angeles reads the same call three hours earlier."""

from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import dateformat

from tenants.models import Role
from tests.clock import moment, monday_of_next_week
from tests.factories import BranchFactory, CallFactory, MembershipFactory, UserFactory

WHEN = moment(monday_of_next_week(), 16, 19)  # 16:19 in New York


def _reader(tenant, branch, name):
    user = UserFactory(username=name)
    MembershipFactory(tenant=tenant, user=user, role=Role.MANAGER, default_branch=branch)
    client = Client()
    client.force_login(user)
    return client


def test_each_member_reads_times_in_their_branchs_zone(tenant_a):
    tenant_a.time_zone = "America/New_York"
    tenant_a.save()
    los_angeles = BranchFactory(tenant=tenant_a, name="Venice Beach", time_zone="America/Los_Angeles")
    CallFactory(tenant=tenant_a, created_at=WHEN)

    for reader, zone, place in [
        (_reader(tenant_a, los_angeles, "lou"), "America/Los_Angeles", "Los Angeles"),
        (_reader(tenant_a, None, "nia"), "America/New_York", "New York"),
    ]:
        page = reader.get("/admin/calls/call/").content.decode()
        shown = dateformat.format(WHEN.astimezone(ZoneInfo(zone)), "P")  # "1:19 p.m." in Los Angeles
        assert shown in page, (place, shown)
        assert f"{place} time" in page
