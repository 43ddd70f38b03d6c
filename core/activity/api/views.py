"""REST API v1 of the Surabaya model: the daily activity log and its approvals, attendance,
KPI (IKU) with their monthly targets and realisations, and the monthly indices.

The same scopes and the same write rules as the pages: every list and every object is read
through ``visible_to`` (core.org.access: the employee their own, the atasan also the people
they appraise, the head of OPD their OPD, leaders and the BKPSDMD admin the whole Pemda; 404
for what one may not see; KPI as the KPI pages show them), and every write goes through the
service the pages call, which decides who may write (403 with its reason) and applies the
rules (400 with their messages, nothing stored): the log through core.activity.services (an
employee logs only for themself, only the owner's atasan decides, leaders read), a day's
attendance through core.activity.attendance (the admin's attendance page: only the admin,
audited, the month's indices recomputed after), a KPI's months through core.activity.kpi.
KPI themselves, their cascade and the teams are written on the KPI pages.

Logging an activity takes JSON, or a multipart form when it carries an evidence file (read
by Django's upload handlers, then checked by the service by its content, at most 5 MB).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch, Q
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.activity import attendance, services
from core.activity import kpi as kpi_services
from core.activity.api.serializers import (
    DAY_PATTERN,
    MONTH_PATTERN,
    ActivityChangeSerializer,
    ActivityLogFormSerializer,
    ActivityLogSerializer,
    ActivitySerializer,
    AttendanceSerializer,
    AttendanceSetSerializer,
    DecidedSerializer,
    DecideSerializer,
    EvidenceUploadSerializer,
    KpiPeriodsSerializer,
    KpiSerializer,
    MonthlyIndexSerializer,
    day_parse,
    month_parse,
)
from core.activity.models import (
    Activity,
    ActivityState,
    Attendance,
    Kpi,
    KpiPeriod,
    MonthlyIndex,
)
from core.activity.rules import AttendanceStatus
from core.activity.services import ActivityError
from core.org.access import employee_of, object_get_for_user
from core.org.api.serializers import NIP_SCHEMA
from core.org.api.views import (
    Filter,
    JsonBodyParser,
    QueryFilters,
    _boolean,
    _choice_filter,
    _nip,
    filters_apply,
)
from core.org.models import Employee
from core.performance.api.views import (
    ID_SCHEMA,
    YEAR_SCHEMA,
    PerformanceViewSet,
    _error,
    _id,
    _is_multipart,
    _year,
)
from core.performance.models import Rhk

DAY_SCHEMA = {"type": "string", "format": "date"}
EVIDENCE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def _people_filters(prefix: str) -> tuple[Filter, ...]:
    """Whose rows: by NIP, by employee id, by the OPD or the unit they work in now."""
    return (
        Filter(
            "nip",
            f"{prefix}nip",
            "The employee's NIP (18 digits; spaces are ignored).",
            _nip,
            NIP_SCHEMA,
        ),
        Filter("employee", f"{prefix}id", "Id of the employee.", _id, ID_SCHEMA),
        Filter("opd", f"{prefix}unit__opd__code", "Code of the OPD the employee works in."),
        Filter("unit", f"{prefix}unit__code", "Code of the unit the employee works in."),
    )


def _day_filters() -> tuple[Filter, ...]:
    return (
        Filter("day", "day", "The day (YYYY-MM-DD).", day_parse, DAY_SCHEMA),
        Filter("day_from", "day__gte", "From this day on (YYYY-MM-DD).", day_parse, DAY_SCHEMA),
        Filter("day_to", "day__lte", "Up to this day (YYYY-MM-DD).", day_parse, DAY_SCHEMA),
    )


@contextmanager
def activity_errors(refused: str):
    """A service's refusals as the API answers them: a rule's refusal (400, its message;
    nothing was stored) and who may not act (403, with ``refused`` when the service gave
    no reason)."""
    try:
        yield
    except ActivityError as exc:
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]}) from None
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or refused) from None


class ActivityApiViewSet(PerformanceViewSet):
    """JSON; a multipart form for the actions in ``upload_actions`` (a file)."""

    def get_parsers(self):
        # Called before DRF sets ``self.action`` on a request: read it from the method.
        name = getattr(self, "action", None)
        if name is None and getattr(self, "request", None) is not None:
            name = getattr(self, "action_map", {}).get(self.request.method.lower())
        if name in self.upload_actions:
            return [JsonBodyParser(), MultiPartParser()]
        return super().get_parsers()


# --- Activities ---------------------------------------------------------------------------

ACTIVITY_FILTERS = (
    *_people_filters("employee__"),
    *_day_filters(),
    _choice_filter("state", "state", "State of the entry.", ActivityState),
)
TO_DECIDE = Filter(
    "to_decide",
    "to_decide",
    "true: only the entries waiting for you to decide (waiting, of the people you appraise "
    "now); false: all but those.",
    _boolean,
    {"type": "boolean"},
)


def waiting_for(user):
    """The entries waiting for ``user`` to decide: pending, of the people they appraise now
    (as the approval inbox lists them, core.activity.selectors.approvals_waiting)."""
    return Activity.objects.appraisable_by(user).filter(state=ActivityState.PENDING)


class ActivityQueryFilters(QueryFilters):
    """The view's filters, and ``to_decide``, which depends on who asks."""

    def filter_queryset(self, request, queryset, view):
        queryset = filters_apply(queryset, request.query_params, view.filters)
        raw = request.query_params.get(TO_DECIDE.param)
        if raw is None or not raw.strip():
            return queryset
        try:
            wanted = _boolean(raw)
        except ValueError as exc:
            raise ValidationError({TO_DECIDE.param: [str(exc)]}) from None
        waiting = Q(pk__in=waiting_for(request.user).values("pk"))
        return queryset.filter(waiting) if wanted else queryset.exclude(waiting)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [*super().get_schema_operation_parameters(view), TO_DECIDE.parameter()]


def _only_the_owner() -> str:
    return _("Only the owner changes or removes an activity, while it waits for approval.")


LOG_400 = _error(
    "BadRequest",
    "Refused, nothing stored (the fields and why, or the day's rule in `non_field_errors`): "
    "a field of the wrong form (`quantity` not a JSON number, `day` not YYYY-MM-DD); a day "
    "in the future, not a working day (a weekend, a holiday), before the Pemda's window, or "
    "whose attendance does not allow work (absent, leave, sick); minutes over what is left "
    "of the day's cap; a quantity of 0 or less, not a number or too large; an activity not "
    "in the catalogue; an RHK not of your SKP of that year; an evidence file over 5 MB, or "
    "not a real JPG, PNG or PDF (a .jpg that is no image).",
)
LOG_403 = _error(
    "Error",
    "Only employees log activities, each for themself: the BKPSDMD admin and a leader "
    "without an employee record do not, and nobody logs for another.",
)
CHANGE_400 = _error(
    "BadRequest",
    "Refused, nothing changed: a field of the wrong form, an entry already approved or "
    "rejected, a day whose window has closed, minutes over the day's cap, an RHK not of "
    "your SKP of that year, or a field that cannot change (`day`, `norm`: log it again).",
)
CHANGE_403 = _error(
    "Error", "You see the entry but it is not yours: only its owner changes or removes it."
)
ACTIVITY_404 = _error(
    "Error", "No activity with this id among those you may see (an atasan sees their appraisees')."
)
DECIDE_400 = _error(
    "BadRequest",
    "Refused, nothing decided: `ids` empty, not whole numbers or more than "
    f"{services.BULK_MAX}; `approve` not true or false; a rejection without a reason; a "
    "reason over the maximum length.",
)
DECIDE_403 = _error(
    "Error",
    "Some entry is not yours to decide (not of someone you appraise now, your own, or one "
    "you may not see): nothing is decided. Only the owner's atasan decides.",
)
LOG_SCHEMA = {
    "application/json": ActivityLogSerializer,
    "multipart/form-data": ActivityLogFormSerializer,
}


@extend_schema_view(
    list=extend_schema(
        summary="Entries of the daily activity log",
        description="The entries you may see, newest day first: yours; an atasan also those "
        "of the people they appraise; a head of OPD those of their OPD; leaders and the "
        "BKPSDMD admin the whole Pemda. `to_decide=true` lists what waits for you.",
    ),
    retrieve=extend_schema(
        summary="One entry of the daily activity log",
        responses={200: ActivitySerializer, 404: ACTIVITY_404},
    ),
    create=extend_schema(
        summary="Log an activity (for yourself)",
        description="An activity of the norma-waktu catalogue done on a working day, in a "
        "quantity of its output: it waits for your atasan's approval. JSON, or a multipart "
        "form with an `evidence` file (JPG, PNG or PDF, at most 5 MB, checked by its "
        "content). A multipart body of over 25 MB is refused before it is read (413).",
        request=LOG_SCHEMA,
        responses={201: ActivitySerializer, 400: LOG_400, 403: LOG_403},
    ),
    partial_update=extend_schema(
        summary="Change an entry that waits for approval (its owner)",
        description="The quantity, output or RHK, while the entry waits and its day's window "
        "is open; what is left out stays as it is.",
        request=ActivityChangeSerializer,
        responses={200: ActivitySerializer, 400: CHANGE_400, 403: CHANGE_403, 404: ACTIVITY_404},
    ),
    destroy=extend_schema(
        summary="Remove an entry that waits for approval (its owner)",
        description="While the entry waits and its day's window is open; its evidence file "
        "goes with it.",
        responses={
            204: None,
            400: _error(
                "BadRequest",
                "The entry was approved or rejected, or its day's window has closed.",
            ),
            403: CHANGE_403,
            404: ACTIVITY_404,
        },
    ),
)
class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ActivityApiViewSet,
):
    """The daily activity log. Each employee logs their own activities; the owner's atasan
    approves or rejects them (``decide``, one or many); the owner changes or removes an
    entry while it waits and its day's window is open. A decided entry never changes (a
    rejected one is logged again)."""

    model = Activity
    serializer_class = ActivitySerializer
    filters = ACTIVITY_FILTERS
    filter_backends = [ActivityQueryFilters]
    upload_actions = ("create", "evidence")

    def scoped(self):
        return (
            Activity.objects.visible_to(self.request.user)
            .select_related("employee", "approver")
            .order_by("-day", "-created_at", "-pk")
        )

    def _entry(self):
        """(the entry of the address, the caller's Access); 404 if they may not see it."""
        return object_get_for_user(
            Activity.objects.select_related("employee"), self.request.user, self.kwargs["pk"]
        )

    def create(self, request, *args, **kwargs):
        form = _is_multipart(request)
        data = self.parsed(
            ActivityLogFormSerializer if form else ActivityLogSerializer, context={"form": form}
        )
        me = employee_of(request.user)
        if data.get("employee") is not None and (me is None or data["employee"] != me.pk):
            raise exceptions.PermissionDenied(_("Everyone logs activities only for themself."))
        with activity_errors(_("Only employees log activities.")):
            entry = services.activity_log(
                by=request.user,
                day=data["day"],
                norm=data["norm"],
                quantity=data["quantity"],
                output=data.get("output", ""),
                rhk=data.get("rhk"),
                evidence=data.get("evidence"),
            )
        return self._answer(entry, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        entry, access = self._entry()
        if not access.own:
            raise exceptions.PermissionDenied(_only_the_owner())
        fixed = {"day", "norm", "employee"} & set(request.data)
        data = self.parsed(ActivityChangeSerializer, partial=True)
        if fixed:
            message = _("This cannot change; remove the entry and log it again.")
            raise ValidationError({field: [message] for field in sorted(fixed)})
        with activity_errors(_only_the_owner()):
            entry = services.activity_update(
                by=request.user,
                entry=entry,
                quantity=data.get("quantity", entry.quantity),
                output=data.get("output", entry.output),
                rhk=data["rhk"] if "rhk" in data else entry.rhk_id,
            )
        return self._answer(entry)

    def destroy(self, request, *args, **kwargs):
        entry, access = self._entry()
        if not access.own:
            raise exceptions.PermissionDenied(_only_the_owner())
        with activity_errors(_only_the_owner()):
            services.activity_delete(by=request.user, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _evidence_replace(self, entry, access) -> Response:
        if not access.own:
            raise exceptions.PermissionDenied(_only_the_owner())
        if not _is_multipart(self.request):
            raise exceptions.UnsupportedMediaType(self.request.content_type)
        data = self.parsed(EvidenceUploadSerializer)
        with activity_errors(_only_the_owner()):
            entry = services.activity_update(
                by=self.request.user,
                entry=entry,
                quantity=entry.quantity,
                output=entry.output,
                rhk=entry.rhk_id,
                evidence=data["evidence"],
            )
        return self._answer(entry)

    @extend_schema(
        summary="Approve or reject entries (the owner's atasan), one or many at once",
        description=f"Up to {services.BULK_MAX} entries in one request, all or nothing: if "
        "any is not yours to decide, none is decided (403). A rejection needs a reason, "
        "shown to the owner. An entry decided meanwhile (by another request, a double "
        "click) is skipped: `decided` counts those this request decided.",
        request=DecideSerializer,
        responses={200: DecidedSerializer, 400: DECIDE_400, 403: DECIDE_403},
    )
    @action(detail=False, methods=["post"], filter_backends=[])
    def decide(self, request):
        data = self.parsed(DecideSerializer)
        with activity_errors(_("Only the owner's atasan approves their activities.")):
            decided = services.activities_decide(
                by=request.user,
                ids=data["ids"],
                approve=data["approve"],
                reason=data.get("reason", ""),
            )
        return Response({"decided": decided})

    @extend_schema(
        methods=["GET"],
        summary="Download the evidence file of an entry",
        description="For whoever may see the entry: always as an attachment, of the type its "
        "content was checked to be.",
        responses={
            **{
                (200, media): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
                for media in sorted(set(EVIDENCE_TYPES.values()))
            },
            404: _error(
                "Error",
                "No activity with this id among those you may see, or it has no evidence file.",
            ),
        },
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach or replace the evidence file of an entry that waits (its owner)",
        description="A multipart form with the `evidence` file (JPG, PNG or PDF, at most 5 MB, "
        "checked by its content); it replaces the entry's file, if any. While the entry "
        "waits and its day's window is open. A body of over 25 MB is refused before it is "
        "read (413).",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={
            200: ActivitySerializer,
            400: _error(
                "BadRequest",
                "Refused, nothing stored: no file; a file over 5 MB or not a real JPG, PNG or "
                "PDF; an entry already approved or rejected, or whose day's window has closed.",
            ),
            403: CHANGE_403,
            404: ACTIVITY_404,
        },
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def evidence(self, request, pk=None):
        entry, access = self._entry()
        if request.method == "POST":
            return self._evidence_replace(entry, access)
        kind = entry.evidence.name.rsplit(".", 1)[-1].lower() if entry.evidence else ""
        if kind not in EVIDENCE_TYPES:
            raise NotFound(_("This activity has no evidence file."))
        try:
            handle = entry.evidence.open("rb")
        except OSError:
            raise NotFound(_("This activity has no evidence file.")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=entry.evidence_name or f"bukti.{kind}",
            content_type=EVIDENCE_TYPES[kind],
        )


# --- Attendance ---------------------------------------------------------------------------

ATTENDANCE_FILTERS = (
    *_people_filters("employee__"),
    *_day_filters(),
    _choice_filter("status", "status", "Attendance of the day.", AttendanceStatus),
)
DAY_PARAMETERS = [
    OpenApiParameter(
        "employee",
        {"type": "integer", "minimum": 1},
        OpenApiParameter.PATH,
        description="Id of the employee.",
    ),
    OpenApiParameter(
        "day",
        {"type": "string", "format": "date", "pattern": DAY_PATTERN},
        OpenApiParameter.PATH,
        description="The day (YYYY-MM-DD).",
    ),
]
ATTENDANCE_DAY_404 = _error(
    "Error", "No employee with this id among those you may see, or no attendance on that day."
)


def _only_the_admin() -> str:
    return _("Only the BKPSDMD admin records attendance.")


@extend_schema_view(
    list=extend_schema(
        summary="Attendance per employee and day",
        description="The days of the employees you may see (as at /employees/), newest first.",
    ),
    retrieve=extend_schema(summary="One attendance record"),
)
class AttendanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActivityApiViewSet):
    """Attendance per employee and day: imported from the attendance machine's export (the
    import page) or recorded by the BKPSDMD admin here, one day of one employee at
    /attendance/{employee}/{day}/. Everyone reads the attendance of the people they see."""

    model = Attendance
    serializer_class = AttendanceSerializer
    filters = ATTENDANCE_FILTERS

    def scoped(self):
        return (
            Attendance.objects.visible_to(self.request.user)
            .select_related("employee")
            .order_by("-day", "employee__name", "pk")
        )

    @extend_schema(
        methods=["GET"],
        operation_id="v1_attendance_day_retrieve",
        summary="The attendance of one employee on one day",
        parameters=DAY_PARAMETERS,
        responses={
            200: AttendanceSerializer,
            400: _error("BadRequest", "The day is not YYYY-MM-DD."),
            404: ATTENDANCE_DAY_404,
        },
    )
    @extend_schema(
        methods=["PUT"],
        operation_id="v1_attendance_day_update",
        summary="Record the attendance of one employee on one day (the BKPSDMD admin)",
        description="Sets the day's status and hours present through the same rules as the "
        "admin's attendance page: 201 when the day had no record, 200 otherwise (its source "
        "becomes `admin`). Audited; the month's indices are recomputed after it. Activities "
        "already logged are not touched: the recompute counts the day's new cap.",
        parameters=DAY_PARAMETERS,
        request=AttendanceSetSerializer,
        responses={
            200: AttendanceSerializer,
            201: AttendanceSerializer,
            400: _error(
                "BadRequest",
                "Refused, nothing stored: a day not YYYY-MM-DD or in the future, a status "
                "not among the choices, hours not a JSON number from 0 to 24, hours on a "
                "day of leave, sickness or absence, or an employee no longer active.",
            ),
            403: _error("Error", "Only the BKPSDMD admin records attendance."),
            404: _error("Error", "No employee with this id among those you may see."),
        },
    )
    @extend_schema(
        methods=["DELETE"],
        operation_id="v1_attendance_day_destroy",
        summary="Remove the attendance of one employee on one day (the BKPSDMD admin)",
        description="As emptying the day on the admin's attendance page: audited, and the "
        "month's indices are recomputed after it.",
        parameters=DAY_PARAMETERS,
        responses={
            204: None,
            400: _error("BadRequest", "The day is not YYYY-MM-DD, or it is in the future."),
            403: _error("Error", "Only the BKPSDMD admin records attendance."),
            404: ATTENDANCE_DAY_404,
        },
    )
    @action(
        detail=False,
        methods=["get", "put", "delete"],
        url_path="<int:employee>/<str:day>",
        url_name="day",
        filter_backends=[],
    )
    def day(self, request, employee=None, day=None):
        try:
            on = day_parse(day)
        except ValueError as exc:
            raise ValidationError({"day": [str(exc)]}) from None
        record = self.scoped().filter(employee_id=employee, day=on).first()
        if request.method == "GET":
            if record is None:
                raise NotFound(_("No attendance of this employee on that day that you may see."))
            return Response(self.get_serializer(record).data)
        person = Employee.objects.visible_to(request.user).filter(pk=employee).first()
        if person is None:
            raise NotFound(_("No employee %(id)s that you may see.") % {"id": employee})
        if not services.may_record_attendance(request.user):
            raise exceptions.PermissionDenied(_only_the_admin())
        if request.method == "DELETE":
            if record is None:
                raise NotFound(_("No attendance of this employee on that day."))
            self._attendance_set(person, on, "", None)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = self.parsed(AttendanceSetSerializer)
        saved = self._attendance_set(person, on, data["status"], data.get("hours_present"))
        record = Attendance.objects.get(employee=person, day=on)
        return self._answer(record, status.HTTP_201_CREATED if saved.added else status.HTTP_200_OK)

    def _attendance_set(self, person: Employee, on, status_value: str, hours):
        """One row of the admin's attendance page, through its service."""
        with activity_errors(_only_the_admin()):
            try:
                return attendance.attendance_day_set(
                    by=self.request.user, day=on, entries={person.pk: (status_value, hours)}
                )
            except attendance.AttendanceRowsError as exc:  # the one row's own reason
                messages = list(exc.errors.values()) or [str(exc)]
                raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: messages}) from None


# --- KPI ----------------------------------------------------------------------------------


def _level(raw: str) -> Q:
    value = raw.strip()
    levels = {
        "pemda": Q(unit__isnull=True, team__isnull=True),
        "unit": Q(unit__isnull=False),
        "team": Q(team__isnull=False),
    }
    if value not in levels:
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": value[:20], "allowed": ", ".join(levels)}
        )
    return levels[value]


KPI_FILTERS = (
    Filter("year", "year", "Year of the KPI.", _year, YEAR_SCHEMA),
    Filter(
        "level",
        "pk__in",
        "Whose KPI: the Pemda's (no unit, no team), a unit's (an OPD or below) or a "
        "cross-OPD team's.",
        lambda raw: Kpi.objects.filter(_level(raw)).values("pk"),
        {"type": "string", "enum": ["pemda", "unit", "team"]},
    ),
    Filter("unit", "unit__code", "Code of the unit (or OPD) the KPI belongs to."),
    Filter("opd", "unit__opd__code", "Code of the OPD of the KPI's unit (the OPD's own too)."),
    Filter("team", "team_id", "Id of the cross-OPD team.", _id, ID_SCHEMA),
)


KPI_404 = _error("Error", "No KPI with this id among those you may see.")
PERIODS_400 = _error(
    "BadRequest",
    "Refused, nothing stored: neither `targets` nor `realisations`; a value that is not a "
    "JSON number or null; and, per month (under `targets` or `realisations`, by month): "
    "not a month of the KPI's year, a negative or too large number, a realisation without "
    "its month's target.",
)
PERIODS_403 = _error(
    "Error",
    "You see the KPI but may not set this: targets are set by whoever owns the KPI (the "
    "admin and the leaders for the Pemda's, the head of the OPD for its OPD's and units', "
    "the team's lead for a team's); realisations also by the head of the KPI's unit.",
)


def _kpi_refusal(exc: kpi_services.KpiError) -> dict:
    """The KPI rules' refusal by field, months under `targets` and `realisations`."""
    where = {"target": "targets", "realisation": "realisations"}
    errors: dict = {}
    for key, message in exc.fields.items():
        kind, _sep, month = key.partition(":")
        if kind in where and month:
            errors.setdefault(where[kind], {})[month] = [message]
        elif kind == "period" and month:
            errors.setdefault("periods", {})[month] = [message]
        else:
            errors[key] = [message]
    return errors or {api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]}


@extend_schema_view(
    list=extend_schema(
        summary="KPI (IKU) with their monthly targets and realisations",
        description="The KPIs you may see, as on the KPI pages: the Pemda's, to everyone; an "
        "OPD's and its units', to the people of that OPD; a team's, to whoever sees the team "
        "(its lead and members, and a head of OPD a team with a member of their OPD); all, "
        "to the admin and the leaders. Each with its annual target and, per month, the "
        "target, the realisation and the achievement.",
    ),
    retrieve=extend_schema(summary="One KPI", responses={200: KpiSerializer, 404: KPI_404}),
)
class KpiViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActivityApiViewSet):
    """KPI (IKU) of the Pemda, its OPD and units, and its cross-OPD teams. The months'
    targets and realisations are set here (``periods``) or on the KPI's page; the KPIs
    themselves, their cascade and the teams on the KPI pages."""

    model = Kpi
    serializer_class = KpiSerializer
    filters = KPI_FILTERS

    def scoped(self):
        return (
            Kpi.objects.visible_to(self.request.user)
            .select_related("unit__opd", "team")
            .prefetch_related(
                Prefetch("periods", queryset=KpiPeriod.objects.order_by("period")),
                Prefetch("rhk", queryset=Rhk.objects.only("pk")),
            )
            .order_by("-year", "unit__code", "team__name", "name", "pk")
        )

    def get_object(self):
        found = self.scoped().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(_("No KPI %(id)s that you may see.") % {"id": self.kwargs["pk"]})
        return found

    @extend_schema(
        summary="Set months' targets and realisations of a KPI",
        description="Only the months given change (null empties one); all or nothing: any "
        "refused month stores none. Audited, as on the KPI's page.",
        request=KpiPeriodsSerializer,
        responses={200: KpiSerializer, 400: PERIODS_400, 403: PERIODS_403, 404: KPI_404},
    )
    @action(detail=True, methods=["patch"], filter_backends=[])
    def periods(self, request, pk=None):
        kpi = kpi_services.kpi_get_for_user(request.user, pk)  # 404 when unseen
        data = self.parsed(KpiPeriodsSerializer)
        with activity_errors(_("You may not change this KPI.")):
            try:
                kpi_services.kpi_periods_set(
                    kpi=kpi,
                    by=request.user,
                    targets=data.get("targets"),
                    realisations=data.get("realisations"),
                )
            except kpi_services.KpiError as exc:
                raise ValidationError(_kpi_refusal(exc)) from None
        return Response(self.get_serializer(self.get_object()).data)


# --- Monthly indices ----------------------------------------------------------------------

MONTH_SCHEMA = {"type": "string", "pattern": MONTH_PATTERN}
MONTHLY_INDEX_FILTERS = (
    Filter("month", "month", "The month (YYYY-MM).", month_parse, MONTH_SCHEMA),
    Filter("month_from", "month__gte", "From this month on (YYYY-MM).", month_parse, MONTH_SCHEMA),
    Filter("month_to", "month__lte", "Up to this month (YYYY-MM).", month_parse, MONTH_SCHEMA),
    *_people_filters("employee__"),
    Filter(
        "pay_withheld",
        "pay_withheld",
        "true: only the months whose score is below the Pemda's minimum (the performance "
        "pay withheld); false: the others.",
        _boolean,
        {"type": "boolean"},
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary="Monthly indices (IKI, IKO, score) per employee",
        description="The months of the employees you may see (as at /employees/), newest "
        "first, as the worker last recomputed them. `opd` and `unit` are where the employee "
        "works now; each row's own `opd` and `unit` are where they worked that month.",
    ),
    retrieve=extend_schema(summary="One employee's month"),
)
class MonthlyIndexViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ActivityApiViewSet):
    """Each employee's month: minutes, the Indeks Kinerja Individu against the monthly
    target, the unit's Indeks Kinerja Organisasi, the behaviour and final scores (80 : 20 in
    the Model Surabaya) and whether the performance pay is withheld."""

    model = MonthlyIndex
    serializer_class = MonthlyIndexSerializer
    filters = MONTHLY_INDEX_FILTERS

    def scoped(self):
        return (
            MonthlyIndex.objects.visible_to(self.request.user)
            .select_related("employee", "unit", "opd")
            .order_by("-month", "employee__name", "pk")
        )
