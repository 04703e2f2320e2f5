"""Live regions: a part of an admin page that keeps itself current without a reload.

A live region is server-rendered HTML twice over: inside its page (``{% live_region %}``, core.templatetags.live)
and alone, at a small GET-only URL of its own that the page's script (static/voice/js/live.js) fetches every
few seconds. Both renderings are the same template, so the region's ETag (a hash of its HTML) is known when
the page is sent: a poll that finds nothing new is a 304 with no body and the page is left alone (a
playing recording keeps playing). ``X-Live: final`` says the object has reached a state nothing changes
after (a finished campaign, a settled call): the script stops asking.

Polling rather than server-sent events: a gunicorn sync worker answers a poll in a few milliseconds and is
free again, where an event stream would hold one worker per open page (docs/architecture.md#live-pages).
"""

import hashlib

from django.contrib.admin.utils import display_for_field, label_for_field, lookup_field
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.text import capfirst

EMPTY = "-"  # what the admin shows for an empty value
HEADER = "X-Live"  # "live" or "final"; only a fragment carries it (a sign-in page answering instead does not)


def etag(html: str) -> str:
    return quote_etag(hashlib.blake2b(html.strip().encode(), digest_size=12).hexdigest())


def fragment(request, template_name: str, context: dict, *, final: bool) -> HttpResponse:
    """The region rendered alone: 200 with its HTML, or 304 when the page already shows exactly this."""
    html = render_to_string(template_name, context, request=request)
    tag = etag(html)
    if tag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(html.strip(), content_type="text/html; charset=utf-8")
    response["ETag"] = tag
    response[HEADER] = "final" if final else "live"
    patch_vary_headers(response, ["Cookie"])
    return response


def admin_object(model_admin, request, object_id, queryset=None):
    """The object a change page shows, checked as that page checks it: 403 without the permission to see
    the page, 404 when the tenant in scope has no such row (another tenant's id included)."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    queryset = model_admin.get_queryset(request) if queryset is None else queryset
    try:
        obj = queryset.filter(pk=object_id).first()
    except (ValueError, ValidationError):
        obj = None
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    return obj


def readonly_values(obj, names) -> list[dict]:
    """Plain read-only fields of a change page as the page shows them (label and text), so the script can
    bring the page's own fields up to date too (``{% live_fields %}``, ``data-live-fields``)."""
    values = []
    for name in names:
        field, _attr, value = lookup_field(name, obj)
        text = str(display_for_field(value, field, EMPTY))
        values.append({"label": capfirst(label_for_field(name, type(obj))), "text": text or EMPTY})
    return values
