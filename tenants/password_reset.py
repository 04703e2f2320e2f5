"""Password reset, rate-limited (docs/operations.md#security): at most ``PER_ADDRESS`` requests an hour from
one client address and ``PER_EMAIL`` for one email, so the form cannot be used to flood someone's inbox or
to probe many addresses. Over the limit the page answers 429 and sends nothing."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from core.throttling import too_often

from .audit import client_ip

PER_ADDRESS = 10
PER_EMAIL = 3


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    def post(self, request, *args, **kwargs):
        email = str(request.POST.get("email", "")).strip().lower()
        by_address = too_often("password-reset-address", client_ip(request) or "", PER_ADDRESS)
        if by_address or (email and too_often("password-reset", email, PER_EMAIL)):
            return HttpResponse(
                "Too many password reset requests. Try again in an hour.", status=429, content_type="text/plain"
            )
        return super().post(request, *args, **kwargs)
