"""Cells of the CSV files the product writes for spreadsheets (lead exports, report tables, import error
reports). A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula,
so such text is quoted with a leading apostrophe (CSV injection); a plain negative number is left alone."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text made safe to open in a spreadsheet; numbers and empty cells as they are."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START) and not value[1:].replace(" ", "").replace(".", "", 1).isdigit():
        return "'" + value
    return value
