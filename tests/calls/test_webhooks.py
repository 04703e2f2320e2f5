"""Provider webhooks at /webhooks/voice/<provider>/<account uuid>/: signatures, replays, order, bad input."""

import json
import time

import pytest

from calls import compliance
from calls.models import Call, CallEvent
from tenants.scoping import tenant_scope
from tests.clock import MONDAY, moment, next_weekday
from tests.factories import ProviderAccountFactory
from voice.clients.retell import sign

pytestmark = pytest.mark.django_db


def retell_body(event, call_id, provider_call_id="call_1", **fields):
    call = {"call_id": provider_call_id, "call_status": "ended", "metadata": {"crm_call_id": str(call_id)}, **fields}
    return json.dumps({"event": event, "call": call}).encode()


def post(client, account, body, signature=None, provider=None):
    headers = {"HTTP_X_RETELL_SIGNATURE": signature if signature is not None else sign(body, account.api_key)}
    return client.post(
        f"/webhooks/voice/{provider or account.provider}/{account.webhook_uuid}/",
        body,
        content_type="application/json",
        **headers,
    )


def events():
    return CallEvent.all_tenants.count()


@pytest.mark.parametrize(
    "signature",
    ["", "v=1,d=00", "garbage", "v={now},d=" + "0" * 64, "v=1000,d={good}"],
    ids=["missing", "malformed", "garbage", "wrong", "expired"],
)
def test_bad_signatures_are_401_and_store_nothing(client, account, dialing_call, signature):
    body = retell_body("call_ended", dialing_call.pk, disconnection_reason="user_hangup")
    good = sign(body, account.api_key).split("d=")[1]
    signature = signature.format(now=int(time.time() * 1000), good=good)
    response = post(client, account, body, signature)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_signature"
    assert events() == 0
    dialing_call.refresh_from_db()
    assert dialing_call.status == "dialing"


def test_signature_of_another_account_is_refused(client, tenant_a, account, dialing_call):
    other = ProviderAccountFactory(tenant=tenant_a, provider="retell", api_key="someone-else")
    body = retell_body("call_ended", dialing_call.pk)
    assert post(client, account, body, sign(body, other.api_key)).status_code == 401


def test_malformed_json_is_400(client, account):
    body = b'{"event": "call_ended", "call": '
    assert post(client, account, body).status_code == 400
    assert events() == 0


def test_unknown_provider_or_account_is_404(client, account):
    body = retell_body("call_ended", 1)
    assert post(client, account, body, provider="nokia").status_code == 404
    response = client.post(
        "/webhooks/voice/retell/00000000-0000-0000-0000-000000000000/", body, content_type="application/json"
    )
    assert response.status_code == 404


def test_get_is_not_allowed(client, account):
    assert client.get(f"/webhooks/voice/retell/{account.webhook_uuid}/").status_code == 405


def test_an_accepted_event_is_stored_and_applied_and_a_replay_changes_nothing(client, account, dialing_call):
    body = retell_body(
        "call_ended",
        dialing_call.pk,
        disconnection_reason="user_hangup",
        duration_ms=61000,
        transcript_object=[{"role": "agent", "content": "Hi", "words": [{"start": 0.5}]}],
    )
    assert post(client, account, body).json() == {"received": 1, "new": 1}
    dialing_call.refresh_from_db()
    assert (dialing_call.status, dialing_call.outcome, dialing_call.duration_seconds) == ("ended", "answered", 61)
    assert dialing_call.transcript == [{"role": "agent", "text": "Hi", "seconds": 0.5}]
    replay = post(client, account, body)
    assert replay.status_code == 200 and replay.json() == {"received": 1, "new": 0}
    assert events() == 1


def test_an_event_costs_a_fixed_number_of_queries(
    client, account, dialing_call, django_assert_num_queries, monkeypatch
):
    from core.memo import TtlMemo
    from voice import webhooks

    monkeypatch.setattr(webhooks, "_accounts", TtlMemo(3600))  # however slow the machine, it stays remembered
    post(client, account, retell_body("call_started", dialing_call.pk, call_status="ongoing"))  # the account memoised
    with tenant_scope(account.tenant_id):
        compliance.policy_for_tenant()  # memoised too (it is read when a call ends)
    ended = retell_body("call_ended", dialing_call.pk, disconnection_reason="user_hangup")
    # savepoint, the call locked, the event inserted once, the call updated, release
    with django_assert_num_queries(5):
        assert post(client, account, ended).json() == {"received": 1, "new": 1}
    with django_assert_num_queries(4):  # a replay: no update
        assert post(client, account, ended).json() == {"received": 1, "new": 0}


def test_an_event_names_its_call_by_our_id_or_else_by_the_providers(client, account, dialing_call, tenant_b):
    Call.all_tenants.filter(pk=dialing_call.pk).update(provider_call_id="call_1")
    out_of_range = retell_body("call_started", 2**70, provider_call_id="call_1", call_status="ongoing")
    assert post(client, account, out_of_range).json() == {"received": 1, "new": 1}
    assert CallEvent.all_tenants.get().call_id == dialing_call.pk  # found by the provider's id
    other = ProviderAccountFactory(tenant=tenant_b, provider="retell", api_key="retell-key-b")
    foreign = retell_body("call_ended", dialing_call.pk, provider_call_id="call_1")
    assert post(client, other, foreign).json() == {"received": 1, "new": 1}
    assert CallEvent.all_tenants.get(event_type="call_ended").is_orphan  # not another tenant's call


def test_event_for_an_unknown_call_is_kept_and_flagged(client, account):
    body = retell_body("call_started", 999999, provider_call_id="stranger")
    assert post(client, account, body).status_code == 200
    event = CallEvent.all_tenants.get()
    assert event.is_orphan and event.call_id is None


def test_analyzed_before_ended_and_late_events_never_move_a_call_back(client, account, dialing_call):
    analysis = {
        "call_summary": "Booked.",
        "user_sentiment": "Positive",
        "custom_analysis_data": {"appointment_time": moment(next_weekday(MONDAY, weeks_ahead=1), 10).isoformat()},
    }
    analyzed = retell_body("call_analyzed", dialing_call.pk, disconnection_reason="user_hangup", call_analysis=analysis)
    post(client, account, analyzed)
    ended = retell_body("call_ended", dialing_call.pk, disconnection_reason="user_hangup")
    post(client, account, ended)
    started = retell_body("call_started", dialing_call.pk, call_status="ongoing")
    post(client, account, started)
    dialing_call.refresh_from_db()
    assert dialing_call.status == "ended"
    assert dialing_call.outcome == "appointment_booked"
    assert dialing_call.summary == "Booked." and dialing_call.sentiment == "positive"


def test_each_tenant_receives_only_into_its_own_calls(client, tenant_b, account, dialing_call):
    foreign_account = ProviderAccountFactory(tenant=tenant_b, provider="retell", api_key="b-key")
    body = retell_body("call_ended", dialing_call.pk, provider_call_id="from_b")  # names tenant A's call id
    assert post(client, foreign_account, body).status_code == 200
    dialing_call.refresh_from_db()
    assert dialing_call.status == "dialing"
    assert CallEvent.all_tenants.get().tenant_id == tenant_b.pk


def test_opt_out_in_the_conversation_writes_the_dnc_entry_at_once(client, account, dialing_call, lead):
    from leads.models import DoNotCall

    body = retell_body(
        "call_ended",
        dialing_call.pk,
        disconnection_reason="user_hangup",
        transcript_object=[{"role": "user", "content": "No me llamen más, por favor."}],
    )
    post(client, account, body)
    dialing_call.refresh_from_db()
    assert dialing_call.outcome == "dnc_requested"
    entry = DoNotCall.all_tenants.get(phone=lead.phone)
    assert entry.source == "call"


def test_escalation_words_and_negative_sentiment_need_attention(client, account, dialing_call):
    body = retell_body(
        "call_analyzed",
        dialing_call.pk,
        disconnection_reason="user_hangup",
        transcript_object=[{"role": "user", "content": "I want to talk to my lawyer about this."}],
        call_analysis={"user_sentiment": "Negative"},
    )
    post(client, account, body)
    call = Call.all_tenants.get(pk=dialing_call.pk)
    assert call.needs_attention
    assert "lawyer" in call.attention_reason and "Negative" in call.attention_reason


@pytest.mark.parametrize(
    "url,kept",
    [
        ("https://cdn.provider.example/rec.wav", True),
        ("javascript:alert(document.cookie)", False),
        ("http://10.0.0.5/rec.wav", False),
        ("data:audio/wav;base64,AAAA", False),
        ("//evil.example/rec.wav", False),
    ],
)
def test_only_an_https_recording_address_is_kept_for_staff_browsers(client, account, dialing_call, url, kept):
    body = retell_body("call_ended", dialing_call.pk, disconnection_reason="user_hangup", recording_url=url)
    assert post(client, account, body).status_code == 200
    dialing_call.refresh_from_db()
    assert dialing_call.recording_url == (url if kept else "")


def test_an_account_switched_off_in_another_process_stops_its_webhooks_within_a_quarter_second(
    client, account, dialing_call, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from core.memo import TtlMemo
    from voice import webhooks
    from voice.models import ProviderAccount

    now = [1000.0]
    monkeypatch.setattr(webhooks, "_accounts", TtlMemo(3600))  # this process would remember it for an hour
    monkeypatch.setattr(webhooks, "_generation", TtlMemo(webhooks.GENERATION_READ_SECONDS, clock=lambda: now[0]))
    started = retell_body("call_started", dialing_call.pk, call_status="ongoing")
    assert post(client, account, started).status_code == 200
    remembered = dict(webhooks._accounts._entries), dict(webhooks._generation._entries)
    with django_capture_on_commit_callbacks(execute=True):  # another process switches it off and commits
        switched = ProviderAccount.all_tenants.get(pk=account.pk)
        switched.is_active = False
        switched.save()
    webhooks._accounts._entries.update(remembered[0])  # this process did not see the signal: it still holds
    webhooks._generation._entries.update(remembered[1])  # the account and the generation it read
    assert cache.get(webhooks.GENERATION_KEY) is not None
    ended = retell_body("call_ended", dialing_call.pk, disconnection_reason="user_hangup")
    now[0] += webhooks.GENERATION_READ_SECONDS + 0.01
    assert post(client, account, ended).status_code == 404


def test_an_account_switched_off_in_another_process_stops_its_webhooks_within_two_seconds(
    client, account, dialing_call, monkeypatch
):
    from core.memo import TtlMemo
    from voice import webhooks
    from voice.models import ProviderAccount

    now = [1000.0]
    monkeypatch.setattr(webhooks, "_accounts", TtlMemo(webhooks.ACCOUNT_MEMO_SECONDS, clock=lambda: now[0]))
    started = retell_body("call_started", dialing_call.pk, call_status="ongoing")
    assert post(client, account, started).status_code == 200  # this process now remembers the account
    ProviderAccount.all_tenants.filter(pk=account.pk).update(is_active=False)  # another process, no signal here
    now[0] += webhooks.ACCOUNT_MEMO_SECONDS + 0.1
    ended = retell_body("call_ended", dialing_call.pk, disconnection_reason="user_hangup")
    assert post(client, account, ended).status_code == 404
