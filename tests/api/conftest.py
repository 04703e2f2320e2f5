import pytest

from tests.conftest import api_client


@pytest.fixture
def owner(owner_a, tenant_a):
    """An API client signed in as tenant A's owner (so permissions never hide what a test looks at)."""
    return api_client(owner_a, tenant_a)
