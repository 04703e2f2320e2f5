"""Shared parts of the benchmarks: a scratch PostgreSQL database, Django set up on it, gunicorn, a load generator.

Every benchmark prints one JSON line. They run on PostgreSQL (``BENCH_DATABASE_URL``,
else ``DATABASE_URL`` with ``_bench`` appended to the database name, else the
local server); the scratch database is dropped and created afresh each run.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "API_THROTTLE_USER": "10000000/minute",
    "API_THROTTLE_ANON": "10000000/minute",
    "API_THROTTLE_LOGIN": "10000000/minute",
    "AXES_ENABLED": "false",
    "LOG_LEVEL": "WARNING",
    # Static files are not collected for benchmarks; WhiteNoise would warn on every start.
    "PYTHONWARNINGS": "ignore:No directory at",
}


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(base)
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))
    return "postgres://postgres@127.0.0.1:5432/voicecrm_bench"


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(fresh: bool = True) -> str:
    """Point Django at the scratch database (recreated when ``fresh``), migrate it, return its URL."""
    url = bench_database_url()
    if fresh:
        recreate_database(url)
    os.environ.update(BENCH_ENV)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """The real WSGI server, on the scratch database, in a child process."""

    def __init__(self, workers: int = 2, extra_env: dict | None = None):
        self.port = free_port()
        env = {**os.environ, **BENCH_ENV, **(extra_env or {})}
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        self._wait()

    def _wait(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=15)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _load_worker(args):
    port, method, path, headers, bodies, seconds = args
    latencies, errors, statuses = [], 0, {}
    conn = HTTPConnection("127.0.0.1", port, timeout=10)
    deadline = time.monotonic() + seconds
    index = 0
    while time.monotonic() < deadline:
        body = bodies[index % len(bodies)] if bodies else None
        index += 1
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - start)
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.will_close:
                conn.close()
                conn = HTTPConnection("127.0.0.1", port, timeout=10)
        except OSError:
            errors += 1
            conn.close()
            conn = HTTPConnection("127.0.0.1", port, timeout=10)
    conn.close()
    return latencies, errors, statuses


def load(port, path, *, method="GET", headers=None, bodies=None, seconds=5.0, concurrency=4) -> dict:
    """Hit ``path`` from ``concurrency`` processes for ``seconds``; each process cycles through ``bodies``."""
    shards = [bodies[i::concurrency] for i in range(concurrency)] if bodies else [None] * concurrency
    with ProcessPoolExecutor(max_workers=concurrency) as pool:
        results = list(
            pool.map(_load_worker, [(port, method, path, headers or {}, shard, seconds) for shard in shards])
        )
    latencies = sorted(x for r in results for x in r[0])
    statuses: dict = {}
    for r in results:
        for code, count in r[2].items():
            statuses[code] = statuses.get(code, 0) + count
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2) if latencies else None,
        "errors": sum(r[1] for r in results),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def emit(figures: dict) -> None:
    print(json.dumps(figures, sort_keys=False))
