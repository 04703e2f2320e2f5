"""A local stand-in for Retell's API, for bench/faults.py: it answers create-call as it is told (``ok``,
``500``, ``429``, ``hang``) and, for a call it takes, sends the signed webhooks Retell would (started, then
ended) to the product. It counts create requests per call of ours, so a double dial shows."""

import json
import threading
import time
from collections import Counter
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeRetell:
    def __init__(self, sign):
        self.mode = "ok"
        self.requests: Counter = Counter()  # our call id -> create requests
        self.taken: Counter = Counter()  # our call id -> calls placed
        self._sign = sign
        self._webhook = None
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                call_id = (body.get("metadata") or {}).get("crm_call_id", "")
                with fake._lock:
                    fake.requests[call_id] += 1
                mode = fake.mode
                if mode == "hang":
                    time.sleep(15)  # past the client's read timeout: it may or may not have been placed
                    return
                if mode in ("500", "429"):
                    self._answer(int(mode), {"message": f"fake provider answering {mode}"})
                    return
                with fake._lock:
                    fake.taken[call_id] += 1
                provider_id = f"fake_{call_id}_{fake.taken[call_id]}"
                self._answer(201, {"call_id": provider_id})
                threading.Thread(target=fake._play, args=(provider_id, call_id), daemon=True).start()

            def _answer(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def deliver_to(self, port: int, path: str, api_key: str) -> None:
        """Where (and signed with which key) the webhooks of the calls it takes go."""
        self._webhook = (port, path, api_key)

    def _play(self, provider_id: str, call_id: str) -> None:
        time.sleep(0.5)
        self._post("call_started", {"call_id": provider_id, "call_status": "ongoing", "metadata": _ours(call_id)})
        time.sleep(1.5)
        ended = {
            "call_id": provider_id,
            "call_status": "ended",
            "disconnection_reason": "user_hangup",
            "duration_ms": 20000,
            "metadata": _ours(call_id),
            "transcript_object": [{"role": "agent", "content": "Hi, this is an automated assistant."}],
        }
        self._post("call_ended", ended)
        time.sleep(0.5)  # then its analysis, as Retell sends it (the call's effects wait for it)
        self._post("call_analyzed", {**ended, "call_analysis": {"call_summary": "A short test call."}})

    def _post(self, event: str, call: dict) -> None:
        port, path, api_key = self._webhook
        body = json.dumps({"event": event, "call": call}).encode()
        headers = {"Content-Type": "application/json", "X-Retell-Signature": self._sign(body, api_key)}
        for _ in range(30):  # a provider retries a webhook that failed, for a while
            try:
                conn = HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("POST", path, body, headers)
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(2)

    def double_dials(self) -> int:
        return sum(1 for count in self.taken.values() if count > 1)

    def close(self):
        self.server.shutdown()


def _ours(call_id: str) -> dict:
    return {"crm_call_id": call_id}
