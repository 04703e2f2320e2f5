"""The OpenAPI document is a contract typed clients can trust: every operation documents the errors it may
answer, each with the one Error shape; structured JSON fields are documented as their declared shapes."""

import pytest
from drf_spectacular.generators import SchemaGenerator

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_documents_its_errors_with_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    count = 0
    for path, method, operation in _operations(schema):
        count += 1
        expected = {"400", "404", "414", "429", "500"} | ({"409"} if method != "get" else set())
        expected |= {"422"} if method == "post" else set()
        missing = expected - set(operation["responses"])
        assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"
        for code in expected:
            assert operation["responses"][code]["content"]["application/json"]["schema"] == error, (path, code)
    assert count > 150
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "message"}


def test_paths_are_written_with_their_slash(schema):
    assert all(path.endswith("/") for path in schema["paths"])


def test_shaped_json_fields_are_documented_as_their_shape(schema):
    settings = schema["components"]["schemas"]["PipelineSettings"]["properties"]
    assert settings["stage_labels"]["type"] == "object"
    assert settings["stage_labels"]["additionalProperties"] is False
    assert settings["scoring_rules"]["properties"]["base"] == {"type": "integer", "minimum": -100, "maximum": 100}


def test_blank_choices_and_urls_are_admitted_where_the_api_answers_them(schema):
    call = schema["components"]["schemas"]["CallDetail"]["properties"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in call["sentiment"]["oneOf"]
    assert {"type": "string", "maxLength": 0} in call["recording_url"]["anyOf"]
