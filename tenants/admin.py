import json

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from unfold.widgets import UnfoldAdminEmailInputWidget, UnfoldAdminTextInputWidget

from . import (
    admin_platform,  # noqa: F401  (beat schedules, lockouts: superusers only)
    audit,
    invitations,
    services,
)
from .admin_base import ReadOnlyAdminMixin, TenantModelAdmin
from .models import AuditLog, Branch, Membership, Tenant, User
from .scoping import get_current_tenant_id


@admin.register(Tenant)
class TenantAdmin(ModelAdmin):
    list_display = ["name", "slug", "vertical", "country", "time_zone", "is_active"]
    list_filter = ["vertical", "is_active"]
    search_fields = ["name", "slug", "legal_name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk=get_current_tenant_id() or 0)

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["slug", "vertical"]

    def get_prepopulated_fields(self, request, obj=None):
        # The slug is typed only where it can be edited (a read-only field cannot be prepopulated: a 500).
        return self.prepopulated_fields if request.user.is_superuser else {}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.set_up_new_tenant(obj)


@admin.register(Branch)
class BranchAdmin(TenantModelAdmin):
    list_display = ["name", "country", "time_zone", "phone"]
    search_fields = ["name", "address"]


class MemberAddForm(forms.ModelForm):
    email = forms.EmailField(
        widget=UnfoldAdminEmailInputWidget,
        help_text="They get an email invitation and join once they accept (a new person chooses a password first).",
    )
    first_name = forms.CharField(required=False, max_length=150, widget=UnfoldAdminTextInputWidget)
    last_name = forms.CharField(required=False, max_length=150, widget=UnfoldAdminTextInputWidget)

    class Meta:
        model = Membership
        fields = ["email", "first_name", "last_name", "role", "default_branch"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email") and cleaned.get("role"):
            try:
                services.check_new_member(email=cleaned["email"], role=cleaned["role"], actor=self.actor)
            except (PermissionDenied, ValidationError) as exc:
                raise ValidationError(getattr(exc, "messages", [str(exc)])) from None
        return cleaned


class MemberChangeForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "default_branch", "is_active"]

    def clean(self):
        cleaned = super().clean()
        try:
            if "role" in self.changed_data and "role" in cleaned:  # else the field says what is wrong
                services.check_role_change(self.instance, cleaned["role"], actor=self.actor)
            if "is_active" in self.changed_data:
                services.check_active_change(self.instance, cleaned["is_active"], actor=self.actor)
        except (PermissionDenied, ValidationError) as exc:
            raise ValidationError(getattr(exc, "messages", [str(exc)])) from None
        return cleaned


@admin.register(Membership)
class MembershipAdmin(TenantModelAdmin):
    """Staff of the tenant. Adding someone invites them by email; people are deactivated, not deleted."""

    list_display = ["user_email", "user_name", "role", "default_branch", "is_active", "invited", "created_at"]
    list_filter = ["role", "is_active", "invited"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user", "default_branch"]
    ordering = ["user__email"]

    @admin.display(description="Email", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    def get_search_results(self, request, queryset, search_term):
        results, distinct = super().get_search_results(request, queryset, search_term)
        return invitations.without_name_matches(results, search_term), distinct

    @admin.display(description="Name")
    def user_name(self, obj):
        return "(invited)" if obj.invited else obj.user.get_full_name()

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MemberChangeForm if obj is not None else MemberAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "first_name", "last_name", "role", "default_branch"]
        return ["role", "default_branch", "is_active"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            membership = services.add_member(
                email=data["email"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                role=data["role"],
                default_branch=data.get("default_branch"),
                actor=request.user,
                request=request,
            )
            obj.pk, obj.user, obj.tenant_id = membership.pk, membership.user, membership.tenant_id
            obj._state.adding = False
            return
        if "role" in form.changed_data:
            services.change_role(obj, data["role"], actor=request.user)
        if "is_active" in form.changed_data:
            services.set_member_active(obj, data["is_active"], actor=request.user)
        if "default_branch" in form.changed_data:
            obj.save(update_fields=["default_branch"])


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, TenantModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_repr", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "action"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    fields = ["created_at", "actor", "action", "object_type", "object_public_id", "object_repr", "shown_changes"]
    readonly_fields = fields

    @admin.display(description="Object id")
    def object_public_id(self, entry):
        return audit.shown(entry.object_type, entry.object_id, {})[0] or "—"

    @admin.display(description="Changes")
    def shown_changes(self, entry):
        changes = audit.shown(entry.object_type, entry.object_id, entry.changes)[1]
        return format_html(
            '<pre class="whitespace-pre-wrap">{}</pre>', json.dumps(changes, indent=2, ensure_ascii=False)
        )


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    """Platform users; tenant staff are managed under Memberships."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm

    def has_module_permission(self, request):
        return request.user.is_superuser


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Roles are groups whose permissions ``sync_roles`` sets from tenants/roles.py; read-only here."""

    list_display = ["name", "permission_count"]
    readonly_fields = ["name", "permissions"]

    @admin.display(description="Permissions")
    def permission_count(self, obj):
        return obj.permissions.count()

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser
