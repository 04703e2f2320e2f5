"""Bland AI: ``POST /v1/calls``, and one post-call webhook signed ``X-Webhook-Signature = hex(HMAC-SHA256(secret,
raw body))``. No timestamp in the scheme, so no replay window: idempotency (one CallEvent per call and type)
carries the weight.

The provider facts this relies on: docs/providers.md#bland.
"""

from urllib.parse import quote

from .base import (
    CallRequest,
    ErrorCategory,
    EventKind,
    InvalidSignature,
    NormalizedEvent,
    ProviderError,
    StartedCall,
    Turn,
    VoiceClient,
)
from .common import (
    as_decimal,
    call_metadata,
    from_iso,
    hmac_hex,
    our_call_id,
    require_equal,
    strings,
)
from .http import JsonHttp


class BlandClient(VoiceClient):
    provider = "bland"
    default_base_url = "https://api.bland.ai"

    def _http(self) -> JsonHttp:
        return JsonHttp(self.base_url, {"authorization": self.account.api_key})

    def start_call(self, request: CallRequest) -> StartedCall:
        body = {
            "phone_number": request.to_number,
            "from": request.from_number,
            "first_sentence": request.opening_line,
            "record": request.record,
            "max_duration": max(1, round(request.max_duration_seconds / 60)),
            "webhook": request.webhook_url,
            "metadata": call_metadata(request),
            "request_data": strings(request.variables),
        }
        if request.voice_id:
            body["voice"] = request.voice_id
        if request.provider_agent_id:
            body["pathway_id"] = request.provider_agent_id
        else:
            body["task"] = request.prompt
        answer = self._http().request("POST", "/v1/calls", body)
        if answer.get("status") != "success" or not answer.get("call_id"):
            raise ProviderError(ErrorCategory.INVALID_REQUEST, answer.get("message") or "Bland refused the call.")
        return StartedCall(str(answer["call_id"]), answer)

    def verify_webhook(self, body: bytes, headers) -> None:
        signature = headers.get("X-Webhook-Signature", "")
        if not signature:
            raise InvalidSignature("Missing X-Webhook-Signature.")
        require_equal(hmac_hex(self.account.webhook_secret, body), signature.lower())

    def parse_webhook(self, payload: dict, headers) -> list[NormalizedEvent]:
        if not payload.get("call_id"):
            return []
        answered_by = (payload.get("answered_by") or "").lower()
        status = (payload.get("status") or "").lower()
        if payload.get("error_message") or status in ("failed", "error"):
            outcome, ours = "failed", "failed"
        elif answered_by == "voicemail":
            outcome, ours = "voicemail", "ended"
        elif answered_by in ("no-answer", "no_answer") or status == "no-answer":
            outcome, ours = "no_answer", "ended"
        elif status == "busy":
            outcome, ours = "busy", "ended"
        else:
            outcome, ours = "answered", "ended"
        length = payload.get("call_length")
        return [
            NormalizedEvent(
                provider="bland",
                provider_call_id=str(payload["call_id"]),
                event_type="post_call",
                kind=EventKind.ENDED,
                call_id=our_call_id(payload.get("metadata"), payload.get("variables")),
                status=ours,
                outcome=outcome,
                disconnection_reason=payload.get("call_ended_by") or answered_by or status,
                ended_at=from_iso(payload.get("end_at") or payload.get("ended_at")),
                started_at=from_iso(payload.get("started_at") or payload.get("created_at")),
                duration_seconds=round(float(length) * 60) if isinstance(length, int | float) else None,
                transcript=[
                    Turn("user" if t.get("user") == "user" else "agent", t.get("text") or "", 0)
                    for t in payload.get("transcripts") or []
                    if t.get("text")
                ],
                recording_url=payload.get("recording_url") or "",
                summary=payload.get("summary") or "",
                collected_data=payload.get("analysis") if isinstance(payload.get("analysis"), dict) else {},
                cost=as_decimal(payload.get("price")),
                error_message=payload.get("error_message") or "",
                raw=payload,
            )
        ]

    def fetch_call(self, provider_call_id: str) -> list[NormalizedEvent]:
        """``GET /v1/calls/{call_id}``: the same call object as the post-call webhook; [] until ``completed``."""
        call = self._http().request("GET", f"/v1/calls/{quote(provider_call_id, safe='')}", retries=0)
        if not isinstance(call, dict) or not call.get("completed"):
            return []
        return self.parse_webhook({"call_id": provider_call_id, **call}, {})

    def test_connection(self) -> str:
        answer = self._http().request("GET", "/v1/me", retries=0)
        balance = (answer.get("billing") or {}).get("current_balance")
        return f"Connected; balance {balance}." if balance is not None else "Connected."
