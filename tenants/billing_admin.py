"""Billing in the platform's admin: plans (editable), subscriptions, and invoices, which staff
issue, mark paid or void only through the audited services (actions), never by editing."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tenants import billing
from tenants.billing_models import Invoice, Plan, Subscription
from tenants.billing_rules import rupiah


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "price_per_employee_month", "trial_days", "is_active", "order"]
    list_editable = ["is_active", "order"]

    def has_delete_permission(self, request, obj=None):
        return False  # subscriptions and invoices keep their plan; stop offering it instead


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["pemda", "plan", "started_on", "trial_ends_on", "status"]
    list_filter = ["status", "plan"]
    search_fields = ["pemda__name", "pemda__slug"]
    list_select_related = ["pemda", "plan"]
    readonly_fields = ["pemda", "started_on"]

    def has_add_permission(self, request):
        return False  # the sign-up subscribes a Pemda (tenants.billing.subscription_start)

    def has_delete_permission(self, request, obj=None):
        return False


def _apply(modeladmin, request, queryset, service, done_message):
    done = 0
    for invoice in queryset.select_related("pemda"):
        try:
            service(invoice=invoice, by=request.user)
        except billing.BillingError as exc:
            modeladmin.message_user(request, str(exc), messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "pemda",
        "period_start",
        "period_end",
        "employee_count",
        "amount_text",
        "status",
        "due_on",
        "paid_at",
    ]
    list_filter = ["status", "plan"]
    search_fields = ["number", "pemda__name", "pemda__slug"]
    list_select_related = ["pemda", "plan"]
    date_hierarchy = "period_end"
    readonly_fields = [
        "number",
        "pemda",
        "plan",
        "period_start",
        "period_end",
        "employee_count",
        "unit_price",
        "amount",
        "status",
        "created_at",
        "issued_at",
        "due_on",
        "paid_at",
        "paid_by",
    ]
    fields = [*readonly_fields, "note"]
    actions = ["issue", "mark_paid", "void"]

    def get_changelist(self, request, **kwargs):
        from tenants.admin import DateBoundedChangeList

        return DateBoundedChangeList

    @admin.display(description=_("amount"), ordering="amount")
    def amount_text(self, invoice: Invoice) -> str:
        return rupiah(invoice.amount)

    def has_add_permission(self, request):
        return False  # the monthly task makes invoices (tenants.billing)

    def has_delete_permission(self, request, obj=None):
        return False  # void it instead: the number and the trail stay

    @admin.action(permissions=["change"], description=_("Issue the selected draft invoices"))
    def issue(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            billing.invoice_issue,
            lambda n: ngettext("%d invoice issued.", "%d invoices issued.", n) % n,
        )

    @admin.action(permissions=["change"], description=_("Mark the selected invoices paid"))
    def mark_paid(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            billing.invoice_mark_paid,
            lambda n: ngettext("%d invoice marked paid.", "%d invoices marked paid.", n) % n,
        )

    @admin.action(permissions=["change"], description=_("Void the selected invoices"))
    def void(self, request, queryset):
        _apply(
            self,
            request,
            queryset,
            billing.invoice_void,
            lambda n: ngettext("%d invoice voided.", "%d invoices voided.", n) % n,
        )
