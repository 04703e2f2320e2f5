"""Analytics, the top room: the KPI queries of every room (``metrics/``, formulas in docs/kpis.md), composed
into the admin dashboard, the analytics API, CSV exports and the daily summary email. It reads every room
below it; no room imports it."""
