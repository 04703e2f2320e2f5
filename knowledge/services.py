"""Writing the knowledge base: entries saved and indexed, documents uploaded, processed and indexed.
Admin, API, the import command and the processing task all come through here."""

import re
from datetime import timedelta
from pathlib import Path

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone

from core.wakeup import wake
from tenants.scoping import current_tenant_id

from . import chunking, extraction
from .models import DOCUMENT_TYPES, MAX_UPLOAD_BYTES, Chunk, Document, DocumentStatus, KnowledgeEntry, Word


def _index(chunks: list[Chunk], keywords: str = "") -> None:
    """Store chunks and, on PostgreSQL, their weighted search vectors (title and keywords A, text B); on
    SQLite the rows' triggers put them in the FTS5 index, with their entry's tags (migration 0006)."""
    created = Chunk.objects.bulk_create(chunks, batch_size=1000)
    remember_words(f"{chunk.title} {chunk.text}" for chunk in created)
    if connection.vendor != "postgresql" or not created:
        return
    from .search import language_config

    config = language_config()
    vector = SearchVector("title", weight="A", config=config) + SearchVector("text", weight="B", config=config)
    if keywords:
        vector = vector + SearchVector(Value(keywords), weight="A", config=config)
    Chunk.objects.filter(pk__in=[chunk.pk for chunk in created]).update(search=vector)


_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,40}")


def remember_words(texts) -> None:
    """Add the texts' words to the tenant's vocabulary (what typo correction may correct to)."""
    words = set()
    for text in texts:
        words.update(_VOCABULARY_WORD.findall(text.lower()))
    if words:
        Word.objects.bulk_create([Word(word=word) for word in words], ignore_conflicts=True, batch_size=2000)


def _pieces(title: str, text: str, **fields) -> list[Chunk]:
    return [
        Chunk(
            position=position,
            title=f"{title} › {piece.heading}"[:400] if piece.heading and piece.heading != title else title[:400],
            text=piece.text,
            size=piece.words,
            **fields,
        )
        for position, piece in enumerate(chunking.chunk(text))
    ]


@transaction.atomic
def save_entry(entry: KnowledgeEntry, *, actor=None) -> KnowledgeEntry:
    """Save an entry and index it again (its chunks follow its text, branch, category and flag)."""
    entry.updated_at = timezone.now()
    if actor is not None and getattr(actor, "is_authenticated", False):
        entry.updated_by = actor
    entry.tags = [str(tag).strip() for tag in entry.tags or [] if str(tag).strip()]
    entry.save()
    index_entry(entry)
    return entry


def index_entry(entry: KnowledgeEntry) -> int:
    Chunk.objects.filter(entry=entry).delete()
    chunks = _pieces(
        entry.title,
        entry.body,
        entry=entry,
        branch_id=entry.branch_id,
        category=entry.category,
        is_active=entry.is_active,
    )
    _index(chunks, keywords=" ".join(entry.tags or []))
    return len(chunks)


def document_kind(name: str) -> str:
    kind = DOCUMENT_TYPES.get(Path(name).suffix.lower())
    if kind is None:
        raise ValidationError({"file": ["Upload a .txt, .md, .html or .pdf file."]})
    return kind


def check_upload(upload) -> str:
    """The file's kind, or a clear refusal (its type, its size)."""
    kind = document_kind(upload.name)
    if upload.size > MAX_UPLOAD_BYTES:
        size, limit = upload.size / 1024 / 1024, MAX_UPLOAD_BYTES // 1024 // 1024
        raise ValidationError({"file": [f"The file is {size:.1f} MB; the limit is {limit} MB."]})
    return kind


@transaction.atomic
def upload_document(upload, *, title: str = "", category: str = "other", branch=None, actor=None) -> Document:
    """Store the upload and process it in the background (``processing`` until then)."""
    check_upload(upload)
    document = Document(
        title=title or Path(upload.name).stem.replace("_", " ").replace("-", " ")[:200],
        original_name=Path(upload.name).name[:255],
        size=upload.size,
        category=category,
        branch=branch,
        uploaded_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
    document.file.save(Path(upload.name).name, upload, save=False)
    document.save()
    _process_soon(document)
    return document


def _process_soon(document: Document) -> None:
    """Owed from now (``queued_at``): a worker is woken after the commit; beat's sweeper wakes one again for
    a document still processing ``STUCK_AFTER`` later (its message was lost, or its worker died)."""
    Document.objects.filter(pk=document.pk).update(queued_at=timezone.now())
    _wake(current_tenant_id(), document.pk)


def _wake(tenant_id: int, document_id: int) -> None:
    from .tasks import process_document

    wake(process_document, tenant_id=tenant_id, document_id=document_id)


STUCK_AFTER = timedelta(minutes=15)  # longer than the task's time limit (10 min): a run still going is not re-sent


def sweep_stuck(now=None) -> int:
    """Beat: documents processing for longer than ``STUCK_AFTER`` are sent again (any tenant)."""
    now = now or timezone.now()
    stuck = Document.objects.unscoped().filter(status=DocumentStatus.PROCESSING, queued_at__lt=now - STUCK_AFTER)
    rows = list(stuck.values_list("tenant_id", "pk"))
    Document.objects.unscoped().filter(pk__in=[pk for _, pk in rows]).update(queued_at=now)
    for tenant_id, document_id in rows:
        _wake(tenant_id, document_id)
    return len(rows)


def process_document(document: Document) -> Document:
    """Extract, chunk and index; a file that cannot be read fails with the reason, nothing else changes."""
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
        text = extraction.extract(data, document_kind(document.original_name or document.file.name))
    except (extraction.Unreadable, ValidationError, OSError) as exc:
        reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        return _finish(document, DocumentStatus.FAILED, error=reason or type(exc).__name__)
    with transaction.atomic():
        # Two runs of one document (a sweep re-sent it while the first waited behind other work) take turns
        # on its row, so the second replaces the first's chunks rather than adding to them.
        Document.objects.select_for_update().filter(pk=document.pk).first()
        Chunk.objects.filter(document=document).delete()
        chunks = _pieces(
            str(document),
            text,
            document=document,
            branch_id=document.branch_id,
            category=document.category,
            is_active=document.is_active,
        )
        _index(chunks)
        return _finish(document, DocumentStatus.READY, text_chars=len(text))


def _finish(document: Document, status: str, *, error: str = "", text_chars: int = 0) -> Document:
    document.status, document.error, document.text_chars = status, error[:2000], text_chars
    document.processed_at = timezone.now()
    document.save(update_fields=["status", "error", "text_chars", "processed_at"])
    return document


@transaction.atomic
def update_document(document: Document, fields: list[str]) -> Document:
    """Title, category, branch or the active flag changed: the chunks follow."""
    document.save(update_fields=fields)
    if "title" in fields and document.status == DocumentStatus.READY:
        for chunk in Chunk.objects.filter(document=document):
            heading = chunk.title.split(" › ", 1)[1] if " › " in chunk.title else ""
            chunk.title = f"{document} › {heading}" if heading else str(document)
            chunk.save(update_fields=["title"])
        reindex_vectors(Chunk.objects.filter(document=document))
    Chunk.objects.filter(document=document).update(
        branch_id=document.branch_id, category=document.category, is_active=document.is_active
    )
    return document


def reprocess(document: Document) -> Document:
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.PROCESSING, error="")
    document.refresh_from_db()
    _process_soon(document)
    return document


def reindex_vectors(queryset) -> int:
    """Rebuild search vectors (after the tenant's language changed, or a title)."""
    if connection.vendor != "postgresql":
        return 0
    from .search import language_config

    config = language_config()
    vector = SearchVector("title", weight="A", config=config) + SearchVector("text", weight="B", config=config)
    return queryset.update(search=vector)


def reindex_all() -> int:
    """Every entry and document of the tenant in scope, indexed again."""
    count = 0
    for entry in KnowledgeEntry.objects.all():
        count += index_entry(entry)
    for document in Document.objects.filter(status=DocumentStatus.READY):
        process_document(document)
        count += Chunk.objects.filter(document=document).count()
    return count


# --- importing a folder ---------------------------------------------------------------------------

IMPORTABLE = {".md", ".markdown", ".txt"}


def title_and_body(text: str, fallback: str) -> tuple[str, str]:
    """The first Markdown heading is the title (and leaves the body); else the file's name."""
    lines = text.strip().splitlines()
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            title = line.strip().lstrip("#").strip()
            if title:
                return title[:200], "\n".join(lines[index + 1 :]).strip()
        break
    return fallback[:200], text.strip()


def import_folder(folder: Path, *, category: str | None = None, branch=None, actor=None) -> dict:
    """Each Markdown or text file under ``folder`` becomes an entry (one with the same title is updated).
    The category is ``category``, else the name of the file's folder when it is one, else "other"."""
    from .models import Category

    report = {"created": 0, "updated": 0, "unchanged": 0, "errors": []}
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMPORTABLE):
        try:
            text = extraction.decode(file.read_bytes())
        except (extraction.Unreadable, OSError) as exc:
            report["errors"].append((str(file.relative_to(folder)), str(exc)))
            continue
        if not text.strip():
            report["errors"].append((str(file.relative_to(folder)), "The file is empty."))
            continue
        fallback = file.stem.replace("_", " ").replace("-", " ").strip().capitalize()
        title, body = title_and_body(text, fallback)
        kind = category or (file.parent.name.lower() if file.parent.name.lower() in Category.values else "other")
        entry = KnowledgeEntry.objects.filter(title=title, branch=branch).first()
        if entry is not None and (entry.body, entry.category) == (body, kind):
            report["unchanged"] += 1
            continue
        report["updated" if entry else "created"] += 1
        entry = entry or KnowledgeEntry(title=title, branch=branch)
        entry.body, entry.category = body or title, kind
        save_entry(entry, actor=actor)
    return report
