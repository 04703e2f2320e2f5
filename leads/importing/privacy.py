"""What imports keep of a person, and how erasure takes it out (docs/operations.md#erasure).

An import keeps three things that can name people: the uploaded file (kept only until the run is done:
``runs.run_import`` deletes it then), the first error rows (``LeadImport.errors``) and the error report
file. Erasing a person removes every line and error row that names them (by number, however it is written,
or email) from every import of the tenant; the rest of each report stays useful.
"""

import json

from django.core.files.base import ContentFile

from ..models import LeadImport


def _without_lines(field, identity) -> None:
    """Rewrite a stored text file without the lines that name the person (delete it if nothing is left)."""
    with field.open("rb") as stored:
        lines = stored.read().decode("utf-8", errors="replace").splitlines(keepends=True)
    kept = [line for line in lines if not identity.mentions(line)]
    if len(kept) == len(lines):
        return
    name = field.name.rsplit("/", 1)[-1]
    field.delete(save=False)
    if kept[1:]:  # more than the header
        field.save(name, ContentFile("".join(kept).encode()), save=False)


def forget(identity) -> None:
    for lead_import in LeadImport.objects.exclude(file="", error_report="", errors=[]).iterator():
        errors = [e for e in lead_import.errors or [] if not identity.mentions(json.dumps(e, ensure_ascii=False))]
        changed = errors != (lead_import.errors or [])
        lead_import.errors = errors
        for field in (lead_import.file, lead_import.error_report):
            if field:
                before = field.name
                _without_lines(field, identity)
                changed = changed or field.name != before
        if changed:
            lead_import.save(update_fields=["errors", "file", "error_report"])
