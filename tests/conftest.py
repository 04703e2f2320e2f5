"""Shared fixtures: two tenants (A and B), their staff by role, API and admin clients.

Markers ``postgres`` and ``redis`` skip a test when the real service is not
configured; with ``REQUIRE_REAL_SERVICES=1`` (set by ``.ci/run``) they fail
instead, so CI can never pass by skipping them.
"""

import tests.clock  # noqa: F401  first: the suite clock's shift must be in force before anything computes a date

# isort: split

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tenants.roles import Role
from tenants.scoping import tenant_scope

from .factories import BranchFactory, MembershipFactory, TenantFactory, UserFactory

PASSWORD = "pw-123-secret"
pytest_plugins = ["tests.provider_server"]  # provider_server, no_backoff_sleep


def _missing_service(item) -> str | None:
    if item.get_closest_marker("postgres") and not settings.USES_POSTGRES:
        return "needs PostgreSQL (set DATABASE_URL to a postgres:// URL)"
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        return "needs Redis (set REDIS_URL)"
    return None


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason is None:
        return
    if os.environ.get("REQUIRE_REAL_SERVICES") == "1":
        pytest.fail(f"{reason}: CI must run this test, not skip it.")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _celery_inline():
    """Tasks run inline in tests (``.delay()`` executes at once); no broker is involved. The simulator's
    calls play at once too (their events are due when the call is dialled)."""
    from django.test.utils import override_settings

    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    with override_settings(VOICE_SIMULATOR_PACE=0):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hashing a password the production way takes half a second by design; tests make thousands of users."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory):
    """Uploaded files (lead imports, knowledge documents) go to a scratch folder, never to var/."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from core.throttling import forget_local_counts
    from tenants.auth_cache import forget_everything_local
    from tenants.backends import forget_role_permissions

    def forget_process_memos():
        from calls.compliance import _emergency_memo, _policy_memo
        from voice.webhooks import forget_local_accounts

        forget_role_permissions()
        forget_everything_local()
        forget_local_counts()
        _policy_memo.clear()
        _emergency_memo.clear()
        forget_local_accounts()

    cache.clear()
    forget_process_memos()
    yield
    cache.clear()
    forget_process_memos()


@pytest.fixture
def tenant_a(db):
    return TenantFactory(slug="tenant-a", name="Alpha Gym", vertical="gym")


@pytest.fixture
def tenant_b(db):
    return TenantFactory(slug="tenant-b", name="Bravo Motors", vertical="dealership")


@pytest.fixture
def branch_a(tenant_a):
    return BranchFactory(tenant=tenant_a, name="Alpha Downtown")


@pytest.fixture
def branch_b(tenant_b):
    return BranchFactory(tenant=tenant_b, name="Bravo Main")


def member(tenant, role, username=None, **user_fields):
    user = UserFactory(username=username or f"{role}-{tenant.slug}", **user_fields)
    MembershipFactory(tenant=tenant, user=user, role=role, default_branch=None)
    return user


@pytest.fixture
def make_member():
    return member


@pytest.fixture
def owner_a(tenant_a):
    return member(tenant_a, Role.OWNER, "alice")


@pytest.fixture
def owner_b(tenant_b):
    return member(tenant_b, Role.OWNER, "bob")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


def api_client(user=None, tenant=None) -> APIClient:
    """An API client signed in as ``user`` with a real JWT (optionally for ``tenant``)."""
    from tenants.api.auth import tokens_for

    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user, tenant)['access']}")
    return client


@pytest.fixture
def api():
    return api_client


@pytest.fixture
def in_tenant():
    """``with in_tenant(tenant): ...`` runs the block in that tenant's scope."""
    return tenant_scope
