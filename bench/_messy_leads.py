"""A deterministic lead export with the mess real ones have, for the import benchmark.

About 2% of phone numbers are invalid, about 3% of rows repeat an earlier person's number written
another way, about 5% have no email; names carry stray spaces and odd case, phones come in several
formats, and a few names have accents. Standard library only; the same seed gives the same file.
"""

import csv
import random

AREA_CODES = ("212", "305", "312", "405", "410", "512", "602", "617", "702", "713", "818", "917")
FIRST = ["Ana", "Ben", "Chloé", "Diego", "Emma", "Farah", "Grace", "Hiro", "Inés", "Jamal", "Kate", "Liam"]
LAST = ["Smith", "García", "Nguyen", "O'Brien", "Müller", "Lee", "Patel", "Rossi", "Kim", "de la Cruz"]
SOURCES = ["Web form", "facebook lead ad", "Walk-in", "phone", "Referral", "Google Ads"]


def _written(rng: random.Random, area: str, number: int) -> str:
    exchange, line = 200 + number // 10_000 % 800, number % 10_000
    return rng.choice(
        [
            f"({area}) {exchange}-{line:04d}",
            f"{area}-{exchange}-{line:04d}",
            f"+1 {area} {exchange} {line:04d}",
            f"1{area}{exchange}{line:04d}",
            f"{area}.{exchange}.{line:04d}",
        ]
    )


def _typed(rng: random.Random, name: str) -> str:
    name = rng.choice([name, name.upper(), name.lower(), f" {name}", f"{name}  "])
    return name


def write(out, rows: int, seed: int = 7) -> None:
    """Write ``rows`` data rows (and a header) to the text stream ``out``."""
    rng = random.Random(seed)
    writer = csv.writer(out)
    writer.writerow(["First Name", "Last Name", "Phone", "E-mail", "Lead Source", "Notes"])
    seen: list[tuple[str, int]] = []
    for n in range(rows):
        roll = rng.random()
        if roll < 0.03 and seen:
            area, number = rng.choice(seen)  # the same person again, typed another way
        else:
            area, number = AREA_CODES[n % len(AREA_CODES)], n
            seen.append((area, number))
        phone = "555-01" if roll > 0.98 else _written(rng, area, number)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = "" if rng.random() < 0.05 else f"{first.lower()}.{n}@example.com"
        notes = rng.choice(["", "Asked about a tour", "Wants a call back after 5", 'Said "maybe", call again'])
        writer.writerow([_typed(rng, first), _typed(rng, last), phone, email, rng.choice(SOURCES), notes])
