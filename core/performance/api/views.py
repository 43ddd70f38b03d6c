"""REST API v1 of individual performance: SKP, their RHK and IKI, and evaluations with
their ratings and workflow (submit, return, rate).

The same scopes and the same write rules as the pages: every list and every object is read
through ``visible_to`` (core.org.access: 404 for what one may not see), and every write
goes through the service the pages call (core.performance.services for RHK and IKI,
core.performance.evaluation for the workflow), which decides who may write (403 with its
reason), applies the rules (400 with their messages) and audits. A state change names the
evaluation's ``version`` it was decided on; a stale one changes nothing and is a 409.

Starting an SKP or an evaluation goes through core.performance.starting, as on the pages;
realisation, evidence (a file is streamed through Django's upload handlers to the service,
which caps it at 10 MB and checks its content) and feedback through
core.performance.evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import (
    MethodNotAllowed,
    NotFound,
    UnsupportedMediaType,
    ValidationError,
)
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import is_form_media_type
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.org.access import Access, object_get_for_user
from core.org.api.serializers import NIP_SCHEMA
from core.org.api.views import Conflict, Filter, JsonBodyParser, QueryFilters, _choice_filter, _nip
from core.org.models import Employee
from core.performance import evaluation as evaluation_services
from core.performance import services, starting
from core.performance.api.serializers import (
    PERIOD_PATTERN,
    EvaluationSerializer,
    EvaluationStartSerializer,
    EvidenceAddSerializer,
    EvidenceLinkSerializer,
    EvidenceSerializer,
    FeedbackAddSerializer,
    FeedbackSerializer,
    IkiSerializer,
    RateSerializer,
    RealisationsSerializer,
    ReturnSerializer,
    RhkSerializer,
    SkpSerializer,
    SkpStartSerializer,
    SubmitSerializer,
    VersionConflictSerializer,
)
from core.performance.models import (
    BehaviourRating,
    Evaluation,
    Evidence,
    Iki,
    Realisation,
    Rhk,
    Skp,
)
from core.performance.rules import (
    Approach,
    EvaluationState,
    PerformanceError,
    PerformanceRuleError,
)
from core.performance.services import IKI_PREFIX
from core.performance.views_evaluation import evidence_file_response

# --- Query-string filters -----------------------------------------------------------------

YEAR_MIN, YEAR_MAX = 1900, 2999
YEAR_SCHEMA = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}
ID_SCHEMA = {"type": "integer", "minimum": 1}


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
    """JSON (and a multipart form for an upload), read through the caller's scope; writes
    are decided by the services."""

    model: type
    permission_classes = [IsAuthenticated]  # the scopes and the services do the rest
    parser_classes = [JsonBodyParser]
    filter_backends = [QueryFilters]  # on lists only (get_object does not filter)
    lookup_value_converter = "int"
    filters: tuple[Filter, ...] = ()
    upload_actions: tuple[str, ...] = ()  # actions that also take a multipart form (a file)

    def scoped(self):
        """What the user may see, with every relation the serializer shows joined in."""
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return self.model.objects.none()
        return self.scoped()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # As in the org API: a form POST was read before DRF could refuse it. An upload
        # takes a multipart form, read by Django's upload handlers (a big file goes to a
        # temporary file on disk, not into memory); never a urlencoded one.
        upload = self.action in self.upload_actions and _is_multipart(request)
        if request.method == "POST" and is_form_media_type(request.content_type) and not upload:
            raise UnsupportedMediaType(request.content_type)

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise MethodNotAllowed(
            request.method,
            _("The method %(method)s is not allowed at this address.") % {"method": request.method},
        )

    def get_object(self):
        """The object if the user may see it (404 otherwise); whether they may change it is
        the service's to say (403)."""
        pk = self.kwargs.get(self.lookup_field)
        if pk is None:  # an action addressed otherwise (OPTIONS asks DRF's metadata here)
            raise Http404
        obj, _access = object_get_for_user(self.scoped(), self.request.user, pk)
        return obj

    def parsed(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, obj, code=status.HTTP_200_OK) -> Response:
        """The object just written, read again through the scope, as the serializer shows it."""
        return Response(self.get_serializer(self.scoped().get(pk=obj.pk)).data, status=code)

    def _show(self, serializer_class, data, code=status.HTTP_200_OK, **kwargs) -> Response:
        context = self.get_serializer_context()
        return Response(serializer_class(data, context=context, **kwargs).data, status=code)

    def _page(self, serializer_class, queryset) -> Response:
        """A page of ``queryset``, as every list of the API is paged."""
        page = self.paginate_queryset(queryset)
        context = self.get_serializer_context()
        return self.get_paginated_response(serializer_class(page, many=True, context=context).data)


def _is_multipart(request) -> bool:
    return (request.content_type or "").startswith("multipart/form-data")


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


def _error(component: str, description: str) -> OpenApiResponse:
    """A documented refusal, in one of the error shapes (saas_platform.api_schema)."""
    return OpenApiResponse({"$ref": f"#/components/schemas/{component}"}, description=description)


def _started(created: bool) -> int:
    return status.HTTP_201_CREATED if created else status.HTTP_200_OK


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


def _refused_start() -> str:
    return _("Only the employee and their appraiser may start their SKP and its evaluations.")


SKP_START_400 = _error(
    "BadRequest",
    "Refused input (the fields and why): `employee` or `year` not a JSON whole number, or a "
    "year other than this year, the one before or the next.",
)
SKP_START_403 = _error(
    "Error",
    "You see the employee but may not start their SKP: only the employee themself and their "
    "appraiser may (leaders, the BKPSDMD admin and a head of OPD who does not appraise them "
    "read).",
)
SKP_START_404 = _error(
    "Error", "No employee with this id among those you may see (an atasan sees their appraisees)."
)
EVALUATION_START_400 = _error(
    "BadRequest",
    "Refused input (the fields and why): `period` not text, or not a period of the SKP's year "
    "in the Pemda's calendar (e.g. 2026-Q1 where the Pemda evaluates monthly).",
)
FEEDBACK_400 = _error(
    "BadRequest",
    "Refused input (the fields and why): an empty text, a text over the maximum length, or "
    "an `rhk` that is not an RHK of this SKP.",
)
FEEDBACK_403 = _error(
    "Error", "You see the SKP but may not write feedback on it: only its owner and their appraiser."
)


@extend_schema_view(
    create=extend_schema(
        summary="Start an employee's SKP of a year",
        description="Starts the SKP of `employee` for `year` with who and where they are now "
        "(unit, position, appraiser), as the SKP pages do: the employee themself or their "
        "appraiser, for this year, the one before or the next. 201 when this request started "
        "it; 200 with the SKP that already exists otherwise.",
        request=SkpStartSerializer,
        responses={
            200: SkpSerializer,
            201: SkpSerializer,
            400: SKP_START_400,
            403: SKP_START_403,
            404: SKP_START_404,
        },
    )
)
class SkpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PerformanceViewSet):
    """Each employee's SKP per year, with its RHK and their IKI. The employee or their
    appraiser starts an SKP here or on its page (or an atasan by a bulk assignment); its
    content changes at /rhk/ and /iki/; its evaluations start at /skp/{id}/evaluations/."""

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

    def _skp(self) -> Skp:
        """The SKP of the address if the user may see it (404 otherwise), without its
        content: an action decides the rest through its service."""
        skp, _access = object_get_for_user(
            Skp.objects.select_related("employee"), self.request.user, self.kwargs["pk"]
        )
        return skp

    def create(self, request, *args, **kwargs):
        data = self.parsed(SkpStartSerializer)
        employee = Employee.objects.visible_to(request.user).filter(pk=data["employee"]).first()
        if employee is None:
            raise NotFound(_("No employee %(id)s that you may see.") % {"id": data["employee"]})
        existed = Skp.objects.filter(employee=employee, year=data["year"]).exists()
        with service_errors(_refused_start()):
            skp = starting.skp_start(employee=employee, year=data["year"], by=request.user)
        return self._answer(skp, _started(not existed))

    @extend_schema(
        summary="Start the evaluation of a period of an SKP",
        description="Starts the SKP's evaluation of `period` with the unit and appraiser of "
        "now, as the evaluation pages do: the SKP's owner or their appraiser, for a period of "
        "the SKP's year. 201 when this request started it; 200 with the evaluation that "
        "already exists otherwise. Then: realisations, evidence, submit at /evaluations/{id}/.",
        request=EvaluationStartSerializer,
        responses={
            200: EvaluationSerializer,
            201: EvaluationSerializer,
            400: EVALUATION_START_400,
            403: _error(
                "Error",
                "You see the SKP but may not start its evaluations: only its owner and their "
                "appraiser may.",
            ),
            404: _error("Error", "No SKP with this id among those you may see."),
        },
    )
    @action(detail=True, methods=["post"])
    def evaluations(self, request, pk=None):
        skp = self._skp()
        data = self.parsed(EvaluationStartSerializer)
        existed = Evaluation.objects.filter(skp=skp, period=data["period"]).exists()
        with service_errors(_refused_start()):
            evaluation = starting.evaluation_start(skp=skp, period=data["period"], by=request.user)
        shown = evaluations_visible(request.user).get(pk=evaluation.pk)
        return self._show(EvaluationSerializer, shown, _started(not existed))

    @extend_schema(
        methods=["GET"],
        summary="Feedback on an SKP, newest first",
        description="Umpan balik on the SKP and its RHK, for whoever may see the SKP.",
        responses={200: FeedbackSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Write feedback on an SKP",
        description="Umpan balik on the SKP (or one of its RHK), at any time: from the "
        "appraiser, and the owner's replies.",
        request=FeedbackAddSerializer,
        responses={201: FeedbackSerializer, 400: FEEDBACK_400, 403: FEEDBACK_403},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def feedback(self, request, pk=None):
        skp = self._skp()
        if request.method == "GET":
            return self._page(FeedbackSerializer, skp.feedback.order_by("-created_at", "-pk"))
        data = self.parsed(FeedbackAddSerializer)
        refused = _("Only the owner and their appraiser may write feedback.")
        with service_errors(refused):
            made = evaluation_services.feedback_add(
                skp=skp, by=request.user, text=data["text"], rhk=data.get("rhk")
            )
        return self._show(FeedbackSerializer, made, status.HTTP_201_CREATED)


# --- RHK ----------------------------------------------------------------------------------

RHK_FILTERS = (
    Filter("skp", "skp_id", "Id of the SKP.", _id, ID_SCHEMA),
    _year_filter("skp__year"),
    _nip_filter("skp__employee__nip"),
)


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            400: _error(
                "BadRequest",
                "The SKP is held (an evaluation waits for the appraiser, or the year is rated).",
            ),
        }
    )
)
class RhkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    PerformanceViewSet,
):
    """RHK of the SKP one may see. The employee and their appraiser write them, while no
    evaluation of the SKP waits for the appraiser and until the evaluation of its year is
    rated; each supports an RHK of the appraiser's SKP of the same
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


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            400: _error(
                "BadRequest",
                "The SKP is held (an evaluation waits for the appraiser, or the year is rated).",
            ),
        }
    )
)
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
    by the employee and their appraiser while no evaluation of the SKP waits for the
    appraiser and until the evaluation of its year is rated."""

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


def evaluations_visible(user):
    """The evaluations ``user`` may see, with all the serializer shows."""
    return (
        Evaluation.objects.visible_to(user)
        .select_related("skp__employee", "opd")
        .prefetch_related(
            Prefetch("behaviours", queryset=BehaviourRating.objects.order_by("pk")),
            Prefetch("realisations", queryset=Realisation.objects.order_by("iki_id")),
        )
        .order_by("-period", "skp__employee__name", "pk")
    )


class _Refused(Exception):
    """Some realisation was refused: undo the others."""


def _only_the_owner() -> str:
    return _("Only the owner of the evaluation may change it.")


REALISATIONS_DESCRIPTION = (
    "The owner's realisation of the IKI of the SKP, all or nothing: if any entry is refused, "
    "none is saved, and each refusal is answered under its entry's index in `realisations` "
    '(`{"realisations": {"1": {"value": ["…"]}}}`). Only while the evaluation '
    "is a draft or returned for revision; it carries no `version` (it is no change of "
    "state), and a submit waits until it is saved."
)
REALISATIONS_400 = _error(
    "BadRequest",
    "Refused input, nothing saved: an entry of the wrong form (`value` not a JSON number, "
    "an IKI listed twice), an IKI you may not see or not on this SKP, a number outside 0 to "
    "999,999,999,999 or for a qualitative IKI, or an evaluation no longer a draft or "
    "returned.",
)
REALISATIONS_403 = _error(
    "Error", "You see the evaluation but it is not yours: only its owner fills it in."
)
EVIDENCE_400 = _error(
    "BadRequest",
    "Refused input, nothing saved: neither or both of a file and a link; a file over 10 MB, "
    "empty, of another type than PDF, JPG, PNG, XLSX or DOCX, or whose content is not what "
    "its name says (a .pdf that is no PDF); a link that is not http:// or https://; an "
    "`rhk` not of this SKP; more than 50 pieces of evidence; or an evaluation whose "
    "evidence may no longer change.",
)
EVIDENCE_403 = _error(
    "Error", "You see the evaluation but it is not yours: only its owner adds or removes evidence."
)
EVIDENCE_404 = _error(
    "Error", "No such evaluation among those you may see, or no such evidence in it."
)
EVIDENCE_ADD_SCHEMA = {
    "multipart/form-data": EvidenceAddSerializer,
    "application/json": EvidenceLinkSerializer,
}
EVIDENCE_FILE_TYPES = sorted(set(evaluation_services.EVIDENCE_TYPES.values()))


class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PerformanceViewSet):
    """Evaluations of the SKP one may see, per period, with their ratings once rated. An
    evaluation is started at /skp/{id}/evaluations/. The owner fills in the realisations and
    evidence and submits; the owner's appraiser returns it for revision or rates it. Each
    change of state names the ``version`` it was decided on."""

    model = Evaluation
    serializer_class = EvaluationSerializer
    filters = EVALUATION_FILTERS
    upload_actions = ("evidence",)

    def scoped(self):
        return evaluations_visible(self.request.user)

    def _evaluation(self) -> tuple[Evaluation, Access]:
        """(the evaluation of the address, the caller's Access) if the user may see it (404
        otherwise), without what only the serializer shows."""
        return object_get_for_user(
            Evaluation.objects.select_related("skp__employee__unit"),
            self.request.user,
            self.kwargs["pk"],
        )

    def _evidence(self) -> Evidence:
        """A piece of evidence of the evaluation of the address (404 for anything else)."""
        evaluation, _access = self._evaluation()
        evidence = Evidence.objects.filter(
            pk=self.kwargs["evidence_id"], evaluation=evaluation
        ).first()
        if evidence is None:
            raise NotFound(_("No such evidence in this evaluation."))
        evidence.evaluation = evaluation
        return evidence

    # --- Realisation ----------------------------------------------------------------------

    @extend_schema(
        methods=["PUT"],
        summary="Set the realisation of every IKI of an evaluation",
        description=f"{REALISATIONS_DESCRIPTION} PUT: the realisations become exactly the "
        "ones sent; an IKI left out of the list is cleared.",
        request=RealisationsSerializer,
        responses={200: EvaluationSerializer, 400: REALISATIONS_400, 403: REALISATIONS_403},
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Set the realisation of some IKI of an evaluation",
        description=f"{REALISATIONS_DESCRIPTION} PATCH: only the IKI listed change; the "
        "others keep theirs.",
        request=RealisationsSerializer,
        responses={200: EvaluationSerializer, 400: REALISATIONS_400, 403: REALISATIONS_403},
    )
    @action(detail=True, methods=["put", "patch"])
    def realisations(self, request, pk=None):
        evaluation, access = self._evaluation()
        if not access.own:
            raise exceptions.PermissionDenied(_only_the_owner())
        items = self.parsed(RealisationsSerializer)["realisations"]
        try:
            with transaction.atomic():  # the evaluation stays locked until all are saved
                refused = self._realisations_set(
                    evaluation, items, clear_others=request.method == "PUT"
                )
                if refused:
                    raise _Refused(refused)
        except _Refused as exc:
            raise ValidationError(exc.args[0]) from None
        return Response(self.get_serializer(self.scoped().get(pk=evaluation.pk)).data)

    def _realisations_set(self, evaluation: Evaluation, items: list, *, clear_others: bool):
        """Set the items through the service (all or nothing; with ``clear_others``, the IKI
        not listed are cleared). The refusals as the API answers them ({} when none)."""
        user = self.request.user
        visible = set(
            Iki.objects.visible_to(user)
            .filter(pk__in=[item["iki"] for item in items])
            .values_list("pk", flat=True)
        )
        errors: dict[int, dict] = {  # by the index of the item, as DRF answers a list
            n: {"iki": [_("No IKI %(id)s that you may see.") % {"id": item["iki"]}]}
            for n, item in enumerate(items)
            if item["iki"] not in visible
        }
        # The caller's transaction undoes what the service saved when anything is refused.
        kept = [n for n, item in enumerate(items) if item["iki"] in visible]
        try:
            refused = evaluation_services.realisations_set(
                evaluation=evaluation,
                by=user,
                items=[
                    (items[n]["iki"], items[n].get("value"), items[n].get("text", "")) for n in kept
                ],
                clear_others=clear_others,
            )
        except PerformanceError as exc:  # the evaluation may not change now
            return {api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]}
        for index, text in refused.items():
            errors[kept[index]] = {api_settings.NON_FIELD_ERRORS_KEY: [text]}
        errors = dict(sorted(errors.items()))
        return {"realisations": errors} if errors else {}

    # --- Evidence -------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The evidence (bukti dukung) of an evaluation",
        description="For whoever may see the evaluation; a file is downloaded at its `file`.",
        responses={200: EvidenceSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add evidence (bukti dukung) to an evaluation",
        description="A file (multipart/form-data, field `file`: PDF, JPG, PNG, XLSX or DOCX, "
        "at most 10 MB, checked by its content) or a link (`link`, http:// or https://, in "
        "JSON or a multipart form), with an optional `note` and `rhk`. Only the evaluation's "
        "owner. A multipart body of over 25 MB is refused before it is read (413).",
        request=EVIDENCE_ADD_SCHEMA,
        responses={201: EvidenceSerializer, 400: EVIDENCE_400, 403: EVIDENCE_403},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[JsonBodyParser, MultiPartParser],
        filter_backends=[],
    )
    def evidence(self, request, pk=None):
        evaluation, _access = self._evaluation()
        if request.method == "GET":
            return self._page(EvidenceSerializer, evaluation.evidence.order_by("created_at", "pk"))
        multipart = _is_multipart(request)
        parser = EvidenceAddSerializer if multipart else EvidenceLinkSerializer
        data = self.parsed(parser, context={"form": multipart})
        with service_errors(_only_the_owner()):
            evidence = evaluation_services.evidence_add(
                evaluation=evaluation,
                by=request.user,
                file=data.get("file"),
                link=data.get("link", ""),
                note=data.get("note", ""),
                rhk=data.get("rhk"),
            )
        return self._show(EvidenceSerializer, evidence, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a piece of evidence",
        description="Only the evaluation's owner, while its evidence may change.",
        responses={
            204: None,
            400: _error("BadRequest", "The evaluation's evidence may no longer change."),
            403: EVIDENCE_403,
            404: EVIDENCE_404,
        },
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path="evidence/<int:evidence_id>",
        url_name="evidence-detail",
    )
    def evidence_delete(self, request, pk=None, evidence_id=None):
        evidence = self._evidence()
        with service_errors(_only_the_owner()):
            evaluation_services.evidence_delete(evidence=evidence, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Download the file of a piece of evidence",
        description="For whoever may see the evaluation: always as an attachment, of the type "
        "its content was checked to be. 404 for a link.",
        responses={
            **{
                (200, media): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
                for media in EVIDENCE_FILE_TYPES
            },
            404: _error(
                "Error",
                "No such evaluation among those you may see, no such evidence in it, or "
                "the evidence is a link.",
            ),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="evidence/<int:evidence_id>/file",
        url_name="evidence-file",
    )
    def evidence_file(self, request, pk=None, evidence_id=None):
        return evidence_file_response(self._evidence())

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
