"""How other rooms act on a finished call without calls importing them.

``register_outcome_handler(fn)``: ``fn(call)`` runs once per call after it ended
(in a Celery task, inside the tenant's scope). The appointments room books an
agreed time; the campaigns room completes or reschedules the target. A handler
must be idempotent: a task may run twice.
"""

from collections.abc import Callable

_handlers: list[tuple[str, Callable]] = []
_dial_handlers: list[Callable] = []


def register_outcome_handler(name: str, handler: Callable) -> None:
    if all(existing != name for existing, _ in _handlers):
        _handlers.append((name, handler))


def outcome_handlers() -> list[tuple[str, Callable]]:
    return list(_handlers)


def register_dial_handler(handler: Callable) -> None:
    """``handler(call)`` runs when a call was handed to its provider (the campaign target is now dialing)."""
    if handler not in _dial_handlers:
        _dial_handlers.append(handler)


def dial_handlers() -> list[Callable]:
    return list(_dial_handlers)
