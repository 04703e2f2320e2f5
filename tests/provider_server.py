"""A local stand-in for a provider's API: a real HTTP server that records every request and answers
from a script of responses, so clients are tested over real HTTP without leaving the machine."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class ProviderServer:
    def __init__(self):
        self.requests: list[dict] = []
        self.responses: list[tuple[int, dict, float, dict]] = []  # (status, body, delay seconds, headers)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                server.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "raw": raw,
                        "json": json.loads(raw) if raw and "json" in (self.headers.get("Content-Type") or "") else None,
                    }
                )
                status, body, delay, headers = server.responses.pop(0) if server.responses else (200, {}, 0, {})
                if delay:
                    time.sleep(delay)
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, status=200, body=None, delay=0.0, headers=None):
        self.responses.append((status, body or {}, delay, headers or {}))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def provider_server():
    server = ProviderServer()
    yield server
    server.close()


@pytest.fixture
def no_backoff_sleep(monkeypatch):
    from voice.clients import http

    monkeypatch.setattr(http, "BACKOFF_SECONDS", 0.01)
