from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.org.access import can_manage
from onboarding.adoption import ADOPTION_MIN_GROUP, adoption_progress, is_mentor
from onboarding.publishing import DESCRIPTION_MAX, LABEL_MAX, PublishError, template_publish
from onboarding.selectors import publications_of, template_catalogue
from tenants.selectors import pemda_list_active


def platform_home(request):
    """The platform site: active Pemda, grouped by province, with links to their sites, and
    the templates a new Pemda starts from (here, not in ``tenants``: ``tenants`` never imports
    ``onboarding``)."""
    return render(
        request,
        "tenants/platform_home.html",
        {
            "pemda_list": pemda_list_active(),
            "templates": template_catalogue(language=translation.get_language()),
            # Links from the configuration, never from the Host header (tenants.links).
            "scheme": settings.SITE_SCHEME,
            "port": f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else "",
        },
    )


# --- A Pemda's site: /konfigurasi/ (its admin only) ------------------------------------------


class PublishForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Template name"), max_length=LABEL_MAX)
    description = forms.CharField(
        label=gettext_lazy("What it sets"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Shown in the template catalogue to Pemda that choose a configuration to start from."
        ),
    )


def _forbidden(request):
    return render(request, "403.html", status=403)


def _page(request, form, *, status=200):
    pemda = request.tenant
    return render(
        request,
        "onboarding/adoption_configuration.html",
        {
            "form": form,
            "publications": publications_of(pemda),
            "mentor": is_mentor(pemda),
        },
        status=status,
    )


@login_required
@require_GET
def configuration_page(request):
    """Share the Pemda's configuration: what it published, and a form to publish it again."""
    if not can_manage(request.user):
        return _forbidden(request)
    pemda = request.tenant
    return _page(
        request, PublishForm(initial={"label": _("Model %(name)s") % {"name": pemda.name}})
    )


@login_required
@require_POST
def configuration_publish(request):
    if not can_manage(request.user):
        return _forbidden(request)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        template = template_publish(
            pemda=request.tenant,
            by=request.user,
            label=form.cleaned_data["label"],
            description=form.cleaned_data["description"],
        )
    except PublishError as exc:
        form.add_error(None, str(exc))
        return _page(request, form, status=400)
    messages.success(
        request,
        _("Your configuration is published as the template “%(label)s”.")
        % {"label": template.name},
    )
    return redirect("adoption:home")


@login_required
@require_GET
def adoption_page(request):
    """The mentor's view of its adopters: aggregates only, small groups suppressed."""
    if not can_manage(request.user):
        return _forbidden(request)
    return render(
        request,
        "onboarding/adoption_progress.html",
        {"rows": adoption_progress(request.tenant), "min_group": ADOPTION_MIN_GROUP},
    )
