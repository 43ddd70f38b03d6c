"""Units, positions and employees as the API shows them: references by code, never by id.

Serializers only parse (types, choices, references by code); the views hand the result to
the org services, which apply the rules (core.org.rules) the forms and the import apply
too, and write (STYLE.md §2). Each value is taken only in the JSON type the OpenAPI schema
gives it (DRF would otherwise read 12 as the text "12" and 0 as false). Messages are
gettext msgids in English, shown in the request's language (Indonesian by default).
"""

from __future__ import annotations

import json

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.org.models import Employee, Position, Unit
from core.org.ranks import (
    PANGKAT,
    EmploymentStatus,
    JenisJabatan,
    Jenjang,
    UnitKind,
    golongan_normalise,
)
from core.org.rules import kelas_jabatan_message

UNIT_MISSING = gettext_lazy("Unit %(code)s does not exist in this Pemda.")
# A unit's or a position's code and name; unique codes are a rule of the service (409).
CODE_AND_NAME = {
    "code": {
        "validators": [],
        "min_length": 1,
        "help_text": "Unique in the Pemda (409 when taken); no “/”, no invisible characters.",
    },
    "name": {"min_length": 1},
}


def _shown(value) -> str:
    """A value for a message, cut short: text as it is, anything else as JSON."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else f"{text[:39]}…"


def text_required(value) -> None:
    if not isinstance(value, str):
        raise serializers.ValidationError(
            _("Must be text, in quotes; got %(value)s.") % {"value": _shown(value)}
        )


class TextField(serializers.CharField):
    """A string, and only a string."""

    def to_internal_value(self, data):
        text_required(data)
        return super().to_internal_value(data)


class EmailField(serializers.EmailField):
    def to_internal_value(self, data):
        text_required(data)
        return super().to_internal_value(data)


class TrueFalseField(serializers.BooleanField):
    """true or false, not "yes", 1 or "on"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(
                _("Use true or false; got “%(value)s”.") % {"value": _shown(data)}
            )
        return data


class JsonModelSerializer(serializers.ModelSerializer):
    """Model fields read strictly: text as a string, yes/no as true or false."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
        models.EmailField: EmailField,
        models.BooleanField: TrueFalseField,
    }


class CodeField(serializers.SlugRelatedField):
    """A reference to a unit or position by its code, with a message naming the code."""

    def __init__(self, *, missing, **kwargs):
        self.missing = missing  # a lazy message with %(code)s
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        text_required(data)
        code = data.strip()
        valid = code and "\x00" not in code  # PostgreSQL text cannot hold NUL
        found = self.get_queryset().filter(code=code).first() if valid else None
        if found is None:
            raise serializers.ValidationError(self.missing % {"code": data})
        return found


class CodeChoiceField(serializers.ChoiceField):
    """A choice given by its value ("PNS", "FUNGSIONAL"); a wrong one lists the values."""

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        if isinstance(data, str) and data in self.choices:
            return data
        allowed = ", ".join(str(value) for value in self.choices)
        raise serializers.ValidationError(
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": data, "allowed": allowed}
        )


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 17})
class KelasJabatanField(serializers.IntegerField):
    """A JSON whole number (not "8", not 8.5, not true); its range (1–17, documented) is
    checked by the rules with their words."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(kelas_jabatan_message(_shown(data)))
        return data


# --- Units --------------------------------------------------------------------------------


class UnitSerializer(JsonModelSerializer):
    kind = CodeChoiceField(choices=UnitKind.choices)
    parent = CodeField(
        queryset=Unit.objects.all(),
        missing=UNIT_MISSING,
        allow_null=True,
        required=False,
    )
    opd = serializers.CharField(source="opd.code", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent", "opd", "depth"]
        read_only_fields = ["depth"]
        extra_kwargs = CODE_AND_NAME


# --- Positions ----------------------------------------------------------------------------


class PositionSerializer(JsonModelSerializer):
    jenis = CodeChoiceField(choices=JenisJabatan.choices)
    jenjang = CodeChoiceField(
        choices=Jenjang.choices,
        allow_blank=True,
        required=False,
        help_text="Only for jenis FUNGSIONAL; empty otherwise.",
    )
    kelas_jabatan = KelasJabatanField()
    unit = CodeField(queryset=Unit.objects.all(), missing=UNIT_MISSING)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    opd = serializers.CharField(source="unit.opd.code", read_only=True, allow_null=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "code",
            "name",
            "jenis",
            "jenjang",
            "kelas_jabatan",
            "unit",
            "unit_name",
            "opd",
        ]
        extra_kwargs = CODE_AND_NAME


# --- Employees ----------------------------------------------------------------------------


# 18 digits; spaces between them, as people write NIPs, are allowed. No maxLength: the
# pattern bounds the digits, and the spaces are dropped.
NIP_SCHEMA = {"type": "string", "pattern": "^\\s*([0-9]\\s*){18}$"}


@extend_schema_field(NIP_SCHEMA)
class NipField(TextField):
    """A NIP as people write it; its digits are checked by the rules (core.org.nip)."""


class AtasanSerializer(serializers.Serializer):
    nip = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class EmployeeSerializer(JsonModelSerializer):
    nip = NipField(
        help_text="18 digits: a real birth date, appointment month (or 21 for PPPK), sex 1/2, "
        "a sequence; unique in the Pemda (409 when taken); cannot change once created.",
    )
    status = CodeChoiceField(choices=EmploymentStatus.choices)
    golongan = TextField(
        max_length=10,
        allow_blank=True,
        required=False,
        help_text="Golongan/ruang, e.g. III/a: required for status PNS, empty for PPPK.",
    )
    pangkat = serializers.SerializerMethodField()
    position = CodeField(
        queryset=Position.objects.all(),
        missing=gettext_lazy("Position %(code)s does not exist in this Pemda."),
    )
    position_name = serializers.CharField(source="position.name", read_only=True)
    unit = CodeField(queryset=Unit.objects.all(), missing=UNIT_MISSING)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    opd = serializers.CharField(source="unit.opd.code", read_only=True, allow_null=True)
    # The effective atasan: the manual override if there is one, else the derived one.
    atasan = AtasanSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Employee
        fields = [
            "id",
            "nip",
            "name",
            "status",
            "golongan",
            "pangkat",
            "position",
            "position_name",
            "unit",
            "unit_name",
            "opd",
            "tmt_jabatan",
            "email",
            "phone",
            "atasan",
            "is_active",
        ]
        extra_kwargs = {"name": {"min_length": 1}}

    def get_pangkat(self, employee: Employee) -> str:
        return PANGKAT.get(employee.golongan, "")

    def validate_nip(self, value: str) -> str:
        return "".join(value.split())  # "19660801 198803 1 001" as people write it

    def validate_golongan(self, value: str) -> str:
        if not value.strip():
            return ""
        found = golongan_normalise(value)
        if found is None:
            raise serializers.ValidationError(
                _("Golongan “%(value)s” does not exist: use I/a … IV/e, e.g. III/a.")
                % {"value": value}
            )
        return found
