"""One URL rule, walked over every API route: each answers with and without its trailing slash, the same
way, with no redirect that would drop a body; OPTIONS works everywhere."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db


def _api_patterns(patterns=None, prefix=""):
    if patterns is None:
        api = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and "api/v1" in str(p.pattern))
        yield from _api_patterns(api.url_patterns, "/api/v1/")
        return
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(regex: str) -> str:
    """``^leads/(?P<pk>[^/.]+)/stage/?$`` -> ``leads/1/stage`` (no trailing slash)."""
    path = regex.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", path)
    path = path.replace("\\.(?P<format>[a-z0-9]+)/?", "")
    return path.replace("/?", "").replace("\\", "").rstrip("/")


PATHS = sorted({_concrete(p) for p in _api_patterns() if "format" not in p})


def test_the_walk_finds_the_api():
    assert len(PATHS) > 60
    assert "/api/v1/auth/login" in PATHS and "/api/v1/leads/1/stage" in PATHS


@pytest.mark.parametrize("path", PATHS)
def test_every_route_answers_with_and_without_its_slash_and_to_options(owner, path):
    without, with_slash = owner.get(path), owner.get(path + "/")
    assert without.status_code == with_slash.status_code, (path, without.status_code, with_slash.status_code)
    assert without.status_code not in (301, 302, 308), path
    options = owner.options(path + "/")
    assert options.status_code in (200, 404), (path, options.status_code, options.content[:200])
    assert options["Content-Type"].startswith("application/json")


def test_a_post_without_its_slash_keeps_its_body(owner):
    response = owner.post("/api/v1/tags", {"name": "no-slash"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "no-slash"
    login = owner.post("/api/v1/auth/login/", {"username": "alice", "password": "pw-123-secret"}, format="json")
    assert login.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/leads.json", "/api/v1/appointments/.exe/", "/api/v1/voice/accounts/.exe"])
def test_there_are_no_format_suffixes(owner, path):
    response = owner.delete(path)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
