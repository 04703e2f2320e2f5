"""The shapes of the knowledge room's structured JSON fields (core.shapes)."""

from core.shapes import ListOf, Text

TAGS = ListOf(Text(max_length=40, blank=False), max_items=30, unique=True)
