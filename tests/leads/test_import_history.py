"""Issue 19, finding 11: an import keeps the file's history. "Date Added" and the other common date headers
set each lead's creation date (read in the business's date order; a future or unreadable date is a row
error, by row and column), imported history never counts as slow speed to lead, the error report names
each row's person, and every duplicate row is listed with the lead it matched."""

import csv
import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analytics.kpi import Filters, Period
from analytics.metrics.leads import cohorts
from campaigns.audiences import leads_for
from core.public_ids import of as pid
from leads import importing
from leads.models import Lead, LeadImport
from tenants.scoping import tenant_scope
from tests.clock import NEW_YORK, moment, today
from tests.conftest import api_client
from tests.factories import BranchFactory, LeadFactory, LeadImportFactory

pytestmark = pytest.mark.django_db


def imported(tenant, text: str, name="leads.csv", **options) -> LeadImport:
    """The file through a recorded import, as every door runs it."""
    with tenant_scope(tenant.pk):
        lead_import = importing.create_import(SimpleUploadedFile(name, text.encode()), queue=False, **options)
        return importing.run_import(lead_import)


def lead_named(tenant, first_name) -> Lead:
    with tenant_scope(tenant.pk):
        return Lead.objects.get(first_name=first_name)


def day_in_new_york(lead):
    from zoneinfo import ZoneInfo

    return lead.created_at.astimezone(ZoneInfo(NEW_YORK)).date()


@pytest.mark.parametrize("header", ["Date Added", "Created", "Signup Date", "Created At", "Lead Date", "Date"])
def test_common_date_headers_set_the_creation_date(gym, header):
    forty_days_ago = today(NEW_YORK) - timedelta(days=40)
    imported(gym, f"First Name,Phone,{header}\nAnn,3055550123,{forty_days_ago:%m/%d/%Y}\n")
    assert day_in_new_york(lead_named(gym, "Ann")) == forty_days_ago


def test_messy_dates_read_alike_and_a_time_is_kept(gym):
    day = today(NEW_YORK) - timedelta(days=9)
    rows = [
        ("Iso", day.isoformat()),
        ("Slashes", f"{day.month}/{day.day}/{day:%y}"),
        ("Words", f'"{day:%B} {day.day}, {day.year}"'),  # quoted: it holds a comma
        ("Dashes", f"{day.day}-{day:%b}-{day.year}"),
        ("Clock", f"{day:%m/%d/%Y} 2:35 PM"),
    ]
    report = imported(
        gym, "First Name,Phone,Date Added\n" + "".join(f"{n},30555501{i:02d},{d}\n" for i, (n, d) in enumerate(rows))
    )
    assert (report.created_count, report.error_count) == (5, 0)
    for name, _ in rows:
        assert day_in_new_york(lead_named(gym, name)) == day, name
    assert lead_named(gym, "Clock").created_at == moment(day, 14, 35)


def test_dates_follow_the_countrys_order(gym):
    year = today(NEW_YORK).year - 1  # a past year: neither reading is in the future
    london = BranchFactory(tenant=gym, country="GB", time_zone="Europe/London")
    imported(gym, f"First Name,Phone,Date Added\nSam,3055550123,03/04/{year}\n")
    imported(gym, f"First Name,Phone,Date Added\nKim,020 7946 0958,03/04/{year}\n", branch_id=london.pk)
    assert (local_month_day(lead_named(gym, "Sam"), NEW_YORK)) == (3, 4)  # March the 4th in the US
    assert (local_month_day(lead_named(gym, "Kim"), "Europe/London")) == (4, 3)  # the 3rd of April in Britain


def local_month_day(lead, zone):
    from zoneinfo import ZoneInfo

    local = lead.created_at.astimezone(ZoneInfo(zone))
    return local.month, local.day


def test_a_future_or_unreadable_date_is_a_row_error_by_row_and_column(gym):
    soon = today(NEW_YORK) + timedelta(days=3)
    text = (
        "First Name,Email,Phone,Date Added\n"
        f"Fay,fay@example.com,3055550123,{soon:%m/%d/%Y}\n"
        "Una,una@example.com,3055550124,31/31/2020\n"
        f"Ok,ok@example.com,3055550125,{today(NEW_YORK) - timedelta(days=2):%m/%d/%Y}\n"
    )
    report = imported(gym, text)
    assert (report.created_count, report.error_count) == (1, 2)
    problems = {(e["row"], e["column"], e["name"], e["email"]): e["reason"] for e in report.errors}
    assert "in the future" in problems[(2, "Date Added", "Fay", "fay@example.com")]
    assert "Not a date" in problems[(3, "Date Added", "Una", "una@example.com")]


def test_bad_dates_through_the_api_are_reported_never_a_500(owner_a, gym, django_capture_on_commit_callbacks):
    client = api_client(owner_a, gym)
    soon = today(NEW_YORK) + timedelta(days=30)
    data = f"Name,Phone,Created At\nFay Lee,3055550123,{soon.isoformat()}T10:00:00Z\nBo,3055550124,\u00bf?\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/leads/imports/", {"file": SimpleUploadedFile("x.csv", data)}, format="multipart"
        )
    assert response.status_code == 202
    status = client.get(f"/api/v1/leads/imports/{response.json()['id']}/").json()
    assert (status["status"], status["created_count"], status["error_count"]) == ("done", 0, 2)
    assert [(e["row"], e["column"], e["name"]) for e in status["errors"]] == [
        (2, "Created At", "Fay Lee"),
        (3, "Created At", "Bo"),
    ]


def test_the_error_report_names_each_rows_person(gym):
    lead_import = imported(gym, "First Name,Last Name,Email,Phone\nEmma,O'Brien,emma@example.com,12345\n")
    with tenant_scope(gym.pk), lead_import.error_report.open("rb") as report:
        rows = list(csv.reader(io.StringIO(report.read().decode())))
    assert rows[0][5:7] == ["name", "email"]
    assert rows[1][:2] == ["2", "Phone"] and rows[1][5:7] == ["Emma O'Brien", "emma@example.com"]


# --- speed to lead ---------------------------------------------------------------------------------------


def test_imported_history_never_counts_as_slow_speed_to_lead(gym):
    ten_days_ago = today(NEW_YORK) - timedelta(days=10)
    imported(gym, f"First Name,Phone,Date Added\nOld,3055550123,{ten_days_ago:%m/%d/%Y}\n")
    with tenant_scope(gym.pk):
        history = Lead.objects.get(first_name="Old")
        history.first_contacted_at = history.created_at + timedelta(days=10)  # called after the import: not slow
        history.save(update_fields=["first_contacted_at"])
        arrived = moment(ten_days_ago, 12)
        LeadFactory(tenant=gym, first_name="Live", created_at=arrived, first_contacted_at=arrived + timedelta(hours=1))
        (cohort,) = cohorts(
            Filters(Period(ten_days_ago, today(NEW_YORK), NEW_YORK)), [Period(ten_days_ago, today(NEW_YORK), NEW_YORK)]
        )
    assert cohort["funnel"]["leads"] == 2  # the history counts where it belongs: the cohort of its day
    assert cohort["speed"] == {"new": 1, "attempted": 1, "fast": 0, "median_seconds": 3600}


def test_the_speed_to_lead_campaign_takes_arrivals_not_imported_history(gym):
    imported(gym, f"First Name,Phone,Date Added\nDated,3055550123,{today(NEW_YORK):%m/%d/%Y}\n")
    imported(gym, "First Name,Phone\nUndated,3055550124\n")  # dated by the import: an arrival like any other
    with tenant_scope(gym.pk):
        names = set(leads_for({"kind": "speed_to_lead", "within_minutes": 5}).values_list("first_name", flat=True))
    assert names == {"Undated"}


# --- duplicates ------------------------------------------------------------------------------------------

FILE_WITH_DUPLICATES = (
    "First Name,Last Name,Email,Phone\n"
    "Annie,Lee,annie@example.com,3055550123\n"  # row 2: Ann Lee, already a lead
    "Bob,Ray,bob@example.com,3055550124\n"  # row 3: new
    "Bobby,Ray,bobby@example.com,(305) 555-0124\n"  # row 4: row 3 again
)


@pytest.fixture
def ann(gym):
    return LeadFactory(tenant=gym, first_name="Ann", last_name="Lee", phone="+13055550123")


def test_the_api_lists_each_duplicate_with_the_lead_it_matched(owner_a, gym, ann, django_capture_on_commit_callbacks):
    client = api_client(owner_a, gym)
    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("dupes.csv", FILE_WITH_DUPLICATES.encode())
        response = client.post("/api/v1/leads/imports/", {"file": upload}, format="multipart")
    status = client.get(f"/api/v1/leads/imports/{response.json()['id']}/").json()
    bob = lead_named(gym, "Bob")
    assert status["duplicate_count"] == 2
    assert [
        (d["row"], d["name"], d["email"], d["lead"], d["lead_name"], d["of_row"]) for d in status["duplicates"]
    ] == [
        (2, "Annie Lee", "annie@example.com", pid(ann), "Ann Lee", None),
        (4, "Bobby Ray", "bobby@example.com", pid(bob), "Bob Ray", 3),
    ]
    assert status["errors"] == []
    report = client.get(f"/api/v1/leads/imports/{response.json()['id']}/error-report/")
    lines = b"".join(report.streaming_content).decode().splitlines()
    assert lines[1].startswith("2,Phone,") and lines[1].endswith(f",Annie Lee,annie@example.com,{pid(ann)}")


def test_the_admin_result_page_links_each_duplicate_to_its_lead(client, owner_a, gym, ann):
    lead_import = imported(gym, FILE_WITH_DUPLICATES)
    client.force_login(owner_a)
    page = client.get(reverse("admin:leads_leadimport_change", args=[lead_import.pk])).content.decode()
    assert reverse("admin:leads_lead_change", args=[ann.pk]) in page
    assert "Already a lead: Ann Lee; skipped." in page and "Same person as row 3 of this file" in page


def test_the_admin_preview_lists_the_duplicates_before_anything_is_imported(client, owner_a, gym, ann):
    client.force_login(owner_a)
    upload = SimpleUploadedFile("dupes.csv", FILE_WITH_DUPLICATES.encode())
    response = client.post(reverse("admin:leads_lead_import"), {"file": upload, "on_duplicate": "skip"})
    page = client.get(response["Location"])
    duplicates = page.context["preview"]["duplicate_rows"]
    assert [(d["row"], d["lead"], d["of_row"]) for d in duplicates] == [(2, ann.pk, None), (4, None, 3)]
    assert reverse("admin:leads_lead_change", args=[ann.pk]) in page.content.decode()


def test_leads_imported_before_the_mark_existed_are_marked_as_history(gym):
    migration = importlib.import_module("leads.migrations.0011_lead_imported_history")
    with tenant_scope(gym.pk):
        lead_import = LeadImportFactory(tenant=gym)
        uploaded = lead_import.created_at
        old = LeadFactory(tenant=gym, source_import=lead_import, created_at=uploaded - timedelta(days=30))
        undated = LeadFactory(tenant=gym, source_import=lead_import, created_at=uploaded + timedelta(seconds=1))
        typed = LeadFactory(tenant=gym, created_at=uploaded - timedelta(days=30))
    migration.mark_imported_history(apps, None)
    marked = dict(Lead.all_tenants.values_list("pk", "imported_history"))
    assert (marked[old.pk], marked[undated.pk], marked[typed.pk]) == (True, False, False)
