"""Pages of the organisation and its people. Every view scopes its rows with
``visible_to(request.user)``; every write is for the tenant admin only."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.config.models import PolicySetting
from core.org import exports, selectors
from core.org.forms import (
    AtasanForm,
    EffectiveMinutesForm,
    EmployeeFilterForm,
    EmployeeForm,
    ImportForm,
    NormForm,
    PositionForm,
    RoleForm,
    UnitForm,
)
from core.org.importing import KIND_LABELS, KINDS, SPECS
from core.org.imports import import_job_create, import_job_rerun_good_rows
from core.org.models import ActivityNorm, Employee, ImportJob, Position, Unit
from core.org.querysets import can_manage_org
from core.org.services import (
    OrgError,
    account_role_set,
    atasan_override_set,
    employee_save,
    position_save,
    unit_save,
)
from core.org.tabular import write_xlsx
from core.org.workload import EFFECTIVE_MINUTES_SETTING

PAGE_SIZE = 50


def admin_required(view):
    """Writes and imports are for the tenant admin (BKPSDMD); others get a clear 403 page."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_manage_org(request.user):
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _filters(request) -> dict:
    return {
        key: request.GET.get(key, "").strip() for key in ("q", "opd", "unit", "status", "jenis")
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
    )
    return render(
        request,
        "org/employee_list.html",
        {
            "page": _page(request, employees),
            "form": form,
            "query": request.GET.urlencode(),
            "can_manage": can_manage_org(request.user),
        },
    )


@login_required
@require_GET
def employee_detail(request, pk):
    employee = get_object_or_404(Employee.objects.visible_to(request.user), pk=pk)
    return _employee_page(request, employee)


def _employee_page(request, employee, *, atasan_form=None, status=200):
    """The employee's page; after a refused atasan change, with that form and its errors."""
    employee = Employee.objects.select_related(
        "position", "unit", "unit__opd", "derived_atasan", "atasan_override", "user"
    ).get(pk=employee.pk)
    can_manage = can_manage_org(request.user)
    role_form = None
    if can_manage and employee.user:
        user = employee.user
        role_form = RoleForm(initial={"role": user.role if user.role_set_by_hand else ""})
    return render(
        request,
        "org/employee_detail.html",
        {
            "employee": employee,
            "can_manage": can_manage,
            "changes": employee.atasan_changes.select_related("previous", "new", "changed_by")[:20]
            if can_manage
            else (),
            "appraisees": Employee.objects.visible_to(request.user)
            .appraised_by(employee)
            .filter(is_active=True)
            .select_related("position")
            .order_by("name")[:100],
            "atasan_form": (atasan_form or AtasanForm()) if can_manage else None,
            "role_form": role_form,
        },
        status=status,
    )


@admin_required
@require_POST
def employee_atasan(request, pk):
    employee = get_object_or_404(
        Employee.objects.select_related("derived_atasan", "atasan_override"), pk=pk
    )
    form = AtasanForm(request.POST)
    if form.is_valid():
        nip = "".join(form.cleaned_data["atasan_nip"].split())
        atasan = Employee.objects.filter(nip=nip).first() if nip else None
        if nip and atasan is None:
            form.add_error(
                "atasan_nip", _("No employee of this Pemda has NIP %(nip)s.") % {"nip": nip}
            )
        else:
            try:
                atasan_override_set(
                    employee=employee,
                    atasan=atasan,
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
    return _employee_page(request, employee, atasan_form=form, status=400)


# --- Units and positions ------------------------------------------------------------------


@login_required
@require_GET
def unit_list(request):
    filters = _filters(request)
    units = selectors.unit_list(user=request.user, q=filters["q"], opd=filters["opd"])
    return render(
        request,
        "org/unit_list.html",
        {
            "page": _page(request, units),
            "filters": filters,
            "query": request.GET.urlencode(),
            "opd_choices": selectors.opd_choices(request.user),
            "can_manage": can_manage_org(request.user),
        },
    )


@login_required
@require_GET
def position_list(request):
    filters = _filters(request)
    positions = selectors.position_list(
        user=request.user, q=filters["q"], opd=filters["opd"], jenis=filters["jenis"]
    )
    return render(
        request,
        "org/position_list.html",
        {
            "page": _page(request, positions),
            "filters": filters,
            "query": request.GET.urlencode(),
            "opd_choices": selectors.opd_choices(request.user),
            "can_manage": can_manage_org(request.user),
        },
    )


@login_required
def position_detail(request, pk):
    position = get_object_or_404(
        Position.objects.visible_to(request.user).select_related("unit", "unit__opd"), pk=pk
    )
    can_manage = can_manage_org(request.user)
    form = NormForm()
    status = 200
    if request.method == "POST":
        if not can_manage:
            return render(request, "403.html", status=403)
        form = NormForm(request.POST, instance=ActivityNorm(position=position))
        if form.is_valid():
            form.save()
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
            "can_manage": can_manage,
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
    norm = get_object_or_404(ActivityNorm, pk=pk)
    position_pk = norm.position_id
    norm.delete()
    messages.success(request, _("The task has been removed."))
    return redirect("org:position_detail", pk=position_pk)


# --- Workload (ABK) -----------------------------------------------------------------------


@login_required
def workload(request):
    can_manage = can_manage_org(request.user)
    form = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            return render(request, "403.html", status=403)
        form = EffectiveMinutesForm(request.POST)
        if form.is_valid():
            PolicySetting.objects.update_or_create(
                key=EFFECTIVE_MINUTES_SETTING, defaults={"value": form.cleaned_data["minutes"]}
            )
            messages.success(request, _("Effective working time saved."))
            return redirect("org:workload")
        status = 400
    opd = request.GET.get("opd", "").strip()
    minutes = selectors.effective_minutes()
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
            "can_manage": can_manage,
            "effective_minutes": minutes,
            "opd": opd,
            "opd_choices": selectors.opd_choices(request.user),
            "chart": {
                "labels": [row.name for row in by_opd],
                "required": [float(row.required) for row in by_opd],
                "holders": [row.holders for row in by_opd],
            },
        },
        status=status,
    )


# --- Excel in and out ---------------------------------------------------------------------


@login_required
@require_GET
def export(request, what, fmt):
    filters = _filters(request)
    headers, rows, name = exports.EXPORTS[what](user=request.user, **filters)
    data = exports.render(headers, rows, fmt)
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@admin_required
def import_start(request):
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            with transaction.atomic():
                job = import_job_create(
                    kind=form.cleaned_data["kind"],
                    filename=upload.name,
                    data=upload.read(),
                    by=request.user,
                    good_rows_only=form.cleaned_data["good_rows_only"],
                )
            return redirect("org:import_job", pk=job.pk)
    return render(
        request,
        "org/import.html",
        {
            "form": form,
            "kinds": [(kind, KIND_LABELS[kind], [c.header for c in SPECS[kind]]) for kind in KINDS],
            "jobs": ImportJob.objects.select_related("created_by")[:10],
        },
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_GET
def import_template(request, kind):
    if kind not in KINDS:
        return render(request, "404.html", status=404)
    data = write_xlsx([column.header for column in SPECS[kind]], exports.TEMPLATE_EXAMPLES[kind])
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.xlsx"'
    return response


@admin_required
@require_GET
def import_job(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    template = (
        "org/_import_progress.html" if request.headers.get("HX-Request") else "org/import_job.html"
    )
    return render(request, template, {"job": job, "report": job.report})


@admin_required
@require_POST
def import_good_rows(request, pk):
    job = get_object_or_404(ImportJob, pk=pk)
    with transaction.atomic():
        new_job = import_job_rerun_good_rows(job=job, by=request.user)
    return redirect("org:import_job", pk=new_job.pk)


# --- Single records (the tenant admin builds the organisation by hand too) ----------------

EDITABLE = {
    "unit": (Unit, UnitForm, unit_save, "unit", "org:unit_list"),
    "position": (Position, PositionForm, position_save, "position", "org:position_detail"),
    "employee": (Employee, EmployeeForm, employee_save, "employee", "org:employee_detail"),
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
    model, form_class, save, keyword, success = EDITABLE[what]
    instance = get_object_or_404(model, pk=pk) if pk else model()
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            record = save(**{keyword: form.save(commit=False)})
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
        {
            "form": form,
            "title": EDIT_TITLES[(what, bool(pk))],
            "what": what,
        },
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_POST
def employee_password_setup(request, pk):
    """Email the employee a link to set their password (sent by the worker, in this Pemda)."""
    from core.accounts.tasks import account_password_setup_send_task

    employee = get_object_or_404(Employee.objects.select_related("user"), pk=pk)
    if employee.user is None or not employee.email:
        messages.error(request, _("This employee has no email address: add one first."))
    else:
        user_id, domain = employee.user_id, request.get_host()
        transaction.on_commit(lambda: account_password_setup_send_task.delay(user_id, domain))
        messages.success(
            request,
            _("A link to set a password will be sent to %(email)s.") % {"email": employee.email},
        )
    return redirect("org:employee_detail", pk=employee.pk)


@admin_required
@require_POST
def employee_role(request, pk):
    employee = get_object_or_404(Employee.objects.select_related("user"), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
    else:
        try:
            account_role_set(employee=employee, role=form.cleaned_data["role"], by=request.user)
        except OrgError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The role of %(name)s has been saved.") % {"name": employee.name}
            )
    return redirect("org:employee_detail", pk=employee.pk)
