"""``/api/v1/analytics/…`` through its doors, on the hand-built month (tests/analytics/conftest.py): the six
reports with the hand-worked figures, bad filters (400 by query parameter), tenant isolation (401, 403,
another tenant's ids), who may read, the per-tenant cache and what invalidates it, and the OpenAPI schema.

Clients are made after the ``clock`` fixture is active (through ``month``): tokens last 15 minutes.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import cache as analytics_cache
from analytics.reports import report
from appointments import services as appointment_services
from calls.models import Call
from core import versioning
from core.public_ids import of as pid
from leads.models import PipelineSettings
from tenants.roles import Role
from tenants.scoping import tenant_scope
from tests.conftest import api_client, member
from tests.factories import CallFactory, LeadFactory, UserFactory

from .conftest import day, ny

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/"
ENDPOINTS = ["overview", "calls-over-time", "outcomes", "funnel", "campaigns", "needs-attention"]
PERIOD = {"from": day(20), "to": day(22)}


def get(client, endpoint, **params):
    return client.get(f"{URL}{endpoint}/", params)


@pytest.fixture
def client_a(month, owner_a, tenant_a):
    return api_client(owner_a, tenant_a)


@pytest.fixture
def client_b(month, owner_b, tenant_b):
    return api_client(owner_b, tenant_b)


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def invalid(response) -> dict:
    """The field map of a 400 (the API's one error shape: ``{"code", "message", "fields"}``)."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return body["fields"]


# --- the six reports, figures worked out by hand -------------------------------------------------


def test_overview_has_the_hand_worked_figures(client_a):
    body = ok(get(client_a, "overview", **PERIOD))
    assert body["period"] == {"from": str(day(20)), "to": str(day(22)), "time_zone": "America/New_York"}
    assert body["previous_period"] == {"from": str(day(17)), "to": str(day(19)), "time_zone": "America/New_York"}
    figures = body["figures"]
    assert figures["calls_dialled"]["value"] == 5
    assert figures["calls_dialled"]["previous"]["value"] == 1
    assert figures["calls_dialled"]["change"] == {"absolute": 4.0, "relative": 4.0, "better": True}
    assert (
        figures["connect_rate"].items()
        >= {
            "value": 0.8,
            "numerator": 4,
            "denominator": 5,
            "unit": "percent",
            "label": "Connect rate",
        }.items()
    )
    assert figures["peak_concurrency"]["value"] == 2
    assert figures["needs_attention"]["value"] == 1
    assert figures["cost"]["value"] == "1.45"
    assert figures["appointments_booked"]["value"] == 5
    # Figures that only make sense now are not compared with the previous period.
    assert "previous" not in figures["peak_concurrency"] and "change" not in figures["needs_attention"]


def test_calls_over_time_counts_each_outcome_on_its_new_york_day(client_a):
    body = ok(get(client_a, "calls-over-time", **PERIOD))
    assert body["days"] == [str(day(20)), str(day(21)), str(day(22))]
    series = {s["outcome"]: s for s in body["series"]}
    assert {outcome: s["counts"] for outcome, s in series.items()} == {
        "answered": [1, 0, 0],
        "no_answer": [1, 0, 0],
        "voicemail": [0, 1, 0],  # 23:59:30 on the 21st in New York, the 22nd in UTC
        "dnc_requested": [0, 1, 0],
        "appointment_booked": [0, 0, 1],  # 00:00:10 on the 22nd
    }
    assert all(s["total"] == 1 for s in series.values())
    assert series["dnc_requested"]["label"] == "Asked not to be called"


def test_outcomes_is_the_mix_of_the_five_calls_dialled(client_a):
    body = ok(get(client_a, "outcomes", **PERIOD))
    assert body["total"] == 5
    assert [o["outcome"] for o in body["outcomes"]] == [
        "answered",
        "appointment_booked",
        "dnc_requested",
        "no_answer",
        "voicemail",
    ]
    assert all((o["value"], o["numerator"], o["denominator"]) == (0.2, 1, 5) for o in body["outcomes"]), body[
        "outcomes"
    ]
    assert body["outcomes"][0]["label"] == "Answered"


def test_funnel_counts_each_step_in_the_gyms_words(client_a):
    steps = ok(get(client_a, "funnel", **PERIOD))["steps"]
    assert [(s["step"], s["count"]) for s in steps] == [
        ("leads", 5),
        ("contacted", 4),
        ("booked", 3),
        ("attended", 1),
        ("won", 1),
    ]
    assert [s["label"] for s in steps] == ["Leads", "Contacted", "Tour / trial booked", "Attended", "Joined"]
    booked = steps[2]
    assert booked["of_leads"] == {"value": 0.6, "numerator": 3, "denominator": 5}
    assert booked["of_previous_step"] == {"value": 0.75, "numerator": 3, "denominator": 4}


def test_funnel_of_a_dealership_uses_its_words(client_b):
    steps = ok(get(client_b, "funnel", **PERIOD))["steps"]
    assert [s["label"] for s in steps] == ["Leads", "Contacted", "Appointment set", "Shown", "Sold / serviced"]
    assert steps[0]["count"] == 1  # tenant B's one lead, not tenant A's five


def test_campaigns_leaderboard_in_order(client_a, month):
    rows = ok(get(client_a, "campaigns", **PERIOD))["campaigns"]
    assert [r["name"] for r in rows] == ["Win-back", "New leads"]
    win_back, new_leads = rows
    assert win_back["campaign_id"] == pid(month.other_campaign)
    assert (win_back["dialled"], win_back["cost"], win_back["appointments_booked"]) == (1, "0.60", 1)
    assert (new_leads["dialled"], new_leads["cost"], new_leads["appointments_attended"]) == (3, "0.80", 1)
    assert (new_leads["connect_rate"]["numerator"], new_leads["connect_rate"]["denominator"]) == (2, 3)


def test_needs_attention_lists_the_one_open_flag(client_a, month):
    body = ok(get(client_a, "needs-attention", **PERIOD))
    assert body["total"] == 1  # c9 was resolved; tenant B's three flags are not ours
    [call] = body["calls"]
    assert call["call_id"] == pid(month.c7)
    assert call["reason"] == "Asked not to be called"
    assert (call["lead_id"], call["outcome"], call["campaign"]) == (pid(month.l4), "dnc_requested", "")


def test_needs_attention_ignores_the_dates_and_honours_the_limit(client_a, month):
    months_ago = day(1) - timedelta(days=300)
    long_ago = ok(get(client_a, "needs-attention", **{"from": months_ago, "to": months_ago + timedelta(days=1)}))
    assert [c["call_id"] for c in long_ago["calls"]] == [pid(month.c7)]
    newer = CallFactory(
        tenant=month.c7.tenant,
        lead=month.l1,
        agent=month.agent,
        dialed_at=ny(22, 15),
        created_at=ny(22, 15),
        ended_at=ny(22, 15, 1),
        outcome="escalated",
        needs_attention=True,
        attention_reason="Wants a manager",
    )
    one = ok(get(client_a, "needs-attention", limit=1))
    assert one["total"] == 2
    assert [c["call_id"] for c in one["calls"]] == [pid(newer)]  # newest first


def test_filters_narrow_the_reports(client_a, month):
    assert ok(get(client_a, "overview", **PERIOD))["figures"]["calls_dialled"]["value"] == 5
    by_campaign = ok(get(client_a, "overview", campaign=pid(month.campaign), **PERIOD))
    assert by_campaign["figures"]["calls_dialled"]["value"] == 3  # c1 c2 c3
    by_branch = ok(get(client_a, "outcomes", branch=pid(month.other_branch), **PERIOD))
    assert by_branch["total"] == 0
    by_agent = ok(get(client_a, "outcomes", agent=pid(month.agent), **PERIOD))
    assert by_agent["total"] == 5


# --- bad input: a 400 keyed by the query parameter ------------------------------------------------


def test_a_range_that_ends_before_it_starts_is_refused(client_a):
    fields = invalid(get(client_a, "overview", **{"from": day(22), "to": day(20)}))
    assert set(fields) == {"to"}
    assert fields["to"] == ["The range must end on or after its first day."]


def test_a_day_that_is_not_a_date_is_refused_under_from(client_a):
    fields = invalid(get(client_a, "overview", **{"from": "notadate"}))
    assert set(fields) == {"from"}


def test_another_tenants_branch_is_refused(client_a, tenant_b):
    from tests.factories import BranchFactory

    b_branch = BranchFactory(tenant=tenant_b, name="Bravo Main")
    fields = invalid(get(client_a, "overview", branch=pid(b_branch), **PERIOD))
    assert set(fields) == {"branch"}


def test_an_unknown_parameter_is_refused(client_a):
    fields = invalid(get(client_a, "overview", branch_id=1, **PERIOD))
    assert fields == {"branch_id": ["Unknown parameter."]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_unknown_parameters_are_reported_with_the_other_errors(client_a, endpoint):
    fields = invalid(get(client_a, endpoint, branch_id=1, **{"from": "soon"}))
    assert fields["branch_id"] == ["Unknown parameter."]
    assert "from" in fields


def test_at_most_366_days(client_a):
    last = day(22)
    too_long = last - timedelta(days=366)  # 367 days, both ends included
    fields = invalid(get(client_a, "overview", **{"from": too_long, "to": last}))
    assert fields == {"to": ["Pick at most 366 days."]}
    longest = ok(get(client_a, "overview", **{"from": too_long + timedelta(days=1), "to": last}))  # 366 days
    assert longest["period"]["from"] == str(too_long + timedelta(days=1))


@pytest.mark.parametrize("limit", ["0", "501", "many"])
def test_needs_attention_limit_out_of_range(client_a, limit):
    assert "limit" in invalid(get(client_a, "needs-attention", limit=limit))


def test_limit_is_only_a_parameter_of_needs_attention(client_a):
    assert invalid(get(client_a, "overview", limit=5, **PERIOD)) == {"limit": ["Unknown parameter."]}


# --- isolation: every endpoint -------------------------------------------------------------------


def _b_sees_only_its_own(endpoint: str, body: dict, month) -> None:
    """Tenant B's three answered calls of the 21st, its one lead; nothing of tenant A."""
    if endpoint == "overview":
        assert body["figures"]["calls_dialled"]["value"] == 3
        assert body["figures"]["needs_attention"]["value"] == 3
        assert body["figures"]["cost"]["value"] == "29.97"
    elif endpoint == "calls-over-time":
        assert [(s["outcome"], s["counts"]) for s in body["series"]] == [("answered", [0, 3, 0])]
    elif endpoint == "outcomes":
        assert body["total"] == 3
        assert [o["outcome"] for o in body["outcomes"]] == ["answered"]
    elif endpoint == "funnel":
        assert body["steps"][0]["count"] == 1
    elif endpoint == "campaigns":
        assert body["campaigns"] == []  # tenant B's calls have no campaign; A's are not B's
    elif endpoint == "needs-attention":
        assert body["total"] == 3
        assert {c["reason"] for c in body["calls"]} == {"B's flag"}
        a_calls = {pid(c) for c in Call.all_tenants.filter(tenant=month.c7.tenant)}
        assert not a_calls & {c["call_id"] for c in body["calls"]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_tenant_b_sees_its_own_numbers_never_tenant_as(client_b, month, endpoint):
    body = ok(get(client_b, endpoint, **PERIOD))
    _b_sees_only_its_own(endpoint, body, month)
    text = str(body)
    for a_name in ("Win-back", "New leads", "Asked not to be called"):
        assert a_name not in text


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("param", ["campaign", "branch", "agent"])
def test_tenant_as_ids_are_refused_to_tenant_b(client_b, month, endpoint, param):
    a_ids = {"campaign": pid(month.campaign), "branch": pid(month.branch), "agent": pid(month.agent)}
    fields = invalid(get(client_b, endpoint, **{param: a_ids[param]}, **PERIOD))
    assert set(fields) == {param}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_tenant_as_staff_member_is_refused_to_tenant_b(client_b, owner_a, endpoint):
    assert set(invalid(get(client_b, endpoint, staff=pid(owner_a), **PERIOD))) == {"staff"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_user_without_membership_gets_403(month, endpoint):
    stranger = api_client(UserFactory(username="stranger"))
    response = get(stranger, endpoint, **PERIOD)
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "no_membership"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_asking_for_another_tenant_by_header_gets_403(month, owner_a, tenant_a, endpoint):
    client = api_client(owner_a, tenant_a)
    response = client.get(f"{URL}{endpoint}/", PERIOD, HTTP_X_TENANT="tenant-b")
    assert response.status_code == 403, response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_token_gets_401(month, endpoint):
    response = get(api_client(), endpoint, **PERIOD)
    assert response.status_code == 401, response.content


def test_a_token_of_an_ended_membership_gets_403(month, tenant_a):
    from tenants.models import Membership

    gone = member(tenant_a, Role.MANAGER, "gone")
    client = api_client(gone, tenant_a)
    assert get(client, "overview", **PERIOD).status_code == 200
    membership = Membership.all_tenants.get(user=gone)
    membership.is_active = False
    membership.save()  # through save(): the cached memberships are forgotten (tenants/signals.py)
    assert get(client, "overview", **PERIOD).status_code == 403


# --- who may read --------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_viewer_reads_analytics(month, tenant_a, endpoint):
    viewer = api_client(member(tenant_a, Role.VIEWER, "vic"), tenant_a)
    ok(get(viewer, endpoint, **PERIOD))


def test_a_viewer_sees_the_same_overview_figures(month, tenant_a):
    viewer = api_client(member(tenant_a, Role.VIEWER, "vic"), tenant_a)
    figures = ok(get(viewer, "overview", **PERIOD))["figures"]
    assert figures["calls_dialled"]["value"] == 5
    assert (figures["connect_rate"]["numerator"], figures["connect_rate"]["denominator"]) == (4, 5)


# --- the cache and what invalidates it -----------------------------------------------------------


def _overview(tenant, filters) -> tuple[dict, int]:
    """The cached overview and how many queries it took."""
    with tenant_scope(tenant), CaptureQueriesContext(connection) as queries:
        value = report("overview", filters)
    return value, len(queries)


def _in_progress_call(tenant, lead, **fields):
    return CallFactory(
        tenant=tenant,
        lead=lead,
        status="in_progress",
        outcome="",
        dialed_at=ny(21, 15),
        created_at=ny(21, 15),
        ended_at=None,
        duration_seconds=0,
        **fields,
    )


def _end(call, tenant, django_capture_on_commit_callbacks):
    """The call ends through ``save()`` (post_save bumps the tenant's version on commit)."""
    with tenant_scope(tenant), django_capture_on_commit_callbacks(execute=True) as callbacks:
        call = Call.objects.get(pk=call.pk)
        call.status = "ended"
        call.outcome = "answered"
        call.ended_at = call.dialed_at + timedelta(minutes=1)
        call.duration_seconds = 60
        call.save()
    assert callbacks, "ending a call must schedule the version bump on commit"


def _cache_flow(month, tenant_a, tenant_b, filters, django_capture_on_commit_callbacks, django_assert_num_queries):
    first, queries = _overview(tenant_a, filters)
    assert queries > 0
    assert first["figures"]["calls_dialled"]["value"] == 5
    with tenant_scope(tenant_a), django_assert_num_queries(0):
        again = report("overview", filters)
    assert again == first

    # A call that starts does not make the report stale; one that ends does.
    call = _in_progress_call(tenant_a, month.l1, agent=month.agent, branch=month.branch)
    still, queries = _overview(tenant_a, filters)
    assert queries == 0 and still == first

    _end(call, tenant_a, django_capture_on_commit_callbacks)
    fresh, queries = _overview(tenant_a, filters)
    assert queries > 0
    assert fresh["figures"]["calls_dialled"]["value"] == 6
    assert (fresh["figures"]["connect_rate"]["numerator"], fresh["figures"]["connect_rate"]["denominator"]) == (5, 6)
    with tenant_scope(tenant_a), django_assert_num_queries(0):
        assert report("overview", filters) == fresh
    return fresh


def test_reports_are_cached_until_a_call_ends(
    month, tenant_a, tenant_b, filters, django_capture_on_commit_callbacks, django_assert_num_queries
):
    _cache_flow(month, tenant_a, tenant_b, filters, django_capture_on_commit_callbacks, django_assert_num_queries)


@pytest.mark.redis
def test_reports_are_cached_in_redis_until_a_call_ends(
    month, tenant_a, tenant_b, filters, django_capture_on_commit_callbacks, django_assert_num_queries
):
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    fresh = _cache_flow(
        month, tenant_a, tenant_b, filters, django_capture_on_commit_callbacks, django_assert_num_queries
    )
    with tenant_scope(tenant_a):
        key = analytics_cache.key("overview", filters)
    assert cache.get(key) == fresh  # round-trips through Redis as it was
    assert f":{versioning.current(tenant_a.pk)}:" in key


def test_an_appointment_status_change_invalidates(
    month, tenant_a, filters, django_capture_on_commit_callbacks, django_assert_num_queries
):
    first, _ = _overview(tenant_a, filters)
    with tenant_scope(tenant_a), django_assert_num_queries(0):
        report("overview", filters)
    with tenant_scope(tenant_a), django_capture_on_commit_callbacks(execute=True):
        confirmed = appointment_services.confirm(month.a1)
    assert confirmed.status == "confirmed"
    again, queries = _overview(tenant_a, filters)
    assert queries > 0
    assert again["figures"]["appointments_booked"] == first["figures"]["appointments_booked"]


def test_every_report_of_the_tenant_misses_after_one_bump(
    month, tenant_a, filters, django_capture_on_commit_callbacks, django_assert_num_queries
):
    names = ["overview", "calls-over-time", "outcomes", "campaigns"]
    with tenant_scope(tenant_a):
        for name in names:
            report(name, filters)
        report("funnel", filters)
        with django_assert_num_queries(0):
            for name in names:
                report(name, filters)
            report("funnel", filters)
        for name in ("needs-attention", "today"):  # they name people: never cached (erasure leaves no copy)
            with CaptureQueriesContext(connection) as queries:
                report(name, filters)
            assert 0 < len(queries) <= 2, name
    _end(_in_progress_call(tenant_a, month.l2, agent=month.agent), tenant_a, django_capture_on_commit_callbacks)
    with tenant_scope(tenant_a):
        for name in names:
            with CaptureQueriesContext(connection) as queries:
                report(name, filters)
            assert len(queries) > 0, name
    with tenant_scope(tenant_a):
        assert report("outcomes", filters)["total"] == 6


def test_renaming_the_pipeline_shows_in_the_cached_funnel_at_once(
    month, tenant_a, filters, django_capture_on_commit_callbacks
):
    with tenant_scope(tenant_a):
        before = {step["step"]: step["label"] for step in report("funnel", filters)["steps"]}
        with django_capture_on_commit_callbacks(execute=True):
            PipelineSettings.objects.update_or_create(defaults={"stage_labels": {"won": "Member"}})
        after = {step["step"]: step["label"] for step in report("funnel", filters)["steps"]}
        with django_capture_on_commit_callbacks(execute=True):
            PipelineSettings.objects.all().delete()
        reset = {step["step"]: step["label"] for step in report("funnel", filters)["steps"]}
    assert before["won"] != "Member"
    assert after["won"] == "Member"
    assert reset == before


def test_tenant_bs_call_ending_keeps_tenant_as_cache(
    month, tenant_a, tenant_b, filters, django_capture_on_commit_callbacks, django_assert_num_queries
):
    first, _ = _overview(tenant_a, filters)
    a_version, b_version = versioning.current(tenant_a.pk), versioning.current(tenant_b.pk)
    b_call = _in_progress_call(tenant_b, LeadFactory(tenant=tenant_b))
    _end(b_call, tenant_b, django_capture_on_commit_callbacks)
    assert versioning.current(tenant_b.pk) != b_version  # B's reports are stale now…
    assert versioning.current(tenant_a.pk) == a_version  # …A's are not
    with tenant_scope(tenant_a), django_assert_num_queries(0):
        assert report("overview", filters) == first
    with tenant_scope(tenant_b):
        assert report("overview", filters)["figures"]["calls_dialled"]["value"] == 4


def test_the_api_shows_a_call_that_ended_after_the_report_was_cached(
    client_a, month, tenant_a, django_capture_on_commit_callbacks
):
    assert ok(get(client_a, "overview", **PERIOD))["figures"]["calls_dialled"]["value"] == 5
    call = _in_progress_call(tenant_a, month.l3, agent=month.agent, branch=month.branch)
    _end(call, tenant_a, django_capture_on_commit_callbacks)
    assert ok(get(client_a, "overview", **PERIOD))["figures"]["calls_dialled"]["value"] == 6
    assert ok(get(client_a, "outcomes", **PERIOD))["total"] == 6


def test_filtered_reports_are_cached_apart(client_a, month):
    everything = ok(get(client_a, "overview", **PERIOD))
    one_campaign = ok(get(client_a, "overview", campaign=pid(month.other_campaign), **PERIOD))
    assert (everything["figures"]["calls_dialled"]["value"], one_campaign["figures"]["calls_dialled"]["value"]) == (
        5,
        1,
    )


def test_a_call_stopped_by_the_gate_at_dial_time_is_not_a_call_dialled(clock, tenant_a, owner_a):
    from unittest import mock

    from calls import services
    from calls.tasks import dial_due_calls
    from leads.models import DoNotCall
    from tests.factories import BranchFactory, ConsentFactory, ProviderAccountFactory, ScriptFactory, VoiceAgentFactory

    branch = BranchFactory(tenant=tenant_a, name="Downtown", time_zone="America/New_York")
    lead = LeadFactory(tenant=tenant_a, branch=branch, phone="+12125550123", first_name="Ana")
    ConsentFactory(tenant=tenant_a, lead=lead, kind="express_written")
    account = ProviderAccountFactory(tenant=tenant_a, provider="simulator", api_key="sim-key")
    agent = VoiceAgentFactory(tenant=tenant_a, account=account)
    script = ScriptFactory(tenant=tenant_a, purpose="lead_followup")
    with tenant_scope(tenant_a.pk):
        call, decision = services.request_call(lead, agent, script)
        DoNotCall.objects.create(phone=lead.phone, reason="asked by email")  # comes while the call is queued
    assert decision.allowed
    with mock.patch("voice.clients.simulator.SimulatorClient.start_call") as start:
        dial_due_calls(tenant_id=tenant_a.pk)
    assert start.call_count == 0
    assert Call.all_tenants.get(pk=call.pk).status == "canceled"

    client = api_client(owner_a, tenant_a)
    today = {"from": day(23), "to": day(23)}
    assert ok(get(client, "outcomes", **today))["total"] == 0  # is 1, "in_progress"
    assert ok(get(client, "overview", **today))["figures"]["calls_dialled"]["value"] == 0


# --- OpenAPI --------------------------------------------------------------------------------------


def test_schema_documents_the_six_endpoints_with_an_example(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for endpoint in ENDPOINTS:
        path = f"{URL}{endpoint}/"
        assert path in paths, path
        operation = paths[path]["get"]
        assert "analytics" in operation["tags"]
        content = operation["responses"]["200"]["content"]["application/json"]
        examples = content.get("examples", {})
        assert examples, f"{path} has no example"
        assert all(example["value"] for example in examples.values()), path
        assert "$ref" in content["schema"] or content["schema"].get("properties"), path
        names = {p["name"] for p in operation["parameters"]}
        assert {"from", "to", "branch", "campaign", "agent", "staff"} <= names, path
    assert "limit" in {p["name"] for p in paths[f"{URL}needs-attention/"]["get"]["parameters"]}


def test_a_new_campaign_whose_calls_all_reached_voicemail_is_listed_not_a_500(
    client_a, month, tenant_a, owner_a, client
):
    """Issue 19: a brand-new tenant's first calls reach voicemail. No conversation yet must read as 0 of n,
    on the API and on the dashboard alike."""
    from decimal import Decimal

    from tests.factories import CampaignFactory

    with tenant_scope(tenant_a.pk):
        quiet = CampaignFactory(tenant=tenant_a, name="Voicemail only", agent=month.agent)
        for minute in (0, 5):
            CallFactory(
                tenant=tenant_a,
                lead=month.l5,
                agent=month.agent,
                branch=month.l5.branch,
                campaign=quiet,
                dialed_at=ny(21, 15, minute),
                created_at=ny(21, 15, minute),
                ended_at=ny(21, 15, minute, 30),
                outcome="voicemail",
                duration_seconds=30,
                cost=Decimal("0.10"),
            )
    rows = {r["name"]: r for r in ok(get(client_a, "campaigns", **PERIOD))["campaigns"]}
    assert rows["Voicemail only"]["dialled"] == 2
    assert rows["Voicemail only"]["contact_rate"] == {"value": 0.0, "numerator": 0, "denominator": 2}
    client.force_login(owner_a)
    assert client.get("/admin/", {"from": PERIOD["from"], "to": PERIOD["to"]}).status_code == 200
