"""The product as production runs it, driven over HTTP (see conftest.py)."""

import gzip
import json
import re
import time

import pytest
import requests

from .conftest import DEALER_OWNER, GYM_AGENT, GYM_OWNER, PLATFORM, Live, signed_in

# Every list of the API a tenant owner can read: walked on the fresh worker after a signed-in admin page.
LISTS = [
    "leads/",
    "calls/",
    "appointments/",
    "voice/scripts/",
    "voice/agents/",
    "voice/accounts/",
    "branches/",
    "campaigns/",
    "tags/",
    "knowledge/entries/",
    "users/",
]


def _error(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.headers["Content-Type"]
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"], body
    assert isinstance(body.get("message"), str) and body["message"], body
    return body


def test_a_fresh_workers_first_request_is_an_admin_page_of_one_tenant_then_another_tenant_is_served(
    base_url, fresh_url, tokens
):
    """Whatever a worker imports inside one tenant's request must not bind that tenant (issue: the URLconf,
    viewsets' querysets and serializers' related fields were imported in the first admin request's scope)."""
    gym_admin = Live(base_url)
    gym_admin.admin_login(GYM_OWNER)  # signed in on another worker: the fresh one has served nothing yet
    dealer = signed_in(fresh_url, tokens[DEALER_OWNER])

    gym_admin.base_url = fresh_url
    first = gym_admin.get("/admin/leads/lead/")
    assert first.status_code == 200, first.text[:500]

    for path in LISTS:
        response = dealer.get(f"/api/v1/{path}")
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    leads = dealer.get("/api/v1/leads/?page_size=5").json()["results"]
    assert leads, "the dealership's demo leads must be listed"
    assert dealer.post("/api/v1/tags/", json={"name": f"fresh-worker-{time.time_ns()}"}).status_code == 201
    assert gym_admin.get("/admin/appointments/appointment/").status_code == 200


def test_a_post_without_the_slash_keeps_its_body(gym_owner):
    name = f"no-slash-{time.time_ns()}"
    response = gym_owner.post("/api/v1/tags", json={"name": name})
    assert response.status_code == 201, response.text[:300]
    assert response.json()["name"] == name


def test_every_error_under_api_is_the_one_json_shape(live, gym_owner, tokens):
    # 400: malformed JSON, with the field map for invalid fields
    _error(gym_owner.post("/api/v1/leads/", data=b"{not json", headers={"Content-Type": "application/json"}), 400)
    invalid = _error(gym_owner.post("/api/v1/leads/", json={"phone": "not a phone"}), 400)
    assert "phone" in invalid["fields"]
    # 401: no token, and a tampered one
    assert _error(live.get("/api/v1/leads/"), 401)["code"] == "not_authenticated"
    assert _error(live.get("/api/v1/leads/", headers={"Authorization": "Bearer x.y.z"}), 401)["code"] == "token_invalid"
    # 403: an agent may not manage users
    agent = signed_in(live.base_url, tokens[GYM_AGENT])
    _error(agent.post("/api/v1/users/", json={"email": "new@example.test", "role": "viewer"}), 403)
    # 404: an unknown path and an unknown id
    _error(gym_owner.get("/api/v1/no-such-thing/"), 404)
    _error(gym_owner.get("/api/v1/leads/999999999/"), 404)
    # 405
    _error(gym_owner.request("PUT", "/api/v1/leads/"), 405)
    # 409: the same phone twice
    lead = {"first_name": "Dup", "phone": f"+1305555{time.time_ns() % 10000:04d}", "source": "walk_in"}
    assert gym_owner.post("/api/v1/leads/", json=lead).status_code == 201
    _error(gym_owner.post("/api/v1/leads/", json=lead), 409)
    # 413: a body over the limit, JSON or form
    big = b'{"notes": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    _error(gym_owner.post("/api/v1/leads/", data=big, headers={"Content-Type": "application/json"}), 413)
    form = {f"field{i}": "x" for i in range(1200)}
    assert gym_owner.post("/api/v1/leads/", data=form).status_code in (400, 413)
    _error(gym_owner.post("/api/v1/leads/", data=form), gym_owner.post("/api/v1/leads/", data=form).status_code)
    # 500: the platform's error probe (superusers only) raises on purpose
    platform = signed_in(live.base_url, tokens[PLATFORM])
    assert _error(platform.post("/api/v1/ops/error-probe/"), 500)["code"] == "server_error"
    _error(gym_owner.post("/api/v1/ops/error-probe/"), 403)


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/login/"])
def test_login_says_when_the_token_expires(live, path):
    response = live.post(path, json={"username": GYM_OWNER, "password": "demo-pass-123"})
    assert response.status_code == 200, response.text[:300]
    assert isinstance(response.json()["expires_in"], int) and response.json()["expires_in"] > 0


def test_json_is_gzipped_and_cors_answers_the_configured_origin(gym_owner):
    response = gym_owner.get("/api/v1/leads/?page_size=50", headers={"Accept-Encoding": "gzip"}, stream=True)
    assert response.headers.get("Content-Encoding") == "gzip"
    json.loads(gzip.decompress(response.raw.read()))
    preflight = gym_owner.request(
        "OPTIONS",
        "/api/v1/leads/",
        headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    stranger = gym_owner.request(
        "OPTIONS", "/api/v1/leads/", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in stranger.headers


def test_static_files_are_served_compressed_by_whitenoise_and_kept_for_a_year(live):
    page = live.get("/admin/login/").text
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
    assert stylesheets and all(re.search(r"\.[0-9a-f]{12}\.css$", url) for url in stylesheets), stylesheets
    response = live.get(stylesheets[0], headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == "gzip"
    cache_control = response.headers["Cache-Control"]  # "max-age=315360000, public, immutable"
    assert "max-age=315360000" in cache_control and "immutable" in cache_control


def test_production_security_headers(live):
    response = live.get("/admin/login/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Frame-Options"] == "DENY"
    insecure = Live(live.base_url)
    del insecure.session.headers["X-Forwarded-Proto"]
    assert insecure.get("/admin/login/").status_code == 301  # plain HTTP is sent to HTTPS
    assert insecure.get("/healthz").status_code == 200  # but load balancers may probe over HTTP


def test_work_goes_through_the_broker_to_the_worker(gym_owner):
    """Sending a task needs the broker's transport to import (it once needed a package only the dev
    requirements brought): an import is queued, and the worker must finish it."""
    phone = f"+1305556{time.time_ns() % 10000:04d}"
    csv = f"first_name,last_name,phone\nBroker,Check,{phone}\n".encode()
    response = gym_owner.post("/api/v1/leads/imports/", files={"file": ("smoke.csv", csv, "text/csv")})
    assert response.status_code == 202, response.text[:300]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = gym_owner.get(f"/api/v1/leads/imports/{response.json()['id']}/").json()
        if state["status"] not in ("pending", "running"):
            break
        time.sleep(0.5)
    assert state["status"] == "done", state
    assert gym_owner.get("/api/v1/leads/", params={"search": phone}).json()["count"] == 1


# Last: it uses up this address's logins for a minute.
def test_too_many_requests_is_a_json_429_with_retry_after(base_url):
    client = Live(base_url)
    statuses = []
    for attempt in range(30):
        response = client.post("/api/v1/auth/login/", json={"username": f"nobody{attempt}@x.test", "password": "no"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            body = _error(response, 429)
            assert body["code"] in ("throttled", "locked_out")
            assert int(response.headers["Retry-After"]) > 0
            return
    pytest.fail(f"no 429 after 30 failed logins: {statuses}")
