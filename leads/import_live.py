"""The import page's live region (core.live): the progress of a running import and its counts, current
within seconds, until the import is done or failed."""

from django.views.decorators.http import require_safe

from core import live

from .models import ImportStatus

TEMPLATE = "admin/leads/import_live.html"
FINISHED = {ImportStatus.DONE, ImportStatus.FAILED}


@require_safe
def view(request, object_id, *, model_admin):
    lead_import = live.admin_object(model_admin, request, object_id)
    finished = lead_import.status in FINISHED
    return live.fragment(request, TEMPLATE, {"original": lead_import, "import_finished": finished}, final=finished)
