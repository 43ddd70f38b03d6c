"""The platform site's admin (public schema only): Pemda, their status and errors, the
reference regions, and the per-Pemda dispatch runs. Provisioning, lifecycle changes and
dispatching go through the services, not here."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tenants.models import DispatchItem, DispatchRun, Domain, Pemda, Province, Region


class DateBoundedChangeList(ChangeList):
    """Django's date drill-down turns ``?<field>__year=`` into dates without catching every
    impossible one (a 25-digit year overflows, year 9999 has no next year): such an address
    is a wrong filter (the admin's "?e=1" page), not a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    readonly_fields = ["domain", "is_primary"]
    can_delete = False


@admin.register(Pemda)
class PemdaAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "slug", "status", "is_template", "template", "activated_at"]
    list_filter = ["status", "is_template", "template"]
    search_fields = ["name", "slug", "region__code"]
    list_select_related = ["region", "template"]
    readonly_fields = [
        "staff_tools",
        "name",
        "slug",
        "schema_name",
        "region",
        "time_zone",
        "status",
        "is_template",
        "template",
        "template_version",
        "admin_email",
        "error",
        "created_at",
        "status_changed_at",
        "activated_at",
    ]
    exclude = ["admin_password_hash"]
    inlines = [DomainInline]

    @admin.display(description=_("staff tools"))
    def staff_tools(self, pemda: Pemda) -> str:
        """Suspending, archiving and retrying happen on the staff's page (audited), not here."""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("staff:detail", args=[pemda.pk]),
            _("History and actions"),
        )

    def has_add_permission(self, request):
        return False  # sign-ups go through provisioning (provision_pemda, onboarding)

    def has_delete_permission(self, request, obj=None):
        return False  # a Pemda is archived, never deleted


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "time_zone"]
    search_fields = ["code", "name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "province", "time_zone", "autonomous", "population"]
    list_filter = ["level", "time_zone", "autonomous"]
    search_fields = ["code", "name"]
    list_select_related = ["province"]


class ReadOnlyAdminMixin:
    """Records written only by the dispatcher: staff may look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DispatchItemDurationMixin:
    @admin.display(description=_("duration"))
    def duration(self, item: DispatchItem) -> str:
        return "" if item.duration is None else f"{item.duration.total_seconds():.1f} s"


DISPATCH_ITEM_FIELDS = ["pemda", "status", "result", "error", "started_at", "duration"]


class DispatchItemInline(DispatchItemDurationMixin, ReadOnlyAdminMixin, admin.TabularInline):
    model = DispatchItem
    fields = DISPATCH_ITEM_FIELDS
    readonly_fields = DISPATCH_ITEM_FIELDS
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pemda")


@admin.register(DispatchRun)
class DispatchRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "job",
        "status",
        "started_at",
        "finished_at",
        "concurrency",
        "total",
        "ok_count",
        "failed_count",
    ]
    list_filter = ["status", "job"]
    search_fields = ["job"]
    date_hierarchy = "started_at"
    inlines = [DispatchItemInline]


@admin.register(DispatchItem)
class DispatchItemAdmin(DispatchItemDurationMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["run", "pemda", "status", "started_at", "duration"]
    list_filter = ["status", "run__job"]
    search_fields = ["pemda__name", "pemda__slug", "error"]
    list_select_related = ["run", "pemda"]


# Billing: plans, subscriptions and invoices (issue 8, part B).
from tenants import billing_admin  # noqa: E402, F401
