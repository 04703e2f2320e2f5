"""State machines: a declared table of allowed moves, and one way to make a move.

``Transitions({from: {to, …}})`` is the table (``Transitions.forward(rank)`` derives one from a rank: a
status may only move to a higher rank, for events that may arrive out of order). ``move`` is the one way
services change a row's status:

- the table is checked against the status the row holds; a move it does not allow raises
  ``TransitionRefused`` (a ``ValidationError`` on the status field, so the API answers 400 with the field
  map and the admin shows the message);
- the row is written by compare-and-swap, ``filter(pk=…, status=current).update(status=to, …)``, so two
  clicks (or a click and a beat task) cannot both move it; the loser gets ``False`` and decides what that
  means (most services refuse with ``stale_message``);
- a move that happened is announced (``moved``, a Django signal) with the name ``"<audit>.<to>"``, the old
  and new status and the other fields written; the audit room (``tenants.audit``) records it, so this
  bottom room imports nothing above it.

A queryset moves in bulk: every row whose status allows the move, in one ``UPDATE``; the count is returned
(a bulk caller records its own audit entry).

A refused move stays a 400 on the status field, as every service answered before this helper; a lost race
is refused with the service's ``stale`` message the same way.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import Signal

# instance=…, action="<audit>.<to>", changes={field: [old, new], …}: a row moved (tenants.audit records it).
moved_signal = Signal()


class TransitionRefused(ValidationError):
    """The table does not allow the move from the row's status, or the row moved meanwhile."""

    def __init__(self, message: str, field: str = "status"):
        super().__init__({field: [message]}, code="invalid_transition")


class Transitions:
    """A state machine's table: for each status, the statuses it may move to."""

    def __init__(self, moves: Mapping[str, Iterable[str]], *, field: str = "status", audit: str = ""):
        self.moves: dict[str, frozenset[str]] = {str(s): frozenset(str(t) for t in to) for s, to in moves.items()}
        self.field = field
        self.audit = audit  # the audit entry's prefix, e.g. "campaign" gives "campaign.paused"; "" writes none

    @classmethod
    def forward(cls, rank: Mapping[str, int], **options) -> "Transitions":
        """Each status may move to any status of a higher rank, never back nor sideways."""
        return cls({s: {t for t in rank if rank[t] > rank[s]} for s in rank}, **options)

    def allows(self, current: str, to: str) -> bool:
        return str(to) in self.moves.get(str(current), frozenset())

    def targets(self, current: str) -> frozenset[str]:
        """Where a row in ``current`` may go."""
        return self.moves.get(str(current), frozenset())

    def sources(self, to: str) -> list[str]:
        """The statuses from which ``to`` may be reached (in the table's order)."""
        return [s for s, targets in self.moves.items() if str(to) in targets]

    def check(self, current: str, to: str, message: str = "") -> None:
        if not self.allows(current, to):
            raise TransitionRefused(message or f"“{current}” cannot become “{to}”.", self.field)

    def swap(self, target, current: str, to: str, **updates) -> bool:
        """The compare-and-swap alone, for a caller that knows the move is allowed: write ``to`` (and
        ``updates``) if the row (an instance, or a queryset of one row) still holds ``current``."""
        if not isinstance(target, models.QuerySet):
            model = type(target)
            manager = getattr(model, "objects", model._default_manager)  # tenant-scoped where there is one
            target = manager.filter(pk=target.pk)
        return bool(target.filter(**{self.field: current}).update(**{self.field: to}, **updates))

    def move(self, target, *, to: str, refused: str = "", stale: str = "", **updates) -> bool | int:
        """Move an instance (``True`` if it moved, ``False`` if it lost a race; the instance is reloaded
        either way) or a queryset (the count moved). ``refused`` is the message when the table forbids the
        move; ``stale``, if given, is raised when the instance lost the race rather than returning False."""
        if isinstance(target, models.QuerySet):
            return target.filter(**{f"{self.field}__in": self.sources(to)}).update(**{self.field: to}, **updates)
        current = getattr(target, self.field)
        self.check(current, to, refused)
        moved = self.swap(target, current, to, **updates)
        target.refresh_from_db()
        if not moved:
            if stale:
                raise TransitionRefused(stale, self.field)
            return False
        if self.audit:
            changes = {self.field: [str(current), str(to)], **{k: str(v) for k, v in updates.items()}}
            moved_signal.send(sender=type(target), instance=target, action=f"{self.audit}.{to}", changes=changes)
        return True
