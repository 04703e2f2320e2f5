"""Campaigns, their targets and follow-up rules; audiences; the dispatcher beat ticks."""
