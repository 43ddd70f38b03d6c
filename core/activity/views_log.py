"""Pages of the daily activity log (the employee's day, built for a phone) and of the
atasan's approvals.

Every page reads through the org scopes (``object_get_for_user``, ``visible_to``: 404
unseen, 403 seen but not allowed) and writes through one service of
core/activity/services.py; the reads are core/activity/selectors.py. The log of someone
else (``?pegawai=``) is shown read-only to whoever may see them: the atasan, the head of
the OPD, a leader, the admin.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.activity import selectors, services
from core.activity.forms_log import DecideForm, EntryForm, FavouriteForm, LogForm, RepeatForm
from core.activity.models import Activity, ActivityState
from core.activity.services import ActivityError, RepeatRefused
from core.org.access import employee_of, object_get_for_user
from core.org.models import Employee

FIRST_YEAR = 2000
EVIDENCE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


# --- Helpers --------------------------------------------------------------------------------


def _log_url(day: date | None = None, employee: Employee | None = None, own=True) -> str:
    query = {}
    if employee is not None and not own:
        query["pegawai"] = employee.pk
    if day is not None:
        query["tanggal"] = day.isoformat()
    url = reverse("activity:log")
    return f"{url}?{urlencode(query)}" if query else url


def _date(raw) -> date | None:
    try:
        day = date.fromisoformat(str(raw or "").strip())
    except ValueError:
        return None
    return day if day.year >= FIRST_YEAR else None


def _me(request) -> Employee:
    """The user's employee record, for the pages that act on one's own log."""
    me = employee_of(request.user)
    if me is None:
        raise PermissionDenied(_("Only employees keep a daily activity log."))
    return me


def _not_for_someone_else(request, me: Employee) -> None:
    """Nobody logs for another: a form naming someone else is refused, not quietly logged
    for the user."""
    named = request.POST.get("pegawai", "")
    if named not in ("", str(me.pk)):
        raise PermissionDenied(_("You log activities only for yourself."))


def _owner(request) -> tuple[Employee | None, bool]:
    """(whose log the page shows, is it the user's own). ``?pegawai=`` names someone the
    user may see (404 otherwise); without it, the user's own (None without a record)."""
    me = employee_of(request.user)
    raw = request.GET.get("pegawai", "")
    if raw in ("", str(me.pk) if me else None):
        return me, me is not None
    try:
        pk = int(raw)
    except ValueError:
        raise Http404 from None
    other = (
        Employee.objects.visible_to(request.user)
        .select_related("position", "unit")
        .filter(pk=pk)
        .first()
    )
    if other is None:
        raise Http404
    return other, False


def _calendar_for(day: date, today: date) -> services.Calendar:
    """The calendar with the holidays from the earliest day the page looks at (the open days
    and the late approvals reach CALENDAR_LOOKBACK_DAYS back) to a month after the later of
    ``day`` and today (a deadline may fall after today)."""
    first = min(day, today - timedelta(days=services.CALENDAR_LOOKBACK_DAYS))
    last = max(day, today) + timedelta(days=31)
    return services.calendar_current(first, last)


def _default_day(calendar: services.Calendar, today: date) -> date:
    """Today on a working day; otherwise the latest day still open (Saturday: Friday)."""
    if calendar.working(today):
        return today
    open_days = calendar.open_days(today)
    return open_days[0] if open_days else today


# --- The day's log --------------------------------------------------------------------------


def _day_page(request, owner, own, *, day=None, form=None, status=200):
    """The log page of ``owner``'s ``day`` (default: today, or the latest open day);
    ``form`` is a refused form to show again with its errors."""
    today = services.today_local()
    if day is not None and day > today:
        messages.info(request, _("Activities are logged on the day or after it."))
        day = None
    calendar = _calendar_for(day or today, today)
    day = day or _default_day(calendar, today)
    log = selectors.day_log(owner, day, calendar=calendar, today=today)
    if form is not None and (form.data.get("day") != day.isoformat() or not (own and log.open)):
        # The page cannot show the refused form for that day (it has closed, or the day was
        # not one to log): say why above the page instead.
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        form = None
    open_days = calendar.open_days(today)
    totals = selectors.minutes_by_day(owner, open_days)
    context = {
        "owner": owner,
        "own": own,
        "today": today,
        "day": day,
        "log": log,
        "calendar": calendar,
        "open_days": [(d, totals.get(d, 0)) for d in open_days],
        "day_in_picker": day in open_days,
        "pegawai": "" if own else owner.pk,
        "states": ActivityState,
    }
    if own and log.open:
        favourites = selectors.favourites_of(owner)
        norms = selectors.norms_own(owner)
        if form is not None:  # keep the chosen activity offered when it came from a search
            chosen = form.data.get("norm", "")
            if chosen.isdigit() and all(str(n.pk) != chosen for n in norms):
                norms += selectors.norms_by_ids([int(chosen)])
        rhks = selectors.rhk_choices(owner, day.year)
        if form is None:
            form = LogForm(initial={"day": day, "quantity": "1"}, norms=norms, rhks=rhks)
        else:
            form.fields["norm"].widget.choices = [("", _("Type to search…"))] + [
                (n.pk, n.name) for n in norms
            ]
        source_day, sources = services.repeat_source(owner, day)
        context.update(
            {
                "form": form,
                "favourites": favourites,
                "favourite_ids": {n.pk for n in favourites},
                "norm_data": {
                    str(n.pk): {"unit": n.output_unit, "minutes": n.minutes_per_unit}
                    for n in [*norms, *favourites]
                },
                "repeat_day": source_day,
                "repeat_entries": sources,
                "repeat_minutes": sum(e.minutes for e in sources),
            }
        )
    elif own:
        context["favourite_ids"] = {n.pk for n in selectors.favourites_of(owner)}
    return render(request, "activity/log/day.html", context, status=status)


@login_required
@require_GET
def log_day(request):
    """The daily log: the day's entries against its cap, the form to add one (favourites,
    search, "repeat yesterday"), the days still open. Someone else's, read-only."""
    owner, own = _owner(request)
    if owner is None:
        return render(request, "activity/log/no_employee.html")
    return _day_page(request, owner, own, day=_date(request.GET.get("tanggal")))


@login_required
@require_POST
def log_add(request):
    me = _me(request)
    _not_for_someone_else(request, me)
    day = _date(request.POST.get("day")) or services.today_local()
    form = LogForm(
        request.POST,
        request.FILES,
        norms=[],
        rhks=selectors.rhk_choices(me, day.year),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.activity_log(
                by=request.user,
                day=data["day"],
                norm=data["norm"],
                quantity=data["quantity"],
                output=data["output"],
                rhk=data["rhk"] or None,
                evidence=data["evidence"],
            )
        except ActivityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Logged: %(name)s, %(minutes)s minutes.")
                % {"name": entry.name, "minutes": entry.minutes},
            )
            return redirect(_log_url(entry.day))
    return _day_page(request, me, True, day=day, form=form, status=400)


@login_required
@require_GET
def norm_search(request):
    """The catalogue as one types: {"results": [{value, text, unit, minutes, own, position}]},
    the user's own position's activities first."""
    me = _me(request)
    norms = selectors.norms_search(me, request.GET.get("q", "")[:200])
    return JsonResponse(
        {
            "results": [
                {
                    "value": norm.pk,
                    "text": norm.name,
                    "unit": norm.output_unit,
                    "minutes": norm.minutes_per_unit,
                    "own": norm.own == 0,
                    "position": norm.position.name,
                }
                for norm in norms
            ]
        }
    )


@login_required
@require_POST
def favourite_toggle(request):
    me = _me(request)
    _not_for_someone_else(request, me)
    form = FavouriteForm(request.POST)
    day = _date(request.POST.get("day"))
    if not form.is_valid():
        messages.error(request, _("Choose an activity from the catalogue."))
        return redirect(_log_url(day))
    try:
        starred = services.favourite_toggle(by=request.user, norm=form.cleaned_data["norm"])
    except ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Added to your favourites.") if starred else _("Removed from your favourites."),
        )
    return redirect(_log_url(day))


@login_required
@require_POST
def log_repeat(request):
    """Copy the ticked entries of the last day logged onto the chosen day, all or nothing;
    each refusal is said."""
    me = _me(request)
    _not_for_someone_else(request, me)
    form = RepeatForm(request.POST, offered=request.POST.getlist("ids"))
    day = _date(request.POST.get("day"))
    if not form.is_valid() or day is None:
        messages.error(request, _("Choose the activities to repeat."))
        return redirect(_log_url(day))
    try:
        copies = services.activities_repeat(by=request.user, day=day, ids=form.cleaned_data["ids"])
    except RepeatRefused as exc:
        messages.error(request, _("Nothing was repeated:"))
        for refusal in exc.refusals:
            messages.error(request, refusal)
    except ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s activity repeated on %(day)s.",
                "%(n)s activities repeated on %(day)s.",
                len(copies),
            )
            % {"n": len(copies), "day": date_format(day)},
        )
    return redirect(_log_url(day))


# --- One entry --------------------------------------------------------------------------------


def _entry_get(request, pk, *, need=None) -> Activity:
    entry, _access = object_get_for_user(
        Activity.objects.select_related("employee", "rhk"), request.user, pk, need=need
    )
    return entry


@login_required
@require_http_methods(["GET", "POST"])
def log_edit(request, pk):
    """The owner changes the quantity, output, RHK or evidence of an entry still waiting,
    while its day is open."""
    entry = _entry_get(request, pk, need="own")
    back = _log_url(entry.day)
    if entry.state != ActivityState.PENDING:
        messages.error(
            request,
            _("This activity has been %(state)s; it can no longer change.")
            % {"state": entry.get_state_display().lower()},
        )
        return redirect(back)
    today = services.today_local()
    calendar = _calendar_for(entry.day, today)
    if not calendar.window_open(entry.day, today):
        messages.error(request, _("The time to change the activities of that day has passed."))
        return redirect(back)
    rhks = selectors.rhk_choices(entry.employee, entry.day.year)
    status = 200
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES, rhks=rhks)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.activity_update(
                    by=request.user,
                    entry=entry,
                    quantity=data["quantity"],
                    output=data["output"],
                    rhk=data["rhk"] or None,
                    evidence=data["evidence"],
                )
            except ActivityError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The activity has been changed."))
                return redirect(back)
        status = 400
    else:
        form = EntryForm(
            initial={
                "quantity": format(entry.quantity.normalize(), "f"),
                "output": entry.output,
                "rhk": entry.rhk_id or "",
            },
            rhks=rhks,
        )
    return render(
        request,
        "activity/log/edit.html",
        {"entry": entry, "form": form, "back": back, "deadline": calendar.deadline(entry.day)},
        status=status,
    )


@login_required
@require_POST
def log_delete(request, pk):
    entry = _entry_get(request, pk, need="own")
    try:
        services.activity_delete(by=request.user, entry=entry)
    except ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The activity has been removed."))
    return redirect(_log_url(entry.day))


@login_required
@require_GET
def log_evidence(request, pk):
    """An entry's evidence, for whoever may see the entry; always a download, with the type
    its content was checked to be."""
    entry = _entry_get(request, pk)
    if not entry.evidence:
        raise Http404
    kind = entry.evidence.name.rsplit(".", 1)[-1].lower()
    try:
        handle = entry.evidence.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=entry.evidence_name or f"bukti.{kind}",
        content_type=EVIDENCE_TYPES.get(kind, "application/octet-stream"),
    )


# --- History ----------------------------------------------------------------------------------


@login_required
@require_GET
def log_history(request):
    """A year of the employee's log month by month (entries, minutes by state, the IKI
    once computed), and one month's entries day by day."""
    owner, own = _owner(request)
    if owner is None:
        return render(request, "activity/log/no_employee.html")
    today = services.today_local()
    try:
        year = int(request.GET.get("tahun", today.year))
    except ValueError:
        year = today.year
    if not FIRST_YEAR <= year <= today.year:
        year = today.year
    first, _last = selectors.entry_years(owner)
    years = list(range(today.year, min(first or today.year, today.year - 1) - 1, -1))
    months = selectors.months_of(owner, year)
    month, days = None, []
    try:
        chosen = int(request.GET.get("bulan", ""))
    except ValueError:
        chosen = None
    if chosen is not None and 1 <= chosen <= 12:
        month = date(year, chosen, 1)
        for entry in selectors.month_entries(owner, month):
            if not days or days[-1]["day"] != entry.day:
                days.append({"day": entry.day, "entries": [], "minutes": 0})
            days[-1]["entries"].append(entry)
            if entry.state != ActivityState.REJECTED:
                days[-1]["minutes"] += entry.minutes
    totals = {
        "entries": sum(m.entries for m in months),
        "logged": sum(m.logged for m in months),
        "approved": sum(m.approved for m in months),
        "pending": sum(m.pending for m in months),
        "rejected": sum(m.rejected for m in months),
    }
    return render(
        request,
        "activity/log/history.html",
        {
            "owner": owner,
            "own": own,
            "pegawai": "" if own else owner.pk,
            "year": year,
            "years": years,
            "months": months,
            "totals": totals,
            "month": month,
            "days": days,
        },
    )


# --- Approvals --------------------------------------------------------------------------------


def _inbox_page(request, *, form=None, checked=(), status=200):
    today = services.today_local()
    calendar = _calendar_for(today, today)
    late_before = calendar.late_before_time(today)
    people, more = selectors.approvals_waiting(request.user, late_before=late_before)
    context = {
        "people": people,
        "more": more,
        "count": sum(p.count for p in people),
        "late": sum(p.late for p in people),
        "late_days": calendar.late_approval_days,
        "form": form or DecideForm(),
        "checked": {str(pk) for pk in checked},
        "late_by_atasan": selectors.late_by_atasan(request.user, late_before=late_before),
        "has_employee": employee_of(request.user) is not None,
    }
    return render(request, "activity/log/inbox.html", context, status=status)


@login_required
@require_GET
def approvals(request):
    """The entries waiting for the atasan, grouped by person and day, late ones marked; for
    the head of an OPD also the late approvals of the OPD per atasan."""
    return _inbox_page(request)


@login_required
@require_POST
def approvals_decide(request):
    """Approve or reject the ticked entries (a reason needed to reject), or approve one by its
    own button. Entries not the user's to decide refuse the whole request (403)."""
    form = DecideForm(request.POST)
    ids = request.POST.getlist("ids")
    if not form.is_valid():
        return _inbox_page(request, form=form, checked=ids, status=400)
    ids, approve = form.chosen()
    if approve is None:
        form.add_error(None, _("Choose whether to approve or reject."))
        return _inbox_page(request, form=form, checked=ids, status=400)
    try:
        decided = services.activities_decide(
            by=request.user, ids=ids, approve=approve, reason=form.cleaned_data["reason"]
        )
    except ActivityError as exc:
        no_reason = not approve and not form.cleaned_data["reason"].strip()
        form.add_error("reason" if no_reason else None, str(exc))
        return _inbox_page(request, form=form, checked=ids, status=400)
    if approve:
        text = ngettext("%(n)s activity approved.", "%(n)s activities approved.", decided) % {
            "n": decided
        }
    else:
        text = ngettext("%(n)s activity rejected.", "%(n)s activities rejected.", decided) % {
            "n": decided
        }
    messages.success(request, text)
    if decided < len(set(ids)):
        messages.info(request, _("Some of them had already been decided meanwhile."))
    return redirect("activity:approvals")
