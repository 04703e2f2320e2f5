"""The leads room's extension points: signals other rooms answer, so leads never imports them.

Each is sent with ``sender=Lead`` (``LeadImport`` for ``import_finished``); receivers live in the
answering room's ``receivers.py`` (docs/architecture.md, Leads). The query-style ones read what the
receivers return, in the order they were connected (the order of ``INSTALLED_APPS``).
"""

from django.dispatch import Signal

# lead=Lead. Each receiver returns ``{section: [entries]}``: sections added to the person's data export.
lead_exporting = Signal()

# lead=Lead, identity=leads.privacy.Identity (the numbers and emails that name the person, merged
# duplicates included), before the lead is deleted, in erase_person's transaction. Each receiver removes
# the person's data from its room (an error aborts the whole erasure).
lead_erasing = Signal()

# lead_ids=[int]. Each receiver returns ``{lead_id: {"answered_calls": n, ...}}``; counts of the same
# name add up (leads.scoring).
engagement_requested = Signal()

# lead_ids=[int], since=datetime. Each receiver returns ``{lead_id: [(kind, at, words)]}``: the events since then
# that give the person an established business relationship (leads.relationships; kind "transaction"/"inquiry").
relationship_requested = Signal()

# lead=Lead. Each receiver returns timeline entries ``{"at", "kind", "title", "detail", "by", "link"}``.
timeline_requested = Signal()

# lead_import=LeadImport, after a real (not dry) import run finished and was saved.
import_finished = Signal()

# name=str. The receiver that knows a lead-list condition of that name returns it as a boolean expression
# on Lead (``Exists`` or ``Q``); the others return None. How a room above leads adds a filter of its own to
# the lead list (appointments: ``upcoming_appointment``) without leads naming its models.
lead_condition_requested = Signal()
