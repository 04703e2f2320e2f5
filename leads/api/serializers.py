"""Serializers of the leads API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import public_ids
from tenants.api.base import ShapedJSONField, StrictSerializer, TenantModelSerializer
from tenants.api.identifiers import PublicIdKeyField
from tenants.models import Branch

from .. import phones
from ..importing import attestation
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


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row of the file (the header is row 1).")
    column = serializers.CharField()
    value = serializers.CharField()
    reason = serializers.CharField()
    level = serializers.ChoiceField(choices=["error", "warning"], help_text="An error leaves the row out.")
    name = serializers.CharField(help_text="The row's name, as the file wrote it.")
    email = serializers.CharField(help_text="The row's email, as the file wrote it.")


class ImportDuplicateSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row of the file (the header is row 1).")
    phone = serializers.CharField()
    name = serializers.CharField(help_text="The row's name, as the file wrote it.")
    email = serializers.CharField(help_text="The row's email, as the file wrote it.")
    lead = serializers.CharField(allow_null=True, help_text="Id of the lead the row matched (null: none was made).")
    lead_name = serializers.CharField(help_text="That lead's name (else its phone).")
    of_row = serializers.IntegerField(allow_null=True, help_text="The earlier row of the file it repeats, if any.")
    reason = serializers.CharField()


def _entries(obj, duplicates: bool) -> list[dict]:
    return [entry for entry in obj.errors or [] if (entry.get("level") == "duplicate") == duplicates]


class LeadImportSerializer(TenantModelSerializer):
    progress = serializers.IntegerField(read_only=True)
    error_report_url = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField(help_text="The first errors and warnings (all are in the report).")
    duplicates = serializers.SerializerMethodField(
        help_text="The first rows that repeat a known person, each with the lead it matched."
    )
    callable_count = serializers.SerializerMethodField(
        help_text="Once run: the leads created or updated that hold consent and are not on the do-not-call list."
    )
    no_consent_count = serializers.SerializerMethodField(help_text="Once run: … that hold no consent.")
    on_dnc_count = serializers.SerializerMethodField(help_text="Once run: … whose number is on the do-not-call list.")

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
            "callable_count",
            "no_consent_count",
            "on_dnc_count",
            "errors",
            "duplicates",
            "failure",
            "error_report_url",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        options = dict(data.get("options") or {})
        options.pop("campaign_id", None)  # the campaigns room's note to itself (the upload's campaign)
        for outcome in ("callable", "no_consent", "on_dnc"):
            options.pop(outcome, None)  # shown as their own fields
        if isinstance(options.get("branch_id"), int):
            options["branch_id"] = public_ids.encode(Branch, options["branch_id"])  # keys stay inside
        data["options"] = options
        return data

    @extend_schema_field(ImportProblemSerializer(many=True))
    def get_errors(self, obj):
        keys = ("row", "column", "value", "reason", "level", "name", "email")
        return [{key: entry.get(key, "") for key in keys} for entry in _entries(obj, duplicates=False)]

    @extend_schema_field(ImportDuplicateSerializer(many=True))
    def get_duplicates(self, obj):
        return [
            {
                "row": entry["row"],
                "phone": entry.get("value", ""),
                "name": entry.get("name", ""),
                "email": entry.get("email", ""),
                "lead": public_ids.encode(Lead, entry["lead"]) if entry.get("lead") else None,
                "lead_name": entry.get("lead_name", ""),
                "of_row": entry.get("of_row"),
                "reason": entry.get("reason", ""),
            }
            for entry in _entries(obj, duplicates=True)
        ]

    def get_callable_count(self, obj) -> int | None:
        return (obj.options or {}).get("callable")

    def get_no_consent_count(self, obj) -> int | None:
        return (obj.options or {}).get("no_consent")

    def get_on_dnc_count(self, obj) -> int | None:
        return (obj.options or {}).get("on_dnc")

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
    consent_disclosure_version = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="The version of the consent text people agreed to (a consent column, or the attestation).",
    )
    consent_purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=Purpose.choices),
        required=False,
        help_text="The purposes the consent covers (a consent column; required with the attestation).",
    )
    consent_attested = serializers.BooleanField(
        default=False,
        help_text="Attest that every person in the file gave consent: each lead created or updated gets a consent "
        "record with this evidence (consent_source, consent_given_on, consent_disclosure_version and "
        "consent_purposes are then required). Rows whose consent column says no get none. Audited.",
    )
    consent_source = serializers.ChoiceField(
        choices=attestation.HOW, required=False, help_text="How they gave consent (with consent_attested)."
    )
    consent_source_detail = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=attestation.DETAIL_MAX,
        help_text="Which form or sheet, e.g. “Spring open day sign-up sheet” (with consent_attested).",
    )
    consent_given_on = serializers.DateField(
        required=False, help_text="The day they gave consent, not in the future (with consent_attested)."
    )
