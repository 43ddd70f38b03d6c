"""Pages of the organisation and its people. Every page reads through the access helpers
(core.org.access: ``visible_to`` and ``object_get_for_user``) and writes through one
service; writes are for the tenant admin."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.accounts.services import account_login_locked, account_login_unlock
from core.audit.selectors import audit_for_object
from core.config.services import policy_setting_set
from core.importing.exports import table_response
from core.org import exports, selectors, services
from core.org.access import can_manage, object_get_for_user, scope_description
from core.org.forms import (
    RECORD_FORMS,
    AtasanForm,
    EffectiveMinutesForm,
    EmployeeFilterForm,
    NormForm,
    RoleForm,
    errors_show,
    record_initial,
)
from core.org.models import ActivityNorm, Employee, Position, Unit
from core.org.rules import RuleError
from core.org.services import OrgError
from core.org.workload import EFFECTIVE_MINUTES_SETTING

PAGE_SIZE = 50
LOOKUP_LIMIT = 20


def admin_required(view):
    """Writes and imports are for the tenant admin (BKPSDMD); others get a clear 403 page."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_manage(request.user):
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _filters(request) -> dict:
    return {
        key: request.GET.get(key, "").strip()
        for key in ("q", "opd", "unit", "status", "jenis", "missing")
    }


def _list_context(request, page, **extra) -> dict:
    return {
        "page": page,
        "query": request.GET.urlencode(),
        "can_manage": can_manage(request.user),
        "scope": scope_description(request.user),
        **extra,
    }


# --- Employees ----------------------------------------------------------------------------


@login_required
@require_GET
def employee_list(request):
    filters = _filters(request)
    form = EmployeeFilterForm(request.GET or None, opd_choices=selectors.opd_choices(request.user))
    employees = selectors.employee_list(
        user=request.user,
        q=filters["q"],
        opd=filters["opd"],
        unit=filters["unit"],
        status=filters["status"],
        missing=filters["missing"],
    )
    return render(
        request,
        "org/employee_list.html",
        _list_context(request, _page(request, selectors.employee_rows(employees)), form=form),
    )


@login_required
@require_GET
def employee_detail(request, pk):
    employee, access = object_get_for_user(Employee.objects, request.user, pk)
    return _employee_page(request, employee, access)


def _employee_page(request, employee, access, *, atasan_form=None, status=200):
    """The employee's page; after a refused atasan change, with that form and its errors."""
    employee = Employee.objects.select_related(
        "position", "unit", "unit__opd", "derived_atasan", "atasan_override", "user"
    ).get(pk=employee.pk)
    role_form = None
    login_locked = False
    if access.manage and employee.user:
        user = employee.user
        role_form = RoleForm(initial={"role": user.role if user.role_set_by_hand else ""})
        login_locked = account_login_locked(user)
    return render(
        request,
        "org/employee_detail.html",
        {
            "employee": employee,
            "access": access,
            "can_manage": access.manage,
            "changes": audit_for_object(employee) if access.manage else (),
            "appraisees": Employee.objects.visible_to(request.user)
            .appraised_by(employee)
            .select_related("position")
            .order_by("name")[:100],
            "atasan_form": (atasan_form or AtasanForm()) if access.manage else None,
            "role_form": role_form,
            "login_locked": login_locked,
        },
        status=status,
    )


@admin_required
@require_POST
def employee_atasan(request, pk):
    employee, access = object_get_for_user(Employee.objects, request.user, pk, need="manage")
    form = AtasanForm(request.POST)
    if form.is_valid():
        try:
            services.atasan_override_set(
                employee=employee,
                atasan=form.cleaned_data["atasan_nip"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except OrgError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The atasan of %(name)s has been changed.") % {"name": employee.name}
            )
            return redirect("org:employee_detail", pk=employee.pk)
    return _employee_page(request, employee, access, atasan_form=form, status=400)


@admin_required
@require_POST
def employee_password_setup(request, pk):
    """Email the employee a link to set their password (sent by the worker, in this Pemda)."""
    employee, _access = object_get_for_user(Employee.objects, request.user, pk, need="manage")
    try:
        email = services.account_password_setup_request(employee=employee, by=request.user)
    except OrgError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("A link to set a password will be sent to %(email)s.") % {"email": email}
        )
    return redirect("org:employee_detail", pk=employee.pk)


@admin_required
@require_POST
def employee_login_unlock(request, pk):
    """Let the employee log in again after too many failed logins (core.accounts.throttle)."""
    employee, _access = object_get_for_user(Employee.objects, request.user, pk, need="manage")
    if employee.user is None:
        messages.error(request, _("This employee has no account."))
    elif account_login_unlock(user=employee.user, by=request.user, obj=employee):
        messages.success(request, _("%(name)s can log in again.") % {"name": employee.name})
    else:
        messages.info(request, _("%(name)s was not locked out.") % {"name": employee.name})
    return redirect("org:employee_detail", pk=employee.pk)


@admin_required
@require_POST
def employee_role(request, pk):
    employee, _access = object_get_for_user(Employee.objects, request.user, pk, need="manage")
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
    else:
        try:
            services.account_role_set(
                employee=employee, role=form.cleaned_data["role"], by=request.user
            )
        except OrgError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The role of %(name)s has been saved.") % {"name": employee.name}
            )
    return redirect("org:employee_detail", pk=employee.pk)


# --- Units and positions ------------------------------------------------------------------


@login_required
@require_GET
def unit_list(request):
    filters = _filters(request)
    units = selectors.unit_list(
        user=request.user, q=filters["q"], opd=filters["opd"], missing=filters["missing"]
    )
    page = _page(request, selectors.unit_rows(units))
    page.object_list = selectors.units_with_staff(page.object_list)
    return render(
        request,
        "org/unit_list.html",
        _list_context(
            request, page, filters=filters, opd_choices=selectors.opd_choices(request.user)
        ),
    )


@login_required
@require_GET
def position_list(request):
    filters = _filters(request)
    positions = selectors.position_list(
        user=request.user,
        q=filters["q"],
        opd=filters["opd"],
        jenis=filters["jenis"],
        missing=filters["missing"],
    )
    return render(
        request,
        "org/position_list.html",
        _list_context(
            request,
            _page(request, positions),
            filters=filters,
            opd_choices=selectors.opd_choices(request.user),
        ),
    )


@login_required
def position_detail(request, pk):
    if request.method == "POST" and not can_manage(request.user):
        return render(request, "403.html", status=403)  # adding tasks is the admin's
    position, access = object_get_for_user(
        Position.objects.select_related("unit", "unit__opd"), request.user, pk
    )
    form = NormForm()
    status = 200
    if request.method == "POST":
        form = NormForm(request.POST)
        if form.is_valid():
            try:
                services.norm_create(position=position, data=form.cleaned_data, by=request.user)
            except RuleError as exc:
                errors_show(form, exc)
            else:
                messages.success(request, _("The task has been added."))
                return redirect("org:position_detail", pk=position.pk)
        status = 400
    norms = list(position.norms.all())
    return render(
        request,
        "org/position_detail.html",
        {
            "position": position,
            "norms": norms,
            "form": form,
            "can_manage": access.manage,
            "holders": Employee.objects.visible_to(request.user)
            .filter(position=position, is_active=True)
            .order_by("name")[:200],
            "required": selectors.norms_required_fte(norms, selectors.effective_minutes()),
        },
        status=status,
    )


@admin_required
@require_POST
def norm_delete(request, pk):
    norm, _access = object_get_for_user(ActivityNorm.objects, request.user, pk, need="manage")
    position_pk = norm.position_id
    services.norm_delete(norm=norm, by=request.user)
    messages.success(request, _("The task has been removed."))
    return redirect("org:position_detail", pk=position_pk)


# --- Workload (ABK) -----------------------------------------------------------------------


@login_required
def workload(request):
    manage = can_manage(request.user)
    form = None
    status = 200
    if request.method == "POST":
        if not manage:
            return render(request, "403.html", status=403)
        form = EffectiveMinutesForm(request.POST)
        if form.is_valid():
            policy_setting_set(
                key=EFFECTIVE_MINUTES_SETTING, value=form.cleaned_data["minutes"], by=request.user
            )
            messages.success(request, _("Effective working time saved."))
            return redirect("org:workload")
        status = 400
    opd = request.GET.get("opd", "").strip()
    # The admin, who changes it, sees the stored value whichever worker answers; the others
    # may see a change SETTINGS_TTL seconds late (core.config.selectors).
    minutes = selectors.effective_minutes(fresh=manage)
    rows = selectors.workload_by_position(user=request.user, opd=opd, minutes=minutes)
    form = form or EffectiveMinutesForm(initial={"minutes": minutes})
    by_opd = selectors.workload_by_opd(rows)
    return render(
        request,
        "org/workload.html",
        {
            "rows": rows,
            "by_opd": by_opd,
            "form": form,
            "can_manage": manage,
            "scope": scope_description(request.user),
            "effective_minutes": minutes,
            "opd": opd,
            "opd_choices": selectors.opd_choices(request.user),
            "chart": {
                "labels": [row.name for row in by_opd],
                "datasets": [
                    {
                        "label": _("Required (FTE)"),
                        "data": [float(row.required) for row in by_opd],
                    },
                    {"label": _("Holders"), "data": [row.holders for row in by_opd]},
                ],
            },
        },
        status=status,
    )


# --- Excel out; searchable pickers --------------------------------------------------------


@login_required
@require_GET
def export(request, what, fmt):
    headers, rows, name = exports.EXPORTS[what](user=request.user, **_filters(request))
    return table_response(headers, rows, fmt=fmt, name=name)


@login_required
@require_GET
def lookup(request, what):
    """Options for the searchable pickers of the forms, from what the user may see."""
    q = request.GET.get("q", "").strip()[:100]
    if what == "employees":
        compact = "".join(q.split())
        found = (
            Employee.objects.visible_to(request.user)
            .filter(is_active=True)
            .filter(Q(name__icontains=q) | Q(nip__startswith=compact))
            .select_related("position")
            .order_by("name")[:LOOKUP_LIMIT]
        )
        results = [
            {"value": e.nip, "text": f"{e.name} ({e.nip}) — {e.position.name}"} for e in found
        ]
    else:
        model = {"units": Unit, "positions": Position}[what]
        found = (
            model.objects.visible_to(request.user)
            .filter(Q(name__icontains=q) | Q(code__icontains=q))
            .order_by("code")[:LOOKUP_LIMIT]
        )
        results = [{"value": obj.code, "text": f"{obj.name} ({obj.code})"} for obj in found]
    return JsonResponse({"results": results})


# --- Single records (the tenant admin builds the organisation by hand too) ----------------

EDITABLE = {
    "unit": (Unit, services.unit_create, services.unit_update, "org:unit_list"),
    "position": (
        Position,
        services.position_create,
        services.position_update,
        "org:position_detail",
    ),
    "employee": (
        Employee,
        services.employee_create,
        services.employee_update,
        "org:employee_detail",
    ),
}
EDIT_TITLES = {
    ("unit", False): gettext_lazy("New unit"),
    ("unit", True): gettext_lazy("Edit unit"),
    ("position", False): gettext_lazy("New position"),
    ("position", True): gettext_lazy("Edit position"),
    ("employee", False): gettext_lazy("New employee"),
    ("employee", True): gettext_lazy("Edit employee"),
}


@admin_required
def record_edit(request, what, pk=None):
    model, create, update, success = EDITABLE[what]
    form_class = RECORD_FORMS[model]
    instance = None
    if pk:
        instance, _access = object_get_for_user(model.objects, request.user, pk, need="manage")
    kwargs = {"editing": True} if instance and model is Employee else {}
    form = form_class(
        request.POST or None,
        initial=record_initial(instance, form_class) if instance else None,
        **kwargs,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                record = create(data=form.cleaned_data, by=request.user)
            else:
                record = update(**{what: instance}, data=form.cleaned_data, by=request.user)
        except RuleError as exc:
            errors_show(form, exc)
        except OrgError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return (
                redirect(success) if success.endswith("_list") else redirect(success, pk=record.pk)
            )
    return render(
        request,
        "org/record_form.html",
        {"form": form, "title": EDIT_TITLES[(what, bool(pk))], "what": what},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def import_moved(request):
    """The import page is shared by every module now (core.importing)."""
    return redirect("importing:start")
