"""The events the appointments room announces (docs/architecture.md, "Appointments").

``no_show_recorded``: a no-show was recorded (appointments.services.mark_no_show). Sent after the
commit, inside the tenant's scope, with ``lead_id``; campaigns enrols the lead in its no-show follow-ups.
"""

from django.dispatch import Signal

no_show_recorded = Signal()
