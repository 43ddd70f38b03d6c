"""A Pemda that may not be written to: suspended by platform staff, or unpaid past the grace
period (tenants.billing). Its site stays open for reading; every write is refused, on pages
and in the API alike, except logging in and out, passwords and paying (the invoice pages).

The rule is one pure function, :func:`pemda_write_refusal`; the middleware applies it.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tenants.lifecycle import PemdaStatus

UNPAID = "unpaid"  # Pemda.read_only_reason while an invoice is unpaid past the grace period
SUSPENDED = "suspended"

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Views a read-only Pemda keeps (by URL name, or namespace for a whole section): logging in
# and out, changing or resetting a password, choosing the language, and the invoices.
EXEMPT_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "set_language",
    }
)
EXEMPT_NAMESPACES = frozenset({"billing"})


def pemda_write_refusal(*, status: str, read_only_reason: str) -> str | None:
    """Why nothing may be written to a Pemda (SUSPENDED or UNPAID), or None if it may be.
    A suspension wins: lifting the billing hold alone does not reopen a suspended Pemda."""
    if status == PemdaStatus.SUSPENDED:
        return SUSPENDED
    if read_only_reason:
        return read_only_reason
    return None


def request_is_write(method: str) -> bool:
    return method.upper() not in SAFE_METHODS


def view_is_exempt(*, url_name: str | None, namespaces: list[str]) -> bool:
    return url_name in EXEMPT_URL_NAMES or any(n in EXEMPT_NAMESPACES for n in namespaces)


def refusal_message(reason: str, *, invoice_number: str | None = None) -> str:
    """What the banner and a refused write say: why, and how to fix it."""
    if reason == SUSPENDED:
        return _(
            "This Pemda has been suspended by the platform staff: data can be read but not "
            "changed. Contact the Sinergi staff to reactivate it."
        )
    if reason == UNPAID and invoice_number:
        return _(
            "This Pemda is read-only because invoice %(number)s is unpaid past its grace "
            "period. Pay invoice %(number)s (see Invoices) and changes are possible again."
        ) % {"number": invoice_number}
    return _(
        "This Pemda is read-only because an invoice is unpaid past its grace period. Pay "
        "the overdue invoice (see Invoices) and changes are possible again."
    )


class ReadOnlyState:
    """What the banner shows (``request.pemda_read_only``); the invoice is read lazily, only
    when a page shows the banner."""

    def __init__(self, pemda, reason: str):
        self.pemda, self.reason = pemda, reason
        self._invoice = False

    @property
    def invoice(self):
        if self._invoice is False:
            from tenants.billing_selectors import invoice_overdue_first

            self._invoice = invoice_overdue_first(pemda=self.pemda)
        return self._invoice

    @property
    def message(self) -> str:
        invoice = self.invoice if self.reason == UNPAID else None
        return refusal_message(self.reason, invoice_number=invoice.number if invoice else None)

    @property
    def unpaid(self) -> bool:
        return self.reason == UNPAID


class PemdaReadOnlyMiddleware:
    """Refuse every write to a Pemda that may not be written to (403: JSON in the API, the
    "not allowed" page with the reason elsewhere); mark the request so pages show a banner."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.pemda_read_only = None
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_platform:
            reason = pemda_write_refusal(
                status=tenant.status, read_only_reason=tenant.read_only_reason
            )
            if reason:
                request.pemda_read_only = ReadOnlyState(tenant, reason)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = getattr(request, "pemda_read_only", None)
        if state is None or not request_is_write(request.method):
            return None
        match = request.resolver_match
        if match is not None and view_is_exempt(
            url_name=match.url_name, namespaces=match.namespaces
        ):
            return None
        message = state.message
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": message, "code": f"read_only_{state.reason}"}, status=403
            )
        return render(request, "billing/read_only_refused.html", {"message": message}, status=403)
