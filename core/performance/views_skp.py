"""Pages of SKP planning: my SKP of a year, anyone's SKP one may see, RHK and IKI forms,
the team list, the bulk assignment and the catalogue of RHK per position.

Every page fetches through the scopes (``object_get_for_user``: 404 when unseen) and writes
through one service, which decides (403 when the caller may not act, the rules' words on
the form otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.org.access import can_manage, employee_of, object_get_for_user
from core.org.models import Employee, Unit
from core.performance import selectors, services, starting
from core.performance.access import may_edit_skp
from core.performance.forms_skp import (
    IKI_PREFIX,
    AssignForm,
    CatalogueFilterForm,
    CatalogueForm,
    IkiForm,
    RhkForm,
    errors_show,
    iki_data,
    iki_given,
)
from core.performance.models import Iki, Rhk, RhkTemplate, Skp
from core.performance.rules import PerformanceError, PerformanceRuleError

PAGE_SIZE = 50


def _year(request) -> int:
    return selectors.year_parse(request.POST.get("tahun") or request.GET.get("tahun"))


def _skp_url(skp: Skp, user) -> str:
    me = employee_of(user)
    if me is not None and skp.employee_id == me.pk:
        return f"{reverse('performance:skp_mine')}?tahun={skp.year}"
    return reverse("performance:skp_detail", args=[skp.pk])


def _refused(form, exc: PerformanceError) -> None:
    if isinstance(exc, PerformanceRuleError):
        errors_show(form, exc)
    else:
        form.add_error(None, str(exc))


# --- An SKP ---------------------------------------------------------------------------------


def _skp_page(request, *, skp, employee, year, mine: bool):
    locked = skp is not None and services.skp_content_locked(skp)
    writer = skp is not None and may_edit_skp(request.user, skp)
    return render(
        request,
        "performance/skp/skp.html",
        {
            "skp": skp,
            "employee": employee,
            "year": year,
            "mine": mine,
            "years": selectors.year_choices(employee=employee, chosen=year) if mine else (),
            "groups": selectors.skp_rhk_by_kind(skp),
            "locked": locked,
            "can_edit": writer and not locked,
            "can_start": mine and skp is None and year in starting.startable_years(),
        },
    )


@login_required
def skp_mine(request):
    """My SKP of a year (``?tahun=``); POST starts it."""
    me = employee_of(request.user)
    year = _year(request)
    if me is None:
        return render(request, "performance/skp/skp.html", {"no_employee": True, "year": year})
    if request.method == "POST":
        try:
            starting.skp_start(employee=me, year=year, by=request.user)
        except PerformanceError as exc:
            messages.error(request, str(exc))
        return redirect(f"{reverse('performance:skp_mine')}?tahun={year}")
    skp = selectors.skp_of_year(employee=me, year=year)
    return _skp_page(request, skp=skp, employee=me, year=year, mine=True)


@login_required
def skp_detail(request, pk):
    """Anyone's SKP that one may see (404 otherwise); editing per access."""
    skp, _access = object_get_for_user(Skp.objects, request.user, pk)
    skp = selectors.skp_loaded(pk=skp.pk)
    return _skp_page(request, skp=skp, employee=skp.employee, year=skp.year, mine=False)


@login_required
@require_POST
def skp_start(request):
    """Start someone's SKP of a year: their own, or one of the people one appraises (who
    then plans it with them)."""
    try:
        pk = int(request.POST.get("employee", ""))
    except ValueError:
        raise Http404 from None
    person, _access = object_get_for_user(Employee.objects, request.user, pk)
    year = _year(request)
    try:
        skp = starting.skp_start(employee=person, year=year, by=request.user)
    except PerformanceError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('performance:team')}?tahun={year}")
    return redirect(_skp_url(skp, request.user))


def _skp_for_writing(request, pk) -> Skp:
    """The SKP ``pk`` if the user may change it: 404 unseen, 403 seen but not theirs to edit."""
    skp, _access = object_get_for_user(Skp.objects.select_related("employee"), request.user, pk)
    if not may_edit_skp(request.user, skp):
        raise PermissionDenied
    return skp


def _locked_redirect(request, skp):
    if services.skp_content_locked(skp):
        messages.error(
            request,
            _("This SKP can no longer be changed: the evaluation of its year has been rated."),
        )
        return redirect(_skp_url(skp, request.user))
    return None


# --- RHK --------------------------------------------------------------------------------------


def _parents(skp: Skp, keep: Rhk | None = None) -> list[Rhk]:
    parents = list(selectors.parent_choices(skp=skp))
    if keep is not None and all(rhk.pk != keep.pk for rhk in parents):
        parents.append(Rhk.objects.select_related("skp__employee").get(pk=keep.pk))
    return parents


@login_required
def rhk_new(request, pk):
    skp = _skp_for_writing(request, pk)
    if request.method == "GET" and (refused := _locked_redirect(request, skp)):
        return refused
    form = RhkForm(request.POST or None, parents=_parents(skp), jpt=skp.is_jpt, with_iki=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rhk_create(
                skp=skp,
                by=request.user,
                kind=data["kind"],
                text=data["text"],
                parent=data["parent"] or None,
                perspektif=data.get("perspektif", ""),
                iki=[iki_data(data, IKI_PREFIX)] if iki_given(data) else (),
            )
        except PerformanceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The RHK has been added."))
            return redirect(_skp_url(skp, request.user))
    return render(
        request,
        "performance/skp/rhk_form.html",
        {"form": form, "skp": skp, "title": _("New RHK"), "back": _skp_url(skp, request.user)},
        status=400 if request.method == "POST" else 200,
    )


def _rhk_of(request, pk, rhk_pk) -> Rhk:
    rhk, _access = object_get_for_user(
        Rhk.objects.select_related("skp", "skp__employee", "parent"), request.user, rhk_pk
    )
    if rhk.skp_id != pk:
        raise Http404
    if not may_edit_skp(request.user, rhk.skp):
        raise PermissionDenied
    return rhk


@login_required
def rhk_edit(request, pk, rhk_pk):
    rhk = _rhk_of(request, pk, rhk_pk)
    skp = rhk.skp
    if request.method == "GET" and (refused := _locked_redirect(request, skp)):
        return refused
    initial = {
        "kind": rhk.kind,
        "text": rhk.text,
        "parent": str(rhk.parent_id or ""),
        "perspektif": rhk.perspektif,
    }
    form = RhkForm(
        request.POST or None, initial=initial, parents=_parents(skp, rhk.parent), jpt=skp.is_jpt
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rhk_update(
                rhk=rhk,
                by=request.user,
                kind=data["kind"],
                text=data["text"],
                parent=data["parent"] or None,
                perspektif=data.get("perspektif", ""),
            )
        except PerformanceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The RHK has been saved."))
            return redirect(_skp_url(skp, request.user))
    return render(
        request,
        "performance/skp/rhk_form.html",
        {"form": form, "skp": skp, "title": _("Edit RHK"), "back": _skp_url(skp, request.user)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def rhk_delete(request, pk, rhk_pk):
    rhk = _rhk_of(request, pk, rhk_pk)
    try:
        services.rhk_delete(rhk=rhk, by=request.user)
    except PerformanceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The RHK has been removed."))
    return redirect(_skp_url(rhk.skp, request.user))


# --- IKI --------------------------------------------------------------------------------------


@login_required
def iki_new(request, pk, rhk_pk):
    rhk = _rhk_of(request, pk, rhk_pk)
    skp = rhk.skp
    if request.method == "GET" and (refused := _locked_redirect(request, skp)):
        return refused
    return _iki_form_page(
        request,
        form=IkiForm(request.POST or None),
        rhk=rhk,
        save=lambda data: services.iki_create(rhk=rhk, by=request.user, **data),
        done=_("The IKI has been added."),
        title=_("New IKI"),
    )


def _iki_form_page(request, *, form, rhk: Rhk, save, done: str, title: str):
    """The IKI form of iki_new and iki_edit: on a valid POST, save(data) then back to the SKP;
    a refusal of the rules shows next to its field (status 400)."""
    skp = rhk.skp
    if request.method == "POST" and form.is_valid():
        try:
            save(iki_data(form.cleaned_data))
        except PerformanceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, done)
            return redirect(_skp_url(skp, request.user))
    return render(
        request,
        "performance/skp/iki_form.html",
        {
            "form": form,
            "skp": skp,
            "rhk": rhk,
            "title": title,
            "back": _skp_url(skp, request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


def _iki_of(request, pk, iki_pk) -> Iki:
    iki, _access = object_get_for_user(
        Iki.objects.select_related("rhk", "rhk__skp", "rhk__skp__employee"), request.user, iki_pk
    )
    if iki.rhk.skp_id != pk:
        raise Http404
    if not may_edit_skp(request.user, iki.rhk.skp):
        raise PermissionDenied
    return iki


@login_required
def iki_edit(request, pk, iki_pk):
    iki = _iki_of(request, pk, iki_pk)
    skp = iki.rhk.skp
    if request.method == "GET" and (refused := _locked_redirect(request, skp)):
        return refused
    initial = {
        "text": iki.text,
        "aspect": iki.aspect,
        "approach": iki.approach,
        "target_value": "" if iki.target_value is None else f"{iki.target_value.normalize():f}",
        "target_unit": iki.target_unit,
        "target_text": iki.target_text,
    }
    return _iki_form_page(
        request,
        form=IkiForm(request.POST or None, initial=initial),
        rhk=iki.rhk,
        save=lambda data: services.iki_update(iki=iki, by=request.user, **data),
        done=_("The IKI has been saved."),
        title=_("Edit IKI"),
    )


@login_required
@require_POST
def iki_delete(request, pk, iki_pk):
    iki = _iki_of(request, pk, iki_pk)
    skp = iki.rhk.skp
    try:
        services.iki_delete(iki=iki, by=request.user)
    except PerformanceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The IKI has been removed."))
    return redirect(_skp_url(skp, request.user))


# --- The team and the bulk assignment -----------------------------------------------------


def _unit_filter(request, user) -> tuple[list[Unit], Unit | None]:
    units = list(selectors.team_units(user).only("id", "code", "name", "tree_path"))
    code = request.GET.get("unit", "").strip()
    return units, next((unit for unit in units if unit.code == code), None)


@login_required
def team(request):
    """The people I appraise (a head of OPD: the OPD) with the state of their SKP."""
    year = _year(request)
    units, unit = _unit_filter(request, request.user)
    people = selectors.people_in_unit(selectors.employees_assignable_by(request.user), unit)
    page = Paginator(selectors.team_rows(people, year=year), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.team_status_set(page.object_list)
    return render(
        request,
        "performance/skp/team.html",
        {
            "page": page,
            "year": year,
            "years": selectors.year_choices(chosen=year),
            "units": units,
            "unit": unit,
            "me": employee_of(request.user),
            "startable": year in starting.startable_years(),
        },
    )


def _source_of(value: str, own, catalogue) -> dict:
    kind, _sep, raw = (value or "").partition(":")
    pool = {"rhk": own, "tpl": catalogue}.get(kind, ())
    found = next((item for item in pool if str(item.pk) == raw), None)
    if found is None:
        return {}
    return {"source": found} if kind == "rhk" else {"template": found}


@login_required
def assign(request):
    """Push one RHK (mine, or a catalogue entry) down to many of my people at once."""
    if employee_of(request.user) is None:
        raise PermissionDenied
    year = _year(request)
    units, unit = _unit_filter(request, request.user)
    people = selectors.employees_assignable_by(request.user)
    own = selectors.my_rhk(request.user, year=year)
    catalogue = selectors.catalogue_for(people)
    form = AssignForm(request.POST or None, own=own, catalogue=catalogue)
    ticked = set(request.POST.getlist("employees"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = _source_of(data["source"], own, catalogue)
        try:
            made = services.rhk_assign_bulk(
                by=request.user,
                year=year,
                employees=request.POST.getlist("employees"),
                iki=[iki_data(data, IKI_PREFIX)] if iki_given(data) else None,
                **chosen,
            )
        except PerformanceError as exc:
            _refused(form, exc)
        else:
            skipped = len(ticked) - len(made)
            if made:
                messages.success(
                    request,
                    ngettext(
                        "RHK assigned to %(count)s employee.",
                        "RHK assigned to %(count)s employees.",
                        len(made),
                    )
                    % {"count": len(made)},
                )
            if skipped:
                messages.info(
                    request,
                    ngettext(
                        "%(count)s person already had this RHK or has an SKP held by an "
                        "evaluation: skipped.",
                        "%(count)s people already had this RHK or have an SKP held by an "
                        "evaluation: skipped.",
                        skipped,
                    )
                    % {"count": skipped},
                )
            return redirect(f"{reverse('performance:team')}?tahun={year}")
    rows = selectors.team_status_set(
        selectors.team_rows(selectors.people_in_unit(people, unit), year=year)
    )
    return render(
        request,
        "performance/skp/assign.html",
        {
            "form": form,
            "rows": rows,
            "ticked": ticked,
            "year": year,
            "years": selectors.year_choices(chosen=year),
            "units": units,
            "unit": unit,
            "has_sources": bool(own or catalogue),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The catalogue of RHK per position ------------------------------------------------------


@login_required
def catalogue(request):
    """RHK per position, for the bulk assignment: the BKPSDMD admin adds and removes them,
    everyone else reads."""
    manage = can_manage(request.user)
    if request.method == "POST" and not manage:
        raise PermissionDenied
    form = CatalogueForm(request.POST or None) if manage else None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rhk_template_create(
                by=request.user,
                position=data["position"],
                kind=data["kind"],
                text=data["text"],
                iki=[iki_data(data, IKI_PREFIX)] if iki_given(data) else (),
            )
        except PerformanceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The RHK has been added to the catalogue."))
            return redirect(f"{reverse('performance:catalogue')}?jabatan={data['position'].code}")
    filters = CatalogueFilterForm(request.GET or None)
    position = filters.cleaned_data.get("jabatan") if filters.is_valid() else None
    page = Paginator(selectors.catalogue_list(position=position), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "performance/skp/catalogue.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "can_manage": manage,
            "query": request.GET.urlencode(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def catalogue_delete(request, pk):
    if not can_manage(request.user):
        raise PermissionDenied
    entry = RhkTemplate.objects.select_related("position").filter(pk=pk).first()
    if entry is None:
        raise Http404
    services.rhk_template_delete(template=entry, by=request.user)
    messages.success(request, _("The RHK has been removed from the catalogue."))
    return redirect(f"{reverse('performance:catalogue')}?jabatan={entry.position.code}")
