"""Files people really upload: each gives a clear report or a clear error, never a half-import without one."""

import io
import resource

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leads.importing import BATCH_SIZE, ImportOptions, import_csv
from leads.models import Lead
from tenants.scoping import tenant_scope

pytestmark = pytest.mark.django_db


def run(tenant, data: bytes, **options):
    with tenant_scope(tenant.pk):
        return import_csv(io.BytesIO(data), ImportOptions(**options))


def leads(tenant):
    with tenant_scope(tenant.pk):
        return list(Lead.objects.order_by("phone"))


def test_windows_1252_and_semicolons(gym):
    data = "Vorname;Nachname;Telefon;E-Mail\nRenée;Müller;305 555 0123;renee@example.com\n".encode("cp1252")
    data = data.replace(b"Vorname", b"First Name").replace(b"Nachname", b"Last Name").replace(b"Telefon", b"Phone")
    report = run(gym, data)
    assert (report.encoding, report.delimiter, report.created) == ("cp1252", ";", 1)
    (lead,) = leads(gym)
    assert (lead.first_name, lead.last_name) == ("Renée", "Müller")


def test_utf8_with_bom_and_tabs(gym):
    report = run(gym, "\ufeffPhone\tName\n3055550123\tJosé Lee\n".encode())
    assert (report.encoding, report.delimiter, report.created) == ("utf-8-sig", "\t", 1)
    assert leads(gym)[0].first_name == "José"


def test_utf16(gym):
    report = run(gym, "Mobile,Given name\n3055550123,Zoë\n".encode("utf-16"))
    assert report.created == 1
    assert leads(gym)[0].first_name == "Zoë"


def test_header_only(gym):
    report = run(gym, b"First Name,Phone\r\n")
    assert report.failure == "The file has column names but no rows to import."
    assert report.created == 0


def test_empty_file(gym):
    assert run(gym, b"").failure == "The file is empty."
    assert run(gym, b"\r\n  \n").failure == "The file is empty."


def test_binary_file_renamed_csv(gym):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 20
    report = run(gym, png)
    assert "binary data" in report.failure
    assert leads(gym) == []


def test_no_phone_column(gym):
    report = run(gym, b"Name,Email\nAnn,ann@example.com\n")
    assert "No column holds phone numbers" in report.failure
    assert "Name, Email" in report.failure


def test_row_with_too_many_columns_is_reported_and_the_rest_import(gym):
    report = run(gym, b"Phone,Name\n3055550123,Ann\n3055550124,Bob,extra,values\n3055550125,Cy\n")
    assert report.created == 2
    assert report.errors == 1
    assert report.first_errors[0]["row"] == 3
    assert "3 columns" not in report.first_errors[0]["reason"] and "has 4 values" in report.first_errors[0]["reason"]


def test_bad_optional_values_import_without_them_as_warnings(gym):
    # (An unreadable creation date is a row error instead: tests/leads/test_import_history.py.)
    data = b"Phone,Email,Source\n3055550123,not-an-email,carrier pigeon\n"
    report = run(gym, data)
    assert (report.created, report.errors, report.warnings) == (1, 0, 2)
    (lead,) = leads(gym)
    assert (lead.email, lead.source) == ("", "other")
    assert {w["column"] for w in report.first_errors} == {"Email", "Source"}


def test_invalid_utf8_deep_in_the_file_stops_with_a_clear_message_after_committed_batches(gym):
    good = "".join(f"30555{i:05d},Name{i}\n" for i in range(2, 2 * BATCH_SIZE + 1000))
    data = ("Phone,Name\n" + good).encode() + b"\xff\xfe broken\n" * 100
    report = run(gym, data)
    assert "not valid utf-8" in report.failure
    assert "save it again as UTF-8" in report.failure
    # The whole batches before the problem are kept; the report says where reading stopped.
    assert report.created == 2 * BATCH_SIZE
    assert len(leads(gym)) == 2 * BATCH_SIZE


def _rows(n, prefix="30555"):
    return ("Phone,Name,Tags,Consent\n" + "".join(f"{prefix}{i:05d},N{i},vip,yes\n" for i in range(2, n + 2))).encode()


def test_queries_grow_with_batches_not_rows(gym):
    with tenant_scope(gym.pk), CaptureQueriesContext(connection) as one:
        import_csv(io.BytesIO(_rows(BATCH_SIZE)), ImportOptions())
    with tenant_scope(gym.pk), CaptureQueriesContext(connection) as three:
        import_csv(io.BytesIO(_rows(3 * BATCH_SIZE, "30556")), ImportOptions())
    assert len(three.captured_queries) <= 3 * len(one.captured_queries)


@pytest.mark.postgres
def test_a_batch_takes_a_handful_of_queries_on_postgresql(gym, django_assert_max_num_queries):
    with tenant_scope(gym.pk), django_assert_max_num_queries(25):
        import_csv(io.BytesIO(_rows(BATCH_SIZE)), ImportOptions(tags=["spring"]))


AREA_CODES = (212, 305, 312, 415, 512, 617, 702, 713, 818, 917)


def _big_csv(path, rows: int) -> None:
    """A lead export of ``rows`` rows, each a different person (about 100 bytes a row)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("First Name,Last Name,Phone,Email,Source,Notes\n")
        for n in range(rows):
            area, rest = AREA_CODES[n % len(AREA_CODES)], n // len(AREA_CODES)
            phone = f"({area}) {200 + rest // 10000}-{rest % 10000:04d}"
            out.write(f"Person{n},Lastname{n % 977},{phone},person{n}@example.com,web form,Asked about a tour\n")


@pytest.mark.postgres  # SQLite's own allocator grows with the query count; the product's bound is on PostgreSQL
def test_a_big_file_streams_with_bounded_memory(gym, tmp_path):
    path = tmp_path / "big.csv"
    _big_csv(path, 200_000)
    size = path.stat().st_size
    assert size > 17 * 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # peak resident memory so far
    with tenant_scope(gym.pk), path.open("rb") as handle:
        report = import_csv(handle, ImportOptions(dry_run=True))
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    assert report.failure == "" and report.rows == 200_000
    assert report.created + report.duplicates + report.errors == report.rows
    assert report.errors == 0, report.first_errors[:3]
    assert growth < size / 3, f"peak memory grew by {growth / 2**20:.0f} MB for a {size / 2**20:.0f} MB file"


def test_bytes_windows_1252_leaves_undefined_are_refused_not_read_as_latin_1(gym):
    report = run(gym, "Phone,Name\n3055550123,Renée\n".encode("cp1252") + b"3055550124,\x81\n")
    assert "binary data (byte 25 is not UTF-8" in report.failure  # where UTF-8 reading stopped
    assert leads(gym) == []


def test_utf16_without_a_mark_is_not_guessed(gym):
    report = run(gym, "Phone,Name\n3055550123,Zoë\n".encode("utf-16-le"))
    assert "binary data" in report.failure


@pytest.mark.parametrize("where", ["header", "cell", "deep"])
def test_a_nul_byte_anywhere_is_refused_with_its_position(gym, where):
    """PostgreSQL cannot store NUL in text: a file holding one is refused (the fuzzer's uploads once reached
    the database with it and failed the import task)."""
    rows = b"first_name,phone\n" + b"".join(b"Ana%d,+1305555%04d\n" % (i, i) for i in range(400))
    data = {
        "header": rows.replace(b"phone", b"pho\x00ne", 1),
        "cell": rows.replace(b"Ana1,", b"A\x00na1,", 1),
        "deep": rows + b"Bo\x00b,+13055559999\n",
    }[where]
    position = data.index(b"\x00")
    report = run(gym, data)
    assert "binary data" in report.failure and f"byte {position} " in report.failure
