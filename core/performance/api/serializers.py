"""SKP, RHK, IKI and evaluations as the API shows them, and the bodies it takes.

Serializers only parse (JSON types, choices); the views hand the result to the performance
services (core.performance.services, core.performance.evaluation), which apply the rules
the pages apply too (core.performance.rules) and answer who may write. As in the org API
(core.org.api.serializers), each value is taken only in the JSON type the schema gives it:
a number is not "12", true is not 1. People are shown by NIP and name; records without a
code of their own (an SKP, an RHK, an IKI) are referred to by id.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.org.api.serializers import CodeChoiceField, TextField, _shown
from core.performance.evaluation import EVIDENCE_LINK_MAX, EVIDENCE_NOTE_MAX
from core.performance.models import Evaluation, Evidence, Feedback, Iki, Rhk, Skp
from core.performance.rules import (
    TARGET_MAX,
    TEXT_MAX,
    UNIT_MAX,
    Approach,
    Aspect,
    BerAkhlak,
    Perspektif,
    Predikat,
    Rating,
    RhkKind,
)

ID_SCHEMA = {"type": "integer", "minimum": 1}
# A period code (core.config.periods): 2026, 2026-S1, 2026-Q1, 2026-03.
PERIOD_PATTERN = "^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$"


# --- Strict JSON values -------------------------------------------------------------------


@extend_schema_field(ID_SCHEMA)
class IdField(serializers.IntegerField):
    """The id of a record: a JSON whole number (not "12", not 12.0, not true)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(
                _("Must be a whole number (an id); got %(value)s.") % {"value": _shown(data)}
            )
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "number", "minimum": 0, "maximum": int(TARGET_MAX), "nullable": True})
class NumberField(serializers.Field):
    """A JSON number or null; the rules judge its range with their own words."""

    def to_internal_value(self, data):
        if data is None:
            return None
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise serializers.ValidationError(
                _("Must be a number, without quotes; got %(value)s.") % {"value": _shown(data)}
            )
        return Decimal(str(data))

    def to_representation(self, value):
        if value is None:
            return None
        value = Decimal(value).normalize()
        return int(value) if value == value.to_integral() else float(value)


class PersonSerializer(serializers.Serializer):
    nip = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


# --- SKP, RHK, IKI ------------------------------------------------------------------------


class IkiSerializer(serializers.ModelSerializer):
    """An indicator of an RHK with its target: a number and its unit (quantitative), or a
    described target (qualitative)."""

    rhk = IdField(
        source="rhk_id", help_text="The RHK the indicator belongs to; cannot change once made."
    )
    text = TextField(
        max_length=TEXT_MAX, allow_blank=True, trim_whitespace=False, help_text="The indicator."
    )
    aspect = CodeChoiceField(choices=Aspect.choices)
    approach = CodeChoiceField(choices=Approach.choices, required=False)
    target_value = NumberField(
        required=False, help_text="Required for a quantitative indicator, with target_unit."
    )
    target_unit = TextField(
        max_length=UNIT_MAX,
        allow_blank=True,
        required=False,
        help_text="Dokumen, Laporan, % …: required for a quantitative indicator.",
    )
    target_text = TextField(
        max_length=TEXT_MAX,
        allow_blank=True,
        required=False,
        help_text="The described target of a qualitative indicator.",
    )
    target = serializers.CharField(source="target_display", read_only=True)

    class Meta:
        model = Iki
        fields = [
            "id",
            "rhk",
            "text",
            "aspect",
            "approach",
            "target_value",
            "target_unit",
            "target_text",
            "target",
            "order",
        ]
        read_only_fields = ["order"]


class IkiInRhkSerializer(IkiSerializer):
    """An IKI given with a new RHK (its RHK is the one being made)."""

    class Meta(IkiSerializer.Meta):
        fields = [f for f in IkiSerializer.Meta.fields if f != "rhk"]


class RhkSerializer(serializers.ModelSerializer):
    """A row of an SKP: what it will deliver, the leader's RHK it supports (the cascade),
    and its indicators (IKI)."""

    skp = IdField(source="skp_id", help_text="The SKP the RHK belongs to; cannot change once made.")
    kind = CodeChoiceField(choices=RhkKind.choices)
    text = TextField(
        max_length=TEXT_MAX,
        allow_blank=True,
        trim_whitespace=False,
        help_text="What the RHK will deliver (not empty).",
    )
    parent = IdField(
        source="parent_id",
        allow_null=True,
        required=False,
        help_text="The id of the RHK of the appraiser's SKP of the same year that this one "
        "supports (RHK pimpinan yang diintervensi).",
    )
    parent_text = serializers.CharField(source="parent.text", read_only=True, allow_null=True)
    perspektif = CodeChoiceField(
        choices=Perspektif.choices,
        allow_blank=True,
        required=False,
        help_text="Required on the SKP of a JPT; empty otherwise.",
    )
    iki = IkiInRhkSerializer(
        many=True,
        required=False,
        help_text="Its indicators. Given only when the RHK is made; change them at /iki/.",
    )

    class Meta:
        model = Rhk
        fields = [
            "id",
            "skp",
            "kind",
            "text",
            "parent",
            "parent_text",
            "perspektif",
            "order",
            "iki",
        ]
        read_only_fields = ["order"]


class SkpSerializer(serializers.ModelSerializer):
    """An employee's SKP of a year, with who and where they were when it was made (the
    appraiser as recorded then)."""

    employee = PersonSerializer(read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True, allow_null=True)
    appraiser = serializers.SerializerMethodField()
    rhk = RhkSerializer(many=True, read_only=True)

    class Meta:
        model = Skp
        fields = [
            "id",
            "year",
            "employee",
            "unit",
            "unit_name",
            "position_name",
            "is_jpt",
            "appraiser",
            "rhk",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_appraiser(self, skp) -> dict | None:
        if not (skp.appraiser_nip or skp.appraiser_name):
            return None
        return {"nip": skp.appraiser_nip, "name": skp.appraiser_name}


# --- Evaluations --------------------------------------------------------------------------


class BehaviourSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=BerAkhlak.choices, read_only=True)
    rating = serializers.ChoiceField(choices=Rating.choices, read_only=True)
    expectation = serializers.CharField(
        read_only=True, help_text="Ekspektasi khusus pimpinan (may be empty)."
    )


class RealisationSerializer(serializers.Serializer):
    iki = serializers.IntegerField(source="iki_id", read_only=True)
    value = NumberField(read_only=True)
    text = serializers.CharField(read_only=True)


class EvaluationSerializer(serializers.ModelSerializer):
    """One period's evaluation of an SKP: its state, who rates it, and once rated the
    ratings (hasil, perilaku and each of the 7 BerAKHLAK values) and the predikat."""

    skp = serializers.IntegerField(source="skp_id", read_only=True)
    year = serializers.IntegerField(source="skp.year", read_only=True)
    employee = PersonSerializer(source="skp.employee", read_only=True)
    opd = serializers.CharField(source="opd.code", read_only=True, allow_null=True)
    appraiser = serializers.SerializerMethodField()
    behaviours = BehaviourSerializer(many=True, read_only=True)
    realisations = serializers.SerializerMethodField(
        help_text="What each IKI reached in the period. Once rated, as rated: the copy kept "
        "with the rating (the SKP may have been revised for later periods since)."
    )
    hasil = serializers.SerializerMethodField()
    perilaku = serializers.SerializerMethodField()
    predikat = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "skp",
            "year",
            "period",
            "employee",
            "opd",
            "state",
            "version",
            "appraiser",
            "hasil",
            "perilaku",
            "predikat",
            "behaviours",
            "appraiser_note",
            "return_note",
            "realisations",
            "submitted_at",
            "evaluated_at",
            "finalised_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RealisationSerializer(many=True))
    def get_realisations(self, evaluation) -> list:
        if evaluation.content:  # core.performance.content: the rated copy
            rows = [
                {"iki_id": iki["id"], **iki["realisation"]}
                for rhk in evaluation.content
                for iki in rhk.get("iki", [])
                if iki.get("realisation") is not None
            ]
            rows = [
                {**row, "value": Decimal(row["value"]) if row.get("value") is not None else None}
                for row in sorted(rows, key=lambda row: row["iki_id"])
            ]
            return RealisationSerializer(rows, many=True).data
        return RealisationSerializer(evaluation.realisations.all(), many=True).data

    # Empty ("") until the evaluation is rated, and again once it is returned.
    @extend_schema_field({"type": "string", "enum": ["", *Rating.values]})
    def get_hasil(self, evaluation) -> str:
        return evaluation.hasil

    @extend_schema_field({"type": "string", "enum": ["", *Rating.values]})
    def get_perilaku(self, evaluation) -> str:
        return evaluation.perilaku

    @extend_schema_field({"type": "string", "enum": ["", *Predikat.values]})
    def get_predikat(self, evaluation) -> str:
        return evaluation.predikat

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_appraiser(self, evaluation) -> dict | None:
        if not (evaluation.appraiser_nip or evaluation.appraiser_name):
            return None
        return {"nip": evaluation.appraiser_nip, "name": evaluation.appraiser_name}


@extend_schema_field({"type": "integer", "minimum": 0})
class VersionField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(
                _("Must be a whole number: the evaluation's version; got %(value)s.")
                % {"value": _shown(data)}
            )
        return data


VERSION_HELP = (
    "The evaluation's `version` as you last read it; 409 if it has changed since (someone "
    "else acted on it, or this was already done)."
)


class SubmitSerializer(serializers.Serializer):
    version = VersionField(help_text=VERSION_HELP)


class ReturnSerializer(serializers.Serializer):
    version = VersionField(help_text=VERSION_HELP)
    note = TextField(
        max_length=TEXT_MAX,
        allow_blank=True,
        help_text="Why it goes back to its owner (not empty).",
    )


# {"berorientasi_pelayanan": "SESUAI", …}: every value, each rated.
BEHAVIOURS_SCHEMA = {
    "type": "object",
    "properties": {value: {"type": "string", "enum": Rating.values} for value in BerAkhlak.values},
    "required": list(BerAkhlak.values),
    "additionalProperties": False,
}
EXPECTATIONS_SCHEMA = {
    "type": "object",
    "properties": {value: {"type": "string", "maxLength": TEXT_MAX} for value in BerAkhlak.values},
    "additionalProperties": False,
}


class _ObjectField(serializers.Field):
    """A JSON object, passed as it is to the service, which judges its keys and values."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                _("Must be an object, one entry per core value; got %(value)s.")
                % {"value": _shown(data)}
            )
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(BEHAVIOURS_SCHEMA)
class BehavioursField(_ObjectField):
    pass


@extend_schema_field(EXPECTATIONS_SCHEMA)
class ExpectationsField(_ObjectField):
    pass


class RateSerializer(serializers.Serializer):
    version = VersionField(help_text=VERSION_HELP)
    hasil = CodeChoiceField(
        choices=Rating.choices,
        allow_null=True,
        required=False,
        help_text="Hasil kerja. Null or left out: for the head of a unit, the unit's own "
        "capaian (its organisation predikat of the period); required for anyone else.",
    )
    behaviours = BehavioursField(help_text="The rating of each of the 7 BerAKHLAK values.")
    expectations = ExpectationsField(
        required=False, help_text="Ekspektasi khusus pimpinan, per value (optional)."
    )
    note = TextField(
        max_length=TEXT_MAX, allow_blank=True, required=False, help_text="The appraiser's note."
    )


class VersionConflictSerializer(serializers.Serializer):
    version = serializers.ListField(child=serializers.CharField(), read_only=True)


# --- Starting an SKP and an evaluation ----------------------------------------------------


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2999})
class YearField(serializers.IntegerField):
    """A year: a JSON whole number (not "2026"); which years may be started is the rule's."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(
                _("Must be a whole number (a year); got %(value)s.") % {"value": _shown(data)}
            )
        return data


class SkpStartSerializer(serializers.Serializer):
    employee = IdField(
        help_text="The employee whose SKP to start: yourself, or someone you appraise (their "
        "atasan of now). 404 for someone you may not see."
    )
    year = YearField(
        help_text="The year of the SKP: this year, the one before or the next (400 otherwise)."
    )


@extend_schema_field({"type": "string", "pattern": PERIOD_PATTERN})
class PeriodField(TextField):
    """A period code; whether it is one of the SKP's year is the rule's to say."""


class EvaluationStartSerializer(serializers.Serializer):
    period = PeriodField(
        max_length=10,
        help_text="The period to evaluate: one of the SKP's year in the Pemda's calendar "
        "(monthly 2026-03, quarterly 2026-Q1 or by semester 2026-S1, as the Pemda evaluates), "
        "or the year itself (2026); 400 for any other.",
    )


# --- Realisation --------------------------------------------------------------------------


class RealisationItemSerializer(serializers.Serializer):
    iki = IdField(help_text="An IKI of the evaluation's SKP.")
    value = NumberField(
        required=False,
        help_text="What a quantitative IKI reached: a JSON number (not in quotes) from 0, "
        "kept to 2 decimals; null or left out for none. A qualitative IKI takes no number.",
    )
    text = TextField(
        max_length=TEXT_MAX,
        allow_blank=True,
        required=False,
        trim_whitespace=False,
        help_text="The described realisation of a qualitative IKI, or a note on a number.",
    )


class RealisationsSerializer(serializers.Serializer):
    realisations = RealisationItemSerializer(
        many=True,
        help_text="One entry per IKI (each IKI at most once). A refused entry is answered "
        "under its index, and nothing is saved.",
    )

    def validate_realisations(self, items):
        seen = set()
        for item in items:
            if item["iki"] in seen:
                raise serializers.ValidationError(
                    _("IKI %(id)s is listed twice.") % {"id": item["iki"]}
                )
            seen.add(item["iki"])
        return items


# --- Evidence -----------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    """A piece of evidence (bukti dukung): a file or a link, for the whole SKP or one RHK."""

    evaluation = serializers.IntegerField(source="evaluation_id", read_only=True)
    rhk = serializers.IntegerField(source="rhk_id", read_only=True, allow_null=True)
    file = serializers.SerializerMethodField(
        help_text="Where to download the file (same access as the evaluation); null for a link."
    )
    # Empty for a file: a plain string, not "format: uri" (an empty string is no URI).
    link = serializers.CharField(read_only=True, help_text="The http(s) link; empty for a file.")

    class Meta:
        model = Evidence
        fields = ["id", "evaluation", "rhk", "file_name", "file", "link", "note", "created_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_file(self, evidence) -> str | None:
        if not evidence.file:
            return None
        return reverse(
            "evaluation-evidence-file",
            kwargs={"pk": evidence.evaluation_id, "evidence_id": evidence.pk},
        )


@extend_schema_field(ID_SCHEMA)
class FormIdField(IdField):
    """An id: a JSON whole number; in a multipart form, its digits (empty: none)."""

    def to_internal_value(self, data):
        if self.context.get("form") and isinstance(data, str):
            if data == "":
                return None
            if data.isascii() and data.isdigit() and int(data) >= 1:
                return int(data)
        return super().to_internal_value(data)


EVIDENCE_RHK_HELP = "The RHK of the SKP it supports; null or left out: the whole SKP."


class EvidenceLinkSerializer(serializers.Serializer):
    """Evidence given as a link (JSON)."""

    link = TextField(
        max_length=EVIDENCE_LINK_MAX,
        allow_blank=True,
        help_text="An http:// or https:// address.",
    )
    note = TextField(max_length=EVIDENCE_NOTE_MAX, allow_blank=True, required=False)
    rhk = FormIdField(allow_null=True, required=False, help_text=EVIDENCE_RHK_HELP)


@extend_schema_field({"type": "string", "format": "binary"})
class UploadField(serializers.FileField):
    """A file sent in a multipart form (Django's upload handlers keep a big one on disk)."""


class EvidenceAddSerializer(EvidenceLinkSerializer):
    """Evidence given in a multipart form: a file, or else a link."""

    file = UploadField(
        required=False,
        allow_empty_file=True,  # the service says why an empty file is refused
        use_url=False,
        help_text="PDF, JPG, PNG, XLSX or DOCX, at most 10 MB, its content matching its name "
        "(a .pdf must really be a PDF). Give either a file or a link.",
    )
    link = TextField(
        max_length=EVIDENCE_LINK_MAX,
        allow_blank=True,
        required=False,
        help_text="An http:// or https:// address, instead of a file.",
    )


# --- Feedback -----------------------------------------------------------------------------


class FeedbackSerializer(serializers.ModelSerializer):
    """Umpan balik on an SKP (or one of its RHK): from the appraiser, and the owner's replies."""

    skp = serializers.IntegerField(source="skp_id", read_only=True)
    rhk = serializers.IntegerField(source="rhk_id", read_only=True, allow_null=True)
    author = serializers.CharField(source="author_name", read_only=True)

    class Meta:
        model = Feedback
        fields = ["id", "skp", "rhk", "author", "text", "created_at"]
        read_only_fields = fields


class FeedbackAddSerializer(serializers.Serializer):
    text = TextField(
        max_length=TEXT_MAX,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The feedback (not empty).",
    )
    rhk = IdField(
        allow_null=True,
        required=False,
        help_text="The RHK of this SKP it is about; null or left out: the whole SKP.",
    )
