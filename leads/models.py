"""Leads and customers: Lead, Tag, Vehicle, Consent, DoNotCall; import, export, merge, scoring."""
