"""Sessions as an attacker would try them (docs/api.md#authentication): tokens outliving a password change
or a deactivation, refresh rotation renewing a stolen token for ever, made-up X-Forwarded-For headers
dodging the sign-in limit, and one password sprayed at one account from many addresses."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username="alice", password=PASSWORD, **extra):
    return client.post("/api/v1/auth/login", {"username": username, "password": password}, format="json", **extra)


def refresh(token):
    return APIClient().post("/api/v1/auth/refresh", {"refresh": token}, format="json")


def me(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/auth/me")


def test_a_password_change_revokes_every_token_issued_before_it(owner_a):
    tokens = login(APIClient()).json()
    assert me(tokens["access"]).status_code == 200
    owner_a.set_password("a-new-long-passphrase-42")
    owner_a.save()
    assert me(tokens["access"]).status_code == 401
    assert refresh(tokens["refresh"]).status_code == 401
    fresh = login(APIClient(), password="a-new-long-passphrase-42").json()
    assert me(fresh["access"]).status_code == 200 and refresh(fresh["refresh"]).status_code == 200


def test_a_deactivated_user_can_no_longer_refresh(owner_a):
    tokens = login(APIClient()).json()
    owner_a.is_active = False
    owner_a.save()
    assert refresh(tokens["refresh"]).status_code == 401
    assert me(tokens["access"]).status_code == 401


def test_rotation_renews_a_session_only_until_its_maximum_age(owner_a, settings):
    settings.JWT_SESSION_MAX_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = login(APIClient()).json()["refresh"]
    for day in range(6, 30, 6):  # used every six days: each refresh rotates it
        with time_machine.travel(start + timedelta(days=day), tick=False):
            answer = refresh(token)
            assert answer.status_code == 200, (day, answer.json())
            token = answer.json()["refresh"]
    with time_machine.travel(start + timedelta(days=30, minutes=1), tick=False):
        late = refresh(token)
    assert late.status_code == 401 and late.json()["code"] == "token_expired"


@pytest.fixture
def login_rates(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "1000/minute", "user": "1000/minute", "login": "20/minute", "login_name": "10/minute"},
    )
    # The requests happen inside one window, whatever the wall clock: a run across a minute's end saw it reset.
    start_of_a_minute = timezone.now().replace(second=5, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start_of_a_minute, tick=False):
        yield


def test_a_made_up_forwarded_for_header_does_not_dodge_the_limit(owner_a, login_rates):
    client = APIClient()
    statuses = [
        login(client, f"user{n}@x.test", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(22)
    ]
    assert statuses[:20] == [401] * 20 and statuses[20:] == [429, 429]


def test_a_password_sprayed_at_one_account_from_many_addresses_is_slowed(owner_a, login_rates):
    client = APIClient()
    statuses = [login(client, "Alice", f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(12)]
    assert 429 in statuses and statuses.index(429) == 10
    assert login(client, "bob", "wrong", REMOTE_ADDR="198.51.100.99").status_code == 401  # others unaffected


def test_a_made_up_forwarded_for_header_does_not_dodge_the_lockout(owner_a):
    """The lockout counts failures per username and client address; the address is the connection's."""
    client = APIClient()
    statuses = [login(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(6)]
    assert statuses[-1] == 429
    assert login(client, "alice", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429  # still locked


def test_only_failed_sign_ins_count_toward_the_username_limit(owner_a, login_rates):
    client = APIClient()
    for n in range(12):  # the owner signing in from their phone again and again
        assert login(client, "alice", REMOTE_ADDR=f"192.0.2.{n}").status_code == 200


def test_the_admin_sign_in_slows_a_password_sprayed_at_one_account_as_the_api_does(owner_a, login_rates, client):
    def admin_login(password, n):
        return client.post(
            "/admin/login/", {"username": "Alice", "password": password}, REMOTE_ADDR=f"198.51.100.{n}"
        ).status_code

    statuses = [admin_login(f"guess-{n}", n) for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429  # 200: the form again, with its error
    assert admin_login(PASSWORD, 50) == 429  # until the minute ends, even the right password waits
    other = client.post("/admin/login/", {"username": "bob", "password": "wrong"}, REMOTE_ADDR="198.51.100.99")
    assert other.status_code == 200


def test_the_admin_counts_only_failed_sign_ins(owner_a, login_rates, client):
    for n in range(12):
        answer = client.post("/admin/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=f"192.0.2.{n}")
        assert answer.status_code == 302
        client.logout()
