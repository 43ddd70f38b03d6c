"""The Pemda's organisation: units (OPD and below) as a tree, positions, employees.

Every employee has one *atasan* (appraiser), derived from the tree and overridable per
employee with an audit trail (DOMAIN.md §1).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.org import rules
from core.org.querysets import (
    ActivityNormQuerySet,
    EmployeeQuerySet,
    PositionQuerySet,
    UnitQuerySet,
)
from core.org.ranks import EmploymentStatus, Golongan, JenisJabatan, Jenjang, UnitKind


def _raise(violations: list[rules.Violation]) -> None:
    """Model validation speaks the rules' words (core.org.rules), field by field."""
    if violations:
        raise ValidationError(rules.RuleError(violations).by_field())


class Unit(models.Model):
    """An OPD (a unit without a parent) or a unit below one (bidang, seksi …)."""

    code = models.CharField(_("unit code"), max_length=30, unique=True)
    name = models.CharField(_("unit name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    # The OPD this unit belongs to (itself for an OPD); kept by the org services.
    opd = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("OPD"),
    )
    depth = models.PositiveSmallIntegerField(default=0)
    # Codes from the OPD down to this unit, "/"-joined: ordering by it lists the tree in order.
    tree_path = models.TextField(default="", db_index=True)
    # The active employee in the unit's strongest managerial post (core.org.tree); None when
    # nobody heads it, which the admin's home page lists as missing data.
    head = models.ForeignKey(
        "Employee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head"),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    def clean(self):
        parent_of = dict(Unit.objects.values_list("id", "parent_id"))
        _raise(
            rules.unit_parent_violations(unit=self.pk, parent=self.parent_id, parent_of=parent_of)
        )

    @property
    def is_opd(self) -> bool:
        return self.parent_id is None


class Position(models.Model):
    code = models.CharField(_("position code"), max_length=30, unique=True)
    name = models.CharField(_("position name"), max_length=200)
    jenis = models.CharField(_("jenis jabatan"), max_length=20, choices=JenisJabatan.choices)
    jenjang = models.CharField(_("jenjang"), max_length=20, choices=Jenjang.choices, blank=True)
    kelas_jabatan = models.PositiveSmallIntegerField(
        _("kelas jabatan"), validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="positions", verbose_name=_("unit")
    )

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kelas_jabatan__gte=1, kelas_jabatan__lte=17),
                name="position_kelas_jabatan_1_17",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        _raise(rules.position_violations(model_to_dict(self)))


class Employee(models.Model):
    nip = models.CharField(_("NIP"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=150)
    status = models.CharField(
        _("employment status"), max_length=10, choices=EmploymentStatus.choices
    )
    golongan = models.CharField(
        _("golongan/ruang"), max_length=6, choices=Golongan.choices, blank=True
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="holders", verbose_name=_("position")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="employees", verbose_name=_("unit")
    )
    tmt_jabatan = models.DateField(_("TMT jabatan"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("login account"),
    )
    # The appraiser from the org tree (recomputed by the org services) and a manual override.
    derived_atasan = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived_appraisees",
    )
    atasan_override = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="override_appraisees",
        verbose_name=_("atasan (override)"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "nip"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["PPPK", "PPPK_PW"]) | models.Q(golongan=""),
                name="employee_pppk_has_no_golongan",
            ),
        ]
        indexes = [models.Index(fields=["unit", "name"])]

    def __str__(self):
        return f"{self.name} ({self.nip})"

    def clean(self):
        today = timezone.localdate()
        _raise(
            [
                *rules.nip_violations(self.nip or "", today=today),
                *rules.employee_violations(model_to_dict(self), today=today),
            ]
        )

    @property
    def atasan_id(self) -> int | None:
        return self.atasan_override_id or self.derived_atasan_id

    @property
    def atasan(self):
        return self.atasan_override if self.atasan_override_id else self.derived_atasan


class ActivityNorm(models.Model):
    """Norma waktu: a task of a position with its standard time (ABK; also the activity log)."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="norms")
    name = models.CharField(_("task"), max_length=300)
    output_unit = models.CharField(_("output unit"), max_length=50)
    minutes_per_unit = models.PositiveIntegerField(_("minutes per unit"))
    yearly_volume = models.PositiveIntegerField(_("yearly volume"), default=0)

    objects = ActivityNormQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("norma waktu")
        verbose_name_plural = _("norma waktu")
        constraints = [
            models.UniqueConstraint(fields=["position", "name"], name="activitynorm_position_name"),
        ]

    def __str__(self):
        return f"{self.name} ({self.minutes_per_unit} min/{self.output_unit})"
