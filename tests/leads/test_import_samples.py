"""The shared sample files import with the exact counts their generator printed."""

import csv
import io
from datetime import timedelta

import pytest

from leads.importing import ImportOptions, import_csv
from leads.models import Consent, Lead, LeadImport, Tag, Vehicle
from tenants.scoping import tenant_scope
from tests.clock import today

from .conftest import sample

pytestmark = pytest.mark.django_db

# What the files hold, as their generator counted it when they were written (tests/leads/data).
GYM = {"valid": 284, "invalid_phone": 6, "duplicate": 10, "no_email": 13}
DEALERSHIP = {"valid": 191, "invalid_phone": 2, "duplicate": 7, "no_email": 10}


def run(tenant, name, **options):
    with tenant_scope(tenant.pk), sample(name).open("rb") as handle:
        return import_csv(handle, ImportOptions(**options))


def test_gym_file_imports_every_valid_row_and_reports_every_bad_phone(gym):
    report = run(gym, "leads_gym_300.csv")
    assert (report.rows, report.created, report.duplicates, report.errors) == (300, 284, 10, 6)
    assert report.failure == ""
    assert {e["column"] for e in report.first_errors} == {"Phone"}
    assert [e["row"] for e in report.first_errors] == [109, 126, 138, 253, 288, 298]
    with tenant_scope(gym.pk):
        assert Lead.objects.count() == GYM["valid"]
        assert Lead.objects.filter(email="").count() >= GYM["no_email"] - 1  # a repeated person may lack one
        assert not Lead.objects.exclude(phone__startswith="+1").exists()


def test_dealership_file_imports_with_vehicles(dealership):
    report = run(dealership, "leads_dealership_200.csv")
    assert (report.rows, report.created, report.duplicates, report.errors) == (200, 191, 7, 2)
    with tenant_scope(dealership.pk):
        assert Lead.objects.count() == DEALERSHIP["valid"]
        assert Vehicle.objects.count() == DEALERSHIP["valid"]
        assert not Vehicle.objects.filter(next_service_due__isnull=True).exists()


def test_names_are_cleaned_and_messy_dates_read(gym):
    run(gym, "leads_gym_300.csv")
    with tenant_scope(gym.pk):
        assert not Lead.objects.filter(first_name__startswith=" ").exists()
        upper = [n for n in Lead.objects.values_list("first_name", flat=True) if n.isupper() and len(n) > 1]
        assert upper == []
        assert Lead.objects.get(phone="+12126011771").created_at.strftime("%m/%d") == "10/09"  # 10/09/2026


def test_running_the_same_file_again_creates_nothing(gym):
    run(gym, "leads_gym_300.csv")
    again = run(gym, "leads_gym_300.csv")
    assert again.created == 0
    assert again.duplicates == GYM["valid"] + GYM["duplicate"]
    with tenant_scope(gym.pk):
        assert Lead.objects.count() == GYM["valid"]


def test_dry_run_reports_the_same_and_writes_nothing(gym):
    report = run(gym, "leads_gym_300.csv", dry_run=True)
    assert (report.created, report.duplicates, report.errors) == (284, 10, 6)
    with tenant_scope(gym.pk):
        assert not Lead.objects.exists()
        assert not Tag.objects.exists()


def test_update_policy_overwrites_with_the_later_row(gym):
    csv_text = "Phone,First Name,Email\n3055550123,Ann,ann@example.com\n(305) 555-0123,Annie,annie@example.com\n"
    with tenant_scope(gym.pk):
        report = import_csv(io.BytesIO(csv_text.encode()), ImportOptions(on_duplicate="update"))
        lead = Lead.objects.get()
    assert (report.created, report.duplicates) == (1, 1)
    assert (lead.first_name, lead.email) == ("Annie", "annie@example.com")


def test_merge_policy_only_fills_what_is_missing(gym):
    with tenant_scope(gym.pk):
        import_csv(io.BytesIO(b"Phone,First Name\n3055550123,Ann\n"), ImportOptions())
        report = import_csv(
            io.BytesIO(b"Phone,First Name,Email\n305-555-0123,Annie,ann@example.com\n"),
            ImportOptions(on_duplicate="merge"),
        )
        lead = Lead.objects.get()
    assert report.updated == 1
    assert (lead.first_name, lead.email) == ("Ann", "ann@example.com")


def test_skip_policy_leaves_existing_leads_alone(gym):
    with tenant_scope(gym.pk):
        import_csv(io.BytesIO(b"Phone,First Name\n3055550123,Ann\n"), ImportOptions())
        report = import_csv(io.BytesIO(b"Phone,First Name\n3055550123,Annie\n"), ImportOptions(on_duplicate="skip"))
        assert Lead.objects.get().first_name == "Ann"
    assert (report.created, report.updated, report.duplicates) == (0, 0, 1)


def test_same_email_is_the_same_person(gym):
    csv_text = "Phone,Email\n3055550123,pat@example.com\n3055550199,PAT@example.com\n"
    with tenant_scope(gym.pk):
        report = import_csv(io.BytesIO(csv_text.encode()), ImportOptions())
        assert Lead.objects.count() == 1
    assert report.duplicates == 1


def test_tags_branch_source_and_consent_options(gym, branch_a):
    consented = today() - timedelta(days=90)
    csv_text = f"Phone,Tags,Consent\n3055550123,vip; student,yes\n3055550124,,no\n3055550125,,{consented}\n"
    with tenant_scope(gym.pk):
        import_csv(
            io.BytesIO(csv_text.encode()),
            ImportOptions(tags=["spring"], branch_id=branch_a.pk, source="walk_in", consent_disclosure_version="v3"),
        )
        first = Lead.objects.get(phone="+13055550123")
        assert set(first.tags.values_list("name", flat=True)) == {"spring", "vip", "student"}
        assert set(Lead.objects.values_list("source", flat=True)) == {"walk_in"}
        assert set(Lead.objects.values_list("branch_id", flat=True)) == {branch_a.pk}
        consents = Consent.objects.order_by("phone")
        assert [c.phone for c in consents] == ["+13055550123", "+13055550125"]
        assert {c.disclosure_version for c in consents} == {"v3"}
        assert consents[1].captured_at.date() == consented


def test_unknown_columns_become_custom_fields_and_mapping_can_override(gym):
    csv_text = "Cell,Favourite class,Member No\n3055550123,Spin,A-17\n"
    with tenant_scope(gym.pk):
        import_csv(io.BytesIO(csv_text.encode()), ImportOptions(mapping={"Member No": "ignore"}))
        lead = Lead.objects.get()
    assert lead.phone == "+13055550123"
    assert lead.custom_fields == {"Favourite class": "Spin"}


def test_error_report_lists_row_column_value_and_reason(gym):
    from leads.importing import new_error_report

    errors = new_error_report()
    with tenant_scope(gym.pk), sample("leads_gym_300.csv").open("rb") as handle:
        import_csv(handle, ImportOptions(), error_report=errors)
    errors.flush()
    errors.buffer.seek(0)
    rows = list(csv.reader(io.TextIOWrapper(errors.buffer, encoding="utf-8")))
    assert rows[0] == ["row", "column", "value", "reason", "level", "name", "email", "matched lead"]
    assert rows[1] == [
        "109",
        "Phone",
        "12345",
        "“12345” is not a valid phone number.",
        "error",
        "Emma O'Brien",
        "Emma.OBrien107@Example.COM",
        "",
    ]
    # Every bad phone, then every duplicate row (tests/leads/test_import_history.py lists whom they matched).
    assert [row[4] for row in rows[1:]] == ["error"] * GYM["invalid_phone"] + ["duplicate"] * GYM["duplicate"]


def test_erased_people_are_not_imported_again(gym):
    from leads.privacy import erase_person

    with tenant_scope(gym.pk):
        import_csv(io.BytesIO(b"Phone\n3055550123\n"), ImportOptions())
        erase_person(Lead.objects.get())
        report = import_csv(io.BytesIO(b"Phone\n305 555 0123\n"), ImportOptions())
        assert not Lead.objects.exists()
    assert report.errors == 1
    assert "erased" in report.first_errors[0]["reason"]


def test_recorded_run_keeps_counts_and_report(gym):
    from django.core.files.base import ContentFile

    from leads.importing import run_import

    with tenant_scope(gym.pk):
        lead_import = LeadImport(original_name="gym.csv")
        lead_import.file.save("gym.csv", ContentFile(sample("leads_gym_300.csv").read_bytes()), save=False)
        lead_import.save()
        run_import(lead_import)
        lead_import.refresh_from_db()
    assert (lead_import.status, lead_import.created_count, lead_import.error_count) == ("done", 284, 6)
    assert lead_import.progress == 100
    assert lead_import.error_report.name.endswith(".csv")
    with tenant_scope(gym.pk):
        assert Lead.objects.filter(source_import=lead_import).count() == 284
