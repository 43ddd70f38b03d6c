"""Units, positions and employees as the API shows them: references by code, never by id.

Serializers parse and check input; the views write it (STYLE.md §2). Messages are
gettext msgids in English, shown in the request's language (Indonesian by default).
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.accounts.models import User
from core.org.importing import EARLIEST_YEAR
from core.org.models import Employee, Position, Unit
from core.org.nip import NIPError, nip_parse
from core.org.ranks import (
    PANGKAT,
    EmploymentStatus,
    JenisJabatan,
    Jenjang,
    UnitKind,
    golongan_normalise,
)

PPPK_STATUSES = (EmploymentStatus.PPPK, EmploymentStatus.PPPK_PARUH_WAKTU)
UNIT_MISSING = gettext_lazy("Unit %(code)s does not exist in this Pemda.")


class CodeField(serializers.SlugRelatedField):
    """A reference to a unit or position by its code, with a message naming the code."""

    def __init__(self, *, missing, **kwargs):
        self.missing = missing  # a lazy message with %(code)s
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        code = str(data).strip() if isinstance(data, str | int) else ""
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


class KelasJabatanField(serializers.IntegerField):
    def to_internal_value(self, data):
        text = "" if isinstance(data, bool) else str(data).strip()
        if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= 17:
            raise serializers.ValidationError(
                _("Kelas jabatan must be a whole number from 1 to 17; got “%(value)s”.")
                % {"value": data}
            )
        return int(text)


# --- Units --------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
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

    def validate_parent(self, parent: Unit | None) -> Unit | None:
        """Refuse a parent that is the unit itself or lies below it (the tree would loop)."""
        if parent is None or self.instance is None:
            return parent
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if node.pk == self.instance.pk:
                raise serializers.ValidationError(
                    _("A unit cannot be placed below itself or one of its own units.")
                )
            seen.add(node.pk)
            node = node.parent
        return parent


# --- Positions ----------------------------------------------------------------------------


class PositionSerializer(serializers.ModelSerializer):
    jenis = CodeChoiceField(choices=JenisJabatan.choices)
    jenjang = CodeChoiceField(choices=Jenjang.choices, allow_blank=True, required=False)
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

    def validate(self, attrs):
        jenis = attrs.get("jenis", getattr(self.instance, "jenis", ""))
        jenjang = attrs.get("jenjang", getattr(self.instance, "jenjang", ""))
        if jenjang and jenis != JenisJabatan.FUNGSIONAL:
            raise serializers.ValidationError(
                {"jenjang": [_("Only a Fungsional position has a jenjang.")]}
            )
        return attrs


# --- Employees ----------------------------------------------------------------------------


class AtasanSerializer(serializers.Serializer):
    nip = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class EmployeeSerializer(serializers.ModelSerializer):
    nip = serializers.CharField(max_length=30)
    status = CodeChoiceField(choices=EmploymentStatus.choices)
    golongan = serializers.CharField(max_length=10, allow_blank=True, required=False)
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

    def get_pangkat(self, employee: Employee) -> str:
        return PANGKAT.get(employee.golongan, "")

    def validate_nip(self, value: str) -> str:
        try:
            nip = nip_parse(value).value
        except NIPError as exc:
            raise serializers.ValidationError(str(exc)) from None
        if self.instance is not None:
            if nip != self.instance.nip:
                raise serializers.ValidationError(_("The NIP of an employee cannot be changed."))
            return nip
        if Employee.objects.filter(nip=nip).exists():
            raise serializers.ValidationError(
                _("An employee with NIP %(nip)s already exists.") % {"nip": nip}
            )
        return nip

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

    def validate_tmt_jabatan(self, value):
        if value is None:
            return value
        if value > timezone.localdate():
            raise serializers.ValidationError(
                _("The date %(date)s lies in the future.") % {"date": value.isoformat()}
            )
        if value.year < EARLIEST_YEAR:
            raise serializers.ValidationError(
                _("The date %(date)s is before %(year)s; check the year.")
                % {"date": value.isoformat(), "year": EARLIEST_YEAR}
            )
        return value

    def validate(self, attrs):
        """Rules across fields, on the values the employee will have after this change."""
        current = self.instance

        def after(name):
            return attrs.get(name, getattr(current, name, ""))

        status, golongan = after("status"), after("golongan")
        if status == EmploymentStatus.PNS and not golongan:
            raise serializers.ValidationError(
                {"golongan": [_("A PNS needs a golongan, e.g. III/a.")]}
            )
        if status in PPPK_STATUSES and golongan:
            raise serializers.ValidationError(
                {"golongan": [_("A PPPK has no golongan: leave it empty.")]}
            )
        if attrs.get("email"):
            attrs["email"] = attrs["email"].lower()
            nip = after("nip")
            # Every employee's login account carries their email, which is unique.
            taken = User.objects.filter(email__iexact=attrs["email"]).exclude(
                Q(nip=nip) | Q(employee__nip=nip)
            )
            if taken.exists():
                raise serializers.ValidationError(
                    {
                        "email": [
                            _("%(email)s already belongs to another account.")
                            % {"email": attrs["email"]}
                        ]
                    }
                )
        return attrs
