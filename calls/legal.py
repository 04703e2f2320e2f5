"""The legal floor of the calling rules: the limits no tenant's policy can widen (docs/compliance.md#legal-floor).

A tenant's CallingPolicy may only narrow them: start later, end earlier, restrict more regions, close more
days, allow fewer calls. Saving a policy that widens one is refused field by field (``widenings``), and
the gate reads every number through the functions below, so a policy stored by any other means (a
migration, a shell, an old row) still cannot open a minute the law closes.
"""

from datetime import time

EARLIEST = time(8, 0)  # TCPA, 47 CFR 64.1200(c)(1): not before 8 a.m. local time of the called party
LATEST = time(21, 0)  # … nor after 9 p.m.
RESTRICTED_LATEST = time(20, 0)  # Florida 501.059, Oklahoma TSA, Maryland Stop the Spam Calls Act
RESTRICTED_REGIONS = frozenset({"FL", "OK", "MD"})
MOST_CALLS_PER_DAY = 3  # per number and purpose in any rolling 24 hours (Florida, Oklahoma, Maryland)


def window_start(policy) -> time:
    return max(policy.window_start, EARLIEST)


def window_end(policy) -> time:
    return min(policy.window_end, LATEST)


def restricted_end(policy) -> time:
    return min(policy.restricted_window_end, RESTRICTED_LATEST, window_end(policy))


def restricted_regions(policy) -> frozenset[str]:
    """The law's regions, and any the tenant adds."""
    return RESTRICTED_REGIONS | {str(region).upper() for region in policy.restricted_regions or []}


def calls_per_day(policy) -> int:
    """At least one (a business that wants none switches calling off instead), at most the floor's."""
    return max(1, min(policy.max_calls_per_day, MOST_CALLS_PER_DAY))


def widenings(policy) -> dict[str, str]:
    """Field → why the value is refused, for every number that would widen the legal floor."""
    errors = {}
    if policy.window_start is not None and policy.window_start < EARLIEST:
        errors["window_start"] = f"Calls may not start before {EARLIEST:%H:%M} (federal law)."
    if policy.window_end is not None and policy.window_end > LATEST:
        errors["window_end"] = f"Calls must start before {LATEST:%H:%M} (federal law)."
    if policy.restricted_window_end is not None and policy.restricted_window_end > RESTRICTED_LATEST:
        errors["restricted_window_end"] = f"Calls to restricted states must start before {RESTRICTED_LATEST:%H:%M}."
    dropped = RESTRICTED_REGIONS - {str(region).upper() for region in policy.restricted_regions or []}
    if policy.restricted_regions and dropped:
        errors["restricted_regions"] = f"{', '.join(sorted(dropped))} must stay restricted (state law)."
    if policy.max_calls_per_day is not None and policy.max_calls_per_day > MOST_CALLS_PER_DAY:
        errors["max_calls_per_day"] = f"At most {MOST_CALLS_PER_DAY} calls per number and purpose in 24 hours."
    if policy.max_calls_per_day is not None and policy.max_calls_per_day < 1:
        errors["max_calls_per_day"] = "At least 1 (to stop calling, switch calling off for the business)."
    if policy.window_start is not None and policy.window_end is not None and policy.window_start >= policy.window_end:
        errors.setdefault("window_end", "The window must end after it starts.")
    return errors


def in_force(policy) -> list[tuple[str, str]]:
    """The rules a policy (or the defaults, unsaved) puts in force, in words, read through the floor exactly as
    the gate reads them: what the "Calling policy" page shows."""
    regions = ", ".join(sorted(restricted_regions(policy)))
    closed = ", ".join(str(day) for day in policy.closed_days or []) or "none"
    start = f"{window_start(policy):%H:%M}"
    return [
        (
            "Calling hours, in each person's local time",
            f"from {start}; the last call starts before {window_end(policy):%H:%M}",
        ),
        (f"Calling hours in {regions}", f"from {start}; the last call starts before {restricted_end(policy):%H:%M}"),
        ("Calls per number and purpose, in any 24 hours", str(calls_per_day(policy))),
        ("Sunday calls", "allowed" if policy.sunday_calls else "none"),
        ("Closed days (no calls)", closed),
    ]
