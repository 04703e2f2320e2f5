"""What a provider account needs before it is saved, asked by every door (the admin form, the API).

- An API key (the simulator's signs the events it plays).
- A webhook secret for the providers that sign their webhooks with one (ElevenLabs, Vapi, Bland); Retell
  signs with the API key. Verification refuses an empty key too (voice.clients.common), so an account
  stored some other way without a secret accepts no webhook at all.
- Requests go to the provider's own address: a ``base_url`` in ``provider_ids`` must be a host the
  platform allows (``OUTBOUND_ALLOWED_HOSTS``, core.outbound), never one a tenant picks.
"""

from core import outbound

from .models import Provider

SIGNS_WITH_SECRET = frozenset({Provider.ELEVENLABS, Provider.VAPI, Provider.BLAND})


def problems(provider: str | None, *, api_key: str, webhook_secret: str, provider_ids: dict | None) -> dict[str, str]:
    """Field → what is wrong; empty when the account may be saved."""
    errors = {}
    if provider and not api_key:  # the simulator signs its own events with it too
        errors["api_key"] = "The provider's API key is needed."
    if provider in SIGNS_WITH_SECRET and not webhook_secret:
        errors["webhook_secret"] = "This provider signs its webhooks with a secret: enter it."
    base_url = (provider_ids or {}).get("base_url") if isinstance(provider_ids, dict) else None
    if base_url and not outbound.allowed_by_platform(str(base_url)):
        errors["provider_ids"] = (
            "base_url: requests go to the provider's own address; another host must be allowed by the platform."
        )
    return errors
