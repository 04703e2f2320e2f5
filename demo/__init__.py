"""The demo: two tenants (a gym and a dealership) with their staff and every room's demo data, seeded by
``manage.py seed_demo``. The top room: it imports the product apps and none of them imports it
(docs/architecture.md, "Demo data")."""
