"""The path `make run` takes, on SQLite: migrate, seed_demo, start, and the main pages answer.

It runs the real commands in a fresh VAR_DIR with no DATABASE_URL or REDIS_URL,
so it checks the embedded defaults even when the suite itself runs on PostgreSQL.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def embedded_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update({"VAR_DIR": str(tmp_path / "var"), "DEBUG": "1", "SECRET_KEY": "", "STATIC_ROOT": str(tmp_path / "st")})
    return env


def test_make_run_path_on_sqlite(embedded_env):
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=embedded_env, check=True, capture_output=True)
    seeded = subprocess.run([*manage, "seed_demo"], env=embedded_env, check=True, capture_output=True, text=True)
    assert "owner@iron-temple.test" in seeded.stdout
    again = subprocess.run([*manage, "seed_demo"], env=embedded_env, check=True, capture_output=True, text=True)
    assert again.returncode == 0  # idempotent

    hashed = {**embedded_env, "STATIC_HASHED": "1"}  # as the Makefile's run target
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=hashed, check=True, capture_output=True)

    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=hashed,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(f"{base}/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        statuses = {path: _get(base + path) for path in ("/healthz", "/readyz", "/admin/login/", "/api/docs/")}
        assert statuses == {"/healthz": 200, "/readyz": 200, "/admin/login/": 200, "/api/docs/": 200}
        _static_files_are_kept_for_a_year(base)
        _the_simulated_recording_is_audio(base)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _static_files_are_kept_for_a_year(base):
    """Issue 19 finding 14: every static file a page links is named by its content and cached for a year,
    so a second page asks for none of them; the favicon is one of them."""
    with urllib.request.urlopen(f"{base}/admin/login/", timeout=5) as response:
        page = response.read().decode()
    linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert any("favicon" in url for url in linked)
    assert len(linked) > 5
    for url in linked:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", url), f"{url} is not named by its content"
        with urllib.request.urlopen(base + url, timeout=5) as response:
            assert "immutable" in response.headers["Cache-Control"], url
            assert "max-age=315360000" in response.headers["Cache-Control"], url


STRONG_KEY = "a-strong-production-key-with-enough-characters-0123456789"


def test_seed_demo_refuses_without_debug(embedded_env):
    embedded_env.update({"DEBUG": "0", "SECRET_KEY": STRONG_KEY})
    manage = [sys.executable, str(ROOT / "manage.py")]
    refused = subprocess.run([*manage, "seed_demo"], env=embedded_env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "--force" in refused.stderr


def test_production_settings_demand_a_secret_key(embedded_env):
    embedded_env.update({"DEBUG": "0", "SECRET_KEY": ""})
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"], env=embedded_env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "change,message",
    [
        ({"SECRET_KEY": "short-key"}, "at least 50 random characters"),
        ({"SECRET_KEY": "x" * 60}, "at least 50 random characters"),
        ({"FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS and SUPPRESSION_KEY must be set"),
        ({"SUPPRESSION_KEY": ""}, "FIELD_ENCRYPTION_KEYS and SUPPRESSION_KEY must be set"),
    ],
)
def test_production_settings_refuse_weak_or_missing_keys(embedded_env, change, message):
    embedded_env.update(
        {"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "FIELD_ENCRYPTION_KEYS": "k", "SUPPRESSION_KEY": "s", **change}
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"], env=embedded_env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_production_defaults_pass_the_deploy_check_with_secure_cookies_hsts_and_a_csp(embedded_env):
    """Secure cookies, HSTS and the CSP need no switch. The two left to the operator on purpose, the HTTPS
    redirect (it needs the proxy's X-Forwarded-Proto) and HSTS preloading (a commitment browsers keep for
    months), are on in docs/operations.md's production environment: with them, `check --deploy` is silent."""
    embedded_env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": STRONG_KEY,
            "FIELD_ENCRYPTION_KEYS": "0Fo5hGL0nx1Qm1YUe4dZbUKY2h8sHyPR2uWz3KiiiWU=",
            "SUPPRESSION_KEY": "s",
            "ALLOWED_HOSTS": "crm.example.com",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_PRELOAD": "1",
        }
    )
    for name in ("SECURE_COOKIES", "SECURE_HSTS_SECONDS", "CONTENT_SECURITY_POLICY", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        embedded_env.pop(name, None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=embedded_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, bool(s.CONTENT_SECURITY_POLICY))"
    )
    shown = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code], env=embedded_env, capture_output=True, text=True
    )
    assert shown.stdout.strip().splitlines()[-1].split() == ["True", "True", "31536000", "True"], shown.stderr


def test_make_run_addresses_recordings_and_webhooks_on_its_own_port(embedded_env):
    """Issue 19: on another port recordings did not play. Every process `make run` starts (web, worker,
    beat; honcho gives each its own PORT) gets the web's address, and settings follow PORT otherwise."""
    embedded_env = {k: v for k, v in embedded_env.items() if k != "PUBLIC_BASE_URL"}
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8765"], cwd=ROOT, env=embedded_env, capture_output=True, text=True, check=True
    )
    (start,) = [line for line in dry.stdout.splitlines() if "honcho start" in line]
    assert "PUBLIC_BASE_URL=http://localhost:8765 " in start
    probe = "from django.conf import settings; print(settings.PUBLIC_BASE_URL)"
    shown = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        cwd=ROOT,
        env={**embedded_env, "PORT": "8765", "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "http://localhost:8765"


def _the_simulated_recording_is_audio(base):
    """The README walk: the call page's player showed 0:00, the recording was sent as a download."""
    from voice.simulation import RECORDING_PATH

    with urllib.request.urlopen(f"{base}{RECORDING_PATH}?call=sim_1", timeout=5) as response:
        assert response.headers["Content-Type"] == "audio/wav"
        assert response.read(4) == b"RIFF"
