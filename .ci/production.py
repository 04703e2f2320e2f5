"""Run the product as production runs it, then drive it over HTTP.

As docs/operations.md says: installed from requirements.txt alone in its own
virtualenv, DEBUG off, the documented production settings, PostgreSQL, Redis,
static files collected and served by WhiteNoise, gunicorn with several workers,
a Celery worker and beat. Then, from the development virtualenv:

1. ``manage.py check --deploy`` must be clean;
2. the HTTP smoke tests (tests/production/) run against the live server;
3. Schemathesis fuzzes every API operation as a tenant owner and must find nothing.

    .venv/bin/python .ci/production.py [--fuzz-examples N] [--no-fuzz] [--keep-running]

Needs PostgreSQL (``DATABASE_URL``'s server; a database ``voicecrm_production`` is made
afresh) and Redis (``REDIS_URL``; database 15 is used and flushed).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PROD_VENV = ROOT / "var" / "ci" / "prod-venv"
DEV_BIN = ROOT / ".venv" / "bin"
DEMO_PASSWORD = "demo-pass-123"


def log(message: str) -> None:
    print(f"\n== production: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/voicecrm"
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/voicecrm_production"))


def redis_url() -> str:
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return base.rsplit("/", 1)[0] + "/15"


def production_env(static_root: Path) -> dict:
    """The documented production settings (docs/operations.md), behind a TLS-terminating proxy."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "VIRTUAL_ENV", "REQUIRE_", "TEST_CLOCK"))
    }
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "ci-production-secret-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1,https://localhost",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url(),
            "EMAIL_URL": "consolemail://",
            "FIELD_ENCRYPTION_KEYS": "x3FyqjCDe2B0tEvl2RdiM7y6PBP_n-hT8mmhNMl7Q1o=",
            "SUPPRESSION_KEY": "ci-production-suppression-key",
            "SECURE_COOKIES": "1",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_PRELOAD": "1",
            "USE_X_FORWARDED_PROTO": "1",
            "CORS_ALLOWED_ORIGINS": "https://app.example.com",
            "JWT_ACCESS_MINUTES": "60",  # one token lasts the whole fuzzing run
            # The fuzzer is one user sending thousands of requests a minute; sign-ins keep the production limit.
            "API_THROTTLE_USER": "1000000/minute",
            "STATIC_ROOT": str(static_root),
            "STATIC_HASHED": "1",
            "VAR_DIR": str(ROOT / "var" / "ci" / "production"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = f"{PROD_VENV / 'bin'}:{env.get('PATH', '')}"
    return env


def run(cmd, env, **kwargs):
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def install_production_venv() -> None:
    """A virtualenv with requirements.txt and nothing else: what a production image holds."""
    stamp = PROD_VENV / ".requirements"
    wanted = (ROOT / "requirements.txt").read_text()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    log("installing requirements.txt alone into its own virtualenv")
    shutil.rmtree(PROD_VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(PROD_VENV)], check=True)
    pip = [str(PROD_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
    installed = subprocess.run([*pip, "-r", str(ROOT / "requirements.txt")], capture_output=True, text=True)
    if installed.returncode != 0:
        print(installed.stdout, installed.stderr, file=sys.stderr)
        raise RuntimeError("installing requirements.txt failed")
    stamp.write_text(wanted)


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    for statement in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", statement], check=True)


def wait_until_ready(base_url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/readyz", timeout=3) as response:
                if response.status == 200:
                    return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.3)
    raise RuntimeError(f"{base_url} did not become ready: {last}")


class Processes:
    """The product's processes; all stopped on exit, whatever happened."""

    def __init__(self, env):
        self.env = env
        self.children: list[subprocess.Popen] = []
        self.logs = ROOT / "var" / "ci" / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, cmd: list[str]) -> subprocess.Popen:
        out = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 (kept open for the child's life)
        child = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.children.append(child)
        return child

    def stop(self) -> None:
        for child in self.children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)

    def assert_alive(self) -> None:
        """A worker or beat that died (a missing package, a bad setting) fails the run."""
        dead = [" ".join(child.args[:2]) for child in self.children if child.poll() is not None]
        if dead:
            raise RuntimeError(f"processes died: {dead}")

    def print_logs(self) -> None:
        for path in sorted(self.logs.glob("*.log")):
            text = path.read_text(errors="replace")
            if text.strip():
                print(f"\n---- {path.name} (last 60 lines) ----\n" + "\n".join(text.splitlines()[-60:]))


def gunicorn(processes: Processes, name: str, port: int, workers: int) -> None:
    bin_dir = PROD_VENV / "bin"
    processes.start(
        name,
        [str(bin_dir / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
    )


def owner_token(base_url: str) -> str:
    body = json.dumps({"username": "owner@iron-temple.test", "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(
        base_url + "/api/v1/auth/login/",
        data=body,
        headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["access"]


# The operations fuzzed by the first of two Schemathesis processes (about half of them); the second takes the rest.
FIRST_HALF = r"^/api/v1/(analytics|appointments|auth|branches|calls|campaigns)/"


def fuzz(base_url: str, token: str, examples: int, report_dir: Path) -> None:
    """Schemathesis over every operation, in two processes (half the operations each) so both cores work.
    One worker each: Hypothesis parses lambdas' source with ``ast`` while it runs, and CPython 3.11's parser
    is not thread-safe ("AST constructor recursion depth mismatch" under load, seen in CI); processes share
    nothing."""
    shutil.rmtree(report_dir, ignore_errors=True)
    common = [
        str(DEV_BIN / "schemathesis"),
        "run",
        f"{base_url}/api/schema/",
        "--checks",
        "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        "--max-examples",
        str(examples),
        "--seed",
        os.environ.get("FUZZ_SEED", "20261201"),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "-H",
        f"Authorization: Bearer {token}",
        "-H",
        "X-Forwarded-Proto: https",
        "-H",
        "X-Tenant: iron-temple",
    ]
    halves = {"first": ["--include-path-regex", FIRST_HALF], "second": ["--exclude-path-regex", FIRST_HALF]}
    log(f"schemathesis over every operation ({examples} examples each), in two processes")
    running = {}
    for name, selection in halves.items():
        output = open(report_dir.parent / f"schemathesis-{name}.log", "w")  # noqa: SIM115 (closed below)
        command = [*common, *selection, "--report-dir", str(report_dir / name)]
        running[name] = (subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT), output)
    failed = []
    for name, (process, output) in running.items():
        if process.wait() != 0:
            failed.append(name)
        output.close()
        print(f"\n-- schemathesis, {name} half of the operations --", flush=True)
        print(Path(output.name).read_text(), flush=True)
    if failed:
        raise RuntimeError(f"schemathesis found problems ({', '.join(failed)} half)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fuzz-examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "25")))
    parser.add_argument("--no-fuzz", action="store_true")
    parser.add_argument("--keep-running", action="store_true", help="leave the server up (Ctrl-C to stop)")
    args = parser.parse_args()

    install_production_venv()
    static_root = ROOT / "var" / "ci" / "static"
    env = production_env(static_root)
    python = str(PROD_VENV / "bin" / "python")

    log("manage.py check --deploy")
    run([python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    log("fresh database, migrate, collectstatic, demo data")
    recreate_database(env["DATABASE_URL"])
    subprocess.run(["redis-cli", "-u", env["REDIS_URL"], "FLUSHDB"], check=True, stdout=subprocess.DEVNULL)
    run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    run([python, "manage.py", "seed_demo", "--force"], env, stdout=subprocess.DEVNULL)

    processes = Processes(env)
    port, fresh_port = free_port(), free_port()
    base_url, fresh_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{fresh_port}"
    try:
        gunicorn(processes, "web", port, workers=4)
        # One worker that has served nothing yet: the smoke test makes an admin page its first request.
        gunicorn(processes, "web-fresh", fresh_port, workers=1)
        bin_dir = PROD_VENV / "bin"
        celery = [str(bin_dir / "celery"), "-A", "config"]
        quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat"]  # as docs/operations.md runs it
        processes.start("worker", [*celery, "worker", "--concurrency", "2", "-l", "INFO", *quiet])
        scheduler = "django_celery_beat.schedulers:DatabaseScheduler"
        processes.start("beat", [*celery, "beat", "-l", "INFO", "--pidfile=", "--scheduler", scheduler])
        wait_until_ready(base_url)
        wait_until_ready(fresh_url)
        fuzz_token = owner_token(base_url)  # before the smoke tests use up this address's logins

        log("HTTP smoke tests against the live server")
        smoke_env = {**os.environ, "PRODUCTION_URL": base_url, "PRODUCTION_FRESH_URL": fresh_url}
        smoke_env["PRODUCTION_DATABASE_URL"] = env["DATABASE_URL"]
        smoke_env["PRODUCTION_REDIS_URL"] = env["REDIS_URL"]
        subprocess.run(
            [str(DEV_BIN / "pytest"), "tests/production", "-p", "no:xdist", "-q", "-rs"],
            cwd=ROOT,
            env=smoke_env,
            check=True,
        )
        if not args.no_fuzz:
            fuzz(base_url, fuzz_token, args.fuzz_examples, ROOT / "var" / "ci" / "schemathesis")
        processes.assert_alive()
        if args.keep_running:
            log(f"serving at {base_url} (Ctrl-C to stop)")
            signal.pause()
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        processes.print_logs()
        print(f"\nproduction mode FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        processes.stop()
    log("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
