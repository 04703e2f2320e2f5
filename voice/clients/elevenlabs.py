"""ElevenLabs Agents: outbound calls over Twilio or a SIP trunk, and webhooks signed
``ElevenLabs-Signature: t=<unix seconds>,v0=<hex HMAC-SHA256(secret, "<t>.<raw body>")>``.

There is no free metadata field: our call id travels in the dynamic variables, which come back.
Like the official SDK's ``construct_event``, signatures older than 30 minutes are refused.

The provider facts this relies on: docs/providers.md#elevenlabs.
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
    parse_signature_header,
)
from .common import (
    as_decimal,
    call_metadata,
    check_age,
    from_epoch,
    hmac_hex,
    our_call_id,
    require_equal,
    strings,
)
from .http import JsonHttp

MAX_AGE_SECONDS = 30 * 60
TERMINATION_OUTCOMES = {"voicemail": "voicemail", "busy": "busy", "no-answer": "no_answer", "no_answer": "no_answer"}


def sign(body: bytes, secret: str, timestamp: int) -> str:
    return f"t={timestamp},v0={hmac_hex(secret, f'{timestamp}.'.encode() + body)}"


class ElevenLabsClient(VoiceClient):
    provider = "elevenlabs"
    default_base_url = "https://api.elevenlabs.io"

    def _http(self) -> JsonHttp:
        return JsonHttp(self.base_url, {"xi-api-key": self.account.api_key})

    @property
    def sip(self) -> bool:
        return bool((self.account.provider_ids or {}).get("sip_trunk"))

    def start_call(self, request: CallRequest) -> StartedCall:
        ids = self.account.provider_ids or {}
        body = {
            "agent_id": request.provider_agent_id,
            "agent_phone_number_id": ids.get("agent_phone_number_id", ""),
            "to_number": request.to_number,
            "conversation_initiation_client_data": {
                "dynamic_variables": {
                    **strings(request.variables),
                    **call_metadata(request),
                },
                "conversation_config_override": {
                    "agent": {"first_message": request.opening_line, "prompt": {"prompt": request.prompt}}
                },
            },
        }
        if not self.sip:
            body["call_recording_enabled"] = request.record
        path = "/v1/convai/sip-trunk/outbound-call" if self.sip else "/v1/convai/twilio/outbound-call"
        answer = self._http().request("POST", path, body)
        if answer.get("success") is False:
            raise ProviderError(ErrorCategory.INVALID_REQUEST, answer.get("message") or "The call was refused.")
        call_id = answer.get("conversation_id") or answer.get("sip_call_id") or answer.get("callSid")
        if not call_id:
            raise ProviderError(ErrorCategory.INVALID_REQUEST, "ElevenLabs did not return a conversation id.")
        return StartedCall(str(call_id), answer)

    def verify_webhook(self, body: bytes, headers) -> None:
        parts = parse_signature_header(headers.get("ElevenLabs-Signature", ""))
        if not parts.get("t", "").isdigit() or not parts.get("v0"):
            raise InvalidSignature("Missing or malformed ElevenLabs-Signature.")
        check_age(int(parts["t"]), max_age=MAX_AGE_SECONDS)
        require_equal(hmac_hex(self.account.webhook_secret, f"{parts['t']}.".encode() + body), parts["v0"])

    def parse_webhook(self, payload: dict, headers) -> list[NormalizedEvent]:
        kind_of = {"post_call_transcription": EventKind.ENDED, "call_initiation_failure": EventKind.FAILED}
        event_type = payload.get("type", "")
        data = payload.get("data") or {}
        conversation = data.get("conversation_id")
        if event_type not in kind_of or not conversation:
            return []
        variables = (data.get("conversation_initiation_client_data") or {}).get("dynamic_variables") or {}
        metadata = data.get("metadata") or {}
        call_id = our_call_id(variables, metadata)
        if event_type == "call_initiation_failure":
            reason = data.get("failure_reason") or "unknown"
            return [
                NormalizedEvent(
                    provider=self.provider,
                    provider_call_id=str(conversation),
                    event_type=event_type,
                    kind=EventKind.FAILED,
                    call_id=call_id,
                    status="ended" if reason in ("busy", "no-answer") else "failed",
                    outcome=TERMINATION_OUTCOMES.get(reason, "failed"),
                    disconnection_reason=reason,
                    raw=payload,
                )
            ]
        analysis = data.get("analysis") or {}
        collected = {
            key: (item.get("value") if isinstance(item, dict) else item)
            for key, item in (analysis.get("data_collection_results") or {}).items()
        }
        termination = str(metadata.get("termination_reason") or "")
        outcome = "answered"
        for word, mapped in TERMINATION_OUTCOMES.items():
            if word in termination.lower():
                outcome = mapped
        started = from_epoch(metadata.get("start_time_unix_secs"))
        duration = metadata.get("call_duration_secs")
        return [
            NormalizedEvent(
                provider=self.provider,
                provider_call_id=str(conversation),
                event_type=event_type,
                kind=EventKind.ENDED,
                call_id=call_id,
                status="failed" if data.get("status") == "failed" else "ended",
                outcome="failed" if data.get("status") == "failed" else outcome,
                disconnection_reason=termination,
                started_at=started,
                duration_seconds=int(duration) if isinstance(duration, int | float) else None,
                transcript=[
                    Turn(
                        "agent" if t.get("role") == "agent" else "user",
                        t.get("message") or "",
                        t.get("time_in_call_secs") or 0,
                    )
                    for t in data.get("transcript") or []
                    if t.get("message")
                ],
                summary=analysis.get("transcript_summary") or "",
                collected_data=collected,
                cost=as_decimal(metadata.get("cost")),
                raw=payload,
            )
        ]

    def fetch_call(self, provider_call_id: str) -> list[NormalizedEvent]:
        """``GET /v1/convai/conversations/{conversation_id}`` (the official SDK's path): a finished
        conversation read as its post-call transcription (the webhook's ``data`` is this object); [] before."""
        path = f"/v1/convai/conversations/{quote(provider_call_id, safe='')}"
        conversation = self._http().request("GET", path, retries=0)
        if not isinstance(conversation, dict) or conversation.get("status") not in ("done", "failed"):
            return []
        data = {"conversation_id": provider_call_id, **conversation}
        return self.parse_webhook({"type": "post_call_transcription", "data": data}, {})

    def test_connection(self) -> str:
        answer = self._http().request("GET", "/v1/user", retries=0)
        tier = (answer.get("subscription") or {}).get("tier", "")
        return f"Connected{f' ({tier} plan)' if tier else ''}."
