"""The voice room in the admin: provider accounts (secrets write-only), voice agents, scripts with a preview."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminPasswordWidget, UnfoldAdminSelectWidget

from leads.models import Consent, Lead
from tenants.admin_base import TenantModelAdmin
from tenants.admin_confirm import confirm_then_act
from tenants.public_id_forms import PublicIdAutocompleteSelect, PublicIdChoiceField

from . import accounts, disclosures, prompting, services
from .models import ProviderAccount, Script, VoiceAgent


class ProviderAccountForm(forms.ModelForm):
    """Secrets are write-only: the fields start empty, and left empty they keep what is stored."""

    api_key = forms.CharField(
        required=False, widget=UnfoldAdminPasswordWidget(render_value=False), help_text="Leave empty to keep it."
    )
    webhook_secret = forms.CharField(
        required=False, widget=UnfoldAdminPasswordWidget(render_value=False), help_text="Leave empty to keep it."
    )

    class Meta:
        model = ProviderAccount
        fields = [
            "provider",
            "label",
            "api_key",
            "webhook_secret",
            "caller_numbers",
            "provider_ids",
            "concurrency_limit",
            "is_active",
        ]

    def clean(self):
        cleaned = super().clean()
        for name in ("api_key", "webhook_secret"):
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)  # keep the stored secret
        problems = accounts.problems(
            cleaned.get("provider"),
            api_key=cleaned.get("api_key") or "",
            webhook_secret=cleaned.get("webhook_secret") or "",
            provider_ids=cleaned.get("provider_ids"),
        )
        for name, message in problems.items():
            self.add_error(name, message)
        return cleaned


@admin.register(ProviderAccount)
class ProviderAccountAdmin(TenantModelAdmin):
    form = ProviderAccountForm
    list_display = ["label", "provider", "health_badge", "is_active", "concurrency_limit", "health_checked_at"]
    list_filter = ["provider", "is_active", "health"]
    readonly_fields = ["webhook_url", "health", "health_message", "health_checked_at"]
    actions = ["test_connection"]
    actions_detail = ["test_connection_detail"]

    def get_fields(self, request, obj=None):
        fields = list(self.form.Meta.fields)
        return fields + self.readonly_fields if obj else fields

    @display(
        description="Health",
        label={"OK": "success", "Bad credentials": "danger", "Out of funds": "danger", "Provider down": "warning"},
    )
    def health_badge(self, obj):
        return obj.get_health_display()

    @display(description="Webhook URL (give it to the provider)")
    def webhook_url(self, obj):
        return obj.webhook_url if obj.pk else "—"

    @admin.action(description="Test connection", permissions=["test_connection"])
    def test_connection(self, request, queryset):
        for account in queryset:
            ok, message = services.test_connection(account)
            (messages.success if ok else messages.error)(request, f"{account}: {message}")

    @action(
        description="Test connection", url_path="test-connection", icon="network_check", permissions=["test_connection"]
    )
    def test_connection_detail(self, request, object_id):
        account = get_object_or_404(ProviderAccount.objects.all(), pk=object_id)

        def test(data):
            ok, message = services.test_connection(account)  # it records the account's health
            if not ok:
                raise ValidationError(message)
            return message

        return confirm_then_act(
            self,
            request,
            title=f"Test connection: {account}",
            summary=f"Ask {account.get_provider_display()} whether this account's key works.",
            button="Test connection",
            back_url=reverse("admin:voice_provideraccount_change", args=[account.pk]),
            perform=test,
        )


@admin.register(VoiceAgent)
class VoiceAgentAdmin(TenantModelAdmin):
    list_display = ["name", "account", "provider_agent_id", "language", "max_call_seconds", "is_active"]
    list_filter = ["is_active", "account"]
    list_select_related = ["account"]
    search_fields = ["name", "provider_agent_id"]


class PreviewForm(forms.Form):
    lead = PublicIdChoiceField(queryset=None, label="Render for lead")
    agent = PublicIdChoiceField(queryset=None, required=False, widget=UnfoldAdminSelectWidget)

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Search leads by name or phone (the lead list's own search), however many there are.
        self.fields["lead"].widget = PublicIdAutocompleteSelect(Consent._meta.get_field("lead"), admin_site)
        self.fields["lead"].queryset = Lead.objects.all()  # after the widget: it takes the choices
        self.fields["agent"].queryset = VoiceAgent.objects.filter(is_active=True)


@admin.register(Script)
class ScriptAdmin(TenantModelAdmin):
    list_display = ["name", "purpose", "marketing", "version", "is_active", "preview_link"]
    list_filter = ["purpose", "is_active", "is_marketing"]
    search_fields = ["name", "prompt_template"]
    actions = ["duplicate"]

    @display(description="Consent needed", label={"written": "warning", "express": "info"})
    def marketing(self, obj):
        return "written" if obj.is_marketing else "express"

    @display(description="")
    def preview_link(self, obj):
        return format_html(
            '<a class="text-primary-600" href="{}">Preview</a>', reverse("admin:voice_script_preview", args=[obj.pk])
        )

    @admin.action(description="Duplicate as a new version", permissions=["duplicate_script"])
    def duplicate(self, request, queryset):
        for script in queryset:
            copy = services.duplicate_script(script, actor=request.user)
            messages.success(request, f"Created {copy} (switched off until you activate it).")

    def get_urls(self):
        view = self.admin_site.admin_view(self.preview_view)
        return [path("<int:object_id>/preview/", view, name="voice_script_preview"), *super().get_urls()]

    def preview_view(self, request, object_id):
        script = get_object_or_404(Script.objects.all(), pk=object_id)
        form = PreviewForm(request.GET or None, admin_site=self.admin_site)
        rendered = None
        if form.is_valid():
            rendered = prompting.render(form.cleaned_data["lead"], script, form.cleaned_data["agent"])
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {script}",
            "script": script,
            "form": form,
            "rendered": rendered,
            "disclosures": disclosures.report(script.opening_line, is_marketing=script.is_marketing),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/voice/script_preview.html", context)
