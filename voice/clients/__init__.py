"""The voice provider clients behind one interface: ``for_account(account)`` picks the right one."""

from .base import (
    CallRequest,
    CannotAsk,
    ErrorCategory,
    EventKind,
    InvalidSignature,
    NormalizedEvent,
    ProviderError,
    StartedCall,
    Turn,
    VoiceClient,
)
from .bland import BlandClient
from .elevenlabs import ElevenLabsClient
from .retell import RetellClient
from .simulator import SimulatorClient
from .vapi import VapiClient

CLIENTS: dict[str, type[VoiceClient]] = {
    client.provider: client for client in (RetellClient, ElevenLabsClient, VapiClient, BlandClient, SimulatorClient)
}


def for_account(account) -> VoiceClient:
    return CLIENTS[account.provider](account)


__all__ = [
    "CLIENTS",
    "CallRequest",
    "CannotAsk",
    "ErrorCategory",
    "EventKind",
    "InvalidSignature",
    "NormalizedEvent",
    "ProviderError",
    "StartedCall",
    "Turn",
    "VoiceClient",
    "for_account",
]
