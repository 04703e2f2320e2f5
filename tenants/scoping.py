"""The tenant scope: which tenant the current code runs for.

A ``ContextVar`` holds the id of the tenant in scope. Requests enter it in the
middleware (admin) or the base API view; Celery tasks enter it with
``with_tenant_scope``. ``None`` never means "all tenants": code that really
works across tenants says so with ``Model.objects.unscoped()``.
"""

import functools
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class TenantScopeError(RuntimeError):
    """A tenant-owned table was queried or written with no tenant in scope."""


_current_tenant_id: ContextVar[int | None] = ContextVar("current_tenant_id", default=None)


def get_current_tenant_id() -> int | None:
    """The tenant in scope, or None when there is none."""
    return _current_tenant_id.get()


def current_tenant_id() -> int:
    """The tenant in scope; raises ``TenantScopeError`` when there is none."""
    tenant_id = _current_tenant_id.get()
    if tenant_id is None:
        raise TenantScopeError(
            "No tenant in scope. Enter one with tenant_scope(tenant_id), or use "
            "Model.objects.unscoped() where crossing tenants is intended."
        )
    return tenant_id


def _as_tenant_id(tenant) -> int:
    tenant_id = getattr(tenant, "pk", tenant)
    if isinstance(tenant_id, bool) or not isinstance(tenant_id, int):
        raise TenantScopeError(f"A tenant scope needs an int tenant id, got {tenant_id!r}.")
    return tenant_id


@contextmanager
def tenant_scope(tenant) -> Iterator[int]:
    """Run the block for one tenant (a Tenant or its int id); always restores the previous scope."""
    token = _current_tenant_id.set(_as_tenant_id(tenant))
    try:
        yield _current_tenant_id.get()
    finally:
        _current_tenant_id.reset(token)


def with_tenant_scope(func):
    """Decorate a task whose ``tenant_id`` argument (an int) picks the scope it runs in."""
    signature = inspect.signature(func)
    if "tenant_id" not in signature.parameters:
        raise TypeError(f"{func.__qualname__} must take a tenant_id argument.")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        with tenant_scope(bound.arguments["tenant_id"]):
            return func(*args, **kwargs)

    return wrapper


def iterate_in_scope(tenant_id: int, iterable):
    """Yield from ``iterable``, entering the tenant's scope for each step only.

    A streamed response is read by the web server after the view (and its scope)
    has returned; its queries run here, in the tenant's scope, and the scope
    never stays open between two items.
    """
    with tenant_scope(tenant_id):
        iterator = iter(iterable)
    while True:
        with tenant_scope(tenant_id):
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item
