"""Retell AI: create-phone-call, and webhooks signed ``X-Retell-Signature: v=<ms>,d=<hex>`` with the API key.

Signature: ``d = HMAC-SHA256(key=API key, message=raw_body + str(timestamp))``; timestamps more than five
minutes from now are refused (the same rule as the official SDK's ``verify``).

The provider facts this relies on: docs/providers.md#retell.
"""

import json
import re
import time
from urllib.parse import quote

from .base import CallRequest, EventKind, InvalidSignature, NormalizedEvent, StartedCall, Turn, VoiceClient
from .common import (
    as_decimal,
    call_metadata,
    from_epoch,
    hmac_hex,
    our_call_id,
    require_equal,
    sentiment,
    strings,
)
from .http import JsonHttp

SIGNATURE = re.compile(r"^v=(\d+),d=([0-9a-f]{64})$")
TOLERANCE_MS = 5 * 60 * 1000

OUTCOMES = {
    "user_hangup": "answered",
    "agent_hangup": "answered",
    "call_transfer": "escalated",
    "inactivity": "answered",
    "max_duration_reached": "answered",
    "voicemail_reached": "voicemail",
    "dial_busy": "busy",
    "dial_no_answer": "no_answer",
    "dial_failed": "failed",
    "invalid_destination": "wrong_number",
    "concurrency_limit_reached": "failed",
    "no_valid_payment": "failed",
    "scam_detected": "failed",
}
STATUS = {
    "registered": "dialing",
    "ongoing": "in_progress",
    "ended": "ended",
    "error": "failed",
    "not_connected": "failed",
}
KIND = {"call_started": EventKind.STARTED, "call_ended": EventKind.ENDED, "call_analyzed": EventKind.ANALYZED}


def sign(body: bytes, api_key: str, timestamp_ms: int | None = None) -> str:
    """The ``X-Retell-Signature`` header for a body (used by the simulator and by tests)."""
    timestamp_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    return f"v={timestamp_ms},d={hmac_hex(api_key, body + str(timestamp_ms).encode())}"


def outcome_for(reason: str) -> str:
    if reason.startswith("error"):
        return "failed"
    return OUTCOMES.get(reason, "answered" if reason else "")


class RetellClient(VoiceClient):
    provider = "retell"
    default_base_url = "https://api.retellai.com"

    def _http(self) -> JsonHttp:
        return JsonHttp(self.base_url, {"Authorization": f"Bearer {self.account.api_key}"})

    def start_call(self, request: CallRequest) -> StartedCall:
        body = {
            "from_number": request.from_number,
            "to_number": request.to_number,
            "retell_llm_dynamic_variables": strings(request.variables),
            "metadata": call_metadata(request),
        }
        if request.provider_agent_id:
            body["override_agent_id"] = request.provider_agent_id
        answer = self._http().request("POST", "/v2/create-phone-call", body)
        return StartedCall(str(answer["call_id"]), answer)

    def verify_webhook(self, body: bytes, headers) -> None:
        match = SIGNATURE.match(headers.get("X-Retell-Signature", "") or "")
        if not match:
            raise InvalidSignature("Missing or malformed X-Retell-Signature.")
        timestamp = int(match.group(1))
        if abs(time.time() * 1000 - timestamp) > TOLERANCE_MS:
            raise InvalidSignature("The signature's timestamp is more than five minutes away.")
        require_equal(hmac_hex(self.account.api_key, body + match.group(1).encode()), match.group(2))

    def parse_webhook(self, payload: dict, headers) -> list[NormalizedEvent]:
        event_type = payload.get("event", "")
        call = payload.get("call") or {}
        if not isinstance(call, dict) or not call.get("call_id") or event_type not in KIND:
            return []
        reason = call.get("disconnection_reason") or ""
        analysis = call.get("call_analysis") or {}
        collected = {**(call.get("collected_dynamic_variables") or {}), **(analysis.get("custom_analysis_data") or {})}
        turns = None
        if call.get("transcript_object"):
            turns = [
                Turn(
                    "agent" if item.get("role") == "agent" else "user",
                    item.get("content", ""),
                    (item.get("words") or [{}])[0].get("start", 0) or 0,
                )
                for item in call["transcript_object"]
            ]
        duration_ms = call.get("duration_ms")
        cost = (call.get("call_cost") or {}).get("combined_cost")
        kind = KIND[event_type]
        status = STATUS.get(call.get("call_status", ""), "")
        if kind == EventKind.STARTED:
            status = "in_progress"
        return [
            NormalizedEvent(
                provider=self.provider,
                provider_call_id=str(call["call_id"]),
                event_type=event_type,
                kind=kind,
                call_id=our_call_id(call.get("metadata"), call.get("retell_llm_dynamic_variables")),
                status=status,
                outcome=outcome_for(reason) if kind != EventKind.STARTED else "",
                disconnection_reason=reason,
                started_at=from_epoch(call.get("start_timestamp"), millis=True),
                ended_at=from_epoch(call.get("end_timestamp"), millis=True),
                duration_seconds=round(duration_ms / 1000) if isinstance(duration_ms, int | float) else None,
                transcript=turns,
                recording_url=call.get("recording_url") or "",
                summary=analysis.get("call_summary") or "",
                sentiment=sentiment(analysis.get("user_sentiment")),
                collected_data=collected,
                cost=as_decimal(cost / 100) if isinstance(cost, int | float) else None,  # Retell reports cents
                raw=payload,
                # A conversation's call_ended comes before its call_analyzed (what was agreed, the outcome).
                analysis_follows=kind == EventKind.ENDED and outcome_for(reason) == "answered" and not analysis,
            )
        ]

    def fetch_call(self, provider_call_id: str) -> list[NormalizedEvent]:
        """``GET /v2/get-call/{call_id}`` (the path of the official SDK's ``call.retrieve``): the same call
        object as the webhooks', read as the event its state amounts to."""
        answer = self._http().request("GET", f"/v2/get-call/{quote(provider_call_id, safe='')}", retries=0)
        status = answer.get("call_status", "") if isinstance(answer, dict) else ""
        if answer.get("call_analysis"):
            event = "call_analyzed"
        elif status in ("ended", "error", "not_connected"):
            event = "call_ended"
        elif status == "ongoing":
            event = "call_started"
        else:
            return []  # registered: nothing to report yet
        return self.parse_webhook({"event": event, "call": answer}, {})

    def test_connection(self) -> str:
        answer = self._http().request("GET", "/get-concurrency", retries=0)
        return (
            f"Connected: {answer.get('current_concurrency', 0)} of {answer.get('concurrency_limit', '?')} calls in use."
        )


def body_for(event: str, call: dict) -> bytes:
    return json.dumps({"event": event, "call": call}, separators=(",", ":")).encode()
