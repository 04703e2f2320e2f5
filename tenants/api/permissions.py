"""One permission class for the whole API: tenant membership plus model permissions.

Model permissions come from the user's role in the tenant in scope (see
tenants.backends), so the API enforces exactly what the admin does. Reading
needs the ``view`` permission, so a role without it sees nothing; viewers can
read but never write.
"""

from rest_framework.permissions import DjangoModelPermissions


class TenantModelPermissions(DjangoModelPermissions):
    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if getattr(view, "tenant_required", True) and getattr(request, "tenant", None) is None:
            return False
        # An action may name its own permissions: {"merge": ["leads.change_lead"]}.
        action_perms = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if action_perms is not None:
            return user.has_perms(action_perms)
        model = getattr(view, "permission_model", None)
        if model is not None:
            return user.has_perms(self.get_required_permissions(request.method, model))
        required = getattr(view, "required_permissions", None)
        if required is not None:
            return user.has_perms(required)
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return True  # not about a model (auth/me): being signed in (and in the tenant) suffices
        return super().has_permission(request, view)
