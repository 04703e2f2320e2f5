import pytest

from tenants.scoping import tenant_scope
from tests.factories import (
    BranchFactory,
    CallFactory,
    ConsentFactory,
    LeadFactory,
    ProviderAccountFactory,
    ScriptFactory,
    VoiceAgentFactory,
)


@pytest.fixture
def branch(tenant_a):
    return BranchFactory(tenant=tenant_a, name="Downtown", time_zone="America/New_York")


@pytest.fixture
def account(tenant_a):
    return ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="retell-key-123")


@pytest.fixture
def simulator(tenant_a):
    return ProviderAccountFactory(tenant=tenant_a, provider="simulator", api_key="sim-key", label="Simulator")


@pytest.fixture
def agent(tenant_a, simulator):
    return VoiceAgentFactory(tenant=tenant_a, account=simulator)


@pytest.fixture
def script(tenant_a):
    return ScriptFactory(tenant=tenant_a, purpose="lead_followup")


@pytest.fixture
def lead(tenant_a, branch):
    lead = LeadFactory(tenant=tenant_a, branch=branch, phone="+12125550123", first_name="Ana")
    ConsentFactory(tenant=tenant_a, lead=lead, kind="express_written")
    return lead


@pytest.fixture
def scoped(tenant_a):
    with tenant_scope(tenant_a.pk):
        yield tenant_a


@pytest.fixture
def dialing_call(tenant_a, account, lead):
    return CallFactory(
        tenant=tenant_a,
        lead=lead,
        account=account,
        provider="retell",
        status="dialing",
        outcome="",
        to_number=lead.phone,
    )
