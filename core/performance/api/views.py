"""REST API v1 of individual performance: SKP, their RHK and IKI, and evaluations with
their ratings and workflow (submit, return, rate).

The same scopes and the same write rules as the pages: every list and every object is read
through ``visible_to`` (core.org.access: 404 for what one may not see), and every write
goes through the service the pages call (core.performance.services for RHK and IKI,
core.performance.evaluation for the workflow), which decides who may write (403 with its
reason), applies the rules (400 with their messages) and audits. A state change names the
evaluation's ``version`` it was decided on; a stale one changes nothing and is a 409.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, UnsupportedMediaType, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import is_form_media_type
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.org.access import object_get_for_user
from core.org.api.serializers import NIP_SCHEMA
from core.org.api.views import Conflict, Filter, JsonBodyParser, QueryFilters, _choice_filter, _nip
from core.performance import evaluation as evaluation_services
from core.performance import services
from core.performance.api.serializers import (
    EvaluationSerializer,
    IkiSerializer,
    RateSerializer,
    ReturnSerializer,
    RhkSerializer,
    SkpSerializer,
    SubmitSerializer,
    VersionConflictSerializer,
)
from core.performance.models import BehaviourRating, Evaluation, Iki, Realisation, Rhk, Skp
from core.performance.rules import (
    Approach,
    EvaluationState,
    PerformanceError,
    PerformanceRuleError,
)
from core.performance.services import IKI_PREFIX

# --- Query-string filters -----------------------------------------------------------------

YEAR_MIN, YEAR_MAX = 1900, 2999
YEAR_SCHEMA = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}
ID_SCHEMA = {"type": "integer", "minimum": 1}
# A period code (core.config.periods): 2026, 2026-S1, 2026-Q1, 2026-03.
PERIOD_PATTERN = "^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$"


def _whole(raw: str, low: int, high: int | None, message: str) -> int:
    value = raw.strip()
    if not (value.isascii() and value.isdigit()):  # not "²", not "1.5", not "-1"
        raise ValueError(message)
    number = int(value)
    if number < low or (high is not None and number > high):
        raise ValueError(message)
    return number


def _year(raw: str) -> int:
    return _whole(
        raw,
        YEAR_MIN,
        YEAR_MAX,
        _("The year must be a whole number from %(min)s to %(max)s.")
        % {"min": YEAR_MIN, "max": YEAR_MAX},
    )


def _id(raw: str) -> int:
    return _whole(raw, 1, None, _("An id is a whole number from 1."))


def _period(raw: str) -> str:
    """A period code of the right form. A search looks a period up; it does not judge it:
    a code no evaluation has simply matches none."""
    value = raw.strip()
    if not re.fullmatch(PERIOD_PATTERN, value):
        raise ValueError(
            _("“%(value)s” is not a period code: e.g. 2026, 2026-S1, 2026-Q1 or 2026-03.")
            % {"value": value[:20]}
        )
    return value


def _nip_filter(lookup: str) -> Filter:
    return Filter(
        "nip", lookup, "The employee's NIP (18 digits; spaces are ignored).", _nip, NIP_SCHEMA
    )


def _year_filter(lookup: str) -> Filter:
    return Filter("year", lookup, "Year of the SKP.", _year, YEAR_SCHEMA)


# --- Viewsets -----------------------------------------------------------------------------


class PerformanceViewSet(viewsets.GenericViewSet):
    """JSON only, read through the caller's scope; writes are decided by the services."""

    model: type
    permission_classes = [IsAuthenticated]  # the scopes and the services do the rest
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
        # As in the org API: a form POST was read before DRF could refuse it.
        if request.method == "POST" and is_form_media_type(request.content_type):
            raise UnsupportedMediaType(request.content_type)

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise MethodNotAllowed(
            request.method,
            _("The method %(method)s is not allowed at this address.") % {"method": request.method},
        )

    def get_object(self):
        """The object if the user may see it (404 otherwise); whether they may change it is
        the service's to say (403)."""
        obj, _access = object_get_for_user(
            self.scoped(), self.request.user, self.kwargs[self.lookup_field]
        )
        return obj

    def parsed(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, obj, code=status.HTTP_200_OK) -> Response:
        """The object just written, read again through the scope, as the serializer shows it."""
        return Response(self.get_serializer(self.scoped().get(pk=obj.pk)).data, status=code)


def _field(name: str) -> str:
    # An RHK's IKI are reported by the service as iki_<field>: in the API, under "iki".
    return "iki" if name.startswith(IKI_PREFIX) else name


@contextmanager
def service_errors(refused: str):
    """A service's refusals as the API answers them: the rules' violations by field (400),
    any other refusal of the rules (400), and who may not act (403, with ``refused`` when
    the service gave no reason)."""
    try:
        yield
    except PerformanceRuleError as exc:
        fields: dict[str, list[str]] = {}
        for violation in exc.violations:
            fields.setdefault(_field(violation.field), []).append(violation.message)
        raise ValidationError(fields) from None
    except PerformanceError as exc:
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]}) from None
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or refused) from None


def _refused_skp() -> str:
    return _(
        "Only the employee and their appraiser may change an SKP (leaders and the BKPSDMD read it)."
    )


def _visible(queryset, user, pk: int, field: str, message: str):
    """A record a body refers to, among those ``user`` may see; else a 400 on ``field``."""
    found = queryset.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [message % {"id": pk}]})
    return found


def _unchanged(instance_value, data: dict, key: str, field: str) -> None:
    if key in data and data[key] != instance_value:
        raise ValidationError({field: [_("This cannot change; make a new record instead.")]})


# --- SKP ----------------------------------------------------------------------------------

SKP_FILTERS = (
    _year_filter("year"),
    _nip_filter("employee__nip"),
    Filter("opd", "unit__opd__code", "Code of the OPD the employee worked in (at the SKP)."),
)


def _rhk_loaded():
    return Rhk.objects.select_related("parent").prefetch_related(
        Prefetch("iki", queryset=Iki.objects.order_by("order", "pk"))
    )


class SkpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PerformanceViewSet):
    """Each employee's SKP per year, with its RHK and their IKI. An SKP is started on its
    page (or by a bulk assignment); its content changes at /rhk/ and /iki/."""

    model = Skp
    serializer_class = SkpSerializer
    filters = SKP_FILTERS

    def scoped(self):
        return (
            Skp.objects.visible_to(self.request.user)
            .select_related("employee", "unit")
            .prefetch_related(Prefetch("rhk", queryset=_rhk_loaded()))
            .order_by("-year", "employee__name", "pk")
        )


# --- RHK ----------------------------------------------------------------------------------

RHK_FILTERS = (
    Filter("skp", "skp_id", "Id of the SKP.", _id, ID_SCHEMA),
    _year_filter("skp__year"),
    _nip_filter("skp__employee__nip"),
)


@extend_schema_view(destroy=extend_schema(responses={204: None}))
class RhkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    PerformanceViewSet,
):
    """RHK of the SKP one may see. The employee and their appraiser write them, while no
    evaluation of the SKP is rated; each supports an RHK of the appraiser's SKP of the same
    year (``parent``). An RHK is made with its IKI (``iki``); later its IKI change at /iki/.
    Leaders and the BKPSDMD admin read."""

    model = Rhk
    serializer_class = RhkSerializer
    filters = RHK_FILTERS

    def scoped(self):
        return _rhk_loaded().visible_to(self.request.user).order_by("skp_id", "kind", "order", "pk")

    def create(self, request, *args, **kwargs):
        data = self.parsed(self.get_serializer_class())
        skp = _visible(
            Skp.objects, request.user, data["skp_id"], "skp", _("No SKP %(id)s that you may see.")
        )
        with service_errors(_refused_skp()):
            rhk = services.rhk_create(
                skp=skp,
                by=request.user,
                kind=data["kind"],
                text=data["text"],
                parent=data.get("parent_id"),
                perspektif=data.get("perspektif", ""),
                iki=[dict(item) for item in data.get("iki", ())],
            )
        return self._answer(rhk, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        rhk = self.get_object()
        data = self.parsed(self.get_serializer_class(), partial=kwargs.get("partial", False))
        _unchanged(rhk.skp_id, data, "skp_id", "skp")
        if "iki" in data:
            raise ValidationError({"iki": [_("Change an RHK's indicators at /api/v1/iki/.")]})
        with service_errors(_refused_skp()):
            rhk = services.rhk_update(
                rhk=rhk,
                by=request.user,
                kind=data.get("kind", rhk.kind),
                text=data.get("text", rhk.text),
                parent=data["parent_id"] if "parent_id" in data else rhk.parent_id,
                perspektif=data.get("perspektif", rhk.perspektif),
            )
        return self._answer(rhk)

    def destroy(self, request, *args, **kwargs):
        rhk = self.get_object()
        with service_errors(_refused_skp()):
            services.rhk_delete(rhk=rhk, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- IKI ----------------------------------------------------------------------------------

IKI_FILTERS = (
    Filter("rhk", "rhk_id", "Id of the RHK.", _id, ID_SCHEMA),
    Filter("skp", "rhk__skp_id", "Id of the SKP.", _id, ID_SCHEMA),
    _year_filter("rhk__skp__year"),
    _nip_filter("rhk__skp__employee__nip"),
)
IKI_TARGET = ("target_value", "target_unit", "target_text")


@extend_schema_view(destroy=extend_schema(responses={204: None}))
class IkiViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    PerformanceViewSet,
):
    """Indicators (IKI) of the RHK one may see, each with its target: a number and its unit
    for a quantitative one ("12 Dokumen"), a described target for a qualitative one. Written
    by the employee and their appraiser while no evaluation of the SKP is rated."""

    model = Iki
    serializer_class = IkiSerializer
    filters = IKI_FILTERS

    def scoped(self):
        return Iki.objects.visible_to(self.request.user).order_by("rhk_id", "order", "pk")

    def create(self, request, *args, **kwargs):
        data = self.parsed(self.get_serializer_class())
        rhk = _visible(
            Rhk.objects.select_related("skp"),
            request.user,
            data["rhk_id"],
            "rhk",
            _("No RHK %(id)s that you may see."),
        )
        with service_errors(_refused_skp()):
            iki = services.iki_create(
                rhk=rhk,
                by=request.user,
                text=data["text"],
                aspect=data["aspect"],
                approach=data.get("approach", Approach.KUANTITATIF),
                **{key: data[key] for key in IKI_TARGET if key in data},
            )
        return self._answer(iki, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        iki = self.get_object()
        data = self.parsed(self.get_serializer_class(), partial=kwargs.get("partial", False))
        _unchanged(iki.rhk_id, data, "rhk_id", "rhk")
        iki = Iki.objects.select_related("rhk__skp").get(pk=iki.pk)
        fields = ("text", "aspect", "approach", *IKI_TARGET)
        with service_errors(_refused_skp()):
            iki = services.iki_update(
                iki=iki,
                by=request.user,
                **{field: data.get(field, getattr(iki, field)) for field in fields},
            )
        return self._answer(iki)

    def destroy(self, request, *args, **kwargs):
        iki = self.get_object()
        iki = Iki.objects.select_related("rhk__skp").get(pk=iki.pk)
        with service_errors(_refused_skp()):
            services.iki_delete(iki=iki, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Evaluations --------------------------------------------------------------------------

EVALUATION_FILTERS = (
    _year_filter("skp__year"),
    Filter(
        "period",
        "period",
        "Period code: 2026 (the year), 2026-S1, 2026-Q1 or 2026-03.",
        _period,
        {"type": "string", "pattern": PERIOD_PATTERN},
    ),
    _nip_filter("skp__employee__nip"),
    _choice_filter("state", "state", "State of the evaluation.", EvaluationState),
    Filter("opd", "opd__code", "Code of the OPD of the period."),
)
CONFLICT = OpenApiResponse(
    VersionConflictSerializer,
    description="The evaluation changed since the `version` you sent (someone else acted on "
    "it, another tab, or this was already done); nothing was changed. Read it again.",
)


def _action_schema(request, summary: str):
    return extend_schema(
        request=request,
        responses={200: EvaluationSerializer, 409: CONFLICT},
        summary=summary,
    )


class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PerformanceViewSet):
    """Evaluations of the SKP one may see, per period, with their ratings once rated. The
    owner submits (after filling in realisations on their page); the owner's appraiser
    returns it for revision or rates it. Each action names the ``version`` it was decided
    on."""

    model = Evaluation
    serializer_class = EvaluationSerializer
    filters = EVALUATION_FILTERS

    def scoped(self):
        return (
            Evaluation.objects.visible_to(self.request.user)
            .select_related("skp__employee", "opd")
            .prefetch_related(
                Prefetch("behaviours", queryset=BehaviourRating.objects.order_by("pk")),
                Prefetch("realisations", queryset=Realisation.objects.order_by("iki_id")),
            )
            .order_by("-period", "skp__employee__name", "pk")
        )

    def _act(self, call: Callable, version: int, evaluation: Evaluation) -> Response:
        refused = _(
            "Only the owner submits an evaluation; only their appraiser rates or returns it."
        )
        try:
            with service_errors(refused):
                call()
        except ValidationError as exc:
            # Refused because someone acted first (a stale version, a double submit): 409.
            if not Evaluation.objects.filter(pk=evaluation.pk, version=version).exists():
                messages = [str(m) for found in exc.detail.values() for m in found]
                raise Conflict({"version": messages}) from None
            raise
        return Response(self.get_serializer(self.scoped().get(pk=evaluation.pk)).data)

    @_action_schema(SubmitSerializer, "Submit an evaluation to the appraiser (its owner)")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        evaluation = self.get_object()
        data = self.parsed(SubmitSerializer)
        return self._act(
            lambda: evaluation_services.evaluation_submit(
                evaluation=evaluation, by=request.user, version=data["version"]
            ),
            data["version"],
            evaluation,
        )

    @_action_schema(ReturnSerializer, "Return an evaluation to its owner for revision")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        evaluation = self.get_object()
        data = self.parsed(ReturnSerializer)
        return self._act(
            lambda: evaluation_services.evaluation_return(
                evaluation=evaluation, by=request.user, note=data["note"], version=data["version"]
            ),
            data["version"],
            evaluation,
        )

    @_action_schema(RateSerializer, "Rate an evaluation: hasil, the 7 BerAKHLAK values")
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        evaluation = self.get_object()
        data = self.parsed(RateSerializer)
        return self._act(
            lambda: evaluation_services.evaluation_rate(
                evaluation=evaluation,
                by=request.user,
                hasil=data.get("hasil"),
                behaviours=data["behaviours"],
                expectations=data.get("expectations"),
                note=data.get("note", ""),
                version=data["version"],
            ),
            data["version"],
            evaluation,
        )
