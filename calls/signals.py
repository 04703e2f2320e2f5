"""The events the calls room announces; campaigns and appointments receive them (docs/architecture.md, "Calls").

``call_dialed``: the provider took the call (calls.services.dial). Sent with ``call``.

``call_ended``: a call ended and its effects on the lead were applied (calls.services.after_call, in a
Celery task after the commit, inside the tenant's scope; also when the provider refused it or the gate
stopped it at dial time). Sent with ``call`` and ``once``: ``once(name)`` claims the effect ``name`` for
this call and is True only the first time, so a receiver acts once per call even when the task runs twice.
Receivers run in the order their apps are installed (campaigns, then appointments).
"""

from django.dispatch import Signal

call_dialed = Signal()
call_ended = Signal()
