"""One JSON error shape for the whole API.

Every error answers ``{"code": ..., "message": ...}``; validation errors add
``"fields"``: a map of field name (dotted for nested data) to messages. The
same shape is used for 404s and 500s under ``/api/`` (see ``json_error_view``).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from core.db_errors import still_used_by, unique_violation

GENERIC_MESSAGES = {
    "invalid": "Some fields are not valid.",
}


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """{"a": {"b": ["x"]}, "c": [{"d": ["y"]}]} -> {"a.b": ["x"], "c.0.d": ["y"]}"""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            fields.update(_flatten(value, f"{prefix}{key}."))
    elif isinstance(detail, list) and detail and all(isinstance(item, str) for item in detail):
        fields[prefix.rstrip(".")] = [str(item) for item in detail]
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if value:
                fields.update(_flatten(value, f"{prefix}{index}."))
    else:
        fields[prefix.rstrip(".")] = [str(detail)]
    return fields


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return body


def _subject(context) -> str:
    """'This branch' for a view over branches; 'It' when the view names no model."""
    view = (context or {}).get("view")
    queryset = getattr(view, "queryset", None)
    model = getattr(queryset, "model", None) or getattr(view, "permission_model", None)
    return f"This {model._meta.verbose_name}" if model is not None else "It"


def _from_django(exc, context=None):
    """Services raise Django's errors; the API answers them in its own shape.

    A ValidationError may carry ``api_status`` (409 for conflicts), ``api_code`` and
    ``api_extra`` (more keys for the body, e.g. the id of the existing row).
    """
    if isinstance(exc, DjangoValidationError):
        if getattr(exc, "api_status", 400) == 409:
            return Conflict(exc.messages[0], code=getattr(exc, "api_code", "conflict")), getattr(exc, "api_extra", {})
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail), {}
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None), {}
    if isinstance(exc, Http404):
        return exceptions.NotFound(), {}
    if isinstance(exc, ProtectedError | RestrictedError):
        used_by, words = still_used_by(exc)
        message = f"{_subject(context)} is still used by {words}: change or delete those first."
        return Conflict(message, code="in_use"), {"used_by": used_by}
    if isinstance(exc, IntegrityError):
        violation = unique_violation(exc)
        if violation is not None:
            return exceptions.ValidationError(
                {name: [violation.message] for name in violation.fields or ["non_field_errors"]}
            ), {}
        return Conflict("The change conflicts with data already stored.", code="conflict"), {}
    return exc, {}


def exception_handler(exc, context):
    exc, extra_body = _from_django(exc, context)
    response = drf_exception_handler(exc, context)
    if response is not None and getattr(context.get("view"), "in_write_transaction", False):
        transaction.set_rollback(True)  # an answered error undoes the whole write (tenants.api.base)
    if response is None:
        return None  # an unexpected error: json_error_view answers it as a 500
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = _flatten(detail)
        non_field = fields.get("non_field_errors")
        message = non_field[0] if non_field and len(fields) == 1 else GENERIC_MESSAGES["invalid"]
        response.data = error_body("invalid", message, fields)
    else:
        detail = exc.detail
        if isinstance(detail, dict) and "detail" in detail:  # simplejwt's {"detail", "code", ...}
            code = str(detail.get("code") or getattr(detail["detail"], "code", None) or exc.default_code)
            message = str(detail["detail"])
        else:
            code = getattr(detail, "code", None) or exc.default_code
            message = str(detail) if not isinstance(detail, list | dict) else str(exc.default_detail)
        extra = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            extra["retry_after"] = int(exc.wait)
        response.data = error_body(code, message, **extra)
    response.data.update(extra_body)
    return response


class TenantRequired(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "tenant_required"
    default_detail = "Choose a tenant with the X-Tenant header."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."


def json_error_view(status_code: int, code: str, message: str):
    def view(request, exception=None):
        return JsonResponse(error_body(code, message), status=status_code)

    return view
