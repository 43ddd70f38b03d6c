"""Refuse requests that carry a NUL character in the query string or form fields.

PostgreSQL cannot store or compare text with NUL, so such a value would reach the
database as an error (a 500). No user types one: answer 400 once, here, for every view.
"""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


def _bad_request(request, message: str):
    """The API answers in JSON, as its schema says; pages in text."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(message)


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            return _bad_request(request, _("The address contains an invalid character."))
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            if any("\x00" in value for values in request.POST.lists() for value in values[1]):
                return _bad_request(request, _("The form contains an invalid character."))
        return self.get_response(request)
