"""The path `make run` takes, on SQLite: migrate, seed_demo, start, and the main pages answer.

It runs the real commands in a fresh VAR_DIR with no DATABASE_URL or REDIS_URL,
so it checks the embedded defaults even when the suite itself runs on PostgreSQL.
"""

import os
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
    env.update({"VAR_DIR": str(tmp_path / "var"), "DEBUG": "1", "SECRET_KEY": ""})
    return env


def test_make_run_path_on_sqlite(embedded_env):
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=embedded_env, check=True, capture_output=True)
    seeded = subprocess.run([*manage, "seed_demo"], env=embedded_env, check=True, capture_output=True, text=True)
    assert "owner@iron-temple.test" in seeded.stdout
    again = subprocess.run([*manage, "seed_demo"], env=embedded_env, check=True, capture_output=True, text=True)
    assert again.returncode == 0  # idempotent

    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=embedded_env,
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
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_seed_demo_refuses_without_debug(embedded_env):
    embedded_env.update({"DEBUG": "0", "SECRET_KEY": "x" * 50})
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
