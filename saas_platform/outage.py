"""A database that cannot be reached: 503 "briefly unavailable", never the 500 page.

When PostgreSQL is down (stopped, restarting, out of connections) every page fails on its
first query. That is not a fault of the page: the API answers JSON with a ``detail`` (as
its schema says), pages a short page that says the service is briefly unavailable, both
with ``Retry-After``. Nothing is kept between requests, so the site is back by itself on
the first request after the database is: Django opens a new connection for it (and the
host-routing middleware, which queries before any view, answers the same way).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds: a restart of PostgreSQL takes a few
# SQLSTATEs of a server that is going away or not accepting connections yet (class 08 is
# "connection exception"); other operational errors (a deadlock, a statement timeout) are
# faults of one request and stay 500.
SERVER_UNAVAILABLE = {"57P01", "57P02", "57P03"}


def is_connection_failure(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached, as opposed to a failed query."""
    if isinstance(exc, InterfaceError):  # the connection is already closed
        return True
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.__cause__, "pgcode", None)
    # No SQLSTATE: the driver could not connect, or lost the connection mid-way.
    return code is None or code.startswith("08") or code in SERVER_UNAVAILABLE


def _language(request) -> str:
    """The language the page would have had (``saas_platform.language``): the one chosen
    with the language menu, else Indonesian; API clients say theirs in Accept-Language.
    Worked out here too, because the failure may come before that middleware ran."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in {code for code, _name in settings.LANGUAGES}:
        return chosen
    if request.path.startswith("/api/"):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


def outage_response(request, exc: BaseException | None = None) -> HttpResponse:
    """503 for a request that found the database unreachable: JSON for the API, a page
    otherwise. Rendered without the request's context processors, which would query."""
    logger.warning(
        "Database unavailable: %s %s answered 503 (%s: %s)",
        request.method,
        request.path,
        type(exc).__name__ if exc else "-",
        str(exc).strip().splitlines()[0] if exc and str(exc).strip() else "",
    )
    with translation.override(_language(request)):
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": _("The service is briefly unavailable. Try again in a moment.")},
                status=503,
            )
        else:
            html = loader.get_template("503.html").render(
                {
                    "LANGUAGE_CODE": translation.get_language(),
                    "retry_after": RETRY_AFTER,
                    "reload": request.method in ("GET", "HEAD"),
                }
            )
            response = HttpResponse(html, status=503)
        response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Answer 503 instead of 500 when a view (or the page it renders) cannot reach the
    database. The host-routing middleware handles its own query (it runs before any view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_connection_failure(exception):
            return outage_response(request, exception)
        return None
