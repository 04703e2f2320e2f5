"""What the opening of an AI call must say, by purpose (docs/compliance.md#disclosures).

Every AI call names the business and says it is automated (47 CFR 64.1200(b)(1); California AB 2905), says what
it is about (Connecticut within 10 seconds, New Mexico within 15) and gives a number to call back
(64.1200(b)(2); Alabama within 20 seconds, New Jersey and Texas within 30). A marketing call also tells the
person how to stop the calls (64.1200(b)(3): within 2 seconds of the identification) and asks whether to go on
(Connecticut: continue, end the call, or be removed). The opening is the first thing the agent says, so a
disclosure in it meets every one of those timings.

A script is checked when it is saved (voice.models.Script.clean, voice.api.ScriptSerializer): one that lacks a
disclosure its purpose needs is refused, and the error says what to add. A script saved before a rule existed
is completed when a call is rendered (``complete``): the missing sentences are added after its opening, so no
call goes out without them.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Disclosure:
    id: str
    label: str
    marketing_only: bool
    pattern: re.Pattern
    add: str  # what the error tells staff to add
    sentence: str  # what a call adds when a saved opening lacks it ({placeholders} filled per call)
    source: str


def _words(*alternatives: str) -> re.Pattern:
    return re.compile("|".join(alternatives), re.IGNORECASE)


DISCLOSURES: tuple[Disclosure, ...] = (
    Disclosure(
        "business",
        "Names the business",
        False,
        _words(r"\{business_name\}"),
        "name the business: include {business_name}",
        "",
        "47 CFR 64.1200(b)(1)",
    ),
    Disclosure(
        "automated",
        "Says it is an automated assistant",
        False,
        _words(r"\bautomated\b", r"\bvirtual assistant\b", r"\bai assistant\b", r"\bartificial intelligence\b"),
        "say this is an automated assistant (“an automated assistant”)",
        "",
        "FCC 24-17; Cal. Pub. Util. Code 2874 (AB 2905)",
    ),
    Disclosure(
        "about",
        "Says what the call is about",
        False,
        _words(r"\{call_about\}", r"\babout\b"),
        "say what the call is about: include {call_about}, or “calling about …”",
        "I'm calling about {call_about}.",
        "Conn. Gen. Stat. 42-288a; NMSA 57-12-22",
    ),
    Disclosure(
        "callback",
        "Gives a number to call back",
        False,
        _words(
            r"\{callback_phone\}"
        ),  # always filled (the business's number, else the branch's); {branch_phone} may be empty
        "give a number to call back: include {callback_phone}",
        "Our number is {callback_phone}.",
        "47 CFR 64.1200(b)(2); Ala. Admin. Code r. 770-X-5-.17; N.J.S.A. 56:8-128",
    ),
    Disclosure(
        "opt_out",
        "Says how to stop the calls",
        True,
        _words(r"stop (our |these )?call", r"\bopt out\b", r"\bremove you\b", r"\btake you off\b"),
        "say how to stop the calls (“To stop our calls, say ‘stop calling’ at any time.”)",
        "To stop our calls, say “stop calling” at any time.",
        "47 CFR 64.1200(b)(3)",
    ),
    Disclosure(
        "go_on",
        "Asks whether to go on",
        True,
        _words(r"\bcontinue\b", r"\b(good|ok|okay) time\b", r"\bend the call\b"),
        "ask whether to go on (“Is now a good time, or shall I end the call?”)",
        "Is now a good time to talk, or would you like me to end the call?",
        "Conn. Gen. Stat. 42-288a (PA 23-98)",
    ),
)


def needed(*, is_marketing: bool) -> list[Disclosure]:
    return [d for d in DISCLOSURES if is_marketing or not d.marketing_only]


def missing(opening: str, *, is_marketing: bool) -> list[Disclosure]:
    return [d for d in needed(is_marketing=is_marketing) if not d.pattern.search(opening or "")]


def _refuse(lacking: list[Disclosure], kind: str) -> None:
    if lacking:
        raise ValidationError([f"The opening line of {kind} must {d.add}." for d in lacking])


def check_every_call(opening: str) -> None:
    """Refuse an opening that lacks what every call says, saying what to add (the field's own validator)."""
    _refuse(missing(opening, is_marketing=False), "every call")


def check_marketing(opening: str) -> None:
    """Refuse a marketing script's opening that lacks what a marketing call adds (checked with its purpose)."""
    _refuse([d for d in missing(opening, is_marketing=True) if d.marketing_only], "a marketing call")


def report(opening: str, *, is_marketing: bool) -> list[dict]:
    """Each disclosure the script's purpose needs: in words, whether the saved opening carries it or each call
    adds it, and the law that asks for it (the script preview shows this)."""
    lacking = {d.id for d in missing(opening, is_marketing=is_marketing)}
    return [
        {"label": d.label, "carried": d.id not in lacking, "source": d.source}
        for d in needed(is_marketing=is_marketing)
    ]


def complete(opening: str, *, is_marketing: bool) -> str:
    """The opening with the sentences it lacks added (placeholders still to fill): for scripts saved before a
    rule existed. Those it cannot write for staff (the business's name, being automated) are refused at save."""
    added = [d.sentence for d in missing(opening, is_marketing=is_marketing) if d.sentence]
    return " ".join([opening.strip(), *added]).strip()


def carried(opening: str, *, is_marketing: bool) -> list[str]:
    """The disclosures a call made from this saved opening says (completed as calls complete it): its file's."""
    said = complete(opening, is_marketing=is_marketing)
    lacking = {d.id for d in missing(said, is_marketing=is_marketing)}
    return [d.id for d in needed(is_marketing=is_marketing) if d.id not in lacking]


CALL_ABOUT = {
    "lead_followup": "your enquiry with us",
    "trial_booking": "booking your visit",
    "appointment_reminder": "your upcoming appointment",
    "service_reminder": "your vehicle's service",
    "recall": "a safety recall on your vehicle",
    "win_back": "your membership",
}


def call_about(script) -> str:
    """What a call is about, in words the person hears: by purpose, else the script's name."""
    return CALL_ABOUT.get(script.purpose) or script.name.lower()


DEFAULT_OPENING = (
    "Hi {lead_first_name}, this is an automated assistant calling from {business_name} about {call_about}. "
    "Our number is {callback_phone}. To stop our calls, say “stop calling” at any time. "
    "Is now a good time to talk, or would you like me to end the call?"
)
