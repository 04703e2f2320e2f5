"""How other rooms hear of appointments without appointments importing them.

``register_no_show_handler(fn)``: ``fn(lead_id)`` runs after a no-show is recorded (the campaigns
room enrols the lead in its no-show follow-ups), inside the tenant's scope.
"""

from collections.abc import Callable

_no_show_handlers: list[Callable[[int], object]] = []


def register_no_show_handler(handler: Callable[[int], object]) -> None:
    if handler not in _no_show_handlers:
        _no_show_handlers.append(handler)


def no_show(lead_id: int) -> None:
    for handler in list(_no_show_handlers):
        handler(lead_id)
