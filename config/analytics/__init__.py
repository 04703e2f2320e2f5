"""Analytics: the KPIs of every room composed into the admin dashboard, the analytics API, CSV
exports and the daily summary email. The formulas live in each room's ``metrics.py``; this package
only picks the filters, composes, caches and presents."""
