"""The dashboard's live region (core.live): the calls that need a person, for the dashboard's filters,
current within seconds (never final: the list is a queue that refills). The page asks every 5 s rather than
every 3 s: a dashboard stays open all day."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.views.decorators.http import require_safe

from analytics import reports
from analytics.dashboard import may_see
from analytics.filters import AnalyticsFilterForm
from core import live

TEMPLATE = "admin/analytics/needs_attention.html"


def context(request, filters) -> dict:
    """What the region shows (the dashboard's own "d" for the same filters): the same for the page and a poll."""
    query = urlencode({k: v for k, v in request.GET.items() if v})
    export = f"{reverse('admin:dashboard_export', args=['needs-attention'])}?{query}"
    return {
        "d": {"attention": reports.report("needs-attention", filters, limit=10), "exports": {"needs_attention": export}}
    }


@require_safe
def needs_attention_view(request):
    if not may_see(request):
        raise PermissionDenied
    form = AnalyticsFilterForm(request.GET, tenant=request.tenant)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain; charset=utf-8")
    return live.fragment(request, TEMPLATE, context(request, form.filters()), final=False)
