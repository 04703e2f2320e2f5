"""Vapi: ``POST /call``, and server-URL webhooks signed with an HMAC (``x-signature`` over
``"<x-timestamp>.<raw body>"``, SHA-256 hex) or, in simpler setups, a static ``X-Vapi-Secret``
(set ``provider_ids.signature = "secret"`` on the account). The SDK has no verifier: this follows the
documented formula and is tested against it.

The provider facts this relies on: docs/providers.md#vapi.
"""

from urllib.parse import quote

from .base import CallRequest, EventKind, InvalidSignature, NormalizedEvent, StartedCall, Turn, VoiceClient
from .common import (
    as_decimal,
    call_metadata,
    check_age,
    from_iso,
    hmac_hex,
    our_call_id,
    require_equal,
    sentiment,
    strings,
)
from .http import JsonHttp

ENDED_REASONS = {
    "customer-ended-call": "answered",
    "assistant-ended-call": "answered",
    "assistant-said-end-call-phrase": "answered",
    "exceeded-max-duration": "answered",
    "silence-timed-out": "answered",
    "customer-busy": "busy",
    "customer-did-not-answer": "no_answer",
    "customer-did-not-give-microphone-permission": "failed",
    "voicemail": "voicemail",
    "assistant-forwarded-call": "escalated",
}
STATUSES = {
    "queued": "dialing",
    "ringing": "ringing",
    "in-progress": "in_progress",
    "forwarding": "in_progress",
    "ended": "ended",
}


def outcome_for(reason: str) -> str:
    if reason in ENDED_REASONS:
        return ENDED_REASONS[reason]
    return "failed" if ("error" in reason or "failed" in reason) else ("answered" if reason else "")


class VapiClient(VoiceClient):
    provider = "vapi"
    default_base_url = "https://api.vapi.ai"

    def _http(self) -> JsonHttp:
        return JsonHttp(self.base_url, {"Authorization": f"Bearer {self.account.api_key}"})

    def start_call(self, request: CallRequest) -> StartedCall:
        body = {
            "assistantId": request.provider_agent_id,
            "phoneNumberId": (self.account.provider_ids or {}).get("phone_number_id", ""),
            "customer": {"number": request.to_number, "name": request.lead_name},
            "assistantOverrides": {
                "variableValues": strings(request.variables),
                "metadata": call_metadata(request),
                "firstMessage": request.opening_line,
            },
        }
        answer = self._http().request("POST", "/call", body)
        return StartedCall(str(answer["id"]), answer)

    def verify_webhook(self, body: bytes, headers) -> None:
        secret = self.account.webhook_secret
        if (self.account.provider_ids or {}).get("signature") == "secret":
            require_equal(secret, headers.get("X-Vapi-Secret", ""))
            return
        timestamp, signature = headers.get("x-timestamp", ""), headers.get("x-signature", "")
        if not timestamp.isdigit() or not signature:
            raise InvalidSignature("Missing x-timestamp or x-signature.")
        seconds = int(timestamp) / 1000 if len(timestamp) > 11 else int(timestamp)
        check_age(seconds, max_age=300)
        require_equal(hmac_hex(secret, f"{timestamp}.".encode() + body), signature)

    def parse_webhook(self, payload: dict, headers) -> list[NormalizedEvent]:
        message = payload.get("message") or {}
        kind_name = message.get("type", "")
        call = message.get("call") or {}
        if not call.get("id") or kind_name not in ("status-update", "end-of-call-report"):
            return []
        overrides = call.get("assistantOverrides") or {}
        call_id = our_call_id(call.get("metadata"), overrides.get("metadata"), overrides.get("variableValues"))
        if kind_name == "status-update":
            status = message.get("status", "")
            if status not in STATUSES:
                return []
            return [
                NormalizedEvent(
                    provider=self.provider,
                    provider_call_id=str(call["id"]),
                    event_type=f"status-update:{status}",
                    kind=EventKind.STARTED if status == "in-progress" else EventKind.PROGRESS,
                    call_id=call_id,
                    status=STATUSES[status],
                    raw=payload,
                )
            ]
        reason = message.get("endedReason") or ""
        artifact = message.get("artifact") or {}
        analysis = message.get("analysis") or {}
        started, ended = from_iso(message.get("startedAt")), from_iso(message.get("endedAt"))
        structured = analysis.get("structuredData") or {}
        return [
            NormalizedEvent(
                provider=self.provider,
                provider_call_id=str(call["id"]),
                event_type="end-of-call-report",
                kind=EventKind.ENDED,
                call_id=call_id,
                status="failed" if outcome_for(reason) == "failed" else "ended",
                outcome=outcome_for(reason),
                disconnection_reason=reason,
                started_at=started,
                ended_at=ended,
                duration_seconds=round((ended - started).total_seconds()) if started and ended else None,
                transcript=[
                    Turn(
                        "user" if m.get("role") == "user" else "agent",
                        m.get("message") or "",
                        m.get("secondsFromStart") or 0,
                    )
                    for m in artifact.get("messages") or []
                    if m.get("role") in ("user", "bot", "assistant") and m.get("message")
                ],
                recording_url=artifact.get("recordingUrl") or "",
                summary=analysis.get("summary") or "",
                sentiment=sentiment(structured.get("sentiment")),
                collected_data=structured if isinstance(structured, dict) else {},
                cost=as_decimal(message.get("cost")),
                raw=payload,
            )
        ]

    def fetch_call(self, provider_call_id: str) -> list[NormalizedEvent]:
        """``GET /call/{id}``: an ended call read as its end-of-call report (the report's fields are the call's
        own), a live one as its status update."""
        call = self._http().request("GET", f"/call/{quote(provider_call_id, safe='')}", retries=0)
        status = call.get("status", "") if isinstance(call, dict) else ""
        if status == "ended":
            fields = ("endedReason", "artifact", "analysis", "startedAt", "endedAt", "cost")
            message = {"type": "end-of-call-report", "call": call, **{name: call.get(name) for name in fields}}
        elif status in STATUSES:
            message = {"type": "status-update", "status": status, "call": call}
        else:
            return []
        return self.parse_webhook({"message": message}, {})

    def test_connection(self) -> str:
        answer = self._http().request("GET", "/assistant?limit=1", retries=0)
        return f"Connected: {len(answer) if isinstance(answer, list) else 0} assistant(s) visible."
