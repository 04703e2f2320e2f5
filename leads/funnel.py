"""How far along the funnel a lead got, kept on the lead (``Lead.funnel_step``) so the dashboard's
funnel reads one row per lead instead of its whole stage history.

``funnel_step`` is the furthest step of the stages the lead has *left*; its current stage is added at
read time (``reached``). Every way a stage is left keeps it: a recorded StageChange (``record_step``,
from leads.receivers) and the bulk move (``leads.services.change_stage_bulk``). ``backfill`` sets it from the
history, for rows written around both (the demo, the migration that added it).
"""

from django.db.models import Case, F, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from .pipeline import STEP_OF_STAGE, funnel_step


def step_of(field: str) -> Case:
    """The funnel step of a stage column, in SQL."""
    return Case(
        *[When(**{field: stage}, then=Value(step)) for stage, step in STEP_OF_STAGE.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def furthest_step(kept, to_stage: str) -> Greatest:
    """For an update moving leads to ``to_stage``: the furthest of what was kept and the stage left."""
    return Greatest(kept, step_of("stage"), Value(funnel_step(to_stage)), output_field=IntegerField())


def reached() -> Greatest:
    """The furthest step a lead reached: its history's or its stage now."""
    return Greatest(F("funnel_step"), step_of("stage"), output_field=IntegerField())


def reached_at_least(step: int) -> Q:
    """Leads that reached ``step``: ``reached() >= step`` as a condition the database checks cheaply
    (no CASE per row), for counting several steps in one pass."""
    return Q(funnel_step__gte=step) | Q(stage__in=[stage for stage, n in STEP_OF_STAGE.items() if n >= step])


def record_step(change) -> None:
    """A stage change was recorded: the lead got at least as far as the stages it names."""
    step = funnel_step(change.from_stage, change.to_stage)
    if step:
        type(change.lead).all_tenants.filter(pk=change.lead_id, funnel_step__lt=step).update(funnel_step=step)


def backfill(lead_model, stage_change_model, leads=None) -> int:
    """Set ``funnel_step`` of these leads (all by default) from their stage history."""
    history = (
        stage_change_model.all_tenants.filter(lead=OuterRef("pk"))
        .order_by()
        .values("lead")
        .annotate(step=Max(Greatest(step_of("to_stage"), step_of("from_stage"), output_field=IntegerField())))
        .values("step")
    )
    leads = lead_model.all_tenants.all() if leads is None else leads
    return leads.update(funnel_step=Coalesce(Subquery(history, output_field=IntegerField()), 0))
