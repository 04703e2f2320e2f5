"""What every room's ``metrics.py`` shares: a period of days in the tenant's zone, the filters, a ratio.

docs/kpis.md#scope-and-periods: each KPI is computed for a tenant (optionally a branch, campaign, voice agent or staff
member) over a date range in the tenant's time zone, and shown with its numerator and denominator.
A zero denominator is "no data" (``Ratio.value`` is None), never an error and never a fake zero.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Case, IntegerField, Q, Value, When

Number = int | float | Decimal


@dataclass(frozen=True)
class Ratio:
    numerator: Number
    denominator: Number

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        return float(self.numerator) / float(self.denominator)

    def as_dict(self, digits: int = 4) -> dict:
        value = self.value
        return {
            "value": None if value is None else round(value, digits),
            "numerator": _plain(self.numerator),
            "denominator": _plain(self.denominator),
        }


def _plain(number: Number):
    if isinstance(number, Decimal):
        return str(number.quantize(Decimal("0.01")))
    return number


@dataclass(frozen=True)
class Period:
    """The days ``first`` to ``last`` (both included) as the tenant's wall clock sees them."""

    first: date
    last: date
    zone: str = "UTC"

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError("A period ends on or after its first day.")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def start(self) -> datetime:
        """Midnight at the start of the first day, local (aware; DST-safe)."""
        return datetime.combine(self.first, time.min, tzinfo=self.tz)

    @property
    def end(self) -> datetime:
        """Midnight after the last day (excluded)."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=self.tz)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    def previous(self) -> "Period":
        """The same number of days just before."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1), self.zone)

    def contains(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})


def last_days(days: int, zone: str, today: date | None = None) -> Period:
    """The ``days`` days ending today (local)."""
    from django.utils import timezone

    today = today or timezone.now().astimezone(ZoneInfo(zone)).date()
    return Period(today - timedelta(days=days - 1), today, zone)


@dataclass(frozen=True)
class Filters:
    """What a dashboard or an API request asks for. Ids are of the tenant in scope (checked by the door)."""

    period: Period
    branch_id: int | None = None
    campaign_id: int | None = None
    agent_id: int | None = None
    staff_id: int | None = None

    def with_period(self, period: Period) -> "Filters":
        return replace(self, period=period)

    def key(self) -> str:
        """A stable text naming this filter set (for cache keys)."""
        p = self.period
        return (
            f"{p.first.isoformat()}_{p.last.isoformat()}_{p.zone}"
            f"_b{self.branch_id or ''}_c{self.campaign_id or ''}_a{self.agent_id or ''}_s{self.staff_id or ''}"
        )


def period_bucket(field_name: str, periods: list[Period]) -> Case:
    """An integer naming which of ``periods`` a row's time stamp falls in (their index), to aggregate
    several periods in one pass: ``values(bucket=…).annotate(…)``."""
    return Case(
        *[When(p.contains(field_name), then=Value(i)) for i, p in enumerate(periods)],
        default=Value(-1),
        output_field=IntegerField(),
    )


def day_bucket(field_name: str, periods: list[Period]) -> Case:
    """``period_bucket`` for a date field (a day of the tenant's zone, as rollups keep)."""
    return Case(
        *[
            When(Q(**{f"{field_name}__gte": p.first, f"{field_name}__lte": p.last}), then=Value(i))
            for i, p in enumerate(periods)
        ],
        default=Value(-1),
        output_field=IntegerField(),
    )


def spanning(field_name: str, periods: list[Period]) -> Q:
    """Rows inside any of ``periods`` (one range: they are given oldest or newest first, and adjacent)."""
    return Q(**{f"{field_name}__gte": min(p.start for p in periods), f"{field_name}__lt": max(p.end for p in periods)})
