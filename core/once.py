"""A staff form that acts is done once: the same form sent twice (a double click, a reload that sends it
again, Back and send) does what the first did and nothing more.

Every POST form of the admin carries a token (``_once``): the page's script (static/voice/js/once.js) adds a
fresh one to each form when the page is shown, and a template may render one itself (``{% once_token %}``,
core.templatetags.once) so it holds without the script. This middleware remembers each member's tokens for a
day. The first POST with a token runs; while it runs, the same token again is sent back to the page it came
from; once it has answered with a redirect (the admin answers every act with one, so a reload never sends
it again), the same token again is answered with that redirect and a note that it was done already. An answer
that is not a redirect (a form shown again with its errors, a confirmation page, a file) acted on nothing
here, so its token is let go and the form can be sent again.

The API has its own rule for the same promise: the Idempotency-Key header (tenants.api.idempotency).
"""

import re

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

FIELD = "_once"
KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
RUNNING = ""  # what is remembered while the first POST runs
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _token(request) -> str | None:
    if request.method != "POST" or request.path.startswith("/api/"):
        return None
    if not request.content_type.startswith(FORM_TYPES) or not request.user.is_authenticated:
        return None
    token = request.POST.get(FIELD, "")
    return token if TOKEN.match(token) else None


def cache_key(request, token: str) -> str:
    return f"once:{request.user.pk}:{token}"


class SentOnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _token(request)
        if token is None:
            return self.get_response(request)
        key = cache_key(request, token)
        if not cache.add(key, RUNNING, KEEP_SECONDS):
            return self._repeated(request, cache.get(key))
        try:
            response = self.get_response(request)
        except BaseException:
            cache.delete(key)
            raise
        if response.status_code in (301, 302, 303) and response.has_header("Location"):
            cache.set(key, response["Location"], KEEP_SECONDS)
        else:
            cache.delete(key)
        return response

    @staticmethod
    def _repeated(request, done_at: str | None):
        if done_at:
            messages.info(request, "That form was already sent: this is what it did.")
            return HttpResponseRedirect(done_at)
        messages.info(request, "That form is already being sent: look again in a moment.")
        came_from = request.META.get("HTTP_REFERER", "")
        safe = url_has_allowed_host_and_scheme(came_from, {request.get_host()}, request.is_secure())
        return HttpResponseRedirect(came_from if safe else request.get_full_path())
