"""The admin site: Unfold's, plus the tenant switch, with opaque ids in every object URL."""

import re

from django.urls import URLPattern, URLResolver, path
from django.utils.cache import patch_cache_control
from unfold.sites import UnfoldAdminSite

from core import public_ids

_OBJECT_ID = re.compile(r"<(?:(?:path|int|str):)?(object_id|id)>")  # the user admin's password page names it ``id``


def _opaque(patterns: list, model) -> None:
    """Rewrite in place each object route of one model's admin to take its public id (core.public_ids)."""
    converter = rf"<{public_ids.path_converter(model)}:\1>"
    for index, pattern in enumerate(patterns):
        route = str(pattern.pattern)
        if isinstance(pattern, URLPattern) and _OBJECT_ID.search(route):
            patterns[index] = path(
                _OBJECT_ID.sub(converter, route), pattern.callback, pattern.default_args, name=pattern.name
            )


# The sidebar in the order of the day's work, not the alphabet: each room, then its models, first to last.
# A room or model not named here (the platform's own: tokens, sign-in attempts, schedules) follows, by name.
DAY_ORDER = {
    "leads": [
        *("lead", "leadimport", "tag", "vehicle", "consent", "donotcall"),
        *("registryfile", "reassignedcheck", "pipelinesettings"),
    ],
    "calls": ["call", "qareview", "callevent", "callingpolicy"],
    "campaigns": ["campaign", "followuprule", "campaigntarget", "expense"],
    "appointments": ["appointment", "availabilityrule", "closure", "reminder", "calendarfeed", "appointmentsettings"],
    "knowledge": ["knowledgeentry", "document"],
    "voice": ["voiceagent", "script", "provideraccount"],
    "tenants": ["tenant", "branch", "membership", "user", "auditlog"],
}


def _in_day_order(apps: list[dict]) -> list[dict]:
    rooms = list(DAY_ORDER)
    for app in apps:
        models = DAY_ORDER.get(app["app_label"], [])
        app["models"].sort(
            key=lambda m: (
                (models.index(m["object_name"].lower()), "")
                if m["object_name"].lower() in models
                else (len(models), m["name"])
            )
        )
    return sorted(
        apps,
        key=lambda a: (rooms.index(a["app_label"]), "") if a["app_label"] in rooms else (len(rooms), a["name"]),
    )


JSI18N_MAX_AGE = 24 * 3600


class CrmAdminSite(UnfoldAdminSite):
    site_header = "Voice CRM"
    site_title = "Voice CRM"
    index_title = "Dashboard"

    def login(self, request, extra_context=None):
        """The admin's sign-in counts failures per username exactly as the API's (LoginNameThrottle)."""
        from django.shortcuts import render

        from tenants.api.auth import LoginNameThrottle

        if request.method != "POST":
            return super().login(request, extra_context)
        throttle = LoginNameThrottle()
        if not throttle.allow_request(request, None):
            message = f"Too many failed sign-ins for this username. Try again in {int(throttle.wait()) + 1} seconds."
            return render(request, "tenants/locked_out.html", {"message": message}, status=429)
        response = super().login(request, extra_context)
        if response.status_code == 200 and not request.user.is_authenticated:
            LoginNameThrottle.count_failure(request)
        return response

    def i18n_javascript(self, request, extra_context=None):
        """The admin's translations for its scripts, asked for by every list and form page before it can show
        anything: the same for every member until the next release, so browsers keep it for a day."""
        response = super().i18n_javascript(request, extra_context)
        patch_cache_control(response, private=True, max_age=JSI18N_MAX_AGE)
        return response

    def get_app_list(self, request, app_label=None):
        return _in_day_order(super().get_app_list(request, app_label))

    def autocomplete_view(self, request):
        from tenants.public_id_forms import PublicIdAutocompleteJsonView

        return PublicIdAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_urls(self):
        urls = super().get_urls()
        by_route = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in self._registry}
        for resolver in urls:
            if isinstance(resolver, URLResolver) and str(resolver.pattern) in by_route:
                _opaque(resolver.urlconf_name, by_route[str(resolver.pattern)])
        return urls

    def extra_urls(self):
        from analytics.dashboard import daily_summary_view, export_view
        from analytics.live import needs_attention_view
        from tenants.admin_views import switch_tenant

        return [
            path("tenant/switch/", self.admin_view(switch_tenant), name="switch_tenant"),
            path("dashboard/export/<slug:table>.csv", self.admin_view(export_view), name="dashboard_export"),
            path("dashboard/daily-summary/", self.admin_view(daily_summary_view), name="dashboard_daily_summary"),
            path("dashboard/needs-a-person/", self.admin_view(needs_attention_view), name="dashboard_needs_attention"),
        ]
