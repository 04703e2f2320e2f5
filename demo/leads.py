"""Demo leads for seed_demo: a believable pipeline per tenant, deterministic, added once."""

import random
import unicodedata
from datetime import date, timedelta

from django.utils import timezone

from leads import funnel, scoring
from leads.models import Consent, DoNotCall, Lead, LeadTag, StageChange, Tag, Vehicle
from leads.pipeline import Stage
from tenants.models import Branch

FIRST = [
    "Ana",
    "Ben",
    "Chloé",
    "Diego",
    "Emma",
    "Farah",
    "Grace",
    "Hiro",
    "Ines",
    "Jamal",
    "Kate",
    "Liam",
    "María",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tomás",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
]
LAST = [
    "Smith",
    "García",
    "Nguyen",
    "O'Brien",
    "Müller",
    "Johnson",
    "Lee",
    "Patel",
    "Rossi",
    "Brown",
    "Silva",
    "Kim",
    "Cohen",
    "Hughes",
    "Okafor",
    "de la Cruz",
]
AREA_CODES = {"gym": ["305", "786", "512", "737"], "dealership": ["617", "857", "781"]}
INTERESTS = {
    "gym": ["free trial", "personal training", "group classes", "yoga", "membership prices", ""],
    "dealership": ["service", "test drive", "trade-in", "financing", "oil change", ""],
}
TAGS = {"gym": ["hot", "student", "corporate", "spring-promo"], "dealership": ["service", "sales", "recall", "vip"]}
STAGE_MIX = (
    [Stage.NEW] * 8
    + [Stage.CONTACTED] * 5
    + [Stage.BOOKED] * 4
    + [Stage.ATTENDED] * 3
    + [Stage.WON] * 2
    + [
        Stage.NO_SHOW,
        Stage.NOT_INTERESTED,
        Stage.UNREACHABLE,
        Stage.LOST,
    ]
)
MAKES = {"Toyota": ["Camry", "RAV4", "Corolla"], "Honda": ["Civic", "CR-V", "Accord"], "Ford": ["F-150", "Escape"]}
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
PATH = {
    Stage.CONTACTED: [Stage.CONTACTED],
    Stage.BOOKED: [Stage.CONTACTED, Stage.BOOKED],
    Stage.ATTENDED: [Stage.CONTACTED, Stage.BOOKED, Stage.ATTENDED],
    Stage.WON: [Stage.CONTACTED, Stage.BOOKED, Stage.ATTENDED, Stage.WON],
    Stage.NO_SHOW: [Stage.CONTACTED, Stage.BOOKED, Stage.NO_SHOW],
    Stage.NOT_INTERESTED: [Stage.CONTACTED, Stage.NOT_INTERESTED],
    Stage.UNREACHABLE: [Stage.UNREACHABLE],
    Stage.LOST: [Stage.CONTACTED, Stage.LOST],
}


def _email(first: str, last: str, number: int) -> str:
    """An address every form accepts: "Ben García" writes ben.garcia7@example.com."""
    plain = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    return f"{plain}{number}@example.com".lower().replace(" ", "").replace("'", "")


def seed(tenant, stdout, count: int = 60) -> None:
    if Lead.objects.exists():
        return
    rng = random.Random(tenant.slug)
    vertical = tenant.vertical
    branches = list(Branch.objects.order_by("name"))
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS[vertical]]
    now = timezone.now()
    leads = []
    for i in range(count):
        stage = rng.choice(STAGE_MIX)
        created = now - timedelta(days=rng.randint(0, 45), minutes=rng.randint(0, 600))
        contacted = created + timedelta(minutes=rng.randint(2, 240)) if stage != Stage.NEW else None
        first, last = rng.choice(FIRST), rng.choice(LAST)
        leads.append(
            Lead(
                branch=rng.choice(branches),
                first_name=first,
                last_name=last,
                phone=f"+1{rng.choice(AREA_CODES[vertical])}555{i:04d}",
                email=_email(first, last, i),
                source=rng.choice(["web_form", "facebook_lead_ad", "walk_in", "referral", "google_ads", "phone"]),
                stage=stage,
                lost_reason="chose another gym"
                if stage == Stage.LOST and vertical == "gym"
                else "bought elsewhere"
                if stage == Stage.LOST
                else "",
                interest=rng.choice(INTERESTS[vertical]),
                created_at=created,
                first_contacted_at=contacted,
                last_contacted_at=contacted,
                next_action_at=now + timedelta(days=rng.randint(1, 10))
                if stage in (Stage.CONTACTED, Stage.NO_SHOW)
                else None,
            )
        )
    scoring.apply_scores(leads)
    Lead.objects.bulk_create(leads)
    changes, links, consents, vehicles = [], [], [], []
    for lead in leads:
        previous, at = Stage.NEW, lead.first_contacted_at or lead.created_at
        for step in PATH.get(lead.stage, []):
            at = at + timedelta(hours=rng.randint(1, 72))
            changes.append(StageChange(lead=lead, from_stage=previous, to_stage=step, changed_at=min(at, now)))
            previous = step
        for tag in rng.sample(tags, rng.randint(0, 2)):
            links.append(LeadTag(lead_id=lead.pk, tag_id=tag.pk))
        if rng.random() < 0.85:
            consents.append(
                Consent(
                    lead=lead,
                    kind="express_written",
                    phone=lead.phone,
                    source="form",
                    source_detail=f"https://{tenant.slug}.example.com/join",
                    disclosure_version="2026-01",
                    captured_at=lead.created_at,
                )
            )
        if vertical == "dealership":
            make = rng.choice(list(MAKES))
            last_service = date.today() - timedelta(days=rng.randint(20, 250))
            vehicles.append(
                Vehicle(
                    lead=lead,
                    vin="".join(rng.choice(VIN_CHARS) for _ in range(17)),
                    year=rng.randint(2015, 2025),
                    make=make,
                    model=rng.choice(MAKES[make]),
                    mileage=rng.randint(8000, 120000),
                    mileage_read_at=last_service,
                    last_service_date=last_service,
                )
            )
    StageChange.objects.bulk_create(changes)
    funnel.backfill(Lead, StageChange, Lead.objects.filter(pk__in=[lead.pk for lead in leads]))
    LeadTag.objects.bulk_create(links, ignore_conflicts=True)
    Consent.objects.bulk_create(consents)
    for vehicle in vehicles:
        vehicle.save()  # computes the next service date
    DoNotCall.objects.get_or_create(
        phone=leads[-1].phone, defaults={"reason": "Asked not to be called", "source": "staff"}
    )
    stdout.write(f"  {tenant.name}: {len(leads)} leads")
