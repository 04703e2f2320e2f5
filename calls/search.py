"""Finding calls, for the admin's calls list and ``/api/v1/calls/?search=``: by the person called (the
lead search of ``leads.search``: their name, email, or their number's beginning or last digits), by the
whole number called in any format, or by the provider's call id."""

import re

from leads import phones
from leads.models import Lead
from leads.search import search_leads
from voice.models import Provider

SEARCH_HELP = (
    "The person's name (accents and case ignored) or email, the number called in any format "
    "(whole, its beginning or its last digits), or the provider's call id."
)

# Provider call ids ("sim_3f9c…", Vapi's and Bland's UUIDs) are long tokens of letters and digits.
_PROVIDER_CALL_ID = re.compile(r"(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_-]{12,200}")


def search_calls(queryset, term: str, region: str = "US"):
    """The calls of ``queryset`` that ``term`` finds (all of them for an empty term)."""
    term = (term or "").strip()
    if not term:
        return queryset
    if _PROVIDER_CALL_ID.fullmatch(term):
        # Naming every provider lets the unique (provider, provider_call_id) index answer.
        return queryset.filter(provider__in=Provider.values, provider_call_id=term)
    found = phones.phone_search(term, region)
    if found is not None and found.number:
        return queryset.filter(to_number=found.number)  # the number dialled, whoever has it now
    return queryset.filter(lead__in=search_leads(Lead.objects.all(), term, region))
