"""A campaign target's name reads its lead and campaign only when they are loaded: targets are saved in
loops and the audit log names each one, so a name must never cost a query."""

import pytest

from campaigns.models import CampaignTarget
from tests.factories import CampaignTargetFactory

pytestmark = pytest.mark.django_db


def test_a_targets_name_costs_no_query_and_names_what_is_loaded(tenant_a, django_assert_num_queries):
    target = CampaignTargetFactory(tenant=tenant_a)
    bare = CampaignTarget.all_tenants.get(pk=target.pk)
    with django_assert_num_queries(0):
        assert str(bare) == "A lead in a campaign"
    loaded = CampaignTarget.all_tenants.select_related("lead", "campaign").get(pk=target.pk)
    with django_assert_num_queries(0):
        assert str(loaded) == f"{loaded.lead} in {loaded.campaign}"
