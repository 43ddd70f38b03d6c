"""The import page, shared by every module: pick what the file holds, upload, follow the
job; download the template files. Each kind is offered to the users its importer allows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.importing.engine import importers_for
from core.importing.exports import import_template_response
from core.importing.forms import ImportForm
from core.importing.models import ImportJob
from core.importing.services import import_job_create, import_job_rerun_good_rows
from core.org.access import object_get_for_user

ERRORS_PER_PAGE = 100  # a report keeps up to 1,000 (core.importing.report)


def _forbidden(request):
    return render(request, "403.html", status=403)


def _job_get(request, pk):
    """The job, for someone who may import (403 for anyone else: there is nothing for them
    here), and only if its kind is one they may import (404 otherwise)."""
    if not importers_for(request.user):
        return None
    job, _access = object_get_for_user(ImportJob.objects, request.user, pk)
    return job


@login_required
def import_start(request):
    importers = importers_for(request.user)
    if not importers:
        return _forbidden(request)
    form = ImportForm(request.POST or None, request.FILES or None, importers=importers)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with transaction.atomic():
            job = import_job_create(
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                data=upload.read(),
                by=request.user,
                good_rows_only=form.cleaned_data["good_rows_only"],
            )
        return redirect("importing:job", pk=job.pk)
    # Only the fields the list shows: a job's report can be large.
    jobs = (
        ImportJob.objects.visible_to(request.user)
        .select_related("created_by")
        .only("id", "kind", "filename", "status", "created_at", "created_by")[:10]
    )
    return render(
        request,
        "importing/start.html",
        {"form": form, "importers": importers, "jobs": jobs},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def import_template(request, kind):
    if not importers_for(request.user):
        return _forbidden(request)
    importer = next((i for i in importers_for(request.user) if i.kind == kind), None)
    if importer is None:
        return render(request, "404.html", status=404)
    return import_template_response(importer)


@login_required
@require_GET
def import_job(request, pk):
    job = _job_get(request, pk)
    if job is None:
        return _forbidden(request)
    template = (
        "importing/_progress.html" if request.headers.get("HX-Request") else "importing/job.html"
    )
    report = job.report or {}
    errors = Paginator(report.get("errors", []), ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, template, {"job": job, "report": report, "errors": errors})


@login_required
@require_POST
def import_good_rows(request, pk):
    job = _job_get(request, pk)
    if job is None:
        return _forbidden(request)
    with transaction.atomic():
        new_job = import_job_rerun_good_rows(job=job, by=request.user)
    return redirect("importing:job", pk=new_job.pk)
