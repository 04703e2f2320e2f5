"""The events the voice room announces; the rooms above it receive them (docs/architecture.md, "Voice").

``provider_event_received``: a provider's webhook passed its signature check and was parsed. Sent once
per normalised event, inside the account's tenant scope, with ``account`` (ProviderAccount) and ``event``
(voice.clients.NormalizedEvent). A receiver returns the id of the event it stored, or None for a replay;
the webhook answers how many were new. calls stores and applies them (calls.receivers).

``prompt_variables_requested``: a call's prompt is being rendered (voice.prompting). Sent with ``lead`` and
``script``; each receiver returns ``{name: text}`` to add, applied in the receivers' order (appointments:
free slots and the upcoming appointment; knowledge: the facts the agent may use).

``simulated_slot_requested``: the simulator's person agrees to a time. Sent with ``request`` (the
voice.clients.CallRequest the call was dialled with); each receiver returns a list of datetimes, and the
first non-empty list is used (appointments: real free slots).
"""

from django.dispatch import Signal

provider_event_received = Signal()
prompt_variables_requested = Signal()
simulated_slot_requested = Signal()
