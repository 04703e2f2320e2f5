"""The edge of the API: whatever happens under ``/api/``, the answer is JSON.

``ApiErrorMiddleware`` (outermost) turns every non-JSON error response under
``/api/`` into the one error shape: Django's own pages for a body too large, a
bad host, CSRF, a 404 or a 500 (with ``DEBUG`` on or off) never reach a client
of the API as HTML. ``ApiGzipMiddleware`` compresses JSON responses of the API
(and nothing else: the admin's pages carry CSRF tokens, which must not be
compressed beside reflected input).
"""

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import JsonResponse
from django.middleware.gzip import GZipMiddleware

from .errors import error_body

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
MAX_QUERY_STRING = 4096

# What a plain status means when Django (not the API) answered it.
PLAIN_ERRORS = {
    400: ("bad_request", "The request could not be understood."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    413: ("payload_too_large", "The request body is too large."),
    414: ("uri_too_long", f"The query string is longer than {MAX_QUERY_STRING} characters."),
    500: ("server_error", "Something went wrong on our side; it has been logged."),
}


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def plain_error(status: int) -> JsonResponse:
    code, message = PLAIN_ERRORS.get(status, PLAIN_ERRORS[500 if status >= 500 else 400])
    return JsonResponse(error_body(code, message), status=status)


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_api(request) and len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return plain_error(414)
        response = self.get_response(request)
        if _is_api(request) and response.status_code >= 400 and not _is_json(response):
            json_response = plain_error(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response

    def process_exception(self, request, exception):
        """A body too large is a 413 (Django would answer a bare 400)."""
        if not _is_api(request):
            return None
        if isinstance(exception, RequestDataTooBig):
            return plain_error(413)
        if isinstance(exception, TooManyFieldsSent):
            return JsonResponse(error_body("too_many_fields", str(exception)), status=400)
        if isinstance(exception, SuspiciousOperation):
            logger.warning("Suspicious request to %s: %s", request.path, exception)
            return plain_error(400)
        return None


class ApiGzipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if "gzip" not in request.META.get("HTTP_ACCEPT_ENCODING", "") or not _is_api(request) or not _is_json(response):
            return response
        return super().process_response(request, response)
