"""Refuse, before any view, requests too large to be real and those that carry a NUL
character in the query string or form fields.

PostgreSQL cannot store or compare text with NUL, so such a value would reach the
database as an error (a 500). No user types one: answer 400 once, here, for every view.
The largest thing anyone sends is an import file of at most 25 MB
(core.importing.forms.MAX_UPLOAD_BYTES); a body announced as larger is refused before it is
read, instead of being spooled to disk first.
"""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

MAX_REQUEST_BYTES = 26 * 1024 * 1024  # a 25 MB file and the form around it


def _bad_request(request, message: str, status: int = 400):
    """The API answers in JSON, as its schema says; pages in text."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status)


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST_BYTES:
            return _bad_request(
                request,
                _("The request is larger than %(size)s MB; send a smaller file.")
                % {"size": MAX_REQUEST_BYTES // (1024 * 1024) - 1},
                status=413,
            )
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
