"""The shapes of the voice room's structured JSON fields (core.shapes)."""

from core.shapes import MapOf, Scalar, Text

# What a provider needs besides the agent: {"agent_phone_number_id": "…", "sip_trunk": false, "base_url": "…"}.
PROVIDER_IDS = MapOf(Text(max_length=60, pattern=r"[a-z0-9_]+"), Scalar(max_length=500), max_items=20)
