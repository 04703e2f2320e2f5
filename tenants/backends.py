"""Authentication by username or email, and permissions from the role held in the tenant in scope.

A user can be an owner in one tenant and a viewer in another, so permissions
are not read from ``user.groups``: they are the permissions of the group named
after the user's role in the tenant currently in scope. The admin's
``has_perm`` checks and the API's ``DjangoModelPermissions`` both land here.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import cache

from core.memo import TtlMemo

from .scoping import get_current_tenant_id

ROLE_PERMISSIONS_CACHE_SECONDS = 300
PROCESS_MEMO_SECONDS = 30
_process_memo: TtlMemo[str, frozenset[str]] = TtlMemo(PROCESS_MEMO_SECONDS, max_size=64)


def role_permissions(role: str) -> frozenset[str]:
    """The permissions of a role's group: memoised in the process briefly, cached for longer."""
    memo = _process_memo.get(role)
    if memo is not None:
        return memo
    key = f"role-perms:{role}"
    perms = cache.get(key)
    if perms is None:
        perms = frozenset(
            f"{app}.{codename}"
            for app, codename in Permission.objects.filter(group__name=role).values_list(
                "content_type__app_label", "codename"
            )
        )
        cache.set(key, perms, ROLE_PERMISSIONS_CACHE_SECONDS)
    _process_memo.set(role, perms)
    return perms


_sorted: dict[frozenset[str], list[str]] = {}


def sorted_role_permissions(role: str) -> list[str]:
    """A role's permissions, sorted (what ``auth/me`` lists); sorted once per set the memo holds."""
    perms = role_permissions(role)
    if perms not in _sorted:
        if len(_sorted) > 64:
            _sorted.clear()
        _sorted[perms] = sorted(perms)
    return _sorted[perms]


def forget_role_permissions() -> None:
    from .roles import ROLE_ORDER

    cache.delete_many([f"role-perms:{role}" for role in ROLE_ORDER])
    _process_memo.clear()


def active_membership(user, tenant_id: int):
    """The user's active membership in the tenant (memberships are read once per request)."""
    from .resolution import active_memberships

    return next((m for m in active_memberships(user) if m.tenant_id == tenant_id), None)


class TenantRoleBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        User = get_user_model()
        username = username.strip()
        lookup = {"email__iexact": username} if "@" in username else {"username": username}
        user = User._default_manager.filter(**lookup).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return {
                f"{app}.{codename}"
                for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
            }
        tenant_id = get_current_tenant_id()
        if tenant_id is None:
            return set()
        memo = user_obj.__dict__.setdefault("_permissions_by_tenant", {})
        if tenant_id not in memo:
            membership = active_membership(user_obj, tenant_id)
            memo[tenant_id] = role_permissions(membership.role) if membership else frozenset()
        return set(memo[tenant_id])

    def get_all_permissions(self, user_obj, obj=None):
        # Not cached under ModelBackend's attribute: the answer depends on the tenant in scope.
        return self.get_group_permissions(user_obj, obj)
