"""Duplicates in an import: people seen before, by phone (or by email), earlier in the file or already
in the database; and people who asked to be erased, who are never imported again.

``Duplicates.sort`` splits a batch into the rows that create a lead and the existing leads the others
match; ``on_duplicate`` then decides (``skip``, ``update``, or ``merge``: fill in only what is missing).
A repeat of a row created in the same batch folds into that row under the same policy. Each duplicate row
is told to the context with what it matched (``ImportContext.duplicate``), so the report lists it with
the lead, or the earlier row, it repeats.
"""

import sqlite3
import tempfile

from django.db.models import Q

from ..models import DuplicatePolicy, ErasureSuppression, Lead, suppression_hash
from .context import ImportContext
from .rows import ParsedRow

# Existing leads and the rows that match them: {lead id: (lead, [rows])}.
Matches = dict[int, tuple[Lead, list[ParsedRow]]]
ERASED = -1  # the earlier row of a repeat was an erased person's


class SeenKeys:
    """Which phones and emails a dry run has met, and on which row, kept on disk (a temporary SQLite file)
    so that memory stays bounded however long the file is."""

    def __init__(self):
        self._file = tempfile.NamedTemporaryFile(suffix=".sqlite3")  # noqa: SIM115  (lives as long as the import)
        self._db = sqlite3.connect(self._file.name)
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")

    def seen_before(self, people: list[tuple[str, str, int]]) -> dict[str, int]:
        """The phones (of ``(phone, email, row)``) met before, by phone or email, each with the row it was met
        on; records them all."""
        keys = {phone: ([phone] + ([f"@{email}"] if email else []), row) for phone, email, row in people}
        flat = [(key, row) for group, row in keys.values() for key in group]
        known: dict[str, int] = {}
        for start in range(0, len(flat), 900):
            chunk = [key for key, _ in flat[start : start + 900]]
            marks = ",".join("?" * len(chunk))
            known.update(self._db.execute(f"SELECT key, row FROM seen WHERE key IN ({marks})", chunk))
        self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", flat)
        earlier = {}
        for phone, (group, _) in keys.items():
            rows = [known[k] for k in group if k in known]
            if rows:
                earlier[phone] = min(rows)
        return earlier


class Duplicates:
    def __init__(self, context: ImportContext):
        self.context = context
        self.report = context.report
        # People seen in earlier batches of a dry run (a real run finds them in the database instead).
        self.dry_run_seen = SeenKeys() if context.options.dry_run else None

    def sort(self, rows: list[ParsedRow]) -> tuple[list[ParsedRow], Matches]:
        """The rows that create a lead, and the existing leads that the other rows match."""
        fresh, repeats = self._first_of_each_person(rows)
        gone: dict[str, int | None] = {}  # phone or email → the earlier row it was met on (dry run), or ERASED
        if self.dry_run_seen is not None:
            earlier = self.dry_run_seen.seen_before(
                [(phone, row.lead.get("email", ""), row.number) for phone, row in fresh.items()]
            )
            for phone, of_row in earlier.items():
                row = fresh.pop(phone)
                self.context.duplicate(row, of_row)
                gone.update(dict.fromkeys(self._keys(row), of_row))
        for phone in self._erased(list(fresh)):
            row = fresh.pop(phone)
            gone.update(dict.fromkeys(self._keys(row), ERASED))
            # Nothing more of an erased person is kept than the number the row carried.
            self.context.problem(
                "error",
                row.number,
                self.context.phone_header,
                phone,
                "This person asked to be erased; not imported.",
                who=("", ""),
            )

        existing_by_phone, existing_by_email = self._existing(fresh, repeats)
        to_create: list[ParsedRow] = []
        to_change: Matches = {}
        matched: dict[str, Lead] = {}  # phone or email of a first row → the existing lead it matched
        for phone, row in fresh.items():
            lead = existing_by_phone.get(phone) or existing_by_email.get(row.lead.get("email", ""))
            if lead is None:
                to_create.append(row)
            else:
                self.context.duplicate(row, lead)
                to_change.setdefault(lead.pk, (lead, []))[1].append(row)
                matched.update(dict.fromkeys(self._keys(row), lead))
        pending = {row.lead["phone"]: row for row in to_create}
        for row, key in repeats:
            lead = existing_by_phone.get(key) or existing_by_email.get(key)
            if lead is not None:
                self.context.duplicate(row, lead)
                to_change.setdefault(lead.pk, (lead, []))[1].append(row)
                continue
            target = pending.get(key) or next((r for r in to_create if r.lead.get("email") == key), None)
            if target is not None:
                self.context.duplicate(row, target)
                self._fold(target, row)
            elif key in matched:  # its first row matched a lead by its other key
                self.context.duplicate(row, matched[key])
            elif gone.get(key) == ERASED:  # a repeat of an erased person: nothing of them is kept
                row.who = ("", "")
                self.context.duplicate(row, None)
            else:  # (a dry run) the person was met in an earlier batch
                self.context.duplicate(row, gone.get(key))
        return to_create, to_change

    @staticmethod
    def _keys(row: ParsedRow) -> list[str]:
        return [row.lead["phone"]] + ([row.lead["email"]] if row.lead.get("email") else [])

    def _first_of_each_person(self, rows: list[ParsedRow]) -> tuple[dict, list]:
        """{phone: row} of the first row of each person in the batch; and the repeats, each with the
        phone or email of the earlier row it repeats."""
        fresh: dict[str, ParsedRow] = {}
        repeats: list[tuple[ParsedRow, str]] = []
        seen_emails: set[str] = set()
        for row in rows:
            phone, email = row.lead["phone"], row.lead.get("email", "")
            if phone in fresh or (email and email in seen_emails):
                repeats.append((row, phone if phone in fresh else email))  # told once its match is known
                continue
            if email:
                seen_emails.add(email)
            fresh[phone] = row
        return fresh, repeats

    def _erased(self, batch_phones: list[str]) -> set[str]:
        if not batch_phones:
            return set()
        hashes = {suppression_hash(self.context.tenant.pk, p): p for p in batch_phones}
        found = ErasureSuppression.objects.filter(phone_hash__any=list(hashes)).values_list("phone_hash", flat=True)
        return {hashes[h] for h in found}

    def _existing(self, fresh: dict, repeats: list) -> tuple[dict, dict]:
        batch_phones = set(fresh) | {key for _, key in repeats if key.startswith("+")}
        batch_emails = {row.lead["email"] for row in fresh.values() if row.lead.get("email")}
        batch_emails |= {key for _, key in repeats if not key.startswith("+")}
        match = Q(phone__any=list(batch_phones))
        if batch_emails:
            match |= Q(email__any=list(batch_emails))
        by_phone, by_email = {}, {}
        for lead in Lead.objects.filter(match):
            by_phone[lead.phone] = lead
            if lead.email:
                by_email.setdefault(lead.email, lead)
        return by_phone, by_email

    def _fold(self, target: ParsedRow, row: ParsedRow) -> None:
        """A repeat of a row created in this same batch: the policy applies to the pending values."""
        policy = self.context.options.on_duplicate
        if policy == DuplicatePolicy.SKIP:
            return
        for key, value in row.lead.items():
            if key == "phone":
                continue
            if policy == DuplicatePolicy.UPDATE or not target.lead.get(key):
                target.lead[key] = value
        target.tags.extend(row.tags)
        target.vehicle = target.vehicle or row.vehicle
        target.consent = target.consent or row.consent
