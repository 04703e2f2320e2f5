"""The pipeline of each vertical: stages, their labels, and the moves allowed between them.

Both verticals share the stage keys (so the funnel and the dialer work the same
way) and name them in their own words; a tenant may rename them
(``PipelineSettings.stage_labels``). From docs/kpis.md#pipelines:

- gym: new → contacted → tour/trial booked → attended → joined (won)
- dealership: new → contacted → appointment set → shown → sold / serviced (won)
- parked, both: no-show, not interested, unreachable, lost (with a reason)
"""

from django.db import models

from core.transitions import Transitions


class Stage(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    WON = "won", "Won"
    NO_SHOW = "no_show", "No-show"
    NOT_INTERESTED = "not_interested", "Not interested"
    UNREACHABLE = "unreachable", "Unreachable"
    LOST = "lost", "Lost"


# The funnel's steps (leads → contacted → booked → attended → won) and the stages that show a lead got
# that far (a no-show was booked first).
FUNNEL_STEPS = ["leads", "contacted", "booked", "attended", "won"]
STEP_OF_STAGE = {Stage.CONTACTED: 1, Stage.BOOKED: 2, Stage.NO_SHOW: 2, Stage.ATTENDED: 3, Stage.WON: 4}


def funnel_step(*stages: str) -> int:
    """The furthest funnel step of these stages (0: none past new)."""
    return max((STEP_OF_STAGE.get(stage, 0) for stage in stages), default=0)


ACTIVE_STAGES = [Stage.NEW, Stage.CONTACTED, Stage.BOOKED, Stage.ATTENDED, Stage.WON]
PARKED_STAGES = [Stage.NO_SHOW, Stage.NOT_INTERESTED, Stage.UNREACHABLE, Stage.LOST]

DEFAULT_LABELS = {
    "gym": {
        Stage.NEW: "New",
        Stage.CONTACTED: "Contacted",
        Stage.BOOKED: "Tour / trial booked",
        Stage.ATTENDED: "Attended",
        Stage.WON: "Joined",
        Stage.NO_SHOW: "No-show",
        Stage.NOT_INTERESTED: "Not interested",
        Stage.UNREACHABLE: "Unreachable",
        Stage.LOST: "Lost",
    },
    "dealership": {
        Stage.NEW: "New",
        Stage.CONTACTED: "Contacted",
        Stage.BOOKED: "Appointment set",
        Stage.ATTENDED: "Shown",
        Stage.WON: "Sold / serviced",
        Stage.NO_SHOW: "No-show",
        Stage.NOT_INTERESTED: "Not interested",
        Stage.UNREACHABLE: "Unreachable",
        Stage.LOST: "Lost",
    },
}

_REOPEN = {Stage.NEW, Stage.CONTACTED}

# stage -> the stages it may move to
ALLOWED_MOVES: dict[str, set[str]] = {
    Stage.NEW: {
        Stage.CONTACTED,
        Stage.BOOKED,
        Stage.WON,
        Stage.NOT_INTERESTED,
        Stage.UNREACHABLE,
        Stage.LOST,
    },
    Stage.CONTACTED: {Stage.BOOKED, Stage.WON, Stage.NOT_INTERESTED, Stage.UNREACHABLE, Stage.LOST},
    Stage.BOOKED: {Stage.ATTENDED, Stage.NO_SHOW, Stage.CONTACTED, Stage.WON, Stage.NOT_INTERESTED, Stage.LOST},
    Stage.ATTENDED: {Stage.WON, Stage.BOOKED, Stage.NOT_INTERESTED, Stage.LOST},
    Stage.WON: {Stage.LOST},
    Stage.NO_SHOW: {Stage.BOOKED, Stage.CONTACTED, Stage.NOT_INTERESTED, Stage.UNREACHABLE, Stage.LOST},
    Stage.NOT_INTERESTED: _REOPEN | {Stage.LOST},
    Stage.UNREACHABLE: _REOPEN | {Stage.BOOKED, Stage.LOST},
    Stage.LOST: _REOPEN,
}


# The same table as core.transitions makes moves with (leads.services.change_stage: compare-and-swap).
STAGE_MOVES = Transitions(ALLOWED_MOVES, field="stage")


def can_move(from_stage: str, to_stage: str) -> bool:
    return STAGE_MOVES.allows(from_stage, to_stage)


def labels_for(vertical: str, overrides: dict | None = None) -> dict[str, str]:
    """The vertical's labels, renamed by ``overrides`` (stored with the shape leads.schemas.STAGE_LABELS:
    known stages, non-blank text)."""
    labels = dict(DEFAULT_LABELS.get(vertical, DEFAULT_LABELS["gym"]))
    labels.update({key: label.strip() for key, label in (overrides or {}).items()})
    return labels
