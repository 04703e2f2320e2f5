"""The admin dashboard on the hand-built month: KPI cards, charts' data, funnel, leaderboard, the calls
that need a person, today's appointments; CSV exports; the daily summary switch and email; isolation."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from analytics import summary
from tenants.models import Membership
from tenants.roles import Role
from tests.conftest import member

from .conftest import day, ny

pytestmark = pytest.mark.django_db
MONTH = {"from": day(20), "to": day(22)}


@pytest.fixture
def manager(client, tenant_a, month):
    user = member(tenant_a, Role.MANAGER, "maria", email="maria@alpha.test")
    client.force_login(user)
    return client


def dashboard(client, **params):
    return client.get(reverse("admin:index"), params or MONTH)


def test_the_dashboard_shows_the_months_figures(manager, month):
    page = dashboard(manager)
    assert page.status_code == 200
    d = page.context["dashboard"]
    cards = {c["key"]: c for c in d["cards"]}
    assert cards["calls_dialled"]["value"] == "5"
    assert cards["connect_rate"]["value"] == "80.0%"
    assert cards["connect_rate"]["terms"] == "4 of 5"
    assert cards["show_rate"]["value"] == "50.0%"
    assert cards["speed_to_lead"]["value"] == "35 min 05 s"  # 2105 s
    assert cards["calls_dialled"]["change"] == "+400%"  # 1 the three days before
    assert d["peak"] == 2
    chart = json.loads(d["calls_chart"])
    assert chart["labels"] == [f"{day(n):%m-%d}" for n in (20, 21, 22)]  # e.g. "11-20"
    assert {s["label"]: s["data"] for s in chart["datasets"]}["Voicemail"] == [0, 1, 0]
    assert [s["count"] for s in d["funnel"]["steps"]] == [5, 4, 3, 1, 1]
    html = page.content.decode()
    assert "Tour / trial booked" in html  # the gym's own word for the step
    assert reverse("admin:campaigns_campaign_change", args=[month.campaign.pk]) in html
    assert reverse("admin:calls_call_change", args=[month.c7.pk]) in html
    assert reverse("admin:appointments_appointment_change", args=[month.a6.pk]) in html  # today, 09:30
    assert 'data-testid="calls-chart"' in html and 'data-type="doughnut"' in html
    assert "cdn" not in html.lower()


def test_no_data_is_shown_as_such(manager):
    quiet = day(20) - timedelta(days=50)
    page = dashboard(manager, **{"from": quiet, "to": quiet + timedelta(days=2)})
    cards = {c["key"]: c for c in page.context["dashboard"]["cards"]}
    assert cards["show_rate"]["value"] == "no data"
    assert cards["calls_dialled"]["value"] == "0"


def test_bad_filters_say_what_is_wrong(manager, tenant_b):
    from tests.factories import BranchFactory

    page = dashboard(manager, **{"from": day(22), "to": day(20)})
    assert "The range must end on or after its first day." in page.content.decode()
    other = BranchFactory(tenant=tenant_b)
    page = dashboard(manager, branch=other.pk)
    assert "branch" in page.context["dashboard"]["errors"]


def test_another_tenants_rows_never_show(manager, month):
    html = dashboard(manager).content.decode()
    assert "B's flag" not in html
    csv_text = manager.get(reverse("admin:dashboard_export", args=["needs-attention"]), MONTH).content.decode()
    assert "B's flag" not in csv_text


def test_the_dashboard_is_cached_after_the_first_view(manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        dashboard(manager)
    with CaptureQueriesContext(connection) as second:
        dashboard(manager)
    report_tables = ('"calls_call"', '"leads_lead"', '"appointments_appointment"', '"campaigns_expense"')
    reads = [q["sql"] for q in second.captured_queries if any(t in q["sql"] for t in report_tables)]
    # Only the two lists that name people are read again (never cached: analytics.reports.NAMES_PEOPLE).
    people_lists = ('"needs_attention"', 'FROM "appointments_appointment"')
    assert 0 < len(reads) <= 3 and all(any(mark in sql for mark in people_lists) for sql in reads), reads
    assert len(second) <= len(first) - 13


def test_every_table_exports_as_csv(manager, month):
    for table in ("overview", "calls-over-time", "outcomes", "funnel", "campaigns", "needs-attention", "today"):
        response = manager.get(reverse("admin:dashboard_export", args=[table]), MONTH)
        assert response.status_code == 200, table
        assert response["Content-Type"].startswith("text/csv")
        assert f"tenant-a-{table}-{day(20)}-{day(22)}.csv" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
        assert len(rows) >= 2, table
    campaigns = manager.get(reverse("admin:dashboard_export", args=["campaigns"]), MONTH).content.decode()
    rows = list(csv.DictReader(io.StringIO(campaigns.lstrip("\ufeff"))))
    assert [r["campaign"] for r in rows] == ["Win-back", "New leads"]
    assert rows[1]["calls dialled"] == "3" and rows[1]["answered"] == "2"
    overview = manager.get(reverse("admin:dashboard_export", args=["overview"]), MONTH).content.decode()
    figures = {r["figure"]: r for r in csv.DictReader(io.StringIO(overview.lstrip("\ufeff")))}
    assert (figures["connect_rate"]["numerator"], figures["connect_rate"]["denominator"]) == ("4", "5")


def test_exports_refuse_unknown_tables_and_bad_filters(manager):
    assert manager.get(reverse("admin:dashboard_export", args=["secrets"])).status_code == 404
    assert manager.get(reverse("admin:dashboard_export", args=["outcomes"]), {"from": "nope"}).status_code == 400


def test_exported_names_cannot_run_as_spreadsheet_formulas(manager, month, tenant_a):
    from campaigns.models import Campaign

    Campaign.all_tenants.filter(pk=month.campaign.pk).update(name="=HYPERLINK(1)")
    text = manager.get(reverse("admin:dashboard_export", args=["campaigns"]), MONTH).content.decode()
    assert "'=HYPERLINK(1)" in text


def test_a_managers_stage_label_cannot_run_as_a_formula_in_the_funnel_export(manager, month, tenant_a):
    from leads.models import PipelineSettings
    from tenants.scoping import tenant_scope

    with tenant_scope(tenant_a.pk):
        PipelineSettings.objects.update_or_create(defaults={"stage_labels": {"won": '=HYPERLINK("http://x")'}})
    text = manager.get(reverse("admin:dashboard_export", args=["funnel"]), MONTH).content.decode()
    assert "'=HYPERLINK(" in text and ",=HYPERLINK(" not in text and '"=HYPERLINK(' not in text


def test_tables_that_list_people_export_only_for_those_who_may_export_people(client, tenant_a, month):
    from tests.conftest import member

    client.force_login(member(tenant_a, Role.VIEWER, "vera"))
    for table in ("needs-attention", "today"):
        assert client.get(reverse("admin:dashboard_export", args=[table]), MONTH).status_code == 403
    assert client.get(reverse("admin:dashboard_export", args=["outcomes"]), MONTH).status_code == 200


def test_a_manager_switches_the_daily_summary_on_and_off(manager, tenant_a):
    url = reverse("admin:dashboard_daily_summary")
    assert manager.post(url, {"daily_summary": "on"}).status_code == 302
    assert Membership.all_tenants.get(user__username="maria").daily_summary is True
    assert 'data-testid="daily-summary"' in dashboard(manager).content.decode()
    manager.post(url, {"daily_summary": "off"})
    assert Membership.all_tenants.get(user__username="maria").daily_summary is False


def test_an_agent_cannot_subscribe(client, tenant_a, month):
    client.force_login(member(tenant_a, Role.AGENT, "ann"))
    assert client.post(reverse("admin:dashboard_daily_summary"), {"daily_summary": "on"}).status_code == 403
    assert 'data-testid="daily-summary"' not in dashboard(client).content.decode()


def test_a_superuser_without_a_tenant_is_asked_to_pick_one(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "Pick a tenant" in page.content.decode()


def test_daily_summary_goes_once_after_seven_in_the_tenants_morning(tenant_a, tenant_b, month, clock):
    subscriber = member(tenant_a, Role.MANAGER, "sue", email="sue@alpha.test")
    Membership.all_tenants.filter(user=subscriber).update(daily_summary=True)
    agent = member(tenant_a, Role.AGENT, "al", email="al@alpha.test")
    Membership.all_tenants.filter(user=agent).update(daily_summary=True)  # agents get none
    member(tenant_a, Role.OWNER, "olga", email="olga@alpha.test")  # did not ask

    assert summary.send_due(now=ny(23, 6, 59)) == 0
    assert summary.send_due(now=ny(23, 7, 5)) == 1
    assert summary.send_due(now=ny(23, 7, 20)) == 0  # already sent today
    assert [m.to for m in mail.outbox] == [["sue@alpha.test"]]
    body = mail.outbox[0].body
    sunday = day(22)
    assert mail.outbox[0].subject == f"Alpha Gym: {sunday:%a} {sunday.day} {sunday:%b} in figures"  # "Sun 22 Nov"
    assert "Calls dialled: 1 (the day before: 2)" in body  # c4 on the 22nd; c3 and c7 on the 21st
    assert "Needs a person: 1" in body and "Asked not to be called" in body
    assert "B's flag" not in body
    assert summary.send_due(now=ny(24, 7, 5)) == 1  # the next morning


def test_a_daily_summary_that_failed_to_send_goes_at_the_next_tick(tenant_a, month, clock, monkeypatch):
    subscriber = member(tenant_a, Role.MANAGER, "sue", email="sue@alpha.test")
    Membership.all_tenants.filter(user=subscriber).update(daily_summary=True)
    real_send = summary.send_mail

    def mail_server_down(*args, **kwargs):
        raise ConnectionRefusedError("SMTP")

    monkeypatch.setattr(summary, "send_mail", mail_server_down)
    assert summary.send_due(now=ny(23, 7, 5)) == 0
    assert Membership.all_tenants.get(user=subscriber).daily_summary_sent_on is None  # not claimed for good
    monkeypatch.setattr(summary, "send_mail", real_send)
    assert summary.send_due(now=ny(23, 7, 20)) == 1  # the next tick
    assert summary.send_due(now=ny(23, 7, 35)) == 0
    assert [m.to for m in mail.outbox] == [["sue@alpha.test"]]


def test_a_daily_summary_that_keeps_failing_is_tried_three_times_a_day(tenant_a, month, clock, monkeypatch):
    subscriber = member(tenant_a, Role.MANAGER, "sue", email="sue@alpha.test")
    Membership.all_tenants.filter(user=subscriber).update(daily_summary=True)
    tries = []

    def address_rejected(*args, **kwargs):
        tries.append(args)
        raise ValueError("550 no such user")

    monkeypatch.setattr(summary, "send_mail", address_rejected)
    seven = ny(23, 7)  # 07:00 in New York
    for tick in range(6):  # until 08:15
        assert summary.send_due(now=seven + timedelta(minutes=15 * tick)) == 0
    assert len(tries) == summary.SEND_TRIES
    assert summary.send_due(now=ny(24, 7, 5)) == 0
    assert len(tries) == summary.SEND_TRIES + 1  # tried again the next day


def test_a_summary_that_cannot_be_computed_claims_nobody(tenant_a, month, clock, monkeypatch):
    subscriber = member(tenant_a, Role.MANAGER, "sue", email="sue@alpha.test")
    Membership.all_tenants.filter(user=subscriber).update(daily_summary=True)

    def database_gone(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(summary, "summary_for", database_gone)
    with pytest.raises(RuntimeError):
        summary.send_due(now=ny(23, 7, 5))
    assert Membership.all_tenants.get(user=subscriber).daily_summary_sent_on is None  # the next tick sends it
    monkeypatch.undo()
    assert summary.send_due(now=ny(23, 7, 20)) == 1


@pytest.mark.parametrize(
    ("unit", "change", "shown"),
    [
        ("count", {"absolute": -0.1, "relative": -0.004}, "0%"),  # the README walk saw "-0%"
        ("count", {"absolute": 4, "relative": 4.0}, "+400%"),
        ("count", {"absolute": -1, "relative": -0.25}, "-25%"),
        ("percent", {"absolute": -0.0004, "relative": None}, "0.0 pts"),
        ("percent", {"absolute": 0.031, "relative": None}, "+3.1 pts"),
    ],
)
def test_a_change_is_signed_only_when_it_is_one(unit, change, shown):
    from analytics.dashboard import _change_text

    assert _change_text({"unit": unit, "change": change}) == shown
