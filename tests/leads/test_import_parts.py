"""The importer's parts agree: a preview counts what the import then does, COPY names every column of
the lead table, and the file's phones are read in the branch's country, else the tenant's."""

import io

import pytest
from django.db import connection

from leads.importing import BATCH_SIZE, COPY_COLUMNS, ImportOptions, import_csv, preview
from leads.models import Lead
from tenants.scoping import tenant_scope
from tests.factories import BranchFactory, LeadFactory

from .conftest import sample

pytestmark = pytest.mark.django_db


def test_copy_names_every_column_of_the_lead_table():
    with connection.cursor() as cursor:
        table = [column.name for column in connection.introspection.get_table_description(cursor, "leads_lead")]
    assert sorted(COPY_COLUMNS) == sorted(table)


@pytest.mark.parametrize("policy", ["skip", "update"])
def test_a_preview_counts_what_the_import_then_does(gym, policy):
    LeadFactory(tenant=gym, phone="+13055550123")
    data = sample("leads_gym_300.csv").read_bytes() + b"Known,Person,3055550123,,,,,\n"
    with tenant_scope(gym.pk):
        previewed = preview(io.BytesIO(data), on_duplicate=policy)
        report = import_csv(io.BytesIO(data), ImportOptions(on_duplicate=policy))
    assert previewed["sampled_rows"] == report.rows
    assert (previewed["would_create"], previewed["duplicates"]) == (report.created, report.duplicates)
    assert (previewed["errors"], previewed["warnings"]) == (report.errors, report.warnings)


def test_a_preview_reads_only_its_sample_across_batches(gym):
    rows = "".join(f"+1305555{n:04d}\n" for n in range(BATCH_SIZE + 10))
    with tenant_scope(gym.pk):
        previewed = preview(io.BytesIO(f"Phone\n{rows}".encode()), sample_rows=BATCH_SIZE + 5)
        assert not Lead.objects.exists()
    assert (previewed["sampled_rows"], previewed["would_create"]) == (BATCH_SIZE + 5, BATCH_SIZE + 5)
    assert len(previewed["first_rows"]) == 10


def test_phones_are_read_in_the_branchs_country_else_the_tenants(gym):
    london = BranchFactory(tenant=gym, country="GB", time_zone="Europe/London")
    with tenant_scope(gym.pk):
        import_csv(io.BytesIO(b"Phone\n020 7946 0958\n"), ImportOptions(branch_id=london.pk))
        import_csv(io.BytesIO(b"Phone\n(305) 555-0123\n"), ImportOptions())
        phones = set(Lead.objects.values_list("phone", flat=True))
    assert phones == {"+442079460958", "+13055550123"}
