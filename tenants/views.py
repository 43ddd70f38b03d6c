from django.shortcuts import render

from tenants.selectors import pemda_list_active, template_list


def platform_home(request):
    """The platform site: active Pemda, grouped by province, with links to their sites."""
    host = request.get_host()
    port = f":{host.rsplit(':', 1)[1]}" if ":" in host else ""
    return render(
        request,
        "tenants/platform_home.html",
        {
            "pemda_list": pemda_list_active(),
            "templates": template_list(),
            "scheme": request.scheme,
            "port": port,
        },
    )
