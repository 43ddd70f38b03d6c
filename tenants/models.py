from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name, schema_exists

from tenants.lifecycle import PemdaStatus

# A template configuration is a tenant row whose schema is named tpl_<name> (no domain, no
# personal data); onboarding builds them, provisioning clones them.
TEMPLATE_SCHEMA_PREFIX = "tpl_"


def template_schema_name(name: str) -> str:
    return f"{TEMPLATE_SCHEMA_PREFIX}{name}"


class RegionLevel(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency")
    KOTA = "kota", _("City")


class Province(models.Model):
    """One of Indonesia's 38 provinces (reference data from regions.csv)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Region(models.Model):
    """A province, regency or city by its Kemendagri code (reference data from regions.csv)."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regions")
    time_zone = models.CharField(_("time zone"), max_length=40)
    autonomous = models.BooleanField(_("autonomous"), default=True)
    population = models.PositiveBigIntegerField(_("population"), default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def government_name(self) -> str:
        """The name of the region's government: 'Provinsi Jawa Barat', 'Kota Surabaya'."""
        return f"Provinsi {self.name}" if self.level == RegionLevel.PROVINSI else self.name


class Pemda(TenantMixin):
    """A local government (tenant), or a template configuration that new Pemda clone.

    A template is a tenant row with no domain and no personal data, so
    ``migrate_schemas`` keeps its schema current.
    """

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    region = models.OneToOneField(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pemda",
        verbose_name=_("Kemendagri code"),
    )
    time_zone = models.CharField(_("time zone"), max_length=40, default="Asia/Jakarta")
    status = models.CharField(
        _("status"), max_length=20, choices=PemdaStatus.choices, default=PemdaStatus.REQUESTED
    )
    is_template = models.BooleanField(_("is template"), default=False)
    template = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clones",
        limit_choices_to={"is_template": True},
        verbose_name=_("template"),
    )
    description = models.TextField(_("description"), blank=True)
    template_version = models.PositiveIntegerField(_("template version"), default=0)
    # The first admin, kept until provisioning has created the account (hash only).
    admin_email = models.EmailField(_("admin email"), blank=True)
    admin_password_hash = models.CharField(max_length=256, blank=True)
    error = models.TextField(_("last error"), blank=True)
    # Provisioning attempts whose process died since a person last asked for it; at
    # PROVISION_INTERRUPTIONS_MAX the Pemda is failed for good (tenants.services._claim).
    provision_interruptions = models.PositiveSmallIntegerField(
        _("interrupted provisioning attempts"), default=0, editable=False
    )
    # When the sweep last handed it to a worker (tenants.services.pemda_provision_sweep):
    # a Pemda still 'requested' is handed over again only a grace period later.
    provision_swept_at = models.DateTimeField(
        _("last handed to a worker"), null=True, blank=True, editable=False
    )
    # Why nothing may be written, beside a suspension: "unpaid" (set and lifted by
    # tenants.billing; the rule is tenants.read_only.pemda_write_refusal). Empty: writable.
    read_only_reason = models.CharField(
        _("read-only because"), max_length=20, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)

    # Schemas are created by the provisioning service (cloned) or the template builder
    # (migrated), never as a side effect of save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        verbose_name = _("Pemda")
        verbose_name_plural = _("Pemda")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_template=True) | models.Q(region__isnull=False),
                name="pemda_has_region_unless_template",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_platform(self) -> bool:
        return self.schema_name == get_public_schema_name()

    @property
    def code(self) -> str | None:
        return self.region_id

    @cached_property
    def domain_name(self) -> str:
        return f"{self.slug}.{settings.PLATFORM_DOMAIN}"

    @property
    def web_host(self) -> str:
        """Host (and port, if not the default) for links sent outside a request."""
        port = settings.PLATFORM_PORT
        return f"{self.domain_name}:{port}" if port else self.domain_name

    def get_base_schema(self):
        """Clone the template chosen for this Pemda; a template itself is migrated."""
        if self.is_template or self.template_id is None:
            return False
        return self.template.schema_name

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Clone the template's schema (see tenants/cloning.py), or else migrate a new one."""
        from tenants.cloning import schema_clone_migrated

        base = self.get_base_schema()
        if not (sync_schema and base and schema_exists(base)):
            return super().create_schema(check_if_exists, sync_schema, verbosity)
        if check_if_exists and schema_exists(self.schema_name):
            return False
        schema_clone_migrated(source=base, target=self.schema_name, verbosity=verbosity)
        return True


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class DispatchRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class DispatchItemStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")


# Items that hold one of the run's concurrency slots (sent to the broker, or on a worker).
DISPATCH_IN_FLIGHT = (DispatchItemStatus.QUEUED, DispatchItemStatus.RUNNING)
DISPATCH_UNFINISHED = (DispatchItemStatus.PENDING, *DISPATCH_IN_FLIGHT)


class DispatchRun(models.Model):
    """One run of a registered per-Pemda job (tenants/dispatch.py) over the active Pemda."""

    job = models.CharField(_("job"), max_length=100)
    concurrency = models.PositiveSmallIntegerField(_("concurrency"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DispatchRunStatus.choices,
        default=DispatchRunStatus.RUNNING,
    )
    total = models.PositiveIntegerField(_("Pemda"), default=0)
    ok_count = models.PositiveIntegerField(_("succeeded"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("dispatch run")
        verbose_name_plural = _("dispatch runs")

    def __str__(self):
        return f"{self.job} #{self.pk}"


class DispatchItem(models.Model):
    """One Pemda's share of a dispatch run: its status, result or error, and timing."""

    run = models.ForeignKey(
        DispatchRun, on_delete=models.CASCADE, related_name="items", verbose_name=_("run")
    )
    # A Pemda is archived, never deleted; the cascade only serves removing test or
    # throwaway tenants, whose run records have no value left.
    pemda = models.ForeignKey(
        Pemda, on_delete=models.CASCADE, related_name="dispatch_items", verbose_name=_("Pemda")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DispatchItemStatus.choices,
        default=DispatchItemStatus.PENDING,
    )
    result = models.JSONField(_("result"), null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["run", "pk"]
        verbose_name = _("dispatch item")
        verbose_name_plural = _("dispatch items")
        constraints = [
            models.UniqueConstraint(fields=["run", "pemda"], name="dispatch_item_once_per_pemda"),
        ]
        indexes = [
            # The dispatcher and the stale sweep only look for unfinished items; finished ones
            # pile up (runs × Pemda) and stay out of this index.
            models.Index(
                fields=["status", "run"],
                condition=models.Q(status__in=DISPATCH_UNFINISHED),
                name="dispatch_item_unfinished",
            ),
        ]

    def __str__(self):
        return f"{self.run} {self.pemda}"

    @property
    def duration(self) -> timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at


# Billing's models (plans, subscriptions, invoices) live in their own module.
from tenants.billing_models import Invoice, Plan, Subscription  # noqa: E402, F401
