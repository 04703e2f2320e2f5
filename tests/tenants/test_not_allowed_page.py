"""A refusal in the admin is a page in the product's own words with a way back, not a bare "403 Forbidden"."""

from django.test import Client

from core.public_ids import of as pid
from tenants.models import Role
from tests.conftest import member
from tests.factories import LeadFactory


def test_an_agent_refused_an_export_reads_why_and_finds_the_way_back(tenant_a):
    lead = LeadFactory(tenant=tenant_a)
    agent = Client()
    agent.force_login(member(tenant_a, Role.AGENT, "agnes"))
    page = agent.get(f"/admin/leads/lead/{pid(lead)}/change/").content.decode()
    assert "Download everything held about this person" not in page  # not offered to whom it is refused
    refused = agent.get(f"/admin/leads/lead/{pid(lead)}/data-export/")
    assert refused.status_code == 403
    assert "Your role does not allow this" in refused.content.decode()
    assert 'href="/admin/"' in refused.content.decode()
