"""Core, the bottom room: infrastructure that knows nothing of tenants or of the product's rooms. Typed
shapes for JSON settings (``shapes``), cache versions (``versioning``), sets of ids (``idsets``), database
lookups (``db``) and error translation (``db_errors``), the Redis cache backend (``cache``), the API's
rate counters (``throttling``) and the formats answers use (``formats``). It imports only Django and
libraries; every room may import it."""
