"""The BKPSDMD admin's pages of attendance and of the Pemda's calendar: a unit's day (each
person's status and hours present, edited in one form, a page of people at a time) and
the days off of a year (national holidays, cuti bersama, the Pemda's own). Each page reads
in a fixed number of queries and writes through core.activity.attendance or
core.activity.calendar; nobody else reaches them."""

from __future__ import annotations

import calendar as month_calendar
import datetime
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.activity import attendance, calendar, rules
from core.activity.forms_attendance import DayGridForm, DayPickForm, HolidayForm
from core.activity.imports import ATTENDANCE_ROWS_MAX
from core.activity.models import Holiday, HolidayKind
from core.activity.rules import AttendanceStatus
from core.activity.services import ActivityError, calendar_current, may_record_attendance

PAGE_SIZE = 100
YEARS_SHOWN = 2  # the calendar's year picker: this year ± 1, the next and the data file's


def admin_only(view):
    """The BKPSDMD admin's pages: others are refused (403), visitors sent to log in."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not may_record_attendance(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- A unit's day ---------------------------------------------------------------------------


def _pick(request) -> DayPickForm:
    today = attendance.today_local()
    if any(key in request.GET for key in ("unit", "tanggal")):
        data = request.GET.copy()
        data.setdefault("tanggal", today.isoformat())
        return DayPickForm(data)
    return DayPickForm(initial={"tanggal": today})


def _query(pick: DayPickForm, page: int | None = None) -> str:
    params = {
        "unit": pick.cleaned_data["unit"].code,
        "tanggal": pick.cleaned_data["tanggal"].isoformat(),
    }
    if pick.cleaned_data["bawah"]:
        params["bawah"] = "on"
    if page and page > 1:
        params["page"] = page
    return urlencode(params)


def _hours_shown(hours) -> str:
    """7.50 as "7,5" (in Indonesian) or "7.5": what the admin would type."""
    if hours is None:
        return ""
    text = f"{hours:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def _rows(people, stored: dict, typed: dict | None = None, errors: dict | None = None):
    """One row per person: what is stored, or what was typed when the save was refused."""
    rows = []
    for person in people:
        record = stored.get(person.pk)
        if typed is not None and person.pk in typed:
            status, hours = typed[person.pk]
        else:
            status = record.status if record else ""
            hours = _hours_shown(record.hours_present) if record else ""
        rows.append(
            {
                "person": person,
                "status": status,
                "hours": hours,
                "source": record.get_source_display() if record else "",
                "error": (errors or {}).get(person.pk, ""),
            }
        )
    return rows


def _day_notice(day: datetime.date) -> str:
    """Why the chosen day is not a working day, if it is not one."""
    days_off = calendar_current(day, day)
    if days_off.working(day):
        return ""
    holiday = Holiday.objects.filter(day=day).values_list("name", flat=True).first()
    if holiday:
        return _("%(day)s is a day off: %(name)s.") % {"day": date_format(day), "name": holiday}
    return _("%(day)s is not a working day of this Pemda.") % {"day": date_format(day)}


@admin_only
def attendance_day(request):
    """GET: the people of a unit (and of the units below it, if asked) with their status and
    hours present on a day, a page of PAGE_SIZE at a time. POST: save the page's rows at
    once through attendance.attendance_day_set; a refused row refuses them all, and the
    page comes back with each row's reason and what was typed."""
    pick = _pick(request)
    tanggal = pick.data.get("tanggal", "") if pick.is_bound else pick.initial["tanggal"]
    context = {
        "pick": pick,
        "tanggal_value": str(tanggal)[:10],
        "statuses": AttendanceStatus.choices,
        "rows_max": ATTENDANCE_ROWS_MAX,
    }
    if not pick.is_bound or not pick.is_valid():
        if request.method == "POST":
            return render(request, "activity/attendance/day.html", context, status=400)
        return render(request, "activity/attendance/day.html", context)
    unit = pick.cleaned_data["unit"]
    day = pick.cleaned_data["tanggal"]
    people = attendance.attendance_day_people(unit=unit, below=pick.cleaned_data["bawah"])
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    stored = attendance.attendance_of_day(employee_ids=[p.pk for p in shown], day=day)
    grid = DayGridForm(request.POST or None, initial={"ids": ",".join(str(p.pk) for p in shown)})
    typed = errors = None
    status = 200
    if request.method == "POST":
        status = 400
        if not grid.is_valid():
            messages.error(request, _("The page was not sent whole; open it again."))
        elif set(grid.cleaned_data["ids"]) - {p.pk for p in shown}:
            # Rows that are not this page's (the unit or its staff changed meanwhile).
            messages.error(request, _("The list changed since it was opened; open it again."))
        else:
            typed = grid.entries()
            try:
                saved = attendance.attendance_day_set(by=request.user, day=day, entries=typed)
            except attendance.AttendanceRowsError as exc:
                errors = exc.errors
                messages.error(request, str(exc))
            except ActivityError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Saved: %(added)s added, %(changed)s changed, %(removed)s removed, "
                        "%(unchanged)s unchanged."
                    )
                    % {
                        "added": saved.added,
                        "changed": saved.changed,
                        "removed": saved.removed,
                        "unchanged": saved.unchanged,
                    },
                )
                url = reverse("activity:attendance_day") + "?" + _query(pick, page.number)
                return redirect(url)
    context.update(
        {
            "unit": unit,
            "day": day,
            "page": page,
            "grid": grid,
            "rows": _rows(shown, stored, typed, errors),
            "ids": ",".join(str(p.pk) for p in shown),
            "query": _query(pick, page.number),
            "query_without_page": _query(pick) + "&",
            "notice": _day_notice(day),
        }
    )
    return render(request, "activity/attendance/day.html", context, status=status)


# --- The calendar ---------------------------------------------------------------------------


def _year(raw, today: datetime.date) -> int:
    try:
        year = int(str(raw))
    except (TypeError, ValueError):
        return today.year
    return year if calendar.YEAR_MIN <= year <= today.year + calendar.YEARS_AHEAD else today.year


def _calendar_page(request, year: int, form: HolidayForm, status: int = 200):
    today = attendance.today_local()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days_off = calendar_current(first, last)
    holidays = list(Holiday.objects.filter(day__range=(first, last)).order_by("day"))
    months = []
    for month in range(1, 13):
        end = datetime.date(year, month, month_calendar.monthrange(year, month)[1])
        months.append(
            (
                date_format(datetime.date(year, month, 1), "F"),
                len(
                    rules.working_days(
                        datetime.date(year, month, 1),
                        end,
                        weekdays=days_off.weekdays,
                        holidays=days_off.holidays,
                    )
                ),
            )
        )
    weekday_names = [
        date_format(datetime.date(2024, 1, weekday), "l")  # 2024-01-01 was a Monday
        for weekday in sorted(days_off.weekdays)
    ]
    years = sorted(
        {
            *range(today.year - 1, today.year + YEARS_SHOWN),
            *calendar.national_years(),
            year,
        }
    )
    return render(
        request,
        "activity/attendance/calendar.html",
        {
            "year": year,
            "years": years,
            "holidays": holidays,
            "kinds": dict(HolidayKind.choices),
            "months": months,
            "working_total": sum(n for _name, n in months),
            "weekday_names": weekday_names,
            "form": form,
            "national_years": calendar.national_years(),
        },
        status=status,
    )


@admin_only
def calendar_page(request):
    """The days off of a year, the working days they leave per month, the form to add one
    and the button that loads the national holidays."""
    year = _year(request.GET.get("tahun"), attendance.today_local())
    return _calendar_page(request, year, HolidayForm())


def _calendar_url(year: int) -> str:
    return reverse("activity:calendar") + f"?tahun={year}"


@admin_only
@require_POST
def holiday_add(request):
    today = attendance.today_local()
    form = HolidayForm(request.POST)
    year = _year(request.POST.get("tahun"), today)
    if form.is_valid():
        try:
            holiday = calendar.holiday_add(by=request.user, today=today, **form.cleaned_data)
        except ActivityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(day)s is now a day off: %(name)s.")
                % {"day": date_format(holiday.day), "name": holiday.name},
            )
            return redirect(_calendar_url(holiday.day.year))
    return _calendar_page(request, year, form, status=400)


@admin_only
@require_POST
def holiday_remove(request, pk: int):
    holiday = Holiday.objects.filter(pk=pk).first()  # the Pemda's calendar: the admin's
    if holiday is None:
        raise Http404
    calendar.holiday_remove(by=request.user, holiday=holiday)
    messages.success(
        request,
        _("%(day)s is no longer a day off.") % {"day": date_format(holiday.day)},
    )
    return redirect(_calendar_url(holiday.day.year))


@admin_only
@require_POST
def holidays_national_load(request):
    loaded = calendar.national_holidays_load(by=request.user)
    messages.success(
        request,
        _(
            "National holidays and cuti bersama loaded: %(added)s days added, %(kept)s "
            "already in the calendar (kept as they are)."
        )
        % {"added": loaded.added, "kept": loaded.kept},
    )
    year = _year(request.POST.get("tahun"), attendance.today_local())
    return redirect(_calendar_url(year))
