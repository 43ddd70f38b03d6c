"""Billing's services: subscribing, the monthly invoices, staff marking paid or void, and the
read-only hold of a Pemda unpaid past the grace period."""

from datetime import date, timedelta

import pytest
from django.db import connection
from djmoney.money import Money

from core.audit.models import AuditEvent
from tenants import billing
from tenants.billing_models import Invoice, InvoiceStatus, Plan, Subscription
from tenants.billing_selectors import plans_active
from tenants.billing_tasks import invoices_create_monthly_task, pemdas_read_only_refresh_task
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tenants.read_only import UNPAID

pytestmark = pytest.mark.django_db

DEC_1 = date(2026, 12, 1)


@pytest.fixture
def standar():
    return Plan.objects.get(code="standar")


@pytest.fixture
def subscribed(org, standar):
    """Kota Surabaya (its personas' organisation) on Standar, trial over before November."""
    billing.subscription_start(pemda=org, plan=standar, today=date(2026, 9, 1))
    return org


def employees_of(pemda) -> int:
    from core.org.models import Employee

    with pemda:
        return Employee.objects.filter(is_active=True).count()


def test_three_plans_are_offered_in_order_with_a_30_day_trial():
    plans = list(plans_active())
    assert [p.name for p in plans] == ["Dasar", "Standar", "Lengkap"]
    assert all(
        p.trial_days == 30 and p.price_per_employee_month.currency.code == "IDR" for p in plans
    )
    assert plans[0].price_per_employee_month < plans[1].price_per_employee_month


def test_subscribing_starts_the_trial_and_a_second_call_changes_nothing(surabaya, standar):
    first = billing.subscription_start(pemda=surabaya, plan=standar, today=date(2026, 12, 10))
    assert (first.started_on, first.trial_ends_on) == (date(2026, 12, 10), date(2027, 1, 8))
    again = billing.subscription_start(
        pemda=surabaya, plan=Plan.objects.get(code="dasar"), today=date(2026, 12, 11)
    )
    assert again.pk == first.pk and again.plan == standar
    assert Subscription.objects.filter(pemda=surabaya).count() == 1


def test_a_plan_no_longer_offered_cannot_be_chosen(surabaya, standar):
    Plan.objects.filter(pk=standar.pk).update(is_active=False)
    standar.refresh_from_db()
    with pytest.raises(billing.BillingError):
        billing.subscription_start(pemda=surabaya, plan=standar)
    assert not Subscription.objects.filter(pemda=surabaya).exists()


def test_the_monthly_invoice_counts_the_employees_in_the_pemda_schema(subscribed, standar):
    count = employees_of(subscribed)
    assert count > 0
    numbers = billing.invoices_create_monthly(today=DEC_1)
    invoice = Invoice.objects.get(pemda=subscribed)
    assert numbers == [invoice.number] == ["INV/2026/12/0001"]
    assert (invoice.period_start, invoice.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert invoice.employee_count == count
    assert invoice.amount == Money(count * 5000, "IDR")
    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.due_on == DEC_1 + timedelta(days=14)
    assert connection.schema_name == "public"


def test_running_the_monthly_task_twice_makes_one_invoice(subscribed):
    billing.invoices_create_monthly(today=DEC_1)
    assert billing.invoices_create_monthly(today=date(2026, 12, 2)) == []
    assert Invoice.objects.filter(pemda=subscribed).count() == 1


def test_the_next_month_gets_the_next_number(subscribed, jambi, standar):
    billing.subscription_start(pemda=jambi, plan=standar, today=date(2026, 9, 1))
    numbers = billing.invoices_create_monthly(today=DEC_1)
    assert sorted(numbers) == ["INV/2026/12/0001", "INV/2026/12/0002"]
    assert billing.invoices_create_monthly(today=date(2027, 1, 1)) != []
    assert Invoice.objects.filter(number__startswith="INV/2027/01/").count() == 2


def test_no_invoice_while_the_trial_covers_the_month(surabaya, standar):
    billing.subscription_start(pemda=surabaya, plan=standar, today=date(2026, 11, 1))
    assert billing.invoices_create_monthly(today=DEC_1) == []  # trial to 30 November


def test_the_month_the_trial_ends_is_billed_for_the_days_after_it(org, standar):
    billing.subscription_start(pemda=org, plan=standar, today=date(2026, 10, 16))  # to 14 Nov
    billing.invoices_create_monthly(today=DEC_1)
    invoice = Invoice.objects.get(pemda=org)
    assert invoice.period_start == date(2026, 11, 15)
    assert invoice.amount == Money(round(invoice.employee_count * 5000 * 16 / 30), "IDR")


@pytest.mark.parametrize("status", [PemdaStatus.SUSPENDED, PemdaStatus.ARCHIVED])
def test_a_pemda_that_is_not_active_is_not_invoiced(subscribed, status):
    Pemda.objects.filter(pk=subscribed.pk).update(status=status)
    assert billing.invoices_create_monthly(today=DEC_1) == []


def test_one_pemda_failing_does_not_stop_the_others(subscribed, jambi, standar, monkeypatch):
    billing.subscription_start(pemda=jambi, plan=standar, today=date(2026, 9, 1))
    count = billing.pemda_employee_count

    def broken_for_surabaya(pemda):
        if pemda.slug == "surabaya":
            raise RuntimeError("schema unreadable")
        return count(pemda)

    monkeypatch.setattr(billing, "pemda_employee_count", broken_for_surabaya)
    assert billing.invoices_create_monthly(today=DEC_1) == ["INV/2026/12/0001"]
    assert Invoice.objects.get().pemda == jambi
    assert connection.schema_name == "public"


def test_the_periodic_task_runs_the_service(subscribed, monkeypatch):
    monkeypatch.setattr(billing, "_today", lambda: DEC_1)
    assert invoices_create_monthly_task() == ["INV/2026/12/0001"]
    assert invoices_create_monthly_task() == []


@pytest.fixture
def invoice(subscribed):
    billing.invoices_create_monthly(today=DEC_1)
    return Invoice.objects.get(pemda=subscribed)


def test_staff_mark_an_invoice_paid_and_the_trail_says_who(invoice, staff):
    billing.invoice_mark_paid(invoice=invoice, by=staff, note="Transfer BPD 12/12")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_by == staff
    assert invoice.note == "Transfer BPD 12/12"
    event = AuditEvent.objects.get(action=billing.INVOICE_MARK_PAID)
    assert event.actor == staff and event.object_repr == invoice.number
    assert (event.before, event.after["status"]) == ({"status": "issued"}, "paid")


def test_a_paid_invoice_cannot_be_paid_again_or_voided(invoice, staff):
    billing.invoice_mark_paid(invoice=invoice, by=staff)
    for service in (billing.invoice_mark_paid, billing.invoice_void):
        with pytest.raises(billing.BillingError):
            service(invoice=Invoice.objects.get(pk=invoice.pk), by=staff)
    assert AuditEvent.objects.filter(object_id=str(invoice.pk)).count() == 1


def test_a_voided_invoice_is_not_made_again_next_run(invoice, staff):
    billing.invoice_void(invoice=invoice, by=staff, note="Salah hitung")
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.VOID
    assert billing.invoices_create_monthly(today=date(2026, 12, 5)) == []
    assert AuditEvent.objects.filter(action=billing.INVOICE_VOID, reason="Salah hitung").exists()


def test_a_draft_is_issued_with_a_due_date(invoice, staff):
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.DRAFT, due_on=None)
    draft = Invoice.objects.get(pk=invoice.pk)
    billing.invoice_issue(invoice=draft, by=staff, today=date(2026, 12, 3))
    assert draft.status == InvoiceStatus.ISSUED and draft.due_on == date(2026, 12, 17)


# --- The read-only hold -------------------------------------------------------------------

PAST_GRACE = DEC_1 + timedelta(days=14 + 14 + 1)  # due 15 Dec, grace to 29 Dec


def test_unpaid_through_the_grace_period_the_pemda_stays_writable(invoice):
    result = billing.pemdas_read_only_refresh(today=PAST_GRACE - timedelta(days=1))
    assert result == {"held": [], "released": []}
    assert Pemda.objects.get(pk=invoice.pemda_id).read_only_reason == ""


def test_unpaid_past_the_grace_period_the_pemda_becomes_read_only_never_deleted(invoice):
    assert billing.pemdas_read_only_refresh(today=PAST_GRACE) == {
        "held": ["surabaya"],
        "released": [],
    }
    pemda = Pemda.objects.get(pk=invoice.pemda_id)
    assert pemda.read_only_reason == UNPAID and pemda.status == PemdaStatus.ACTIVE
    assert AuditEvent.objects.filter(action=billing.READ_ONLY_SET).count() == 1
    # a second run changes nothing
    assert billing.pemdas_read_only_refresh(today=PAST_GRACE) == {"held": [], "released": []}


def test_paying_lifts_the_hold_at_once(invoice, staff, monkeypatch):
    billing.pemdas_read_only_refresh(today=PAST_GRACE)
    monkeypatch.setattr(billing, "_today", lambda: PAST_GRACE)
    billing.invoice_mark_paid(invoice=invoice, by=staff)
    assert Pemda.objects.get(pk=invoice.pemda_id).read_only_reason == ""
    assert AuditEvent.objects.filter(action=billing.READ_ONLY_LIFT, actor=staff).exists()


def test_paying_one_of_two_overdue_invoices_keeps_the_hold(invoice, staff):
    billing.invoices_create_monthly(today=date(2027, 1, 1))
    later = date(2027, 1, 1) + timedelta(days=30)
    billing.pemdas_read_only_refresh(today=later)
    billing.invoice_mark_paid(invoice=invoice, by=staff)
    billing.pemda_read_only_sync(pemda=invoice.pemda, today=later)
    assert Pemda.objects.get(pk=invoice.pemda_id).read_only_reason == UNPAID


def test_the_periodic_check_releases_a_pemda_whose_invoice_was_voided(invoice, staff):
    billing.pemdas_read_only_refresh(today=PAST_GRACE)
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.VOID)  # e.g. by hand
    assert billing.pemdas_read_only_refresh(today=PAST_GRACE)["released"] == ["surabaya"]


def test_the_read_only_task_runs_the_service(invoice, monkeypatch):
    monkeypatch.setattr(billing, "_today", lambda: PAST_GRACE)
    monkeypatch.setattr("tenants.billing_selectors.timezone.localdate", lambda: PAST_GRACE)
    assert pemdas_read_only_refresh_task()["held"] == ["surabaya"]
