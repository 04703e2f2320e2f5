"""Consent attested at import (docs/compliance.md#consent-attested-at-import).

A file of people rarely says, row by row, that each person agreed to be called. The staff member who
imports it may say it once for the whole file instead: "these people gave consent via a web form (the
spring sign-up page), to this disclosure version, on this day, for these purposes". It is off unless
asked for (``consent_attested``), every part of the evidence is required, and each lead the import creates
or updates then gets a Consent row carrying that evidence, recorded by the person who ran the import. A
row whose own consent column says no gets none. The attestation is audited (``consent.attested``).

One set of rules (``problems``) answers every door: the admin's preview step, the API and the command.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from tenants import audit

from ..models import ConsentKind, ConsentSource
from ..purposes import MARKETING_PURPOSES, Purpose

# How the people gave consent, and the kind of consent that makes: a form or a signed sheet is written
# consent (enough for marketing calls); words said on a call are prior express consent only.
HOW = [
    (ConsentSource.FORM.value, "A web form"),
    (ConsentSource.PAPER.value, "A paper form or sign-up sheet"),
    (ConsentSource.CALL.value, "On a call (spoken)"),
]
KIND_OF = {
    ConsentSource.FORM: ConsentKind.EXPRESS_WRITTEN,
    ConsentSource.PAPER: ConsentKind.EXPRESS_WRITTEN,
    ConsentSource.CALL: ConsentKind.EXPRESS,
}
# The options that only mean something with ``consent_attested`` (the purposes and the disclosure version
# also serve a file's own consent column).
ATTESTATION_ONLY = ("consent_source", "consent_source_detail", "consent_given_on")
DETAIL_MAX = 200
DISCLOSURE_MAX = 40


@dataclass(frozen=True)
class Attestation:
    source: str
    detail: str
    disclosure_version: str
    given_on: date
    purposes: tuple[str, ...]

    @property
    def kind(self) -> str:
        return KIND_OF[self.source]

    def captured_at(self, zone: ZoneInfo, day: date | None = None) -> datetime:
        """When consent was given: the row's own consent date if it has one, else the attested day (noon,
        the business's time, so the day reads the same in every zone)."""
        return datetime.combine(day or self.given_on, time(12), zone)

    def source_detail(self, file_name: str) -> str:
        where = f" (attested when importing {file_name})" if file_name else " (attested at import)"
        return f"{self.detail}{where}"[:300]

    def as_evidence(self) -> dict:
        return {
            "source": self.source,
            "source_detail": self.detail,
            "disclosure_version": self.disclosure_version,
            "given_on": self.given_on.isoformat(),
            "purposes": list(self.purposes),
        }


def _day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def problems(options: dict, today: date) -> dict[str, str]:
    """Option name → what is wrong with the attestation (nothing when it is complete, or not asked for)."""
    attested = options.get("consent_attested", False)
    if not isinstance(attested, bool):
        return {"consent_attested": "Must be true or false."}
    if not attested:
        given = [name for name in ATTESTATION_ONLY if options.get(name)]
        return dict.fromkeys(given, "Only with consent_attested: say that these people gave consent first.")
    found = {}
    source = options.get("consent_source")
    if source not in KIND_OF:
        found["consent_source"] = "Say how these people gave consent: " + ", ".join(k for k, _ in HOW) + "."
    detail = options.get("consent_source_detail") or ""
    if not isinstance(detail, str) or len(detail) > DETAIL_MAX:
        found["consent_source_detail"] = f"At most {DETAIL_MAX} characters."
    version = options.get("consent_disclosure_version") or ""
    if not isinstance(version, str) or not version.strip():
        found["consent_disclosure_version"] = "Name the disclosure text (its version) these people agreed to."
    elif len(version) > DISCLOSURE_MAX:
        found["consent_disclosure_version"] = f"At most {DISCLOSURE_MAX} characters."
    given_on = _day(options.get("consent_given_on"))
    if given_on is None:
        found["consent_given_on"] = "The date consent was given (YYYY-MM-DD)."
    elif given_on > today:
        found["consent_given_on"] = "Consent cannot have been given in the future."
    elif given_on.year < 1900:
        found["consent_given_on"] = "Pick a date after 1900."
    purposes = [p for p in options.get("consent_purposes") or [] if isinstance(p, str)]
    if not purposes:
        found["consent_purposes"] = "Pick the purposes these people agreed to be called for."
    elif source in KIND_OF and KIND_OF[source] != ConsentKind.EXPRESS_WRITTEN:
        marketing = sorted(str(Purpose(p).label) for p in purposes if p in MARKETING_PURPOSES)
        if marketing:
            found["consent_purposes"] = (
                f"{', '.join(marketing)}: marketing calls need written consent (a form or a signed sheet); "
                "consent given on a call covers informational calls only."
            )
    return found


def of(options) -> Attestation | None:
    """The attestation of an import's options (``ImportOptions``), once they passed ``problems``."""
    if not options.consent_attested:
        return None
    return Attestation(
        source=options.consent_source,
        detail=options.consent_source_detail.strip(),
        disclosure_version=options.consent_disclosure_version.strip(),
        given_on=_day(options.consent_given_on),
        purposes=tuple(options.consent_purposes),
    )


def record(lead_import, attestation: Attestation, consents: int) -> None:
    """The audit entry of an attestation that was acted on: who attested, the evidence, how many leads."""
    by = lead_import.created_by
    audit.record(
        "consent.attested",
        lead_import,
        changes={
            **attestation.as_evidence(),
            "attested_by": by.get_username() if by is not None else "",
            "file": lead_import.original_name,
            "consents_recorded": consents,
        },
    )
