"""Webhook signatures, checked with the providers' own SDK code (offline)."""

import hashlib
import hmac
import json
import time
from types import SimpleNamespace

import pytest
from elevenlabs.client import ElevenLabs
from retell import Retell
from retell.lib.webhook_auth import symmetric

from voice.clients import InvalidSignature
from voice.clients.bland import BlandClient
from voice.clients.elevenlabs import ElevenLabsClient
from voice.clients.elevenlabs import sign as elevenlabs_sign
from voice.clients.retell import RetellClient
from voice.clients.retell import sign as retell_sign
from voice.clients.vapi import VapiClient

API_KEY = "key_live_0123456789abcdef"
SECRET = "whsec_fedcba9876543210"
BODY = json.dumps({"event": "call_ended", "call": {"call_id": "abc", "call_status": "ended"}}).encode()


def account(provider, **ids):
    return SimpleNamespace(provider=provider, api_key=API_KEY, webhook_secret=SECRET, provider_ids=ids)


def retell_sdk_verify(body: bytes, key: str, signature: str) -> bool:
    return Retell(api_key=key).verify(body.decode(), key, signature)


# --- Retell ---------------------------------------------------------------------------


def test_retell_signatures_made_by_the_sdk_pass_our_verifier():
    signature = symmetric["sign"](BODY.decode(), API_KEY)
    RetellClient(account("retell")).verify_webhook(BODY, {"X-Retell-Signature": signature})


def test_signatures_we_make_pass_the_retell_sdk():
    assert retell_sdk_verify(BODY, API_KEY, retell_sign(BODY, API_KEY))


@pytest.mark.parametrize(
    "case",
    ["tampered body", "wrong key", "expired", "malformed", "missing"],
)
def test_bad_retell_signatures_fail_ours_and_the_sdks(case):
    now_ms = int(time.time() * 1000)
    body, key, signature = BODY, API_KEY, retell_sign(BODY, API_KEY)
    if case == "tampered body":
        body = BODY.replace(b"abc", b"abd")
    elif case == "wrong key":
        signature = retell_sign(BODY, "another-key")
    elif case == "expired":
        signature = retell_sign(BODY, API_KEY, now_ms - 6 * 60 * 1000)
    elif case == "malformed":
        signature = "sha256=deadbeef"
    elif case == "missing":
        signature = ""
    with pytest.raises(InvalidSignature):
        RetellClient(account("retell")).verify_webhook(body, {"X-Retell-Signature": signature})
    assert not retell_sdk_verify(body, key, signature)


# --- ElevenLabs -----------------------------------------------------------------------


def elevenlabs_sdk_accepts(body: bytes, header: str, secret: str) -> bool:
    try:
        ElevenLabs(api_key="unused").webhooks.construct_event(body.decode(), header, secret)
        return True
    except Exception:
        return False


def test_elevenlabs_signatures_we_accept_the_sdk_accepts():
    header = elevenlabs_sign(BODY, SECRET, int(time.time()))
    ElevenLabsClient(account("elevenlabs")).verify_webhook(BODY, {"ElevenLabs-Signature": header})
    assert elevenlabs_sdk_accepts(BODY, header, SECRET)


@pytest.mark.parametrize("case", ["tampered body", "wrong secret", "expired", "malformed"])
def test_bad_elevenlabs_signatures_fail_ours_and_the_sdks(case):
    now = int(time.time())
    body, header = BODY, elevenlabs_sign(BODY, SECRET, now)
    if case == "tampered body":
        body = BODY + b" "
    elif case == "wrong secret":
        header = elevenlabs_sign(BODY, "nope", now)
    elif case == "expired":
        header = elevenlabs_sign(BODY, SECRET, now - 31 * 60)
    elif case == "malformed":
        header = "v0=abc"
    with pytest.raises(InvalidSignature):
        ElevenLabsClient(account("elevenlabs")).verify_webhook(body, {"ElevenLabs-Signature": header})
    assert not elevenlabs_sdk_accepts(body, header, SECRET)


# --- Vapi (no SDK verifier: the documented formula) and Bland ---------------------------


def vapi_headers(body: bytes, secret=SECRET, timestamp=None):
    timestamp = str(timestamp or int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"x-timestamp": timestamp, "x-signature": digest}


def test_vapi_hmac_signature():
    client = VapiClient(account("vapi"))
    client.verify_webhook(BODY, vapi_headers(BODY))
    for headers in (vapi_headers(BODY, "wrong"), vapi_headers(BODY, timestamp=int(time.time() * 1000) - 600_000), {}):
        with pytest.raises(InvalidSignature):
            client.verify_webhook(BODY, headers)
    with pytest.raises(InvalidSignature):
        client.verify_webhook(BODY + b"x", vapi_headers(BODY))


def test_vapi_static_secret():
    client = VapiClient(account("vapi", signature="secret"))
    client.verify_webhook(BODY, {"X-Vapi-Secret": SECRET})
    with pytest.raises(InvalidSignature):
        client.verify_webhook(BODY, {"X-Vapi-Secret": "guess"})


def test_bland_signature():
    client = BlandClient(account("bland"))
    good = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    client.verify_webhook(BODY, {"X-Webhook-Signature": good})
    for signature in ("", "00" * 32, hmac.new(b"other", BODY, hashlib.sha256).hexdigest()):
        with pytest.raises(InvalidSignature):
            client.verify_webhook(BODY, {"X-Webhook-Signature": signature})
