"""The leader's real-time view (core.activity.dashboard): the page, its live part (polled
every few seconds; 204 when nothing changed, so the page does not redraw), and one
person's month."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.activity import dashboard, services
from core.activity.models import Activity, ActivityState, Attendance, MonthlyIndex
from core.config.periods import period_of
from core.config.selectors import evaluation_period_kind
from core.org.models import Employee
from core.performance.models import Evaluation
from core.performance.rules import Predikat
from core.ui.numbers import Numbers

POLL_SECONDS = 3
PREDIKAT_COLOURS = ["#0b6e4f", "#5aa469", "#f0ad4e", "#e8743b", "#c0392b"]
MONTHS_BACK = 12


def _id(raw):
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        raise Http404 from None


def _months(today: datetime.date) -> list[datetime.date]:
    first = today.replace(day=1)
    months = [first]
    for _n in range(MONTHS_BACK - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


def _context(request) -> dict:
    today = services.today_local()
    month = dashboard.month_parse(request.GET.get("bulan"), today)
    view = dashboard.leader_view(
        user=request.user,
        month=month,
        opd_id=_id(request.GET.get("opd")),
        unit_id=_id(request.GET.get("unit")),
        today=today,
    )
    query = request.GET.copy()
    query.pop("sejak", None)
    query["sejak"] = view.stamp
    numbers = Numbers()
    return {
        "view": view,
        "table": [row.shown(numbers) for row in view.rows],
        "total": view.total,
        "chart": {**view.chart(), "colours": PREDIKAT_COLOURS},
        "months": _months(today),
        "live_url": f"{reverse('activity:dashboard_live')}?{query.urlencode()}",
        "poll": POLL_SECONDS,
        "predikat_labels": list(Predikat.labels),
        "may_recompute": services.may_recompute_indices(request.user),
    }


@login_required
@require_GET
def dashboard_page(request):
    return render(request, "activity/dashboard/page.html", _context(request))


@login_required
@require_GET
def dashboard_live(request):
    """The live part: 204 (nothing to swap) while the scope's stamp is the one the page
    has, the rows again otherwise."""
    scope = dashboard.leader_scope(
        user=request.user,
        opd_id=_id(request.GET.get("opd")),
        unit_id=_id(request.GET.get("unit")),
    )
    month = dashboard.month_parse(request.GET.get("bulan"), services.today_local())
    if request.GET.get("sejak", "") == dashboard.view_stamp(scope, month):
        return HttpResponse(status=204)
    return render(request, "activity/dashboard/_live.html", _context(request))


@login_required
@require_POST
def dashboard_recompute(request):
    """The admin asks for the shown month's indices again (services.
    indices_recompute_request); back to the same view, which redraws when the worker is
    done."""
    if not services.may_recompute_indices(request.user):
        raise PermissionDenied
    today = services.today_local()
    raw = request.POST.get("bulan", "")
    month = dashboard.month_parse(raw, today)
    back = request.POST.copy()
    query = {key: back[key] for key in ("opd", "unit") if str(back.get(key, "")).isdigit()}
    if f"{month:%Y-%m}" != raw:
        messages.error(request, _("Choose the month to recompute from the list."))
    else:
        try:
            services.indices_recompute_request(by=request.user, month=month)
        except services.ActivityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "The indices of %(month)s are being recomputed; this page updates by "
                    "itself when they are done."
                )
                % {"month": date_format(month, "F Y")},
            )
    query["bulan"] = f"{month:%Y-%m}"
    return redirect(f"{reverse('activity:dashboard')}?{urlencode(query)}")


@login_required
@require_GET
def dashboard_person(request, pk: int):
    """One person's month, for whoever sees their unit on the view: minutes per day with
    the day's attendance, their entries, their month's index and predikat."""
    if not dashboard.may_see_dashboard(request.user):
        raise PermissionDenied
    person = Employee.objects.select_related("unit", "position").filter(pk=pk).first()
    if person is None or person.unit_id is None:
        raise Http404
    scope = dashboard.leader_scope(user=request.user, unit_id=person.unit_id)
    if not scope.people.filter(pk=person.pk).exists():
        raise Http404
    today = services.today_local()
    month = dashboard.month_parse(request.GET.get("bulan"), today)
    last = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    entries = list(
        Activity.objects.filter(employee=person, day__gte=month, day__lt=last).order_by(
            "-day", "-created_at"
        )
    )
    days = {
        row["day"]: row
        for row in Activity.objects.filter(employee=person, day__gte=month, day__lt=last)
        .values("day")
        .annotate(
            logged=Sum("minutes", filter=~Q(state=ActivityState.REJECTED)),
            approved=Sum("minutes", filter=Q(state=ActivityState.APPROVED)),
            entries=Count("pk"),
        )
        .order_by()
    }
    attendance = {
        a.day: a for a in Attendance.objects.filter(employee=person, day__gte=month, day__lt=last)
    }
    rows = [
        (day, days.get(day), attendance.get(day))
        for day in sorted(set(days) | set(attendance), reverse=True)
    ]
    index = MonthlyIndex.objects.filter(employee=person, month=month).first()
    evaluation = (
        Evaluation.objects.filter(
            skp__employee=person, period=period_of(evaluation_period_kind(), month).code
        )
        .only("predikat", "state")
        .first()
    )
    return render(
        request,
        "activity/dashboard/person.html",
        {
            "person": person,
            "month": month,
            "months": _months(today),
            "rows": rows,
            "entries": entries,
            "index": index,
            "evaluation": evaluation,
            "back": f"{reverse('activity:dashboard')}?unit={person.unit_id}&bulan={month:%Y-%m}",
        },
    )
