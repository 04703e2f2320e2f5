"""The built-in simulator: realistic calls with no provider account.

It speaks Retell's webhook dialect, signed exactly as Retell signs (with the
account's generated API key), and its events go through the same webhook
handler as a real provider's, a few seconds later: they are rows with a due
time (voice.simulated_events), written with the call's dial. What happens on
a call is decided by a seeded random generator (deterministic for tests) from a
tunable mix in ``provider_ids["mix"]``; the conversation is built from the
script and the lead (see voice.simulation). With ``provider_ids["silent"]`` it
takes calls and never reports on them (load tests of the dialer, bench/dispatch.py).
"""

import uuid

from .base import CallRequest, CannotAsk, StartedCall
from .retell import RetellClient


class SimulatorClient(RetellClient):
    provider = "simulator"
    default_base_url = ""

    def start_call(self, request: CallRequest) -> StartedCall:
        from voice import simulated_events

        provider_call_id = f"sim_{uuid.uuid4().hex[:20]}"
        if (self.account.provider_ids or {}).get("silent"):
            return StartedCall(provider_call_id, {"simulated": True, "silent": True})
        simulated_events.schedule(self.account, request, provider_call_id)
        return StartedCall(provider_call_id, {"simulated": True})

    def fetch_call(self, provider_call_id: str):
        raise CannotAsk("The simulator's events are rows of their own (voice.simulated_events).")

    def test_connection(self) -> str:
        return "The simulator is always available; it places no real calls."
