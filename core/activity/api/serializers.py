"""The daily activity log, attendance, KPI and the monthly indices as the API shows them,
and the bodies it takes.

Serializers only parse (JSON types, choices, the form of a date); the views hand the result
to core.activity.services, which applies the rules the pages apply too
(core.activity.rules) and answers who may write. As in the org and performance APIs, each
value is taken only in the JSON type the schema gives it (a number is not "12"); in the
multipart form that carries an evidence file, every value is text and is read as the form
gives it. People are shown by id, NIP and name.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.activity import kpi as kpi_services
from core.activity import services
from core.activity.models import (
    Activity,
    ActivityState,
    Attendance,
    AttendanceSource,
    Kpi,
    KpiAggregation,
    KpiDirection,
    KpiPeriod,
    MonthlyIndex,
)
from core.activity.rules import AttendanceStatus
from core.org.api.serializers import CodeChoiceField, TextField, TrueFalseField, _shown
from core.performance.api.serializers import ID_SCHEMA, FormIdField, IdField, UploadField

DAY_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MONTH_PATTERN = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"  # 1900–2999, as the years
TWO_PLACES = Decimal("0.01")
QUANTITY_SCHEMA = {
    "type": "number",
    "minimum": 0,
    "exclusiveMinimum": True,
    "maximum": float(services.QUANTITY_MAX),
}
HOURS_SCHEMA = {"type": "number", "minimum": 0, "maximum": 24, "nullable": True}


def day_parse(raw: str) -> date:
    """A date written YYYY-MM-DD (not 20260519, not 19-05-2026); ValueError otherwise."""
    value = raw.strip() if isinstance(raw, str) else ""
    if re.fullmatch(DAY_PATTERN, value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(_("Give the date as YYYY-MM-DD."))


def month_parse(raw: str) -> date:
    """A month written YYYY-MM, as its first day; ValueError otherwise."""
    value = raw.strip() if isinstance(raw, str) else ""
    if not re.fullmatch(MONTH_PATTERN, value):
        raise ValueError(_("Give the month as YYYY-MM, e.g. 2026-05."))
    return date(int(value[:4]), int(value[5:]), 1)


def _number(value) -> float | int | None:
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral() else float(value)


# --- Values -------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "format": "date"})
class DayField(serializers.Field):
    """A date: text YYYY-MM-DD (in JSON and in a form alike)."""

    def to_internal_value(self, data):
        try:
            return day_parse(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return value.isoformat()


@extend_schema_field(QUANTITY_SCHEMA)
class QuantityField(serializers.Field):
    """How many of the activity's output: a JSON number (in a multipart form, its text).
    Kept to the 2 decimals the log stores (halves up); whether it is more than 0 and not
    too large is the rule's to say."""

    def to_internal_value(self, data):
        if self.context.get("form") and isinstance(data, str):
            return data  # the service reads it (a comma, "NaN" …) with its own words
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise serializers.ValidationError(
                _("Must be a number, without quotes; got %(value)s.") % {"value": _shown(data)}
            )
        number = Decimal(repr(data) if isinstance(data, float) else data)
        if not number.is_finite():
            raise serializers.ValidationError(_("The quantity must be a number."))
        return number  # rounded (and refused when too large) by the service's own rule

    def to_representation(self, value):
        return _number(value)


@extend_schema_field(HOURS_SCHEMA)
class HoursField(serializers.Field):
    """Hours present on a day: a JSON number from 0 to 24, or null for none recorded."""

    def to_internal_value(self, data):
        if data is None:
            return None
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise serializers.ValidationError(
                _("Must be a number, without quotes; got %(value)s.") % {"value": _shown(data)}
            )
        return Decimal(repr(data) if isinstance(data, float) else data)

    def to_representation(self, value):
        return _number(value)


@extend_schema_field({"type": "number"})
class DecimalNumberField(serializers.Field):
    """A stored decimal shown as a JSON number (12, 12.5), not as text ("12.50")."""

    def to_representation(self, value):
        return _number(value)


@extend_schema_field({"type": "number", "nullable": True})
class ScoreField(DecimalNumberField):
    """A stored decimal shown as a JSON number; null when there is none (yet)."""


class EmployeeRefSerializer(serializers.Serializer):
    """An employee: their id (for the addresses that take one), NIP and name."""

    id = serializers.IntegerField(read_only=True)
    nip = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


# --- Activities ---------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    """An entry of the daily activity log: an activity of the norma-waktu catalogue as it
    was when logged (name, output unit, minutes per unit), its quantity and minutes, and
    its approval by the owner's atasan."""

    employee = EmployeeRefSerializer(read_only=True)
    day = DayField(read_only=True)
    norm = serializers.IntegerField(
        source="norm_id",
        read_only=True,
        allow_null=True,
        help_text="The catalogue's activity (null once it was removed from the catalogue).",
    )
    quantity = QuantityField(read_only=True)
    rhk = serializers.IntegerField(source="rhk_id", read_only=True, allow_null=True)
    state = serializers.ChoiceField(choices=ActivityState.choices, read_only=True)
    approver = EmployeeRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Who approves: the owner's atasan when it was logged.",
    )
    evidence = serializers.SerializerMethodField(
        help_text="Where to download the evidence file (same access as the entry); null "
        "when there is none."
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "employee",
            "day",
            "norm",
            "name",
            "output_unit",
            "minutes_per_unit",
            "quantity",
            "minutes",
            "output",
            "rhk",
            "evidence",
            "evidence_name",
            "state",
            "approver",
            "reject_reason",
            "decided_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_evidence(self, entry) -> str | None:
        if not entry.evidence:
            return None
        return reverse("activity-evidence", kwargs={"pk": entry.pk})


EVIDENCE_HELP = (
    "A photo or file: JPG, PNG or PDF, at most "
    f"{services.PHOTO_MAX_BYTES // (1024 * 1024)} MB, its content matching its name (a .jpg "
    "must really be a JPG)."
)


class EvidenceUploadSerializer(serializers.Serializer):
    evidence = UploadField(allow_empty_file=True, use_url=False, help_text=EVIDENCE_HELP)


class ActivityLogSerializer(serializers.Serializer):
    """An activity logged by the caller for themself (JSON)."""

    employee = FormIdField(
        required=False,
        help_text="Left out, or your own id: everyone logs only for themself (403 for "
        "another's id).",
    )
    day = DayField(
        help_text="The working day it was done: not in the future, not a holiday or a day "
        "off, a day whose attendance allows work, and not after the Pemda's window closed."
    )
    norm = FormIdField(help_text="The activity of the Pemda's norma-waktu catalogue.")
    quantity = QuantityField(
        help_text="How many of its output: minutes = quantity × its minutes per unit, "
        "within what is left of the day's cap."
    )
    output = TextField(
        max_length=services.OUTPUT_MAX,
        allow_blank=True,
        required=False,
        help_text="What was produced (optional).",
    )
    rhk = FormIdField(
        allow_null=True,
        required=False,
        help_text="An RHK of your SKP of the day's year that it serves (optional).",
    )


class ActivityLogFormSerializer(ActivityLogSerializer):
    """An activity logged with an evidence file (multipart/form-data)."""

    evidence = UploadField(
        required=False,
        allow_empty_file=True,  # the service says why
        use_url=False,
        help_text=EVIDENCE_HELP,
    )


class ActivityChangeSerializer(serializers.Serializer):
    """What the owner may change while the entry waits: the rest stays as logged."""

    quantity = QuantityField(required=False, help_text="Within the day's cap.")
    output = TextField(max_length=services.OUTPUT_MAX, allow_blank=True, required=False)
    rhk = IdField(
        allow_null=True,
        required=False,
        help_text="An RHK of your SKP of the day's year; null for none.",
    )


class DecideSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=IdField(),
        allow_empty=False,
        max_length=services.BULK_MAX,
        help_text=f"The entries to decide, at most {services.BULK_MAX}: all waiting for you "
        "(the owner's atasan), or nothing is decided (403).",
    )
    approve = TrueFalseField(help_text="true to approve, false to reject.")
    reason = TextField(
        max_length=services.REASON_MAX,
        allow_blank=True,
        required=False,
        help_text="Why they are rejected: required to reject (shown to the owner).",
    )


class DecidedSerializer(serializers.Serializer):
    decided = serializers.IntegerField(
        read_only=True,
        help_text="How many entries this request decided; an entry decided meanwhile "
        "(another request, a double click) is skipped.",
    )


# --- Attendance ---------------------------------------------------------------------------


class AttendanceSerializer(serializers.ModelSerializer):
    """One employee's day: present, on leave, sick, on duty travel or absent, and the hours
    present (from the attendance machine's export, or entered by the admin)."""

    employee = EmployeeRefSerializer(read_only=True)
    day = DayField(read_only=True)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices, read_only=True)
    hours_present = HoursField(read_only=True)
    source = serializers.ChoiceField(choices=AttendanceSource.choices, read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "employee", "day", "status", "hours_present", "source", "updated_at"]
        read_only_fields = fields


class AttendanceSetSerializer(serializers.Serializer):
    status = CodeChoiceField(
        choices=AttendanceStatus.choices,
        help_text="present and duty_travel allow logging activities; leave, sick and absent "
        "do not.",
    )
    hours_present = HoursField(
        required=False,
        help_text="Hours present, from 0 to 24 (they cap the day's approved minutes); null "
        "or left out for none.",
    )


# --- KPI ----------------------------------------------------------------------------------


class KpiPeriodSerializer(serializers.ModelSerializer):
    target = DecimalNumberField(read_only=True)
    realisation = ScoreField(read_only=True)
    achievement = serializers.SerializerMethodField(
        help_text="Realisation against target in percent, capped at 100 (lower is better: "
        "PermenPANRB 6/2022); null while not reported or not measurable."
    )

    class Meta:
        model = KpiPeriod
        fields = ["period", "target", "realisation", "achievement", "updated_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "number", "nullable": True})
    def get_achievement(self, row) -> float | None:
        # row.kpi is the KPI it was prefetched with (no query).
        return _number(kpi_services.achievement(row.kpi, row.target, row.realisation))


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class KpiSerializer(serializers.ModelSerializer):
    """An IKU: of the Pemda (no unit and no team), of an OPD or a unit, or of a cross-OPD
    team (tim kerja) whose members it credits; with its annual target and its monthly
    targets and realisations."""

    level = serializers.SerializerMethodField()
    unit = serializers.CharField(source="unit.code", read_only=True, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)
    opd = serializers.CharField(source="unit.opd.code", read_only=True, allow_null=True)
    team = TeamRefSerializer(read_only=True, allow_null=True)
    parent = serializers.IntegerField(
        source="parent_id",
        read_only=True,
        allow_null=True,
        help_text="The KPI it cascades from.",
    )
    direction = serializers.ChoiceField(choices=KpiDirection.choices, read_only=True)
    aggregation = serializers.ChoiceField(
        choices=KpiAggregation.choices,
        read_only=True,
        help_text="How the year's realisation comes from its months: the latest, their sum "
        "or their average.",
    )
    weight = DecimalNumberField(read_only=True)
    annual_target = DecimalNumberField(read_only=True)
    realisation = serializers.SerializerMethodField(
        help_text="The year's realisation from the months reported (by `aggregation`); null "
        "while none is."
    )
    achievement = serializers.SerializerMethodField(
        help_text="The year's realisation against the annual target, in percent, capped at "
        "100; null while not reported or not measurable."
    )
    rhk = serializers.SerializerMethodField(help_text="The RHK it cascades into (their ids).")
    periods = KpiPeriodSerializer(
        many=True, read_only=True, help_text="The months with a target, in order."
    )

    class Meta:
        model = Kpi
        fields = [
            "id",
            "year",
            "level",
            "unit",
            "unit_name",
            "opd",
            "team",
            "parent",
            "name",
            "measure",
            "direction",
            "aggregation",
            "weight",
            "annual_target",
            "realisation",
            "achievement",
            "rhk",
            "periods",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": ["pemda", "unit", "team"]})
    def get_level(self, kpi) -> str:
        return "team" if kpi.team_id else "unit" if kpi.unit_id else "pemda"

    def _year_realisation(self, kpi):
        months = kpi.periods.all()  # prefetched, in month order
        return kpi_services.annual_realisation([m.realisation for m in months], kpi.aggregation)

    @extend_schema_field({"type": "number", "nullable": True})
    def get_realisation(self, kpi) -> float | None:
        return _number(self._year_realisation(kpi))

    @extend_schema_field({"type": "number", "nullable": True})
    def get_achievement(self, kpi) -> float | None:
        realisation = self._year_realisation(kpi)
        return _number(kpi_services.achievement(kpi, kpi.annual_target, realisation))

    @extend_schema_field({"type": "array", "items": ID_SCHEMA})
    def get_rhk(self, kpi) -> list[int]:
        return sorted(rhk.pk for rhk in kpi.rhk.all())


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "number", "minimum": 0, "nullable": True},
        "example": {"2026-03": 12.5, "2026-04": None},
    }
)
class MonthsField(serializers.Field):
    """{"2026-03": 12.5, …}: a JSON number from 0 per month, or null to empty the month;
    which months and numbers are allowed is the KPI rules' to say."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                _("Must be an object, one entry per month (2026-03); got %(value)s.")
                % {"value": _shown(data)}
            )
        months = {}
        for code, value in data.items():
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise serializers.ValidationError(
                    _("%(month)s: must be a number without quotes, or null; got %(value)s.")
                    % {"month": code[:20], "value": _shown(value)}
                )
            months[code] = Decimal(repr(value)) if isinstance(value, float) else value
        return months


class KpiPeriodsSerializer(serializers.Serializer):
    targets = MonthsField(
        required=False,
        help_text="The months' targets; only whoever owns the KPI sets them.",
    )
    realisations = MonthsField(
        required=False,
        help_text="The months' realisations: also the head of the KPI's own unit reports "
        "them. A month needs its target first.",
    )

    def validate(self, data):
        if "targets" not in data and "realisations" not in data:
            raise serializers.ValidationError(_("Give targets, realisations or both."))
        return data


# --- Monthly indices ----------------------------------------------------------------------


class MonthlyIndexSerializer(serializers.ModelSerializer):
    """An employee's month, as the worker last recomputed it: minutes logged, approved,
    counted (approved, capped per day by attendance) and waiting; the IKI against the
    monthly target, the IKO of every KPI crediting them (their OPD's, their units', their
    teams'), the RHK realisation against target (percent), the behaviour score, the final
    score and whether the performance pay is withheld."""

    month = serializers.SerializerMethodField()
    employee = EmployeeRefSerializer(read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True, allow_null=True)
    opd = serializers.CharField(source="opd.code", read_only=True, allow_null=True)
    iki = ScoreField(read_only=True)
    iko = ScoreField(read_only=True)
    rhk = ScoreField(read_only=True)
    behaviour = ScoreField(read_only=True)
    score = ScoreField(read_only=True)

    class Meta:
        model = MonthlyIndex
        fields = [
            "id",
            "month",
            "employee",
            "unit",
            "opd",
            "logged_minutes",
            "approved_minutes",
            "counted_minutes",
            "pending_minutes",
            "target_minutes",
            "iki",
            "iko",
            "rhk",
            "behaviour",
            "score",
            "pay_withheld",
            "computed_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "pattern": MONTH_PATTERN})
    def get_month(self, row) -> str:
        return f"{row.month:%Y-%m}"
