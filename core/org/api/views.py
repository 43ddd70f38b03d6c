"""REST API v1 of a Pemda's units, positions and employees.

Every role reads, through the same scopes and object getters as the pages
(core.org.access); only the tenant admin writes, through the same services as the pages
and the import (core.org.services), so the same rules refuse the same records. Nothing is
deleted: an employee who leaves is set ``is_active=false``. A response shows the record as
stored after the write, derived atasan included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings

from core.org import services
from core.org.access import object_get_for_user
from core.org.api.permissions import ReadScopedWriteAdmin
from core.org.api.serializers import EmployeeSerializer, PositionSerializer, UnitSerializer
from core.org.models import Employee, Position, Unit
from core.org.nip import NIPError, nip_parse
from core.org.ranks import EmploymentStatus, JenisJabatan, UnitKind
from core.org.rules import RuleError
from core.org.services import OrgError

# --- Query-string filters -----------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """``?param=value`` → ``filter(**{lookup: parse(value)})``; parse raises ValueError."""

    param: str
    lookup: str | Callable[[str], Q]
    description: str
    parse: Callable[[str], object] = str.strip
    schema_type: type | dict = str
    enum: tuple[str, ...] | None = None

    def parameter(self) -> OpenApiParameter:
        return OpenApiParameter(
            self.param, self.schema_type, description=self.description, enum=self.enum
        )


NIP_PATTERN = {"type": "string", "pattern": "^\\s*([0-9]\\s*){18}$"}


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


class Conflict(ValidationError):
    """A code or NIP that another record already holds: 409, with the field errors."""

    status_code = 409
    default_code = "conflict"


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

    def get_object(self):
        """The object if the user may see it (404 otherwise); writing it is the admin's
        (403 for someone who sees it)."""
        need = None if self.request.method in SAFE_METHODS else "manage"
        obj, _access = object_get_for_user(
            self.scoped(), self.request.user, self.kwargs[self.lookup_field], need=need
        )
        self.check_object_permissions(self.request, obj)
        return obj

    create_service: Callable
    update_service: Callable

    def perform_create(self, serializer):
        self._write(
            serializer, lambda data: type(self).create_service(data=data, by=self.request.user)
        )

    def perform_update(self, serializer):
        instance = serializer.instance
        self._write(
            serializer,
            lambda data: type(self).update_service(
                **{self.model._meta.model_name: instance}, data=data, by=self.request.user
            ),
        )

    def _write(self, serializer, call) -> None:
        try:
            instance = call(serializer.validated_data)
        except RuleError as exc:
            if exc.is_conflict:
                raise Conflict(exc.by_field()) from None
            raise ValidationError(exc.by_field()) from None
        except OrgError as exc:
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]}) from None
        # Answer with the row as stored (the derived fields were written with SQL).
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
    create_service = services.unit_create
    update_service = services.unit_update

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
    create_service = services.position_create
    update_service = services.position_update

    def scoped(self):
        return Position.objects.visible_to(self.request.user).select_related("unit__opd")


EMPLOYEE_FILTERS = (
    Filter("nip", "nip", "NIP (18 digits; spaces are ignored).", _nip, NIP_PATTERN),
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
    create_service = services.employee_create
    update_service = services.employee_update

    def scoped(self):
        return Employee.objects.visible_to(self.request.user).select_related(
            "position", "unit__opd", "atasan_override", "derived_atasan"
        )
