"""Where a person is: the time zones they might be in, from their explicit zone, phone, address and branch."""

from tenants.models import Tenant

from . import phones

# Where an address (state) puts a person; states split across zones list each of them.
STATE_ZONES = {
    "AL": ["America/Chicago"],
    "AK": ["America/Anchorage"],
    "AZ": ["America/Phoenix"],
    "AR": ["America/Chicago"],
    "CA": ["America/Los_Angeles"],
    "CO": ["America/Denver"],
    "CT": ["America/New_York"],
    "DE": ["America/New_York"],
    "DC": ["America/New_York"],
    "FL": ["America/New_York", "America/Chicago"],
    "GA": ["America/New_York"],
    "HI": ["Pacific/Honolulu"],
    "ID": ["America/Boise", "America/Los_Angeles"],
    "IL": ["America/Chicago"],
    "IN": ["America/Indiana/Indianapolis", "America/Chicago"],
    "IA": ["America/Chicago"],
    "KS": ["America/Chicago", "America/Denver"],
    "KY": ["America/New_York", "America/Chicago"],
    "LA": ["America/Chicago"],
    "ME": ["America/New_York"],
    "MD": ["America/New_York"],
    "MA": ["America/New_York"],
    "MI": ["America/Detroit", "America/Menominee"],
    "MN": ["America/Chicago"],
    "MS": ["America/Chicago"],
    "MO": ["America/Chicago"],
    "MT": ["America/Denver"],
    "NE": ["America/Chicago", "America/Denver"],
    "NV": ["America/Los_Angeles"],
    "NH": ["America/New_York"],
    "NJ": ["America/New_York"],
    "NM": ["America/Denver"],
    "NY": ["America/New_York"],
    "NC": ["America/New_York"],
    "ND": ["America/Chicago", "America/Denver"],
    "OH": ["America/New_York"],
    "OK": ["America/Chicago"],
    "OR": ["America/Los_Angeles", "America/Boise"],
    "PA": ["America/New_York"],
    "RI": ["America/New_York"],
    "SC": ["America/New_York"],
    "SD": ["America/Chicago", "America/Denver"],
    "TN": ["America/Chicago", "America/New_York"],
    "TX": ["America/Chicago", "America/Denver"],
    "UT": ["America/Denver"],
    "VT": ["America/New_York"],
    "VA": ["America/New_York"],
    "WA": ["America/Los_Angeles"],
    "WV": ["America/New_York"],
    "WI": ["America/Chicago"],
    "WY": ["America/Denver"],
}


def candidate_zones(lead) -> list[str]:
    """Every zone the person might be in: the explicit one alone, else area code, address and branch."""
    if lead.time_zone:
        return [lead.time_zone]
    zones: list[str] = []
    if lead.phone:
        zones += phones.place_of(lead.phone).time_zones
    if lead.region:
        zones += STATE_ZONES.get(lead.region.upper(), [])
    if lead.branch_id and lead.branch:
        zones.append(lead.branch.time_zone)
    if not zones:
        zones.append(Tenant.objects.only("time_zone").get(pk=lead.tenant_id).time_zone)
    return list(dict.fromkeys(zones))
