"""Every dashboard table as CSV: the same reports the dashboard shows, a row per line.

Text a person typed (names, reasons) is quoted against spreadsheet formulas; numbers are written
as numbers. Ratios get their value and both terms, so a spreadsheet can check them.
"""

import csv
import io

from core.spreadsheets import safe_cell

TABLES = {
    "overview": "KPI figures with the previous period",
    "calls-over-time": "Calls per day and outcome",
    "outcomes": "Outcome mix",
    "funnel": "Funnel",
    "campaigns": "Campaign leaderboard",
    "needs-attention": "Calls that need a person",
    "today": "Today's appointments",
}


def _text(key):
    return lambda row: safe_cell(row[key])


def _field(key, sub=None):
    return lambda row: row[key] if sub is None else (row[key] or {}).get(sub)


# Tables with a row per item: report key of the items, then (header, cell) per column.
ITEM_TABLES = {
    "outcomes": (
        "outcomes",
        [
            ("outcome", _field("outcome")),
            ("label", _field("label")),
            ("calls", _field("numerator")),
            ("share", _field("value")),
        ],
    ),
    "funnel": (
        "steps",
        [
            ("step", _field("step")),
            ("label", _field("label")),
            ("leads", _field("count")),
            ("share of leads", _field("of_leads", "value")),
            ("share of previous step", _field("of_previous_step", "value")),
        ],
    ),
    "campaigns": (
        "campaigns",
        [
            ("campaign id", _field("campaign_id")),
            ("campaign", _text("name")),
            ("status", _field("status")),
            ("calls dialled", _field("dialled")),
            ("connect rate", _field("connect_rate", "value")),
            ("answered", _field("connect_rate", "numerator")),
            ("contact rate", _field("contact_rate", "value")),
            ("conversations", _field("contact_rate", "numerator")),
            ("appointments booked", _field("appointments_booked")),
            ("attended", _field("appointments_attended")),
            ("calls per hour", _field("calls_per_hour", "value")),
            ("cost", _field("cost")),
            ("cost per appointment", _field("cost_per_appointment", "value")),
        ],
    ),
    "needs-attention": (
        "calls",
        [
            ("call id", _field("call_id")),
            ("created at", _field("created_at")),
            ("lead id", _field("lead_id")),
            ("lead", _text("lead")),
            ("number", _field("to_number")),
            ("campaign", _text("campaign")),
            ("outcome", _field("outcome")),
            ("reason", _text("reason")),
        ],
    ),
    "today": (
        "appointments",
        [
            ("appointment id", _field("appointment_id")),
            ("start", _field("start")),
            ("kind", _field("kind")),
            ("status", _field("status")),
            ("lead id", _field("lead_id")),
            ("lead", _text("lead")),
            ("branch", _text("branch")),
            ("staff", _text("staff")),
        ],
    ),
}
OVERVIEW_COLUMNS = [
    ("figure", lambda key, f: key),
    ("label", lambda key, f: f["label"]),
    ("unit", lambda key, f: f["unit"]),
    ("value", lambda key, f: f["value"]),
    ("numerator", lambda key, f: f["numerator"]),
    ("denominator", lambda key, f: f["denominator"]),
    ("previous value", lambda key, f: (f.get("previous") or {}).get("value")),
    ("change", lambda key, f: (f.get("change") or {}).get("absolute")),
]


def rows(name: str, report: dict) -> list[list]:
    """The table ``name`` (header first) from its report."""
    if name == "overview":
        return [[header for header, _ in OVERVIEW_COLUMNS]] + [
            [cell(key, figure) for _, cell in OVERVIEW_COLUMNS] for key, figure in report["figures"].items()
        ]
    if name == "calls-over-time":
        series = report["series"]
        table = [["day", *[s["outcome"] for s in series], "total"]]
        for i, day in enumerate(report["days"]):
            counts = [s["counts"][i] for s in series]
            table.append([day, *counts, sum(counts)])
        return table
    items, columns = ITEM_TABLES[name]
    return [[header for header, _ in columns]] + [[cell(item) for _, cell in columns] for item in report[items]]


def as_csv(name: str, report: dict) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel then reads UTF-8
    writer = csv.writer(buffer)
    for row in rows(name, report):
        writer.writerow([safe_cell(cell) for cell in row])  # a stage label can start with "="
    return buffer.getvalue()
