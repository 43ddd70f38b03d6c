"""Individual performance (PermenPANRB 6/2022; DOMAIN.md §2): each employee's SKP per year,
its RHK rows and IKI indicators, evaluations per period with ratings and predikat, and the
organisation predikat and calibration of each OPD per period.

Who the appraiser was is stored with the SKP and each evaluation (id, name and NIP at the
time): a later move in the organisation does not rewrite history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.org.access import EmployeeOwnedQuerySet
from core.performance.rules import (
    Approach,
    Aspect,
    BerAkhlak,
    EvaluationState,
    OrgPredikat,
    Perspektif,
    Predikat,
    Rating,
    RhkKind,
)

PERIOD_CODE_MAX = 10  # core.config.periods codes: "2026", "2026-S1", "2026-Q4", "2026-03"


class SkpQuerySet(EmployeeOwnedQuerySet):
    employee_field = "employee"


class Skp(models.Model):
    """Sasaran Kinerja Pegawai: one per employee per year."""

    employee = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, related_name="skps", verbose_name=_("employee")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # Who and where, when the SKP was made (snapshots; the FKs may later point elsewhere).
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    position_name = models.CharField(_("position"), max_length=200, blank=True)
    is_jpt = models.BooleanField(_("JPT"), default=False)
    appraiser = models.ForeignKey(
        "org.Employee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appraised_skps",
        verbose_name=_("appraiser"),
    )
    appraiser_name = models.CharField(_("appraiser"), max_length=150, blank=True)
    appraiser_nip = models.CharField(_("appraiser's NIP"), max_length=18, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SkpQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "employee__name"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="skp_employee_year_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2999), name="skp_year_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "unit"], name="skp_year_unit")]
        verbose_name = _("SKP")
        verbose_name_plural = _("SKP")

    def __str__(self):
        return f"SKP {self.year} {self.employee_id}"


class RhkQuerySet(EmployeeOwnedQuerySet):
    employee_field = "skp__employee"


class Rhk(models.Model):
    """Rencana Hasil Kerja: a row of an SKP, linked to the appraiser's RHK it supports."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="rhk")
    kind = models.CharField(_("kind"), max_length=10, choices=RhkKind.choices)
    text = models.TextField(_("RHK"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("RHK of the leader it supports"),
    )
    perspektif = models.CharField(
        _("perspektif"), max_length=30, choices=Perspektif.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)
    # Pushed down by an atasan (bulk assignment) or from the position's catalogue.
    assigned_by = models.ForeignKey(
        "org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RhkQuerySet.as_manager()

    class Meta:
        ordering = ["skp", "kind", "order", "pk"]
        verbose_name = _("RHK")
        verbose_name_plural = _("RHK")

    def __str__(self):
        return self.text[:80]


class IkiQuerySet(EmployeeOwnedQuerySet):
    employee_field = "rhk__skp__employee"


class Iki(models.Model):
    """Indikator Kinerja Individu of an RHK, with its target."""

    rhk = models.ForeignKey(Rhk, on_delete=models.CASCADE, related_name="iki")
    text = models.TextField(_("indicator"))
    aspect = models.CharField(_("aspect"), max_length=10, choices=Aspect.choices)
    approach = models.CharField(
        _("approach"), max_length=12, choices=Approach.choices, default=Approach.KUANTITATIF
    )
    target_value = models.DecimalField(
        _("target"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(_("target unit"), max_length=50, blank=True)
    target_text = models.TextField(_("qualitative target"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = IkiQuerySet.as_manager()

    class Meta:
        ordering = ["rhk", "order", "pk"]
        verbose_name = _("IKI")
        verbose_name_plural = _("IKI")

    def __str__(self):
        return self.text[:80]

    @property
    def target_display(self) -> str:
        if self.approach == Approach.KUALITATIF:
            return self.target_text
        value = self.target_value.normalize() if self.target_value is not None else ""
        return f"{value:f} {self.target_unit}".strip() if value != "" else self.target_unit


class EvaluationQuerySet(EmployeeOwnedQuerySet):
    employee_field = "skp__employee"


class Evaluation(models.Model):
    """One period's evaluation of an SKP (a month, quarter or semester, or the year)."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="evaluations")
    period = models.CharField(_("period"), max_length=PERIOD_CODE_MAX)
    state = models.CharField(
        _("state"), max_length=10, choices=EvaluationState.choices, default=EvaluationState.DRAFT
    )
    # The unit and appraiser of the period (snapshots, refreshed until it is evaluated).
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opd = models.ForeignKey(
        "org.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appraiser = models.ForeignKey(
        "org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appraiser_name = models.CharField(_("appraiser"), max_length=150, blank=True)
    appraiser_nip = models.CharField(_("appraiser's NIP"), max_length=18, blank=True)
    hasil = models.CharField(_("hasil kerja"), max_length=10, choices=Rating.choices, blank=True)
    perilaku = models.CharField(
        _("perilaku kerja"), max_length=10, choices=Rating.choices, blank=True
    )
    predikat = models.CharField(_("predikat"), max_length=20, choices=Predikat.choices, blank=True)
    appraiser_note = models.TextField(_("appraiser's note"), blank=True)
    return_note = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)  # compare-and-set of every change
    # What it rated, kept when it is rated (core.performance.content): the SKP may be revised
    # for later periods, so its page and document show this copy, not the SKP of today.
    content = models.JSONField(default=list, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["skp", "period"]
        constraints = [
            models.UniqueConstraint(fields=["skp", "period"], name="evaluation_skp_period_unique")
        ]
        indexes = [
            # Includes what the distributions count (the leader's view of the activity
            # module, per unit or OPD and predikat): read from the index alone.
            models.Index(
                fields=["period", "opd", "state"],
                include=["unit", "predikat"],
                name="evaluation_period_opd_rated",
            ),
            models.Index(fields=["appraiser", "state"], name="evaluation_appraiser_state"),
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return f"{self.skp_id} {self.period}"


class BehaviourRating(models.Model):
    """The appraiser's rating of one BerAKHLAK value, with any ekspektasi khusus pimpinan."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="behaviours")
    value = models.CharField(_("core value"), max_length=30, choices=BerAkhlak.choices)
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices)
    expectation = models.TextField(_("ekspektasi khusus pimpinan"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "value"], name="behaviour_evaluation_value_unique"
            )
        ]

    def __str__(self):
        return f"{self.value}: {self.rating}"


class Realisation(models.Model):
    """What an IKI reached in a period."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="realisations"
    )
    iki = models.ForeignKey(Iki, on_delete=models.CASCADE, related_name="realisations")
    value = models.DecimalField(_("realisation"), max_digits=15, decimal_places=2, null=True)
    text = models.TextField(_("realisation (described)"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "iki"], name="realisation_evaluation_iki_unique"
            )
        ]

    def __str__(self):
        return f"{self.iki_id}: {self.value if self.value is not None else self.text[:40]}"


class EvidenceQuerySet(EmployeeOwnedQuerySet):
    employee_field = "evaluation__skp__employee"


class Evidence(models.Model):
    """Bukti dukung: a file or a link behind an evaluation's realisation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="evidence")
    rhk = models.ForeignKey(
        Rhk, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="performance/evidence/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(link=""), name="evidence_file_or_link"
            )
        ]

    def __str__(self):
        return self.file_name or self.link


class FeedbackQuerySet(EmployeeOwnedQuerySet):
    employee_field = "skp__employee"


class Feedback(models.Model):
    """Umpan balik: continuous feedback on an SKP (or one of its RHK), at any time."""

    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="feedback")
    rhk = models.ForeignKey(
        Rhk, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    text = models.TextField(_("feedback"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:80]


class UnitPeriodState(models.TextChoices):
    OPEN = "open", _("Open")
    FINAL = "final", _("Final")


class UnitPeriod(models.Model):
    """An OPD in a period: its organisation predikat, and the calibration of its employees'
    predikat against it when it is finalised."""

    opd = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=PERIOD_CODE_MAX)
    org_predikat = models.CharField(
        _("organisation predikat"), max_length=20, choices=OrgPredikat.choices, blank=True
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=UnitPeriodState.choices, default=UnitPeriodState.OPEN
    )
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    # Finalised despite broken distribution rules (tenant policy "override"): why, and what
    # was broken at that moment.
    override_reason = models.TextField(_("reason for the override"), blank=True)
    violations = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opd", "period"], name="unitperiod_opd_period_unique")
        ]
        verbose_name = _("OPD period")
        verbose_name_plural = _("OPD periods")

    def __str__(self):
        return f"{self.opd_id} {self.period}"


class RhkTemplate(models.Model):
    """The catalogue of RHK per position, for bulk assignment: an RHK with its IKI."""

    position = models.ForeignKey(
        "org.Position", on_delete=models.CASCADE, related_name="rhk_templates"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RhkKind.choices)
    text = models.TextField(_("RHK"))
    # [{"text", "aspect", "approach", "target_value", "target_unit", "target_text"}]
    iki = models.JSONField(_("indicators"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "kind", "pk"]
        verbose_name = _("RHK catalogue entry")
        verbose_name_plural = _("RHK catalogue")

    def __str__(self):
        return self.text[:80]
