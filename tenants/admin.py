"""The platform site's admin (public schema only): Pemda, their status and errors, and the
reference regions. Provisioning and lifecycle changes go through the services, not here."""

from django.contrib import admin

from tenants.models import Domain, Pemda, Province, Region


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
