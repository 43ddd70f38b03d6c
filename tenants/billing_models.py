"""Billing (a stub without a payment gateway, DESIGN.md decision 6): plans priced per employee
per month, one subscription per Pemda, monthly invoices. All in the public schema; a Pemda
reaches its own invoices through the request's tenant only (tenants.billing_selectors)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from tenants.models import Pemda


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    price_per_employee_month = MoneyField(
        _("price per employee per month"),
        max_digits=14,
        decimal_places=0,
        default_currency="IDR",
        currency_choices=[("IDR", "IDR")],
    )
    trial_days = models.PositiveSmallIntegerField(_("trial days"), default=30)
    is_active = models.BooleanField(_("offered"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return self.name


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class Subscription(models.Model):
    """A Pemda's plan. Its trial runs from ``started_on`` to ``trial_ends_on`` (inclusive);
    invoices cover the days after it."""

    pemda = models.OneToOneField(
        Pemda, on_delete=models.CASCADE, related_name="subscription", verbose_name=_("Pemda")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("plan")
    )
    started_on = models.DateField(_("started on"))
    trial_ends_on = models.DateField(_("trial ends on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
    )

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self):
        return f"{self.pemda} — {self.plan}"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


class Invoice(models.Model):
    """One month of one Pemda's subscription. At most one per Pemda and month (the month's
    last day is ``period_end``), so the monthly task may run any number of times."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    pemda = models.ForeignKey(
        Pemda, on_delete=models.CASCADE, related_name="invoices", verbose_name=_("Pemda")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("plan")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    employee_count = models.PositiveIntegerField(_("employees"))
    unit_price = MoneyField(
        _("price per employee per month"),
        max_digits=14,
        decimal_places=0,
        default_currency="IDR",
        currency_choices=[("IDR", "IDR")],
    )
    amount = MoneyField(
        _("amount"),
        max_digits=16,
        decimal_places=0,
        default_currency="IDR",
        currency_choices=[("IDR", "IDR")],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked paid by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-period_end", "number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "period_end"], name="invoice_once_per_pemda_month"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=models.Q(status="issued"),
                name="invoice_issued_due",
            ),
        ]

    def __str__(self):
        return self.number
