"""Relevance set for knowledge search over the demo content in ``demo/knowledge_base/``.

Each item of ``QUERIES`` is ``(vertical, query, expected_key)``: ``vertical`` is "gym" (``knowledge_base/gym/``)
or "dealership" (``knowledge_base/dealership/``), ``query`` is what a staff member or the AI agent would type,
and ``expected_key`` is the ``key`` of the entry that should rank in the top 3 for that query (a file
``NN-key.md``). A few queries contain
realistic typos on purpose.
"""

QUERIES = [
    # Gym
    ("gym", "how much is a family membership", "membership-prices"),
    ("gym", "student discount", "membership-prices"),
    ("gym", "joining fee", "joining-fee"),
    ("gym", "current promotions", "joining-fee"),
    ("gym", "day pass price", "day-pass"),
    ("gym", "personal trainer cost", "personal-training"),
    ("gym", "riverside opening hours", "hours-riverside"),
    ("gym", "when does downtown close on sunday", "hours-downtown"),
    ("gym", "spin class times", "class-timetable"),
    ("gym", "yoga shedule", "class-timetable"),
    ("gym", "try a class for free", "trial-class"),
    ("gym", "book a club tour", "club-tours"),
    ("gym", "pool", "amenities"),
    ("gym", "is there childcare", "amenities"),
    ("gym", "can I freeze my membership", "cancellation-freeze"),
    ("gym", "cancel membership notice", "cancellation-freeze"),
    ("gym", "bring a friend to the gym", "guest-policy"),
    ("gym", "minimum age to join", "age-policy"),
    ("gym", "what to bring first visit", "what-to-bring"),
    # Dealership
    ("dealership", "synthetic oil change price", "service-menu"),
    ("dealership", "tire rotation cost", "service-menu"),
    ("dealership", "brake pads and rotors", "service-menu"),
    ("dealership", "60k mile service", "mileage-services"),
    ("dealership", "service lane hours saturday", "service-hours"),
    ("dealership", "drop off keys after hours", "service-hours"),
    ("dealership", "showroom open sunday", "sales-hours"),
    ("dealership", "free car while mine is serviced", "loaner-car-policy"),
    ("dealership", "loaner polcy", "loaner-car-policy"),
    ("dealership", "shuttle ride to work", "shuttle-service"),
    ("dealership", "do recalls cost anything", "recall-policy"),
    ("dealership", "interest rate for bad credit", "financing-basics"),
    ("dealership", "pre-approval soft pull", "financing-basics"),
    ("dealership", "lease or buy", "lease-vs-buy"),
    ("dealership", "what is my trade worth", "trade-in"),
    ("dealership", "test drive appointment", "test-drive"),
    ("dealership", "powertrain warranty miles", "warranty-coverage"),
    ("dealership", "tire warrenty", "tire-warranty"),
    ("dealership", "inspection sticker", "state-inspection"),
    ("dealership", "how long is an oil change", "service-faq"),
    ("dealership", "pay with credit card", "service-faq"),
    ("dealership", "where do I park", "location-parking"),
]
