"""Reassigned numbers: the answers of the FCC's Reassigned Numbers Database, imported from a query's results, and
the rule that reads them (docs/compliance.md#reassigned-numbers).

A query asks, for a number and a date (the consent's), whether the number was permanently disconnected since.
"Yes" means the person who consented may no longer hold the number: their consent does not cover whoever holds it
now. The gate (calls.compliance) sets aside every consent captured before a "yes" was learned, and, where the
database had no data, every consent older than 90 days (re-confirm it); a consent captured after the check stands.
"""

import csv
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ReassignedCheck, ReassignedResult
from .phones import try_normalize

NO_DATA_CONSENT_DAYS = 90  # with no data, a consent this old is re-confirmed before it is relied on
LISTED_ERRORS = 20
HEADERS = {
    "phone": ("phone", "number", "phone number", "telephone number", "tn"),
    "asked_about": ("date", "asked about", "date asked", "consent date", "query date"),
    "result": ("result", "response", "answer", "disconnected"),
    "checked_on": ("checked on", "checked", "queried on"),
}
RESULTS = {"yes": ReassignedResult.YES, "no": ReassignedResult.NO, "no data": ReassignedResult.NO_DATA}


class ReassignedFileError(ValidationError):
    api_status = 400
    api_code = "invalid_reassigned_file"


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    for index, name in enumerate(header):
        key = " ".join(name.strip().lower().replace("_", " ").split())
        for column, names in HEADERS.items():
            if key in names and column not in found:
                found[column] = index
    return found


def _date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def import_results(lines: Iterable[str], *, today: date | None = None) -> int:
    """Import a results file (CSV with columns phone, date and result, and optionally the day it was checked) for
    the tenant in scope: the number of answers, or nothing changed and every bad row named by row and column."""
    today = today or timezone.localdate()
    rows = csv.reader(lines)
    header = next(rows, None)
    columns = _columns(header or [])
    missing = [name for name in ("phone", "asked_about", "result") if name not in columns]
    if missing:
        raise ReassignedFileError([f"The file has no {', '.join(missing)} column (its first row names the columns)."])
    checks, errors = [], []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(column, row=row):
            index = columns.get(column)
            return row[index].strip() if index is not None and index < len(row) else ""

        phone = try_normalize(cell("phone"), "US")
        asked = _date(cell("asked_about"))
        result = RESULTS.get(" ".join(cell("result").lower().replace("_", " ").split()))
        checked = _date(cell("checked_on")) if cell("checked_on") else today
        problems = [
            f"row {number}, phone: “{cell('phone')}” is not a phone number" if phone is None else "",
            f"row {number}, date: “{cell('asked_about')}” is not a date (YYYY-MM-DD)" if asked is None else "",
            f"row {number}, result: “{cell('result')}” is not Yes, No or No data" if result is None else "",
            f"row {number}, checked on: “{cell('checked_on')}” is not a date, or is after today"
            if checked is None or checked > today
            else "",
        ]
        errors += [p for p in problems if p]
        if not any(problems):
            checks.append(ReassignedCheck(phone=phone, asked_about=asked, result=result, checked_on=checked))
    if errors:
        more = len(errors) - LISTED_ERRORS
        raise ReassignedFileError(errors[:LISTED_ERRORS] + ([f"… and {more} more"] if more > 0 else []))
    with transaction.atomic():
        ReassignedCheck.objects.bulk_create(checks, batch_size=2000)
    return len(checks)


def checks_by_phone(phones: list[str]) -> dict[str, list[ReassignedCheck]]:
    """Every answer for each of these numbers, newest first: one query."""
    found: dict[str, list[ReassignedCheck]] = {}
    for check in ReassignedCheck.objects.filter(phone__any=phones).order_by("phone", "-checked_on", "-imported_at"):
        found.setdefault(check.phone, []).append(check)
    return found


def sets_aside(consent, checks: list[ReassignedCheck], when: datetime) -> bool:
    """Whether the number's answers set this consent aside. Only answers learned after the consent count (a
    consent given later speaks for whoever holds the number now). Any "yes" sets it aside, whatever came after;
    a "no" vouches for it only when it asked about a date no later than the consent's; otherwise "no data" sets
    aside a consent older than NO_DATA_CONSENT_DAYS."""
    captured = consent.captured_at.date()
    about = [c for c in checks if c.checked_on >= captured and consent.captured_at <= c.imported_at]
    if any(c.result == ReassignedResult.YES for c in about):
        return True
    if any(c.result == ReassignedResult.NO and c.asked_about <= captured for c in about):
        return False
    stale = when.date() - captured > timedelta(days=NO_DATA_CONSENT_DAYS)
    return stale and any(c.result == ReassignedResult.NO_DATA for c in about)
