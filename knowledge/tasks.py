"""Celery tasks of the knowledge room: thin doors into ``knowledge.services``."""

from celery import shared_task

from tenants.scoping import with_tenant_scope


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
@with_tenant_scope
def process_document(tenant_id: int, document_id: int) -> str:
    """Extract, chunk and index an uploaded document; a file that cannot be read fails with the reason."""
    from .models import Document
    from .services import process_document as process

    document = Document.objects.filter(pk=document_id).first()
    if document is None:  # deleted before it was processed
        return "gone"
    return process(document).status


@shared_task(acks_late=True)
def sweep_stuck_documents() -> int:
    """Beat: documents whose processing message was lost (or whose worker died) are sent again."""
    from .services import sweep_stuck

    return sweep_stuck()
