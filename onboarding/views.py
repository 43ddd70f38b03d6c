from django.conf import settings
from django.shortcuts import render
from django.utils import translation

from onboarding.selectors import template_catalogue
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
