"""The platform staff's pages at /staf/ on the platform site: every Pemda with its state,
one Pemda's facts and history, and the actions on it (tenants.staff_services)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import schema_exists

from tenants import staff_services
from tenants.staff_forms import PemdaFilterForm, ReasonForm, SchemaDropForm
from tenants.staff_rules import StaffAction, staff_actions_for, staff_may_use
from tenants.staff_selectors import (
    pemda_archive_state,
    pemda_history,
    pemda_staff_get,
    pemda_staff_list,
    pemda_status_counts,
    pemda_subscription,
)

PAGE_SIZE = 50

# The action in the address → (its form, its service, its message once done).
ACTIONS = {
    "tangguhkan": (ReasonForm, staff_services.pemda_suspend, _("%(name)s is suspended.")),
    "aktifkan": (ReasonForm, staff_services.pemda_reactivate, _("%(name)s is active again.")),
    "ulangi": (
        ReasonForm,
        staff_services.pemda_provision_retry,
        _("Provisioning %(name)s again; its status follows on this page."),
    ),
    "arsipkan": (
        ReasonForm,
        staff_services.pemda_archive_request,
        _("Exporting %(name)s; it is archived once the file is checked."),
    ),
    "hapus-data": (
        SchemaDropForm,
        staff_services.pemda_schema_drop,
        _("The data of %(name)s is deleted; its archive file stays."),
    ),
}


def staff_only(view):
    """Platform staff on the platform site only: anonymous → login, other accounts → 403,
    and no such page on a Pemda's site (its URLs do not include these; this is the guard)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        tenant = getattr(request, "tenant", None)
        if tenant is None or not tenant.is_platform:
            raise Http404
        if not staff_may_use(request.user):
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@staff_only
def pemda_list_page(request):
    form = PemdaFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    pemda = pemda_staff_list(status=filters.get("status") or "", q=filters.get("q") or "")
    page = Paginator(pemda, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/list.html",
        {
            "form": form,
            "page": page,
            "counts": pemda_status_counts(),
            "query": query.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _pemda_or_404(pk: int):
    pemda = pemda_staff_get(pk)
    if pemda is None:
        raise Http404
    return pemda


def _detail(request, pemda, *, error: str = "", forms=None, status=200):
    schema_present = schema_exists(pemda.schema_name)
    archive = pemda_archive_state(pemda)
    actions = staff_actions_for(
        status=pemda.status, schema_present=schema_present, archive_exported=archive.exported
    )
    forms = forms or {}
    return render(
        request,
        "staff/detail.html",
        {
            "pemda": pemda,
            "schema_present": schema_present,
            "archive": archive,
            "actions": {action.value for action in actions},
            "reason_form": forms.get("reason") or ReasonForm(),
            "drop_form": forms.get("drop") or SchemaDropForm(),
            "history": pemda_history(pemda),
            "subscription": pemda_subscription(pemda),
            "error": error,
            "Action": StaffAction,
        },
        status=status,
    )


@require_GET
@staff_only
def pemda_detail_page(request, pk: int):
    return _detail(request, _pemda_or_404(pk))


@require_GET
@staff_only
def pemda_archive_fragment(request, pk: int):
    """The archive's state alone, polled by the page while an export is under way."""
    pemda = _pemda_or_404(pk)
    return render(
        request, "staff/_archive.html", {"pemda": pemda, "archive": pemda_archive_state(pemda)}
    )


@require_POST
@staff_only
def pemda_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    pemda = _pemda_or_404(pk)
    form_class, service, done = ACTIONS[action]
    form = form_class(request.POST)
    forms = {"drop" if form_class is SchemaDropForm else "reason": form}
    if not form.is_valid():
        return _detail(request, pemda, forms=forms, status=400)
    arguments = {"pemda": pemda, "by": request.user, "reason": form.cleaned_data["reason"]}
    if form_class is SchemaDropForm:
        arguments["confirmation"] = form.cleaned_data["confirmation"]
    try:
        service(**arguments)
    except staff_services.StaffActionError as exc:
        return _detail(request, _pemda_or_404(pk), error=str(exc), forms=forms, status=400)
    messages.success(request, done % {"name": pemda.name})
    return redirect("staff:detail", pk=pemda.pk)
