"""How other rooms act on a finished call without calls importing them.

``register_outcome_handler(fn)``: ``fn(call)`` runs once per call after it ended
(in a Celery task, inside the tenant's scope). The appointments room books an
agreed time; the campaigns room completes or reschedules the target. A handler
must be idempotent: a task may run twice.
"""

from collections.abc import Callable

_handlers: list[tuple[str, Callable]] = []


def register_outcome_handler(name: str, handler: Callable) -> None:
    if all(existing != name for existing, _ in _handlers):
        _handlers.append((name, handler))


def outcome_handlers() -> list[tuple[str, Callable]]:
    return list(_handlers)
