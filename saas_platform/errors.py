"""Error pages: the API answers in JSON (as its schema says), pages in HTML; a database
that cannot be reached is a 503 "briefly unavailable" (saas_platform.outage), wherever the
error was raised — a view, or a middleware after it (saving the session)."""

import sys

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from django.views.defaults import server_error as html_server_error

from saas_platform.outage import is_connection_failure, outage_response


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)


def server_error(request):
    """Django calls this while handling the uncaught exception: it is in sys.exc_info()."""
    exc = sys.exc_info()[1]
    if exc is not None and is_connection_failure(exc):
        return outage_response(request, exc)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Something went wrong on our side.")}, status=500)
    return html_server_error(request)
