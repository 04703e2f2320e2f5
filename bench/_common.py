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
    "FIELD_ENCRYPTION_KEYS": "Qm9vc3RlZC1iZW5jaC1vbmx5LWtleS0zMi1ieXRlcyE=",
    "SUPPRESSION_KEY": "bench-only-suppression-key",
    "SECURE_COOKIES": "false",  # plain HTTP on this machine
    "OUTBOUND_ALLOWED_HOSTS": "127.0.0.1",  # the stand-in provider (bench/_fake_provider.py)
    "API_THROTTLE_USER": "10000000/minute",
    "API_THROTTLE_ANON": "10000000/minute",
    "API_THROTTLE_LOGIN": "10000000/minute",
    "API_THROTTLE_LOGIN_NAME": "10000000/minute",
    "AXES_ENABLED": "false",
    "LOG_LEVEL": "WARNING",
    "GUNICORN_ACCESS_LOG": "",
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


def _request_bytes(method: str, path: str, headers: dict, body: bytes | None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def _status_of(response: bytes) -> int:
    return int(response[9:12]) if response.startswith(b"HTTP/1.") else 0


def _load_worker(args):
    """One load process: raw sockets and requests encoded in advance, so the client costs little CPU
    next to the server it measures (on this 2-core machine they share the cores)."""
    port, requests_, seconds = args
    latencies, errors, statuses = [], 0, {}
    deadline = time.monotonic() + seconds
    index = 0
    while time.monotonic() < deadline:
        payload = requests_[index % len(requests_)]
        index += 1
        start = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(payload)
                chunks = []
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            response = b"".join(chunks)
            latencies.append(time.perf_counter() - start)
            status = _status_of(response)
            statuses[status] = statuses.get(status, 0) + 1
        except OSError:
            errors += 1
    return latencies, errors, statuses


def load(port, path, *, method="GET", headers=None, bodies=None, seconds=5.0, concurrency=4) -> dict:
    """Hit ``path`` from ``concurrency`` processes for ``seconds``; each process cycles through its share of
    ``bodies``: ``(body, extra headers)`` pairs."""
    headers = headers or {}
    encoded = (
        [_request_bytes(method, path, {**headers, **extra}, body) for body, extra in bodies]
        if bodies
        else [_request_bytes(method, path, headers, None)]
    )
    shards = [encoded[i::concurrency] or encoded for i in range(concurrency)]
    with ProcessPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(_load_worker, [(port, shard, seconds) for shard in shards]))
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


def median_ms(fn, runs: int, *, warm: bool = True) -> float:
    """The median time of ``runs`` calls of ``fn`` in milliseconds (after one untimed call when ``warm``)."""
    if warm:
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)
