"""The KPI queries, one module per room they read (docs/kpis.md)."""
