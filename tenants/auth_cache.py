"""Cached look-ups that every API request needs: the signed-in user and their active memberships.

Both are read on each request, so they are kept in two layers: the shared cache
(Redis in production) for five minutes, and this process's memory for a few
seconds. Any change to a user, membership, tenant or branch forgets them in
both at once (tenants/signals.py); other web processes drop their in-memory
copy within ``LOCAL_TTL_SECONDS``. Changes must therefore go through ``save()``
(the services and the admin do), not bulk ``update()``.
"""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.base import ModelState

from core.memo import TtlMemo

TTL_SECONDS = 300
LOCAL_TTL_SECONDS = 5
LOCAL_MAX_ENTRIES = 10_000
_MISSING = "missing"
_local: TtlMemo = TtlMemo(LOCAL_TTL_SECONDS, max_size=LOCAL_MAX_ENTRIES)  # user id -> user or _MISSING


def _key(user_id) -> str:
    return f"auth:principal:{user_id}"


def _load(user_id):
    from .models import Membership

    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is not None:
        # One entry holds both, so a request reads the cache once.
        user.__dict__["_active_memberships"] = list(
            Membership.objects.unscoped()
            .filter(user_id=user_id, is_active=True)
            .select_related("tenant", "default_branch")
            .order_by("tenant__name", "tenant_id")
        )
    return user if user is not None else _MISSING


def _shared(user_id: str):
    """The entry in the shared cache, loaded from the database on a miss."""
    user = cache.get(_key(user_id))
    if user is None:
        user = _load(user_id)
        cache.set(_key(user_id), user, TTL_SECONDS)
    return user


def get_user(user_id):
    """The user with this id, with its active memberships loaded; None if there is no such user.

    Each call returns its own copy: request code memoises things on the user object.
    """
    user_id = str(user_id)  # tokens carry it as a string, signals as an int
    user = _local.get_or_set(user_id, lambda: _shared(user_id))
    if user == _MISSING:
        return None
    # A plain copy of the fields (copy.copy goes through pickling's protocol: slower than the rest of /auth/me).
    clone = user.__class__.__new__(user.__class__)
    clone.__dict__ = {k: v for k, v in user.__dict__.items() if k == "_active_memberships" or not k.startswith("_")}
    clone._state = ModelState()
    clone._state.db, clone._state.adding = user._state.db, False
    return clone


def get_memberships(user_id) -> list:
    """The user's active memberships with their tenant and default branch, ordered by tenant name."""
    user = get_user(user_id)
    return list(user.__dict__["_active_memberships"]) if user is not None else []


def forget_users(user_ids) -> None:
    user_ids = {str(user_id) for user_id in user_ids}
    for user_id in user_ids:
        _local.forget(user_id)
    if user_ids:
        cache.delete_many([_key(user_id) for user_id in user_ids])


def forget_everything_local() -> None:
    """For tests: drop this process's in-memory layer."""
    _local.clear()
