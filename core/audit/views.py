"""Riwayat perubahan: the Pemda's audit trail for its admins, filtered and exported."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.audit.forms import AuditFilterForm
from core.audit.selectors import audit_list
from core.importing.exports import table_response
from core.org.access import can_manage

PAGE_SIZE = 50
EXPORT_HEADERS = [
    "Waktu",
    "Oleh",
    "Perubahan",
    "Jenis Data",
    "Data",
    "Sebelum",
    "Sesudah",
    "Alasan",
]


def _events(request):
    """The filter form and the events it selects (none when a filter is wrong)."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, audit_list().none()
    filters = form.cleaned_data if form.is_bound else {}
    events = audit_list(
        actor=filters.get("actor"),
        action=filters.get("action") or "",
        since=filters.get("since"),
        until=filters.get("until"),
        q=filters.get("q") or "",
    )
    return form, events


@login_required
@require_GET
def audit_page(request):
    if not can_manage(request.user):
        return render(request, "403.html", status=403)
    form, events = _events(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "query": request.GET.urlencode()},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


@login_required
@require_GET
def audit_export(request, fmt):
    if not can_manage(request.user):
        return render(request, "403.html", status=403)
    form, events = _events(request)
    if form.is_bound and not form.is_valid():  # never the whole trail for a bad filter
        page = Paginator(events.none(), PAGE_SIZE).get_page(1)
        return render(
            request,
            "audit/list.html",
            {"form": form, "page": page, "query": request.GET.urlencode()},
            status=400,
        )
    rows = (
        [
            timezone.localtime(event.at).replace(tzinfo=None),
            event.actor_name,
            event.action_label,
            event.object_type,
            event.object_repr,
            _json(event.before),
            _json(event.after),
            event.reason,
        ]
        for event in events.iterator(chunk_size=2000)
    )
    return table_response(EXPORT_HEADERS, rows, fmt=fmt, name="riwayat-perubahan")
