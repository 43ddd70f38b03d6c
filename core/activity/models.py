"""The Surabaya model (DOMAIN.md §3, §4): the Pemda's working calendar, attendance per day,
the daily activity log with its approvals, the monthly individual index, and KPI (IKU)
with their targets, realisations and cross-OPD teams.

The rules are in core.activity.rules (pure); these rows only hold what happened. An
activity keeps the norma waktu it was logged with (name, output unit, minutes per unit): a
later change of the catalogue does not rewrite anyone's month.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.activity.rules import AttendanceStatus
from core.org.access import WHOLE_PEMDA_ROLES, EmployeeOwnedQuerySet, employee_of

QUANTITY_MAX_DIGITS = 9


class HolidayKind(models.TextChoices):
    NATIONAL = "national", _("National holiday")
    CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")
    LOCAL = "local", _("Pemda's own day off")


class Holiday(models.Model):
    """A day off in the Pemda's calendar (national holidays, cuti bersama, its own)."""

    day = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=20, choices=HolidayKind.choices, default=HolidayKind.NATIONAL
    )

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.name}"


class AttendanceQuerySet(EmployeeOwnedQuerySet):
    employee_field = "employee"


class AttendanceSource(models.TextChoices):
    IMPORT = "import", _("Imported")
    ADMIN = "admin", _("Entered by the admin")


class Attendance(models.Model):
    """One employee's day: present, on leave, sick, on duty travel or absent, and the hours
    present (from the attendance machine's export, or entered by the admin)."""

    employee = models.ForeignKey(
        "org.Employee", on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=AttendanceStatus.choices)
    hours_present = models.DecimalField(
        _("hours present"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(
        max_length=10, choices=AttendanceSource.choices, default=AttendanceSource.IMPORT
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["employee", "day"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "day"], name="attendance_employee_day"),
            models.CheckConstraint(
                condition=Q(hours_present__isnull=True)
                | (Q(hours_present__gte=0) & Q(hours_present__lte=24)),
                name="attendance_hours_range",
            ),
        ]
        indexes = [models.Index(fields=["day"], name="attendance_day")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self):
        return f"{self.employee_id} {self.day:%Y-%m-%d} {self.status}"


class ActivityState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ActivityQuerySet(EmployeeOwnedQuerySet):
    employee_field = "employee"


class Activity(models.Model):
    """One entry of the daily activity log: an activity of the norma-waktu catalogue done on
    a day, in a quantity of its output, approved or rejected by the atasan."""

    employee = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, related_name="activities"
    )
    day = models.DateField(_("date"))
    norm = models.ForeignKey(
        "org.ActivityNorm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    # The norma waktu as it was when logged.
    name = models.CharField(_("activity"), max_length=300)
    output_unit = models.CharField(_("output unit"), max_length=50)
    minutes_per_unit = models.PositiveIntegerField(_("minutes per unit"))
    quantity = models.DecimalField(_("quantity"), max_digits=QUANTITY_MAX_DIGITS, decimal_places=2)
    minutes = models.PositiveIntegerField(_("minutes"))
    output = models.CharField(_("output"), max_length=500, blank=True)
    rhk = models.ForeignKey(
        "performance.Rhk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("RHK"),
    )
    evidence = models.FileField(_("evidence"), upload_to="activity/", blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ActivityState.choices, default=ActivityState.PENDING
    )
    # Who approves: the owner's atasan when it was logged (refreshed while pending).
    approver = models.ForeignKey(
        "org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejecting"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="activity_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["employee", "day"], name="activity_employee_day"),
            models.Index(fields=["approver", "state"], name="activity_approver_state"),
            models.Index(fields=["day", "state"], name="activity_day_state"),
            # The leader's view counts each person's late entries from this index alone.
            models.Index(
                fields=["employee", "created_at"],
                condition=Q(state="pending"),
                name="activity_pending_employee",
            ),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.name[:60]}"


class Favourite(models.Model):
    """An activity an employee logs often, offered first."""

    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="+")
    norm = models.ForeignKey("org.ActivityNorm", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "norm"], name="favourite_employee_norm")
        ]

    def __str__(self):
        return f"{self.employee_id} ★ {self.norm_id}"


class MonthlyIndexQuerySet(EmployeeOwnedQuerySet):
    employee_field = "employee"


class MonthlyIndex(models.Model):
    """An employee's month, recomputed by the worker: approved minutes (capped per day by
    attendance), the IKI against the target, the IKO of the KPIs crediting them, their RHK
    realisation against target, the final score and whether the performance pay is
    withheld."""

    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # its first day
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opd = models.ForeignKey(
        "org.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logged_minutes = models.PositiveIntegerField(default=0)
    approved_minutes = models.PositiveIntegerField(default=0)
    counted_minutes = models.PositiveIntegerField(default=0)  # approved, capped per day
    pending_minutes = models.PositiveIntegerField(default=0)
    target_minutes = models.PositiveIntegerField(default=0)
    iki = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    iko = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    # The month's RHK realisation against the IKI targets (rules.rhk_achievement).
    rhk = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    behaviour = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    pay_withheld = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    objects = MonthlyIndexQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "employee"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "month"], name="monthlyindex_employee_month"
            )
        ]
        indexes = [models.Index(fields=["month", "opd"], name="monthlyindex_month_opd")]
        verbose_name = _("monthly index")
        verbose_name_plural = _("monthly indices")

    def __str__(self):
        return f"{self.employee_id} {self.month:%Y-%m} {self.iki}"


class TeamQuerySet(models.QuerySet):
    """Who sees a team: the admin and the leaders all of them; anyone else the teams they
    lead or belong to, and a head of OPD also the teams with a member from their OPD."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.role in WHOLE_PEMDA_ROLES:
            return self
        me = employee_of(user)
        if me is None:
            return self.none()
        through = Team.members.through.objects
        seen = Q(lead=me) | Exists(through.filter(team_id=OuterRef("pk"), employee=me))
        if user.role == Role.HEAD_OF_OPD:
            seen |= Exists(
                through.filter(team_id=OuterRef("pk"), employee__unit__opd_id__in=_opd_of(me))
            )
        return self.filter(seen)


def _opd_of(me):
    """The OPD of an employee, as a subquery (no query of its own)."""
    from core.org.models import Unit

    return Unit.objects.filter(pk=me.unit_id).values("opd_id")


class Team(models.Model):
    """A cross-OPD team (tim kerja, DOMAIN.md §4): members from several OPD, a lead who
    manages its members and KPIs; its KPIs credit every member."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    lead = models.ForeignKey(
        "org.Employee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
        verbose_name=_("team lead"),
    )
    members = models.ManyToManyField("org.Employee", related_name="teams", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="team_name_year")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class KpiDirection(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class KpiAggregation(models.TextChoices):
    """How a year's realisation comes from its months: a count adds up (visitors, permits
    issued), a level is read at its latest month (an index, a percentage), or averaged."""

    LAST = "last", _("The latest month")
    SUM = "sum", _("The sum of the months")
    AVERAGE = "average", _("The average of the months")


class KpiQuerySet(models.QuerySet):
    """Who sees a KPI: the Pemda's KPIs everyone in the Pemda; an OPD's (and its units')
    the people of that OPD; a team's whoever sees the team; the admin and the leaders all."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.role in WHOLE_PEMDA_ROLES:
            return self
        pemda = Q(unit__isnull=True, team__isnull=True)
        me = employee_of(user)
        if me is None:
            return self.filter(pemda)
        return self.filter(
            pemda
            | Q(unit__opd_id__in=_opd_of(me))
            | Q(team__in=Team.objects.visible_to(user).values("pk"))
        )


class Kpi(models.Model):
    """An IKU: of the Pemda (no unit, no team), of an OPD or unit, or of a cross-OPD team,
    with its annual target; periodic targets and realisations in KpiPeriod. ``parent`` is
    the KPI one level up that it serves (the cascade Pemda → OPD → unit); ``rhk`` the RHK
    of the people who deliver it (the cascade into the SKP)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kpis",
        verbose_name=_("unit"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="kpis"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("indicator"), max_length=300)
    measure = models.CharField(_("unit of measure"), max_length=50)
    direction = models.CharField(
        _("direction"), max_length=10, choices=KpiDirection.choices, default=KpiDirection.HIGHER
    )
    aggregation = models.CharField(
        _("the year's realisation"),
        max_length=10,
        choices=KpiAggregation.choices,
        default=KpiAggregation.LAST,
    )
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    annual_target = models.DecimalField(_("annual target"), max_digits=15, decimal_places=2)
    rhk = models.ManyToManyField("performance.Rhk", related_name="kpis", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    updated_at = models.DateTimeField(auto_now=True, null=True)

    objects = KpiQuerySet.as_manager()

    class Meta:
        ordering = ["year", "unit", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(team__isnull=True), name="kpi_unit_or_team"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="kpi_weight_positive"),
            models.CheckConstraint(
                condition=Q(annual_target__gte=0), name="kpi_annual_target_not_negative"
            ),
            # One indicator of a name per owner and year (a double click makes one).
            models.UniqueConstraint(
                fields=["year", "unit", "team", "name"],
                nulls_distinct=False,
                name="kpi_year_owner_name",
            ),
        ]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI")

    def __str__(self):
        return self.name[:80]


class KpiPeriod(models.Model):
    """A KPI's target and realisation in one month (period code 2026-03)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="periods")
    period = models.CharField(_("period"), max_length=10)
    target = models.DecimalField(_("target"), max_digits=15, decimal_places=2)
    realisation = models.DecimalField(
        _("realisation"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kpi", "period"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="kpiperiod_kpi_period"),
            models.CheckConstraint(
                condition=Q(period__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
                name="kpiperiod_period_month",
            ),
            models.CheckConstraint(
                condition=Q(target__gte=0), name="kpiperiod_target_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(realisation__isnull=True) | Q(realisation__gte=0),
                name="kpiperiod_realisation_not_negative",
            ),
        ]
        # The IKO of a month reads every KPI of that month (core.activity.indices).
        indexes = [models.Index(fields=["period"], name="kpiperiod_period")]

    def __str__(self):
        return f"{self.kpi_id} {self.period}"
