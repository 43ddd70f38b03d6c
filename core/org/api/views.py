"""REST API v1 of a Pemda's units, positions and employees.

Every role reads, through the same scopes and object getters as the pages
(core.org.access); only the tenant admin writes, through the same services as the pages
and the import (core.org.services), so the same rules refuse the same records. Nothing is
deleted: an employee who leaves is set ``is_active=false``. A response shows the record as
stored after the write, derived atasan included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework import mixins, viewsets
from rest_framework.exceptions import (
    MethodNotAllowed,
    ParseError,
    UnsupportedMediaType,
    ValidationError,
)
from rest_framework.filters import BaseFilterBackend
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import is_form_media_type
from rest_framework.settings import api_settings

from core.org import services
from core.org.access import object_get_for_user
from core.org.api.permissions import ReadScopedWriteAdmin
from core.org.api.serializers import (
    NIP_SCHEMA,
    EmployeeSerializer,
    PositionSerializer,
    UnitSerializer,
)
from core.org.models import Employee, Position, Unit
from core.org.ranks import EmploymentStatus, JenisJabatan, UnitKind
from core.org.rules import RuleError
from core.org.services import OrgError

# --- Query-string filters -----------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """``?param=value`` → ``filter(**{lookup: parse(value)})``; parse raises ValueError.

    ``schema`` is the OpenAPI schema of the value: what ``parse`` accepts, no more."""

    param: str
    lookup: str | Callable[[str], Q]
    description: str
    parse: Callable[[str], object] = str.strip
    schema: dict = field(default_factory=lambda: {"type": "string"})

    def parameter(self) -> dict:
        # An empty value (?status=) is the same as leaving the filter out, as in a search
        # form and in django-filter; allowEmptyValue says so.
        return {
            "name": self.param,
            "in": "query",
            "required": False,
            "allowEmptyValue": True,
            "description": f"{self.description} An empty value is the same as none.",
            "schema": self.schema,
        }


def _choice_filter(param, lookup, description, choices: type[models.TextChoices]) -> Filter:
    schema = {"type": "string", "enum": list(choices.values)}
    return Filter(param, lookup, description, _choice(choices), schema)


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
    """true or false, as the schema (type: boolean) says; not "yes", "1" or "on"."""
    value = raw.strip().lower()
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(_("Use true or false; got “%(value)s”.") % {"value": raw})


def _nip(raw: str) -> str:
    """18 digits, as the schema's pattern says. A search looks a NIP up; it does not judge
    it: 18 digits that are no valid NIP simply match no one."""
    value = "".join(raw.split())
    if not re.fullmatch("[0-9]{18}", value):  # str.isdigit() also takes "²" and "٣"
        raise ValueError(_("NIP must be exactly 18 digits."))
    return value


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


class QueryFilters(BaseFilterBackend):
    """The view's ``filters`` on its list: applied here, and documented from the same specs."""

    def filter_queryset(self, request, queryset, view):
        return filters_apply(queryset, request.query_params, view.filters)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [spec.parameter() for spec in view.filters]


class JsonBodyParser(JSONParser):
    """A body is a JSON object, as the schema says; another media type is a 415. (A form
    cannot say null, a number or true: ``parent=null`` would name a unit coded "null".)"""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError(_("The body is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise ParseError(_("The body must be a JSON object."))
        return data


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
    parser_classes = [JsonBodyParser]
    filter_backends = [QueryFilters]  # on lists only (get_object does not filter)
    lookup_value_converter = "int"
    filters: tuple[Filter, ...] = ()

    def scoped(self):
        """What the user may see, with every relation the serializer shows joined in."""
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return self.model.objects.none()
        return self.scoped()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A form POST was read by RejectNulMiddleware before DRF could refuse it (DRF then
        # sees no body, and would answer "required" for every field): refuse it here.
        if request.method == "POST" and is_form_media_type(request.content_type):
            raise UnsupportedMediaType(request.content_type)

    def http_method_not_allowed(self, request, *args, **kwargs):
        # DRF's own message has no Indonesian translation.
        raise MethodNotAllowed(
            request.method,
            _("The method %(method)s is not allowed at this address.") % {"method": request.method},
        )

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
    Filter("nip", "nip", "NIP (18 digits; spaces are ignored).", _nip, NIP_SCHEMA),
    Filter("q", _name_or_nip, "Part of the name, or the start of the NIP."),
    Filter("opd", "unit__opd__code", "Code of the OPD."),
    Filter("unit", "unit__code", "Code of the unit."),
    Filter("position", "position__code", "Code of the position."),
    _choice_filter("status", "status", "Employment status.", EmploymentStatus),
    Filter(
        "is_active",
        "is_active",
        "Active (true) or deactivated (false).",
        _boolean,
        {"type": "boolean"},
    ),
)


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
