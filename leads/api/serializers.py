"""Serializers of the leads API."""

from rest_framework import serializers

from core import public_ids
from tenants.api.base import ShapedJSONField, StrictSerializer, TenantModelSerializer
from tenants.api.identifiers import PublicIdKeyField
from tenants.models import Branch

from .. import phones
from ..models import Consent, ConsentKind, ConsentSource, DoNotCall, Lead, LeadImport, Note, Tag, Vehicle
from ..pipeline import Stage
from ..purposes import Purpose
from ..schemas import IMPORT_MAPPING


class TagSerializer(TenantModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "colour"]


class LeadSerializer(TenantModelSerializer):
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    on_dnc = serializers.BooleanField(read_only=True, help_text="The number is on the do-not-call list.")
    full_name = serializers.CharField(read_only=True)
    phone = serializers.CharField(
        help_text="Any format; stored as E.164 (the branch's country is the default, else the tenant's)."
    )
    email = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "first_name",
            "last_name",
            "full_name",
            "phone",
            "email",
            "source",
            "stage",
            "lost_reason",
            "owner",
            "branch",
            "tags",
            "score",
            "score_explanation",
            "interest",
            "time_zone",
            "region",
            "notes",
            "custom_fields",
            "created_at",
            "updated_at",
            "first_contacted_at",
            "last_contacted_at",
            "next_action_at",
            "on_dnc",
        ]
        read_only_fields = [
            "score",
            "score_explanation",
            "created_at",
            "updated_at",
            "first_contacted_at",
            "last_contacted_at",
        ]

    def validate_phone(self, value):
        # Checked here too, so one response lists every bad field; leads.services normalises it, in the
        # region leads.phones.default_region gives (the branch's country, else the tenant's).
        request = self.context.get("request")
        try:
            phones.normalize(value, phones.default_region(self._branch_sent(), getattr(request, "tenant", None)))
        except phones.InvalidPhone as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value

    def _branch_sent(self):
        """The branch the lead will have: the one in the request (if valid), else the lead's."""
        if "branch" in self.initial_data:
            try:
                return self.fields["branch"].run_validation(self.initial_data["branch"])
            except serializers.ValidationError:
                return None  # the branch field reports it
        return self.instance.branch if self.instance is not None else None

    def validate_email(self, value):
        from ..services import is_email

        value = value.strip().lower()
        if value and not is_email(value):
            raise serializers.ValidationError(f"“{value}” is not an email address.")
        return value


class LeadCreateSerializer(LeadSerializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False, write_only=True)


class TagNamesSerializer(StrictSerializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=60), min_length=1)


class MergeSerializer(StrictSerializer):
    other = PublicIdKeyField(Lead, help_text="Id of the lead to fold into this one; it is deleted.")


class StageSerializer(StrictSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    lost_reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class NoteSerializer(TenantModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "body", "author", "created_at"]
        read_only_fields = ["author", "created_at"]


class ConsentSerializer(TenantModelSerializer):
    kind = serializers.ChoiceField(choices=ConsentKind.choices)
    source = serializers.ChoiceField(choices=ConsentSource.choices)
    phone = serializers.CharField(required=False, help_text="Defaults to the lead's phone.")

    class Meta:
        model = Consent
        fields = [
            "id",
            "kind",
            "purposes",
            "phone",
            "captured_at",
            "source",
            "source_detail",
            "disclosure_version",
            "recorded_by",
            "revoked_at",
        ]
        read_only_fields = ["recorded_by", "revoked_at"]


class VehicleSerializer(TenantModelSerializer):
    class Meta:
        model = Vehicle
        fields = [
            "id",
            "lead",
            "vin",
            "year",
            "make",
            "model",
            "mileage",
            "mileage_read_at",
            "last_service_date",
            "last_service_mileage",
            "service_interval_months",
            "service_interval_miles",
            "next_service_due",
            "ownership_status",
        ]
        read_only_fields = ["next_service_due"]


class DoNotCallSerializer(TenantModelSerializer):
    phone = serializers.CharField(help_text="Any format; stored as E.164.")

    class Meta:
        model = DoNotCall
        fields = ["id", "phone", "reason", "source", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]


class DncRemoveSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=200, help_text="Why this number may be called again.")


class LeadImportSerializer(TenantModelSerializer):
    progress = serializers.IntegerField(read_only=True)
    error_report_url = serializers.SerializerMethodField()

    class Meta:
        model = LeadImport
        fields = [
            "id",
            "original_name",
            "status",
            "dry_run",
            "on_duplicate",
            "options",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "progress",
            "rows_read",
            "created_count",
            "updated_count",
            "duplicate_count",
            "error_count",
            "warning_count",
            "errors",
            "failure",
            "error_report_url",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        options = dict(data.get("options") or {})
        options.pop("campaign_id", None)  # the campaigns room's note to itself (the upload's campaign)
        if isinstance(options.get("branch_id"), int):
            options["branch_id"] = public_ids.encode(Branch, options["branch_id"])  # keys stay inside
        data["options"] = options
        return data

    def get_error_report_url(self, obj) -> str | None:
        if not obj.error_report:
            return None
        request = self.context.get("request")
        path = f"/api/v1/leads/imports/{public_ids.of(obj)}/error-report/"
        return request.build_absolute_uri(path) if request else path


class LeadImportCreateSerializer(StrictSerializer):
    file = serializers.FileField()
    on_duplicate = serializers.ChoiceField(choices=["skip", "update", "merge"], default="skip")
    dry_run = serializers.BooleanField(default=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    branch = PublicIdKeyField(Branch, required=False)
    source = serializers.ChoiceField(choices=Lead._meta.get_field("source").choices, required=False)
    mapping = ShapedJSONField(
        shape=IMPORT_MAPPING, required=False, help_text='{"CSV header": "field" or "ignore"} (a JSON object).'
    )
    consent_disclosure_version = serializers.CharField(required=False, allow_blank=True, max_length=40)
    consent_purposes = serializers.ListField(child=serializers.ChoiceField(choices=Purpose.choices), required=False)
