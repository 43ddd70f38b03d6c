"""The template catalogue on the platform site (/templat/): open to everyone, like a shop
window. It shows configuration and the names of the Pemda that use a template, never a
person's data."""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from onboarding.selectors import template_catalogue, template_preview


@require_GET
def catalogue_list(request):
    return render(
        request,
        "onboarding/catalogue_list.html",
        {"templates": template_catalogue(language=translation.get_language())},
    )


@require_GET
def catalogue_detail(request, name: str):
    preview = template_preview(name, translation.get_language())
    if preview is None:
        raise Http404
    return render(request, "onboarding/catalogue_detail.html", {"preview": preview})
