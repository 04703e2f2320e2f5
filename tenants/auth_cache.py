"""Cached look-ups that every API request needs: the signed-in user and their active memberships.

Both are read on each request, so they live in the cache (Redis in production)
for a few minutes and are forgotten the moment a user, membership, tenant or
branch changes (tenants/signals.py). Changes must therefore go through
``save()`` (the services and the admin do), not bulk ``update()``.
"""

from django.contrib.auth import get_user_model
from django.core.cache import cache

TTL_SECONDS = 300
_MISSING = "missing"


def _user_key(user_id) -> str:
    return f"auth:user:{user_id}"


def _memberships_key(user_id) -> str:
    return f"auth:memberships:{user_id}"


def get_user(user_id):
    """The user with this id, or None."""
    user = cache.get(_user_key(user_id))
    if user is None:
        user = get_user_model()._default_manager.filter(pk=user_id).first()
        cache.set(_user_key(user_id), user if user is not None else _MISSING, TTL_SECONDS)
    return None if user == _MISSING else user


def get_memberships(user_id) -> list:
    """The user's active memberships with their tenant and default branch, ordered by tenant name."""
    from .models import Membership

    memberships = cache.get(_memberships_key(user_id))
    if memberships is None:
        memberships = list(
            Membership.objects.unscoped()
            .filter(user_id=user_id, is_active=True)
            .select_related("tenant", "default_branch")
            .order_by("tenant__name", "tenant_id")
        )
        cache.set(_memberships_key(user_id), memberships, TTL_SECONDS)
    return memberships


def forget_users(user_ids) -> None:
    keys = [key for user_id in set(user_ids) for key in (_user_key(user_id), _memberships_key(user_id))]
    if keys:
        cache.delete_many(keys)
