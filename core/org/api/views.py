"""REST API v1 of a Pemda's units, positions and employees.

Every role reads, through the same scopes as the pages (``visible_to``); only the tenant
admin writes, and nothing is deleted: an employee who leaves is set ``is_active=false``.
Each write refreshes the tree's derived fields (OPD, depth, atasan, roles) in its own
transaction, so a response always shows the atasan as they now are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from core.org.api.permissions import ReadScopedWriteAdmin
from core.org.api.serializers import EmployeeSerializer, PositionSerializer, UnitSerializer
from core.org.models import Employee, Position, Unit
from core.org.nip import NIPError, nip_parse
from core.org.ranks import EmploymentStatus, JenisJabatan, UnitKind
from core.org.services import OrgError, employee_account_sync, org_structure_refresh

# --- Query-string filters -----------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """``?param=value`` → ``filter(**{lookup: parse(value)})``; parse raises ValueError."""

    param: str
    lookup: str | Callable[[str], Q]
    description: str
    parse: Callable[[str], object] = str.strip
    schema_type: type = str
    enum: tuple[str, ...] | None = None

    def parameter(self) -> OpenApiParameter:
        return OpenApiParameter(
            self.param, self.schema_type, description=self.description, enum=self.enum
        )


def _choice_filter(param, lookup, description, choices: type[models.TextChoices]) -> Filter:
    return Filter(param, lookup, description, _choice(choices), enum=tuple(choices.values))


def _choice(choices: type[models.TextChoices]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw.strip() not in choices.values:
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": raw, "allowed": ", ".join(choices.values)}
            )
        return raw.strip()

    return parse


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ValueError(_("Use true or false; got “%(value)s”.") % {"value": raw})


def _nip(raw: str) -> str:
    try:
        return nip_parse(raw).value
    except NIPError as exc:
        raise ValueError(str(exc)) from None


def _name_or_nip(raw: str) -> Q:
    return Q(name__icontains=raw.strip()) | Q(nip__startswith="".join(raw.split()))


def filters_apply(queryset, params, filters: tuple[Filter, ...]):
    """Apply the filters given in the query string; a bad value is a 400 naming the filter."""
    errors = {}
    for spec in filters:
        raw = params.get(spec.param)
        if raw is None or not raw.strip():
            continue
        if callable(spec.lookup):
            queryset = queryset.filter(spec.lookup(raw))
            continue
        try:
            queryset = queryset.filter(**{spec.lookup: spec.parse(raw)})
        except ValueError as exc:
            errors[spec.param] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return queryset


# --- Viewsets -----------------------------------------------------------------------------


class OrgViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update; no delete (references are protected, people leave by
    ``is_active=false``)."""

    model: type[models.Model]
    permission_classes = [ReadScopedWriteAdmin]
    lookup_value_converter = "int"
    filters: tuple[Filter, ...] = ()

    def scoped(self):
        """What the user may see, with every relation the serializer shows joined in."""
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return self.model.objects.none()
        queryset = self.scoped()
        if self.action == "list":
            queryset = filters_apply(queryset, self.request.query_params, self.filters)
        return queryset

    def perform_create(self, serializer):
        self._write(serializer)

    def perform_update(self, serializer):
        self._write(serializer)

    def save(self, serializer):
        return serializer.save()

    def _write(self, serializer) -> None:
        try:
            with transaction.atomic():
                instance = self.save(serializer)
                org_structure_refresh()
        except OrgError as exc:
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]}) from None
        # The refresh wrote the derived fields with SQL: answer with the row as stored.
        serializer.instance = self.scoped().get(pk=instance.pk)


UNIT_FILTERS = (
    Filter("opd", "opd__code", "Code of the OPD the units belong to."),
    Filter("parent", "parent__code", "Code of the parent unit."),
    _choice_filter("kind", "kind", "Kind of unit.", UnitKind),
)


@extend_schema_view(list=extend_schema(parameters=[f.parameter() for f in UNIT_FILTERS]))
class UnitViewSet(OrgViewSet):
    """Units of the Pemda: OPD (no parent) and the units below them."""

    model = Unit
    serializer_class = UnitSerializer
    filters = UNIT_FILTERS

    def scoped(self):
        return Unit.objects.visible_to(self.request.user).select_related("parent", "opd")


POSITION_FILTERS = (
    Filter("opd", "unit__opd__code", "Code of the OPD."),
    Filter("unit", "unit__code", "Code of the unit."),
    _choice_filter("jenis", "jenis", "Jenis jabatan.", JenisJabatan),
)


@extend_schema_view(list=extend_schema(parameters=[f.parameter() for f in POSITION_FILTERS]))
class PositionViewSet(OrgViewSet):
    """Positions (jabatan), each in one unit."""

    model = Position
    serializer_class = PositionSerializer
    filters = POSITION_FILTERS

    def scoped(self):
        return Position.objects.visible_to(self.request.user).select_related("unit__opd")


EMPLOYEE_FILTERS = (
    Filter("nip", "nip", "NIP (18 digits; spaces are ignored).", _nip),
    Filter("q", _name_or_nip, "Part of the name, or the start of the NIP."),
    Filter("opd", "unit__opd__code", "Code of the OPD."),
    Filter("unit", "unit__code", "Code of the unit."),
    Filter("position", "position__code", "Code of the position."),
    _choice_filter("status", "status", "Employment status.", EmploymentStatus),
    Filter("is_active", "is_active", "Active (true) or deactivated (false).", _boolean, bool),
)


@extend_schema_view(list=extend_schema(parameters=[f.parameter() for f in EMPLOYEE_FILTERS]))
class EmployeeViewSet(OrgViewSet):
    """Employees with their position, unit and effective atasan. Deactivate with
    ``is_active=false``: employees are never deleted."""

    model = Employee
    serializer_class = EmployeeSerializer
    filters = EMPLOYEE_FILTERS

    def scoped(self):
        return Employee.objects.visible_to(self.request.user).select_related(
            "position", "unit__opd", "atasan_override", "derived_atasan"
        )

    def save(self, serializer):
        """Save the employee and keep their NIP login account in step (as the import does)."""
        was_active = serializer.instance.is_active if serializer.instance else True
        employee = serializer.save()
        employee_account_sync(employee=employee, was_active=was_active)
        return employee
