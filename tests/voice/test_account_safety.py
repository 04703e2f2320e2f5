"""Provider accounts as an attacker would use them (docs/operations.md#security): a signing provider without
a webhook secret, an empty HMAC key, a typed ``enc:`` value, a key nobody can decrypt, and a base URL
pointed at the product's own network."""

import hashlib
import hmac
import io
import json
import socket
import time

import pytest
from django.core.management import call_command
from django.db import connection

from core import public_ids
from core.public_ids import of as pid
from tests.conftest import api_client
from tests.factories import ProviderAccountFactory
from voice import webhooks
from voice.clients import InvalidSignature, ProviderError, for_account
from voice.models import ProviderAccount

pytestmark = pytest.mark.django_db
SIGNING = ["elevenlabs", "vapi", "bland"]


def raw_column(account_id, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM voice_provideraccount WHERE id = %s", [account_id])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("provider", SIGNING)
def test_the_api_refuses_a_signing_provider_without_a_webhook_secret(provider, owner_a, tenant_a):
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/voice/accounts/", {"provider": provider, "label": "X", "api_key": "k"}, format="json"
    )
    assert response.status_code == 400
    assert "webhook_secret" in response.json()["fields"]
    assert not ProviderAccount.all_tenants.exists()


@pytest.mark.parametrize("provider", SIGNING)
def test_an_account_stored_without_a_secret_accepts_no_webhook(provider, tenant_a):
    """An HMAC with an empty key is one anyone can make: it is refused, and nothing is stored."""
    account = ProviderAccountFactory(tenant=tenant_a, provider=provider, api_key="k", webhook_secret="")
    body = json.dumps({"type": "post_call_transcription", "data": {}}).encode()
    stamp = str(int(time.time()))
    forged = hmac.new(b"", f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "ElevenLabs-Signature": f"t={stamp},v0={forged}",
        "x-timestamp": stamp,
        "x-signature": forged,
        "X-Vapi-Secret": "",
        "X-Webhook-Signature": hmac.new(b"", body, hashlib.sha256).hexdigest(),
    }
    webhooks.forget_accounts()
    result = webhooks.receive(provider, account.webhook_uuid, body, headers)
    assert result.status == 401
    with pytest.raises(InvalidSignature):
        for_account(account).verify_webhook(body, headers)


def test_a_typed_value_that_looks_encrypted_is_encrypted_like_any_other(tenant_a, owner_a):
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/voice/accounts/",
        {"provider": "retell", "label": "R", "api_key": "enc:not-really", "webhook_secret": ""},
        format="json",
    )
    assert response.status_code == 201, response.json()
    stored = raw_column(public_ids.decode(ProviderAccount, response.json()["id"]), "api_key")
    assert stored.startswith("enc:") and "not-really" not in stored
    assert ProviderAccount.all_tenants.get().api_key == "enc:not-really"
    assert api_client(owner_a, tenant_a).get("/api/v1/voice/accounts/").status_code == 200


def test_a_secret_no_key_decrypts_reads_as_empty_and_rotation_reports_it(tenant_a, owner_a):
    good = ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="good-key")
    bad = ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="x")
    with connection.cursor() as cursor:  # as an old release stored it: marked, but not a token of any key
        cursor.execute("UPDATE voice_provideraccount SET api_key = 'enc:raw-typed' WHERE id = %s", [bad.pk])
    listed = api_client(owner_a, tenant_a).get("/api/v1/voice/accounts/")
    assert listed.status_code == 200
    assert {row["id"]: row["has_api_key"] for row in listed.json()["results"]} == {pid(good): True, pid(bad): False}
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_secrets", stdout=out, stderr=err)
    assert "Re-encrypted the secrets of 1 provider accounts" in out.getvalue()
    assert f"ids {bad.pk}" in err.getvalue()
    assert raw_column(bad.pk, "api_key") == "enc:raw-typed"  # left for a person, not overwritten
    assert ProviderAccount.all_tenants.get(pk=good.pk).api_key == "good-key"


@pytest.mark.parametrize(
    "base_url",
    [
        "http://169.254.169.254/latest/meta-data",
        "https://10.0.0.5",
        "http://internal-service:8080",
        "file:///etc/passwd",
        "gopher://127.0.0.2:6379",
        "http://169.254.169.254\\@127.0.0.1",  # urllib3 would read the first host, another parser the second
        "http://user:pass@127.0.0.1",
        "https://api.vapi.ai:99999",  # unreadable addresses are a 400 on the field, not a 500
        "http://[::1",
        "https://x:abc",
    ],
)
def test_a_tenant_cannot_point_an_account_at_another_address(base_url, owner_a, tenant_a, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/voice/accounts/",
        {"provider": "retell", "label": "R", "api_key": "k", "provider_ids": {"base_url": base_url}},
        format="json",
    )
    assert response.status_code == 400
    assert "provider_ids" in response.json()["fields"]


@pytest.mark.parametrize(
    "address,why",
    [
        ("http://example.com/v2", "https"),
        ("https://127.0.0.1:9/", "public"),
        ("https://169.254.169.254/", "public"),
        ("https://[::1]/", "public"),
        ("https://10.1.2.3/", "public"),
        ("https://192.168.0.1/", "public"),
        ("https://[::ffff:10.0.0.1]/", "public"),
        ("https://no-such-host.invalid/", "resolve"),
    ],
)
def test_a_stored_address_outside_the_rules_is_never_sent_to(address, why, tenant_a, settings):
    """Checked again before each request (an old row, a name that now resolves inside): nothing is sent."""
    settings.OUTBOUND_ALLOWED_HOSTS = []
    account = ProviderAccountFactory(
        tenant=tenant_a, provider="retell", api_key="k", provider_ids={"base_url": address}
    )
    with pytest.raises(ProviderError) as refused:
        for_account(account).test_connection()
    assert why in str(refused.value)


def test_a_name_that_resolves_elsewhere_at_connection_time_reaches_nothing(tenant_a, settings, monkeypatch):
    """DNS rebinding: the check sees a public address, the connection would reach this machine. The
    connection itself is checked, so it is closed before a byte is sent."""
    settings.OUTBOUND_ALLOWED_HOSTS = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(2)
    port = listener.getsockname()[1]
    real = socket.getaddrinfo
    answers = iter([[(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]])

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            return next(answers, None) or real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    account = ProviderAccountFactory(
        tenant=tenant_a, provider="retell", api_key="k", provider_ids={"base_url": f"https://rebind.example:{port}"}
    )
    with pytest.raises(ProviderError) as refused:
        for_account(account).test_connection()
    assert "public" in str(refused.value)
    reached, _ = listener.accept()  # the socket did connect: the check is on the address it reached
    reached.settimeout(1)
    assert reached.recv(100) == b""  # and it was closed before the TLS hello: nothing was sent
    reached.close()
    listener.close()


def test_a_redirect_is_not_followed_and_no_raw_body_is_echoed(tenant_a, provider_server):
    provider_server.answer(302, headers={"Location": "http://169.254.169.254/"})
    account = ProviderAccountFactory(
        tenant=tenant_a, provider="retell", api_key="k", provider_ids={"base_url": provider_server.url}
    )
    with pytest.raises(ProviderError) as redirected:
        for_account(account).test_connection()
    assert "redirect" in str(redirected.value)
    for _ in range(4):
        provider_server.answer(500, body="<html>internal admin console: secret stuff</html>")
    with pytest.raises(ProviderError) as failed:
        for_account(account).test_connection()
    assert "secret stuff" not in str(failed.value)


def test_every_account_needs_an_api_key_the_simulator_signs_with_it(owner_a, tenant_a):
    response = api_client(owner_a, tenant_a).post(
        "/api/v1/voice/accounts/", {"provider": "simulator", "label": "Sim"}, format="json"
    )
    assert response.status_code == 400 and "api_key" in response.json()["fields"]
