from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
LOCAL_DATA = Path(__file__).resolve().parent / "data"


def sample(name: str) -> Path:
    """The shared sample files (``../shared/data``), else the copies kept with the tests."""
    path = SHARED_DATA / name
    return path if path.exists() else LOCAL_DATA / name


@pytest.fixture
def gym(tenant_a):
    return tenant_a


@pytest.fixture
def dealership(tenant_b):
    return tenant_b
