"""The answer to "may this call start?": allowed, or a reason code (kept on the call as ``compliance_code``).

The legal codes are the compliance gate's (calls.compliance, docs/architecture.md "Calls"); the
operational ones (a switched-off agent, a full provider account, no number to call from) are
calls.admission's. A timing code defers the call to ``next_allowed_at``; any other code refuses it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models

from core.formats import timestamp


class Reason(models.TextChoices):
    # legal, hard: the call is skipped
    DNC = "dnc", "On the do-not-call list"
    DNC_NATIONAL = "dnc_national", "On the National Do Not Call Registry, with no written consent"
    DNC_STATE = "dnc_state", "On a state's do-not-call list, with no written consent"
    NO_CONSENT = "no_consent", "No consent for this purpose"
    REASSIGNED_NUMBER = "reassigned_number", "The number may have changed hands since the consent"
    REPEAT_AFTER_HANGUP = "repeat_after_hangup", "The person hung up on an earlier automated call (Nevada)"
    INVALID_NUMBER = "invalid_number", "Invalid number"
    ERASED = "erased", "Erased on request"
    TENANT_PAUSED = "tenant_paused", "Calling switched off"
    # legal, timing: the call is deferred
    CALLING_HOURS = "calling_hours", "Outside calling hours"
    UNCERTAIN_ZONE = "uncertain_zone", "Outside calling hours in one of the possible time zones"
    FREQUENCY = "frequency", "Called too often in the last 24 hours"
    HOLIDAY = "holiday", "A closed day"
    STATE_DAY_BAN = "state_day_ban", "A day the person's state bans these calls"
    ADAD_WINDOW = "adad_window", "Outside the state's hours for automated calls"
    STATE_EMERGENCY = "state_emergency", "The state bans these calls during its state of emergency"
    CONCURRENCY = "concurrency", "A call to this person is already in progress"
    # operational (calls.admission)
    AGENT_OFF = "agent_off", "Voice agent switched off"
    CAPACITY = "capacity", "The provider account's calls are all in use"
    NO_CALLER_NUMBER = "no_caller_number", "No number to call from"


TIMING_REASONS = {
    Reason.CALLING_HOURS,
    Reason.UNCERTAIN_ZONE,
    Reason.FREQUENCY,
    Reason.HOLIDAY,
    Reason.STATE_DAY_BAN,
    Reason.ADAD_WINDOW,
    Reason.STATE_EMERGENCY,
    Reason.CONCURRENCY,
    Reason.CAPACITY,
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str = ""
    detail: str = ""
    next_allowed_at: datetime | None = None
    rule: str = ""  # the state rule that decided a timing answer (calls.state_rules), if one did

    @property
    def deferred(self) -> bool:
        return not self.allowed and self.code in TIMING_REASONS

    def as_dict(self) -> dict:
        return {
            "allowed": self.allowed,
            "code": self.code,
            "detail": self.detail,
            "next_allowed_at": timestamp(self.next_allowed_at),
        }


ALLOWED = Decision(True)
