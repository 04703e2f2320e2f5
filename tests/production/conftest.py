"""The production-mode smoke tests: they drive a live server over HTTP.

``.ci/production.py`` starts the product as production runs it (gunicorn, DEBUG
off, PostgreSQL, Redis, a worker and beat) and runs this folder with
``PRODUCTION_URL`` (four workers) and ``PRODUCTION_FRESH_URL`` (one worker that
has served nothing yet). Without them every test here is skipped: they never
run against the test client.

The client behaves like the TLS-terminating proxy in front of production: it
sends ``X-Forwarded-Proto: https`` and keeps the secure cookies the product sets.
"""

import os
import re

import pytest
import requests

DEMO_PASSWORD = "demo-pass-123"
GYM_OWNER = "owner@iron-temple.test"
DEALER_OWNER = "owner@northside-motors.test"
GYM_AGENT = "agent@iron-temple.test"
PLATFORM = "admin@platform.test"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PRODUCTION_URL"):
        return
    skip = pytest.mark.skip(reason="runs against the production-mode server only (.ci/production.py)")
    for item in items:
        if "tests/production/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


class Live:
    """A client of one live server, as a browser or app behind the proxy would be."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["X-Forwarded-Proto"] = "https"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        response = self.session.request(method, self.base_url + path, **kwargs)
        for cookie in self.session.cookies:
            cookie.secure = False  # the proxy speaks HTTPS to the browser: secure cookies travel
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def api_login(self, username: str) -> dict:
        response = self.post("/api/v1/auth/login/", json={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
        body = response.json()
        self.session.headers["Authorization"] = f"Bearer {body['access']}"
        return body

    def admin_login(self, username: str) -> None:
        page = self.get("/admin/login/")
        assert page.status_code == 200, page.status_code
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.post(
            "/admin/login/?next=/admin/",
            data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.base_url.replace("http://", "https://") + "/admin/login/"},
        )
        assert response.status_code == 302, (response.status_code, response.text[:500])
        assert "sessionid" in self.session.cookies


@pytest.fixture(scope="session")
def base_url():
    return os.environ["PRODUCTION_URL"]


@pytest.fixture(scope="session")
def fresh_url():
    return os.environ["PRODUCTION_FRESH_URL"]


@pytest.fixture
def live(base_url):
    return Live(base_url)


# Sign in once per person for the whole run: the login endpoint is rate-limited per address, as in production.
@pytest.fixture(scope="session")
def tokens():
    base_url = os.environ["PRODUCTION_URL"]
    return {who: Live(base_url).api_login(who)["access"] for who in (GYM_OWNER, DEALER_OWNER, GYM_AGENT, PLATFORM)}


def signed_in(base_url: str, token: str) -> Live:
    client = Live(base_url)
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture
def gym_owner(base_url, tokens):
    return signed_in(base_url, tokens[GYM_OWNER])


@pytest.fixture
def dealer_owner(base_url, tokens):
    return signed_in(base_url, tokens[DEALER_OWNER])
