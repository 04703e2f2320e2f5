"""The API's JSON parser: bounded in size and depth, and no NUL characters anywhere.

A body over ``API_MAX_JSON_BYTES`` is a 413 before it is read into memory;
nesting deeper than ``MAX_DEPTH`` (no request of this API needs more than a
few levels) is a 400 rather than a recursion error; a NUL character in any key
or string is a 400 naming where it is (PostgreSQL cannot store one in text).
"""

import json

from django.conf import settings
from rest_framework import exceptions, parsers, status

MAX_DEPTH = 20
NUL = "\x00"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _check(value, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise exceptions.ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
    if isinstance(value, str):
        if NUL in value:
            raise exceptions.ValidationError({path or "non_field_errors": ["Text may not contain NUL characters."]})
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                raise exceptions.ValidationError({path or "non_field_errors": ["Keys may not contain NUL characters."]})
            _check(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}.{index}" if path else str(index), depth + 1)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_JSON_BYTES
        request = (parser_context or {}).get("request")
        if request is not None and _content_length(request) > limit:
            raise PayloadTooLarge()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            raise exceptions.ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        _check(data, "", 0)
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")
