"""The Content-Security-Policy header on every answer (settings.CONTENT_SECURITY_POLICY; empty: none).
Django 5.2 has no CSP of its own; a view that sets its own header keeps it."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
