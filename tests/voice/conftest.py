import pytest


@pytest.fixture(autouse=True)
def _fast_retries(no_backoff_sleep):
    """Provider retries back off for a few milliseconds here, not half a second."""
