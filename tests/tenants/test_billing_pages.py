"""The Pemda admin's invoices (/tagihan/ on its own site) and staff's actions in the
platform's admin; who may see and do what."""

from datetime import date

import pytest
from django.test import Client

from core.accounts.models import Role, User
from core.audit.models import AuditEvent
from tenants import billing
from tenants.billing_models import Invoice, InvoiceStatus, Plan
from tests.conftest import JAMBI_PASSWORD, client_for, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(org):
    billing.subscription_start(
        pemda=org, plan=Plan.objects.get(code="lengkap"), today=date(2026, 1, 1)
    )
    billing.invoices_create_monthly(today=date(2026, 12, 1))
    return Invoice.objects.get(pemda=org)


@pytest.fixture
def jambi_invoice(jambi):
    billing.subscription_start(
        pemda=jambi, plan=Plan.objects.get(code="dasar"), today=date(2026, 1, 1)
    )
    billing.invoices_create_monthly(today=date(2026, 12, 1))
    return Invoice.objects.get(pemda=jambi)


def test_the_admin_sees_the_pemda_invoices_with_amounts_in_rupiah(people, invoice):
    page = people["admin"].get("/tagihan/").content.decode()
    assert invoice.number in page
    amount = f"Rp {int(invoice.amount.amount):,}".replace(",", ".")
    assert amount in page and "Lengkap" in page


def test_the_admin_prints_an_invoice_on_an_a4_sheet(people, invoice):
    response = people["admin"].get(f"/tagihan/{invoice.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert invoice.number in page and "Kota Surabaya" in page
    assert "billing-print.css" in page and "<script>" not in page and "style=" not in page
    assert f"Rp {int(invoice.amount.amount):,}".replace(",", ".") in page


def test_a_draft_is_not_shown_to_the_pemda(people, invoice):
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.DRAFT)
    assert invoice.number not in people["admin"].get("/tagihan/").content.decode()
    assert people["admin"].get(f"/tagihan/{invoice.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["mayor", "head", "kabid", "employee"])
def test_nobody_but_the_admin_sees_the_invoices(people, invoice, persona):
    assert people[persona].get("/tagihan/").status_code == 403
    assert people[persona].get(f"/tagihan/{invoice.pk}/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(people, invoice):
    for url in ("/tagihan/", f"/tagihan/{invoice.pk}/"):
        response = people["anonymous"].get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_pemda_invoice_is_never_found(people, invoice, jambi_invoice):
    assert jambi_invoice.number not in people["admin"].get("/tagihan/").content.decode()
    assert people["admin"].get(f"/tagihan/{jambi_invoice.pk}/").status_code == 404


def test_the_other_pemda_admin_sees_only_its_own(jambi, invoice, jambi_invoice):
    client = client_for(jambi)
    assert login(client, "admin", JAMBI_PASSWORD).status_code == 302
    page = client.get("/tagihan/").content.decode()
    assert jambi_invoice.number in page and invoice.number not in page
    assert client.get(f"/tagihan/{invoice.pk}/").status_code == 404


def test_the_platform_site_has_no_invoice_pages(platform_client):
    assert platform_client.get("/tagihan/").status_code == 404


def test_the_invoice_pages_are_read_only(people, invoice):
    assert people["admin"].post("/tagihan/").status_code == 405
    assert people["admin"].post(f"/tagihan/{invoice.pk}/").status_code == 405


# --- Staff in the platform's admin --------------------------------------------------------


def admin_action(client, action, *invoices):
    return client.post(
        "/admin/tenants/invoice/",
        {"action": action, "_selected_action": [i.pk for i in invoices]},
        follow=True,
    )


def test_staff_mark_an_invoice_paid_in_the_admin_audited(superuser_client, invoice):
    assert superuser_client.get("/admin/tenants/invoice/").status_code == 200
    response = admin_action(superuser_client, "mark_paid", invoice)
    assert response.status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_by.username == "staf"
    assert AuditEvent.objects.filter(
        action=billing.INVOICE_MARK_PAID, actor__username="staf"
    ).exists()


def test_a_second_mark_paid_says_why_and_changes_nothing(superuser_client, invoice):
    admin_action(superuser_client, "mark_paid", invoice)
    response = admin_action(superuser_client, "void", invoice)
    assert response.status_code == 200
    assert invoice.number in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID


def test_staff_void_an_invoice(superuser_client, invoice):
    admin_action(superuser_client, "void", invoice)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.VOID


def test_staff_cannot_add_or_delete_invoices(superuser_client, invoice):
    assert superuser_client.get("/admin/tenants/invoice/add/").status_code == 403
    assert superuser_client.get(f"/admin/tenants/invoice/{invoice.pk}/delete/").status_code == 403


def test_a_platform_account_that_is_not_staff_cannot_mark_paid(invoice):
    User.objects.create_user("pemohon", password="sandi-pemohon-1", role=Role.PROVINCIAL_ADMIN)
    client = Client(HTTP_HOST="localhost")
    assert client.login(username="pemohon", password="sandi-pemohon-1")
    response = admin_action(client, "mark_paid", invoice)
    assert response.redirect_chain and "/admin/login/" in response.redirect_chain[0][0]
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.ISSUED


def test_a_pemda_admin_cannot_reach_the_billing_admin(people, invoice):
    assert (
        people["admin"].post("/admin/tenants/invoice/", {"action": "mark_paid"}).status_code == 404
    )
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.ISSUED


def test_the_invoice_list_runs_as_many_queries_for_one_invoice_as_for_many(people, invoice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = people["admin"]

    def queries() -> int:
        client.get("/tagihan/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/tagihan/").status_code == 200
        return len(captured)

    one = queries()
    for month in (9, 10, 11):
        billing.invoices_create_monthly(today=date(2026, month, 1))
    assert Invoice.objects.filter(pemda=invoice.pemda).count() == 4
    assert queries() == one
