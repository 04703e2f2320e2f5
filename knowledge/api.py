"""``/api/v1/knowledge/``: entries (CRUD), documents (upload, status, delete) and ranked search with
highlighted snippets. Writes go through ``knowledge.services``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import parsers, serializers
from rest_framework.response import Response

from tenants.api.base import StrictSerializer, TenantAPIView, TenantModelSerializer, TenantModelViewSet
from tenants.api.identifiers import PublicIdKeyField
from tenants.models import Branch

from . import search, services
from .models import Category, Chunk, Document, KnowledgeEntry

MAX_RESULTS = 50


class EntrySerializer(TenantModelSerializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=30)

    class Meta:
        model = KnowledgeEntry
        fields = [
            "id",
            "title",
            "body",
            "category",
            "branch",
            "tags",
            "is_active",
            "updated_by",
            "updated_at",
            "created_at",
        ]
        read_only_fields = ["updated_by", "updated_at", "created_at"]

    def save(self, **kwargs):
        entry = self.instance or KnowledgeEntry()
        for field, value in self.validated_data.items():
            setattr(entry, field, value)
        self.instance = services.save_entry(entry, actor=self.context["request"].user)
        return self.instance


class EntryViewSet(TenantModelViewSet):
    """What the agents may say: prices, hours, classes, services, policies (Markdown)."""

    queryset = KnowledgeEntry.objects.select_related("updated_by")
    serializer_class = EntrySerializer
    filterset_fields = ["category", "branch", "is_active"]
    search_fields = ["title", "body"]
    ordering_fields = ["title", "updated_at", "category"]
    ordering = ["category", "title"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


class DocumentSerializer(TenantModelSerializer):
    chunks = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "file",
            "title",
            "category",
            "branch",
            "is_active",
            "status",
            "error",
            "original_name",
            "size",
            "text_chars",
            "chunks",
            "uploaded_by",
            "created_at",
            "processed_at",
        ]
        read_only_fields = [
            "status",
            "error",
            "original_name",
            "size",
            "text_chars",
            "uploaded_by",
            "created_at",
            "processed_at",
        ]
        extra_kwargs = {"file": {"help_text": ".txt, .md, .html or .pdf, at most 20 MB."}}

    def get_chunks(self, document) -> int:
        total = getattr(document, "chunk_total", None)
        return document.chunks.count() if total is None else total

    def validate_file(self, upload):
        if self.instance is not None:
            raise serializers.ValidationError("Upload a new document instead of replacing the file.")
        try:
            services.check_upload(upload)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["file"]) from None
        return upload

    def validate(self, attrs):
        if self.instance is None and "file" not in attrs:
            raise serializers.ValidationError({"file": ["Attach the file to upload."]})
        return attrs

    def save(self, **kwargs):
        data = dict(self.validated_data)
        if self.instance is None:
            self.instance = services.upload_document(
                data.pop("file"),
                title=data.get("title", ""),
                category=data.get("category", Category.OTHER),
                branch=data.get("branch"),
                actor=self.context["request"].user,
            )
        else:
            for field, value in data.items():
                setattr(self.instance, field, value)
            services.update_document(self.instance, list(data) or ["title"])
        return self.instance


class DocumentViewSet(TenantModelViewSet):
    """Uploaded files: ``POST`` multipart (``file``, ``title``, ``category``, ``branch``) → 201 with status
    ``processing``; poll until ``ready``, or ``failed`` with ``error``."""

    queryset = Document.objects.annotate(chunk_total=Count("chunks"))
    serializer_class = DocumentSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]
    filterset_fields = ["status", "category", "branch", "is_active"]
    ordering = ["-created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


class SearchQuery(StrictSerializer):
    q = serializers.CharField(allow_blank=True, trim_whitespace=True, help_text="Words; quotes, or, -word work.")
    limit = serializers.IntegerField(min_value=1, max_value=MAX_RESULTS, default=10)
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), required=False)
    category = serializers.MultipleChoiceField(choices=Category.choices, required=False)


class HitSerializer(serializers.Serializer):
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="Escaped HTML; matches are wrapped in <mark>.")
    rank = serializers.FloatField(
        help_text="Orders the hits of this search, higher first; not comparable across searches."
    )
    category = serializers.CharField()
    source = serializers.ChoiceField(choices=["entry", "document"])
    entry = PublicIdKeyField(KnowledgeEntry, source="entry_id", allow_null=True)
    document = PublicIdKeyField(Document, source="document_id", allow_null=True)
    chunk = PublicIdKeyField(Chunk, source="chunk_id")
    match = serializers.ChoiceField(choices=["fulltext", "fuzzy"], help_text="fuzzy: by close spelling.")


class SearchView(TenantAPIView):
    """Ranked search over active entries and ready documents, best first, with highlighted snippets."""

    permission_model = KnowledgeEntry

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("limit", int),
            OpenApiParameter(
                "branch", OpenApiTypes.UUID, description="Also that branch's own entries (default: every branch)."
            ),
            OpenApiParameter("category", str, many=True, enum=Category.values),
        ],
        responses=HitSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        query = SearchQuery(data={**params.dict(), "category": params.getlist("category")})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        branch = data.get("branch")
        try:
            hits = search.search(
                data["q"], limit=data["limit"], branch_id=branch.pk if branch else None, categories=data.get("category")
            )
        except search.EmptyQuery as exc:
            raise serializers.ValidationError({"q": [str(exc)]}) from None
        return Response(HitSerializer(hits, many=True).data)
