"""Do-not-call registries: importing the files a registered seller downloads, and looking numbers up in them
(docs/compliance.md#do-not-call-registries).

A file is the National Do Not Call Registry's download for some area codes (one number per line: ten digits,
or the area code and the number separated by a comma) or a state's list in the same form. Importing it is one
transaction: every line is read and checked first (into a staging table, by COPY on PostgreSQL), and a file with
any bad line, or dated in the future, past the 31-day safe harbour, or older than the file already in use for
those area codes, changes nothing and says why, by line. A good file replaces the numbers of the area codes it
covers (a state's list replaces the whole list), so a number taken off the registry is callable again.

Looking up is one query per batch of leads (``listed``), and each area code's scrub date is kept with the file
(``scrub_dates``): the compliance file records it, and a scrub older than 31 days is shown as stale.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from tenants.scoping import current_tenant_id

from .models import NATIONAL_REGISTRY, RegistryFile, RegistryNumber
from .phones import US_STATES

SAFE_HARBOUR_DAYS = 31  # 47 CFR 64.1200(c)(2)(i)(D): a scrub no older than 31 days
LISTED_ERRORS = 20
_LINE = re.compile(r"^\s*\(?(\d{3})\)?\s*[,\-.\s]?\s*(\d{3})\s*[\-.\s]?\s*(\d{4})\s*$")
BLOCK = 10_000_000  # the numbers of one area code: area code × BLOCK + the seven digits
REGISTRIES = {NATIONAL_REGISTRY, *US_STATES.values()}


class RegistryFileError(ValidationError):
    """A file that changes nothing: a 400 with the problems, by line."""

    api_status = 400
    api_code = "invalid_registry_file"


def is_stale(downloaded_on: date, today: date | None = None) -> bool:
    return ((today or timezone.localdate()) - downloaded_on).days > SAFE_HARBOUR_DAYS


def _check_header(registry: str, downloaded_on: date, today: date) -> None:
    problems = []
    if registry not in REGISTRIES:
        problems.append(f"“{registry}” is not a registry: US for the national one, or a state's two letters.")
    if downloaded_on > today:
        problems.append(f"The file is dated {downloaded_on}, after today: check the download date.")
    elif is_stale(downloaded_on, today):
        problems.append(
            f"The file was downloaded on {downloaded_on}, more than {SAFE_HARBOUR_DAYS} days ago: it is past the "
            "safe harbour already. Download a fresh one."
        )
    if problems:
        raise RegistryFileError(problems)


def _numbers(lines: Iterable[str]):
    """(line number, the ten digits or None) for every line that is not blank."""
    for index, line in enumerate(lines, start=1):
        text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
        if not text.strip():
            continue
        match = _LINE.match(text)
        yield index, ("".join(match.groups()) if match else None), text.strip()[:40]


class _Staging:
    """Where a file's numbers wait, checked, before anything is replaced: a temporary table filled by COPY on
    PostgreSQL, a list elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.kept: list[int] = []

    def load(self, lines: Iterable[str]) -> list[str]:
        errors, count = [], 0
        if self.postgres:
            with connection.cursor() as cursor:
                # Dropped first and after: an import inside a longer transaction may not see its commit.
                cursor.execute("DROP TABLE IF EXISTS pg_temp.registry_incoming")
                cursor.execute("CREATE TEMPORARY TABLE registry_incoming (number bigint) ON COMMIT DROP")
                with cursor.cursor.copy("COPY registry_incoming (number) FROM STDIN") as copy:
                    chunk = []
                    for index, digits, shown in _numbers(lines):
                        count += 1
                        if digits is None:
                            errors.append(f"line {index}: “{shown}” is not a ten-digit number")
                        elif not errors:
                            chunk.append(digits)
                            if len(chunk) >= 50_000:
                                copy.write("\n".join(chunk) + "\n")
                                chunk = []
                    if chunk and not errors:
                        copy.write("\n".join(chunk) + "\n")
        else:
            for index, digits, shown in _numbers(lines):
                count += 1
                if digits is None:
                    errors.append(f"line {index}: “{shown}” is not a ten-digit number")
                elif not errors:
                    self.kept.append(int(digits))
        if not count:
            errors.append("The file holds no numbers.")
        return errors

    def area_codes(self) -> list[int]:
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT DISTINCT number / {BLOCK} FROM registry_incoming ORDER BY 1")
                return [row[0] for row in cursor.fetchall()]
        return sorted({number // BLOCK for number in self.kept})

    def write(self, tenant_id: int, registry: str) -> int:
        table = RegistryNumber._meta.db_table
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (tenant_id, registry, number) SELECT %s, %s, number "
                    "FROM registry_incoming GROUP BY number ORDER BY number",
                    [tenant_id, registry],
                )
                written = cursor.rowcount
                cursor.execute("DROP TABLE pg_temp.registry_incoming")
                # Millions of new rows: the planner must know, or it reads the tenant's whole registry per lookup.
                cursor.execute(f"ANALYZE {table}")
                return written
        numbers = sorted(set(self.kept))
        RegistryNumber.all_tenants.bulk_create(
            [RegistryNumber(tenant_id=tenant_id, registry=registry, number=n) for n in numbers], batch_size=5000
        )
        return len(numbers)


def import_file(
    lines: Iterable[str], *, registry: str, downloaded_on: date, file_name: str = "", imported_by=None, today=None
) -> RegistryFile:
    """Import one registry file for the tenant in scope, or change nothing and say why (RegistryFileError)."""
    tenant_id = current_tenant_id()
    registry = (registry or "").strip().upper()
    _check_header(registry, downloaded_on, today or timezone.localdate())
    with transaction.atomic():
        staging = _Staging()
        errors = staging.load(lines)
        if errors:
            more = len(errors) - LISTED_ERRORS
            shown = errors[:LISTED_ERRORS] + ([f"… and {more} more"] if more > 0 else [])
            raise RegistryFileError(shown)
        codes = staging.area_codes() if registry == NATIONAL_REGISTRY else []
        newer = _newer_in_use(registry, codes, downloaded_on)
        if newer is not None:
            raise RegistryFileError(
                [f"A newer file is in use for these numbers (downloaded {newer.downloaded_on}): nothing changed."]
            )
        _forget(tenant_id, registry, codes)
        count = staging.write(tenant_id, registry)
        return RegistryFile.objects.create(
            registry=registry,
            area_codes=[str(code) for code in codes],
            downloaded_on=downloaded_on,
            numbers=count,
            file_name=file_name[:200],
            imported_by=imported_by,
        )


def _forget(tenant_id: int, registry: str, codes: list[int]) -> None:
    """Take out the numbers a new file replaces: those of its area codes (a state's list: all of them)."""
    sql = f"DELETE FROM {RegistryNumber._meta.db_table} WHERE tenant_id = %s AND registry = %s"
    if codes:  # a range of the index per area code
        ranges = " OR ".join(f"number BETWEEN {int(c) * BLOCK} AND {int(c) * BLOCK + BLOCK - 1}" for c in codes)
        sql += f" AND ({ranges})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [tenant_id, registry])


def _newer_in_use(registry: str, codes: list[int], downloaded_on: date) -> RegistryFile | None:
    wanted = {str(code) for code in codes}
    for file in RegistryFile.objects.filter(registry=registry, downloaded_on__gt=downloaded_on):
        if registry != NATIONAL_REGISTRY or wanted & set(file.area_codes):
            return file
    return None


# --- looking up -----------------------------------------------------------------------------------------------


def national_digits(e164: str) -> int | None:
    return int(e164[2:]) if e164.startswith("+1") and len(e164) == 12 and e164[2:].isdigit() else None


@dataclass
class Listing:
    listed: dict[str, set[str]]  # phone → the registries listing it
    scrubbed: dict[str, date]  # area code → the newest national file's date covering it


def listed(phones: list[str]) -> Listing:
    """Which of these numbers the tenant's registries list, and when each area code was last scrubbed against
    the national registry: two queries, however many numbers."""
    digits = {n: phone for phone in phones if (n := national_digits(phone)) is not None}
    found: dict[str, set[str]] = {}
    if digits:
        rows = RegistryNumber.objects.filter(number__in=list(digits)).values_list("number", "registry")
        for number, registry in rows:
            found.setdefault(digits[number], set()).add(registry)
    wanted = {str(n // BLOCK) for n in digits}
    scrubbed = {code: day for code, day in national_scrubs().items() if code in wanted} if wanted else {}
    return Listing(found, scrubbed)


def national_scrubs() -> dict[str, date]:
    """Area code → the date of the newest national file covering it, for the tenant in scope (one query)."""
    newest: dict[str, date] = {}
    files = RegistryFile.objects.filter(registry=NATIONAL_REGISTRY).values_list("area_codes", "downloaded_on")
    for codes, day in files:
        for code in codes:
            newest[code] = max(day, newest.get(code, day))
    return newest


def stale_area_codes(today: date | None = None) -> dict[str, date]:
    """The national scrubs past the 31-day safe harbour: area code → date."""
    return {code: day for code, day in sorted(national_scrubs().items()) if is_stale(day, today)}
