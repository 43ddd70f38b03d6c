"""Billing's services: subscribing a Pemda to a plan, the monthly invoices, marking one paid or
void (platform staff, audited), and the read-only hold on a Pemda unpaid past the grace period.

Rules (periods, amounts, numbers, grace) are pure functions in tenants.billing_rules.
"""

import logging
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit.actions import action_register
from core.audit.services import audit_record
from tenants import billing_rules as rules
from tenants.billing_models import Invoice, InvoiceStatus, Plan, Subscription, SubscriptionStatus
from tenants.billing_selectors import invoices_past_grace, plans_active  # noqa: F401 (W's use)
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tenants.read_only import UNPAID
from tenants.selectors import pemda_host_cache_clear

INVOICE_ISSUE = action_register("billing.invoice_issue", _("Invoice issued"))
INVOICE_MARK_PAID = action_register("billing.invoice_mark_paid", _("Invoice marked paid"))
INVOICE_VOID = action_register("billing.invoice_void", _("Invoice voided"))
READ_ONLY_SET = action_register("billing.read_only_set", _("Pemda made read-only (unpaid)"))
READ_ONLY_LIFT = action_register("billing.read_only_lift", _("Read-only lifted (paid)"))

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key serialising invoice numbering (one running number per month).
_NUMBERING_LOCK = 0x51_4E_56  # "INV"


class BillingError(Exception):
    """A billing change that is not allowed; the message is for people (Indonesian)."""


def _today() -> date:
    return timezone.localdate()


# --- Subscriptions ------------------------------------------------------------------------


@transaction.atomic
def subscription_start(*, pemda: Pemda, plan: Plan, today: date | None = None) -> Subscription:
    """Subscribe ``pemda`` to ``plan`` from ``today`` with the plan's trial. Repeatable: a
    Pemda that already has a subscription keeps it (a retried launch creates nothing twice)."""
    if not plan.is_active:
        raise BillingError(_("This plan is no longer offered; choose another one."))
    today = today or _today()
    subscription, _created = Subscription.objects.get_or_create(
        pemda=pemda,
        defaults={
            "plan": plan,
            "started_on": today,
            "trial_ends_on": rules.trial_end(today, plan.trial_days),
            "status": SubscriptionStatus.ACTIVE,
        },
    )
    return subscription


# --- Monthly invoices ---------------------------------------------------------------------


def pemda_employee_count(pemda: Pemda) -> int:
    """The Pemda's active employees, counted in its own schema: only the number leaves it."""
    from core.org.models import Employee

    with pemda:
        return Employee.objects.filter(is_active=True).count()


def _invoice_number_next(issued_on: date) -> str:
    """The next running number of the month; the caller's transaction holds the lock until
    it commits, so two runs never take the same number."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_NUMBERING_LOCK])
    prefix = rules.invoice_number_prefix(issued_on)
    last = (
        Invoice.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("/", 1)[1]) + 1 if last else 1
    return rules.invoice_number(issued_on=issued_on, sequence=sequence)


def invoice_create_for_month(
    *, subscription: Subscription, today: date | None = None
) -> Invoice | None:
    """The invoice of the month before ``today`` for one subscription, issued at once; None
    when that month lies within the trial or is already invoiced (so running it again, or
    two runs at once, make one invoice).

    1. The month and its billed days (after the trial) come from the rules.
    2. The employees are counted in the Pemda's schema, outside any public transaction.
    3. The invoice is numbered and created in one transaction; the unique (Pemda, month)
       constraint turns a concurrent second run into "already invoiced".
    """
    today = today or _today()
    month_start, month_end = rules.invoice_month(today)
    period = rules.billable_period(
        month_start=month_start,
        month_end=month_end,
        started_on=subscription.started_on,
        trial_ends_on=subscription.trial_ends_on,
    )
    pemda = subscription.pemda
    if period is None or Invoice.objects.filter(pemda=pemda, period_end=month_end).exists():
        return None
    count = pemda_employee_count(pemda)
    plan = subscription.plan
    try:
        with transaction.atomic():
            return Invoice.objects.create(
                number=_invoice_number_next(today),
                pemda=pemda,
                plan=plan,
                period_start=period[0],
                period_end=period[1],
                employee_count=count,
                unit_price=plan.price_per_employee_month,
                amount=rules.invoice_amount(
                    employee_count=count,
                    price=plan.price_per_employee_month,
                    period_start=period[0],
                    period_end=period[1],
                ),
                status=InvoiceStatus.ISSUED,
                issued_at=timezone.now(),
                due_on=rules.invoice_due_on(issued_on=today, due_days=settings.BILLING_DUE_DAYS),
            )
    except IntegrityError:
        if Invoice.objects.filter(pemda=pemda, period_end=month_end).exists():
            return None  # another run invoiced it first
        raise


def invoices_create_monthly(*, today: date | None = None) -> list[str]:
    """Periodic: last month's invoice for every active, subscribed Pemda that has none yet.
    Returns the numbers created. One Pemda's failure does not stop the others."""
    today = today or _today()
    subscriptions = Subscription.objects.filter(
        status=SubscriptionStatus.ACTIVE,
        pemda__status=PemdaStatus.ACTIVE,
        pemda__is_template=False,
    ).select_related("pemda", "plan")
    created = []
    for subscription in subscriptions:
        try:
            invoice = invoice_create_for_month(subscription=subscription, today=today)
        except Exception:  # the next run tries this Pemda again; the others go on
            logger.exception("Invoicing %s failed", subscription.pemda.slug)
            invoice = None
        finally:
            connection.set_schema_to_public()
        if invoice is not None:
            created.append(invoice.number)
    return created


# --- Staff actions ------------------------------------------------------------------------


def _invoice_move(*, invoice: Invoice, sources, target: str, **fields) -> None:
    """Compare-and-set: only one of two staff clicking at once wins."""
    moved = Invoice.objects.filter(pk=invoice.pk, status__in=sources).update(
        status=target, **fields
    )
    if moved != 1:
        invoice.refresh_from_db()
        raise BillingError(
            _("Invoice %(number)s is %(status)s: this cannot be done to it.")
            % {"number": invoice.number, "status": invoice.get_status_display()}
        )
    before = invoice.status
    invoice.status = target
    for name, value in fields.items():
        setattr(invoice, name, value)
    return before


@transaction.atomic
def invoice_issue(*, invoice: Invoice, by, today: date | None = None) -> Invoice:
    today = today or _today()
    due_on = rules.invoice_due_on(issued_on=today, due_days=settings.BILLING_DUE_DAYS)
    before = _invoice_move(
        invoice=invoice,
        sources=[InvoiceStatus.DRAFT],
        target=InvoiceStatus.ISSUED,
        issued_at=timezone.now(),
        due_on=due_on,
    )
    audit_record(
        action=INVOICE_ISSUE,
        by=by,
        obj=invoice,
        before={"status": before},
        after={"status": invoice.status, "due_on": due_on},
    )
    return invoice


@transaction.atomic
def invoice_mark_paid(*, invoice: Invoice, by, note: str = "") -> Invoice:
    """Record a payment made outside the platform (no gateway); lifts the Pemda's read-only
    hold when no other invoice keeps it."""
    fields = {"paid_at": timezone.now(), "paid_by": by}
    if note.strip():
        fields["note"] = note.strip()
    before = _invoice_move(
        invoice=invoice, sources=[InvoiceStatus.ISSUED], target=InvoiceStatus.PAID, **fields
    )
    audit_record(
        action=INVOICE_MARK_PAID,
        by=by,
        obj=invoice,
        before={"status": before},
        after={"status": invoice.status, "paid_at": invoice.paid_at},
        reason=note,
    )
    pemda_read_only_sync(pemda=invoice.pemda, by=by)
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice, by, note: str = "") -> Invoice:
    """Cancel an invoice that was wrong or is waived; its month is not invoiced again."""
    fields = {"note": note.strip()} if note.strip() else {}
    before = _invoice_move(
        invoice=invoice,
        sources=[InvoiceStatus.DRAFT, InvoiceStatus.ISSUED],
        target=InvoiceStatus.VOID,
        **fields,
    )
    audit_record(
        action=INVOICE_VOID,
        by=by,
        obj=invoice,
        before={"status": before},
        after={"status": invoice.status},
        reason=note,
    )
    pemda_read_only_sync(pemda=invoice.pemda, by=by)
    return invoice


# --- Read-only hold -----------------------------------------------------------------------


def pemda_read_only_sync(*, pemda: Pemda, by=None, today: date | None = None) -> bool:
    """Make ``pemda`` read-only if an invoice is unpaid past the grace period, writable again
    if none is; returns whether it changed. Compare-and-set on the stored reason, audited.

    The Pemda's row is locked before its invoices are read: an hourly refresh and a "mark
    paid" at the same moment then run one after the other, and the later one decides on
    what the earlier one committed (a just-paid Pemda is never put back on hold)."""
    with transaction.atomic():
        Pemda.objects.select_for_update().filter(pk=pemda.pk).exists()
        return _pemda_read_only_sync(pemda=pemda, by=by, today=today)


def _pemda_read_only_sync(*, pemda: Pemda, by, today: date | None) -> bool:
    unpaid = invoices_past_grace(today=today).filter(pemda=pemda).exists()
    target, source = (UNPAID, "") if unpaid else ("", UNPAID)
    changed = Pemda.objects.filter(pk=pemda.pk, read_only_reason=source).update(
        read_only_reason=target
    )
    if not changed:
        return False
    pemda.read_only_reason = target
    audit_record(
        action=READ_ONLY_SET if unpaid else READ_ONLY_LIFT,
        by=by,
        obj=pemda,
        before={"read_only_reason": source},
        after={"read_only_reason": target},
    )
    # This process serves the change at once; the others within PEMDA_HOST_TTL.
    transaction.on_commit(pemda_host_cache_clear)
    return True


def pemdas_read_only_refresh(*, today: date | None = None) -> dict[str, list[str]]:
    """Periodic: hold every Pemda with an invoice unpaid past the grace period, release every
    held one that has none left (a repair: paying releases at once). Never deletes."""
    today = today or _today()
    overdue = set(invoices_past_grace(today=today).values_list("pemda_id", flat=True))
    held = set(Pemda.objects.filter(read_only_reason=UNPAID).values_list("pk", flat=True))
    result = {"held": [], "released": []}
    for pemda in Pemda.objects.filter(pk__in=(overdue - held) | (held - overdue)):
        with transaction.atomic():
            if pemda_read_only_sync(pemda=pemda, today=today):
                result["held" if pemda.read_only_reason else "released"].append(pemda.slug)
    return result
