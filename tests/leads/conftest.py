from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


def sample(name: str) -> Path:
    """A messy sample export kept with the tests (the same files on every machine)."""
    return DATA / name


@pytest.fixture
def gym(tenant_a):
    return tenant_a


@pytest.fixture
def dealership(tenant_b):
    return tenant_b
