"""Filters say what they do: on every list an unknown parameter or ordering field is a 400 naming it,
booleans read true/false/1/0/yes/no, and values out of range are a 400, never a 500."""

import pytest

from config.api import router
from core.public_ids import of as pid
from tests.factories import CallFactory, DoNotCallFactory, LeadFactory

pytestmark = pytest.mark.django_db

LISTS = [pytest.param(prefix, viewset, id=prefix) for prefix, viewset, _ in router.registry if hasattr(viewset, "list")]


def test_the_walk_finds_the_lists():
    assert len(LISTS) >= 15


@pytest.mark.parametrize("prefix,viewset", LISTS)
def test_an_unknown_parameter_or_ordering_field_is_a_400_naming_it(owner, prefix, viewset):
    response = owner.get(f"/api/v1/{prefix}/", {"colour": "red"})
    assert response.status_code == 400, (prefix, response.status_code)
    assert list(response.json()["fields"]) == ["colour"]
    response = owner.get(f"/api/v1/{prefix}/", {"ordering": "-no_such_field"})
    assert response.status_code == 400, (prefix, response.status_code)
    assert list(response.json()["fields"]) == ["ordering"]
    declared = getattr(viewset, "ordering_fields", None) or []
    for field in declared:
        assert owner.get(f"/api/v1/{prefix}/", {"ordering": f"-{field}"}).status_code == 200, (prefix, field)


def test_the_analytics_reports_refuse_unknown_parameters_too(owner):
    response = owner.get("/api/v1/analytics/overview/", {"colour": "red"})
    assert response.status_code == 400 and "colour" in response.json()["fields"]


@pytest.mark.parametrize(
    "word,on_dnc",
    [("true", True), ("1", True), ("yes", True), ("YES", True), ("false", False), ("0", False), ("no", False)],
)
def test_booleans_read_true_false_one_zero_yes_no(owner, tenant_a, word, on_dnc):
    listed, free = LeadFactory(tenant=tenant_a), LeadFactory(tenant=tenant_a)
    DoNotCallFactory(tenant=tenant_a, phone=listed.phone)
    response = owner.get("/api/v1/leads/", {"dnc": word})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [pid(listed) if on_dnc else pid(free)]


@pytest.mark.parametrize(
    "path,param", [("leads", "dnc"), ("leads", "has_upcoming_appointment"), ("calls", "needs_attention")]
)
def test_a_boolean_that_is_not_one_is_a_400(owner, path, param):
    response = owner.get(f"/api/v1/{path}/", {param: "maybe"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [param]


def test_needs_attention_filters_the_calls(owner, tenant_a):
    flagged, plain = CallFactory(tenant=tenant_a, needs_attention=True), CallFactory(tenant=tenant_a)
    ids = {row["id"] for row in owner.get("/api/v1/calls/", {"needs_attention": "yes"}).json()["results"]}
    assert ids == {pid(flagged)} and pid(plain) not in ids


@pytest.mark.parametrize(
    "path,params",
    [
        ("leads", {"service_due_within_days": "99999999999"}),
        ("leads", {"owner": "99999999999999999999"}),
        ("leads", {"score_min": "1e400"}),
        ("leads", {"created_after": "9999-12-31T23:00:00-19:00"}),
        ("leads", {"created_after": "0001-01-01T00:00:00+19:00"}),
        ("leads", {"created_after": "not a date"}),
        ("calls", {"lead": "99999999999999999999"}),
        ("calls", {"created_before": "9999-12-31T23:59:59+23:00"}),
        ("appointments", {"start_after": "9999-12-31T23:59:59-12:00"}),
        ("vehicles", {"next_service_due__gte": "9999-12-31"}),
        ("campaigns/expenses", {"date__gte": "0001-01-01"}),
        ("analytics/overview", {"from": "9999-12-25", "to": "9999-12-31"}),
        ("analytics/overview", {"days": "99999999999"}),
    ],
)
def test_values_out_of_range_are_a_400_on_the_parameter(owner, path, params):
    response = owner.get(f"/api/v1/{path}/", params)
    assert response.status_code == 400, (path, params, response.status_code, response.content[:200])
    assert set(response.json()["fields"]) <= set(params) | {"date_to", "to"}, response.json()


def test_availability_far_in_the_future_is_a_400(owner, branch_a):
    response = owner.get(
        "/api/v1/appointments/availability/",
        {"branch": pid(branch_a), "kind": "tour", "from": "9999-12-31", "to": "9999-12-31"},
    )
    assert response.status_code == 400
    assert "from" in response.json()["fields"]


def test_a_tag_filter_that_looks_like_a_number_but_is_not_one_is_a_name(owner, tenant_a):
    LeadFactory(tenant=tenant_a)
    response = owner.get("/api/v1/leads/", {"tag": "²"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_script_preview_with_a_lead_that_is_not_an_id_is_a_400(owner, tenant_a):
    from tests.factories import ScriptFactory

    script = ScriptFactory(tenant=tenant_a)
    response = owner.get(f"/api/v1/voice/scripts/{pid(script)}/preview/", {"lead": "abc"})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["lead"]
