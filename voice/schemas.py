"""The shapes of the voice room's structured JSON fields (core.shapes)."""

from core.shapes import ListOf, MapOf, Scalar, Text
from tenants.schemas import Phone

from .models import CollectedData

# What a provider needs besides the agent: {"agent_phone_number_id": "…", "sip_trunk": false, "base_url": "…"}.
PROVIDER_IDS = MapOf(Text(max_length=60, pattern=r"[a-z0-9_]+"), Scalar(max_length=500), max_items=20)

# The numbers calls go out from: ["+13055550100"].
CALLER_NUMBERS = ListOf(Phone(), max_items=200)

# What a script's agent collects: ["email", "preferred_time"].
COLLECT = ListOf(Text(choices=tuple(CollectedData.values)), max_items=len(CollectedData.values))
