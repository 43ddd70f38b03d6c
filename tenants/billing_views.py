"""The Pemda's invoices on its own site (/tagihan/): its BKPSDMD admin lists and prints them.
Invoices live in the public schema and are read through the request's Pemda only."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.org.access import can_manage
from tenants.billing_selectors import (
    invoice_get_for_pemda,
    invoice_list_for_pemda,
    invoice_overdue_first,
    subscription_of,
)


def _pemda_or_404(request):
    pemda = getattr(request, "tenant", None)
    if pemda is None or pemda.is_platform:
        raise Http404
    return pemda


@login_required
@require_GET
def invoice_list(request):
    pemda = _pemda_or_404(request)
    if not can_manage(request.user):
        return render(request, "403.html", status=403)
    return render(
        request,
        "billing/invoice_list.html",
        {
            "invoices": list(invoice_list_for_pemda(pemda=pemda)),
            "subscription": subscription_of(pemda=pemda),
            "overdue": invoice_overdue_first(pemda=pemda),
        },
    )


@login_required
@require_GET
def invoice_print(request, pk: int):
    pemda = _pemda_or_404(request)
    if not can_manage(request.user):
        return render(request, "403.html", status=403)
    invoice = invoice_get_for_pemda(pemda=pemda, pk=pk)
    if invoice is None:
        raise Http404
    return render(request, "billing/invoice_print.html", {"invoice": invoice, "pemda": pemda})
