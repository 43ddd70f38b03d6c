"""Reading billing. A Pemda's invoices are always read through the Pemda (the request's
tenant on its own site), never by an id alone."""

from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from tenants.billing_models import Invoice, InvoiceStatus, Plan, Subscription
from tenants.models import Pemda

# What a Pemda's admin sees: a draft is the platform's work in progress.
VISIBLE_TO_PEMDA = (InvoiceStatus.ISSUED, InvoiceStatus.PAID, InvoiceStatus.VOID)


def plans_active() -> QuerySet[Plan]:
    """The plans offered to a new Pemda, in their display order."""
    return Plan.objects.filter(is_active=True).order_by("order", "code")


def subscription_of(*, pemda: Pemda) -> Subscription | None:
    return Subscription.objects.select_related("plan").filter(pemda=pemda).first()


def invoice_list_for_pemda(*, pemda: Pemda) -> QuerySet[Invoice]:
    return Invoice.objects.filter(pemda=pemda, status__in=VISIBLE_TO_PEMDA).select_related("plan")


def invoice_get_for_pemda(*, pemda: Pemda, pk: int) -> Invoice | None:
    """The Pemda's own invoice ``pk``, or None (another Pemda's invoice is never found)."""
    return invoice_list_for_pemda(pemda=pemda).filter(pk=pk).first()


def invoices_past_grace(*, today: date | None = None) -> QuerySet[Invoice]:
    """Issued invoices still unpaid more than BILLING_GRACE_DAYS after their due date
    (the query form of tenants.billing_rules.invoice_past_grace)."""
    today = today or timezone.localdate()
    cutoff = date.fromordinal(today.toordinal() - settings.BILLING_GRACE_DAYS)
    return Invoice.objects.filter(status=InvoiceStatus.ISSUED, due_on__lt=cutoff)


def invoice_overdue_first(*, pemda: Pemda, today: date | None = None) -> Invoice | None:
    """The oldest of the Pemda's invoices that keep it read-only (the banner names it)."""
    return invoices_past_grace(today=today).filter(pemda=pemda).order_by("due_on", "number").first()
