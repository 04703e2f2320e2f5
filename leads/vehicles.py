"""When a car is next due for service: by time or by mileage, whichever comes first.

Mileage is estimated forward from the readings: miles per day since the last
service when both ends are known, else over the car's life (from 1 January of
its model year), else the US average of about 13,500 miles a year.
"""

import calendar
from datetime import date, timedelta

from django.utils import timezone

AVERAGE_MILES_PER_DAY = 13_500 / 365


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def miles_per_day(vehicle, today: date) -> float:
    read_at = vehicle.mileage_read_at or today
    known_since_service = (
        vehicle.mileage is not None
        and vehicle.last_service_mileage is not None
        and vehicle.last_service_date is not None
        and read_at > vehicle.last_service_date
        and vehicle.mileage >= vehicle.last_service_mileage
    )
    if known_since_service:
        return (vehicle.mileage - vehicle.last_service_mileage) / (read_at - vehicle.last_service_date).days
    if vehicle.mileage and vehicle.year:
        days = (read_at - date(vehicle.year, 1, 1)).days
        if days > 30:
            return vehicle.mileage / days
    return AVERAGE_MILES_PER_DAY


def _due_by_mileage(vehicle, today: date) -> date | None:
    if vehicle.mileage is None or not vehicle.service_interval_miles:
        return None
    rate = miles_per_day(vehicle, today)
    read_at = vehicle.mileage_read_at or today
    if vehicle.last_service_mileage is not None:
        serviced_at_miles = vehicle.last_service_mileage
    elif vehicle.last_service_date is not None:
        # Serviced at an unknown mileage: what the car had then, at its usual rate.
        serviced_at_miles = max(0, vehicle.mileage - rate * max(0, (read_at - vehicle.last_service_date).days))
    else:
        serviced_at_miles = vehicle.mileage  # nothing known: count from the reading
    miles_left = serviced_at_miles + vehicle.service_interval_miles - vehicle.mileage
    return read_at + timedelta(days=max(0, int(miles_left / rate)))


def next_service_due(vehicle, today: date | None = None) -> date | None:
    """The earlier of the time-based and the mileage-based due dates; None if nothing is known."""
    today = today or timezone.localdate()  # the day in the active time zone, not the server's
    by_time = None
    if vehicle.last_service_date and vehicle.service_interval_months:
        by_time = add_months(vehicle.last_service_date, vehicle.service_interval_months)
    candidates = [d for d in (by_time, _due_by_mileage(vehicle, today)) if d is not None]
    return min(candidates) if candidates else None
