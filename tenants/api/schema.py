"""OpenAPI extensions: our JWT authentication documented as the bearer scheme it is, and JSON fields
with a declared shape documented as that shape."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiSerializerFieldExtension


class CachedJWTScheme(SimpleJWTScheme):
    target_class = "tenants.authentication.CachedJWTAuthentication"
    name = "jwtAuth"


class ShapedJSONFieldExtension(OpenApiSerializerFieldExtension):
    """A JSON field with a declared shape is documented as that shape."""

    target_class = "tenants.api.base.ShapedJSONField"
    match_subclasses = True  # the campaign audience's public-id variant too

    def map_serializer_field(self, auto_schema, direction):
        return self.target.shape.json_schema()


class TimeFieldExtension(OpenApiSerializerFieldExtension):
    """A wall-clock time ("09:00:00"): OpenAPI's ``format: time`` would demand a UTC offset."""

    target_class = "rest_framework.fields.TimeField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "pattern": r"^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$", "example": "09:00:00"}


class URLFieldExtension(OpenApiSerializerFieldExtension):
    """A URL, or empty where the field may be blank (``format: uri`` alone would refuse "")."""

    target_class = "rest_framework.fields.URLField"

    def map_serializer_field(self, auto_schema, direction):
        uri = {"type": "string", "format": "uri"}
        if getattr(self.target, "allow_blank", False):
            return {"anyOf": [uri, {"type": "string", "maxLength": 0}]}
        return uri


ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Every error of the API. `fields` maps a field (dotted for nested data, e.g. `scoring_rules.base`) or a "
        "query parameter to its messages. Some errors add keys: `retry_after` (429), `used_by` (409 in_use), "
        "`alternatives` (409 slot_taken), `existing_id` (409 duplicate), `next_allowed_at` and `call_id` (409 call "
        "refused by the compliance gate)."
    ),
    "properties": {
        "code": {"type": "string", "description": "Machine-readable, e.g. invalid, not_found, token_expired."},
        "message": {"type": "string", "description": "A sentence a person can read."},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["code", "message"],
    "additionalProperties": True,
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a field map in `fields` (also unknown query parameters and malformed JSON).",
    "401": "Not signed in, or the token expired (`token_expired`) or is not valid (`token_invalid`).",
    "403": "Your role may not do this, or you are not a member of the tenant.",
    "404": "No such row in your tenant (or page).",
    "409": "Conflicts with the current state (`code` says how).",
    "413": "The request body is too large.",
    "414": "The query string is too long.",
    "415": "Send JSON (or multipart for uploads).",
    "422": "This Idempotency-Key was used for another request.",
    "429": "Too many requests: retry after `retry_after` seconds.",
    "500": "Our fault; it has been logged.",
}
WRITES = {"post", "put", "patch", "delete"}


def _error_codes(method: str, operation: dict) -> list[str]:
    codes = ["400", "404", "414", "429", "500"]
    if operation.get("security") != [] or "security" not in operation:
        codes += ["401", "403"]
    if method in WRITES:
        codes.append("409")
    if "requestBody" in operation:
        codes += ["413", "415"]
    if method == "post":
        codes.append("422")
    return codes


def document_errors(result, generator, request, public):
    """A drf-spectacular postprocessing hook: every operation documents the errors it may answer, all
    with the one ``Error`` shape, so typed clients and fuzzers know every status and its body."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            for code in _error_codes(method, operation):
                documented = responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
                documented["content"] = error_content
    return result


def example_ids(result, generator, request, public):
    """A drf-spectacular postprocessing hook: integer ids in paths get ``example: 1`` (what the docs' "try it"
    and the fuzzer's examples phase start from)."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("type") == "integer":
                    parameter.setdefault("example", 1)
    return result
