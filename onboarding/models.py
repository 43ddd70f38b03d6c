"""The sign-up wizard's records (public schema): one SignUp per team signing a Pemda up, saved
after every step, and the organisation files it uploaded (kept until the launch imports them)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Pemda, Region


class SignUpState(models.TextChoices):
    DRAFT = "draft", _("In progress")
    LAUNCHING = "launching", _("Launching")
    DONE = "done", _("Launched")
    FAILED = "failed", _("Launch failed")
    EXPIRED = "expired", _("Expired")


# A sign-up in one of these states holds its region: nobody else can start one for it.
HOLDING_STATES = (SignUpState.DRAFT, SignUpState.LAUNCHING, SignUpState.FAILED)


class CheckState(models.TextChoices):
    NONE = "none", _("No files")
    QUEUED = "queued", _("Waiting to be checked")
    RUNNING = "running", _("Being checked")
    OK = "ok", _("Every row is correct")
    BAD = "bad", _("Some rows are wrong")
    FAILED = "failed", _("The check failed")


class SignUp(models.Model):
    """A Pemda being signed up, step by step; launched once into a Pemda."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=SignUpState.choices, default=SignUpState.DRAFT
    )
    # The last step whose data is complete (0: none yet); the wizard opens the next one.
    step_done = models.PositiveSmallIntegerField(default=0)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="signups", verbose_name=_("region")
    )
    slug = models.SlugField(_("web address"), max_length=40)
    # (2) the BKPSDMD contact and the first admin account
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("office e-mail"), blank=True)
    admin_name = models.CharField(_("admin name"), max_length=150, blank=True)
    admin_email = models.EmailField(_("admin e-mail"), blank=True)
    admin_password_hash = models.CharField(max_length=256, blank=True)
    email_code_hash = models.CharField(max_length=64, blank=True)
    email_code_sent_at = models.DateTimeField(null=True, blank=True)
    email_code_attempts = models.PositiveSmallIntegerField(default=0)
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    # (3) and (4)
    plan_code = models.CharField(_("plan"), max_length=30, blank=True)
    template_name = models.CharField(_("template"), max_length=40, blank=True)
    # (5) the check of the uploaded files (onboarding.wizard.checking)
    check_state = models.CharField(
        max_length=10, choices=CheckState.choices, default=CheckState.NONE
    )
    check_version = models.PositiveIntegerField(default=0)
    check_kind = models.CharField(max_length=20, blank=True)  # the file being checked
    check_rows = models.PositiveIntegerField(default=0)  # its rows checked so far
    # (6) the launch
    pemda = models.OneToOneField(
        Pemda,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signup",
        verbose_name=_("Pemda"),
    )
    progress_step = models.CharField(max_length=30, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    launched_at = models.DateTimeField(_("launched"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(state__in=HOLDING_STATES),
                name="signup_one_in_progress_per_region",
            ),
        ]

    def __str__(self):
        return f"{self.region.government_name} ({self.get_state_display()})"


class SignUpFile(models.Model):
    """One uploaded organisation file (units, positions or employees) and its check report.

    Stored in the database, not on disk: the web process and the worker read the same
    bytes wherever they run, and the row goes when the launch has imported it."""

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["signup", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["signup", "kind"], name="signup_file_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.filename}"

    @property
    def ok(self) -> bool:
        report = self.report or {}
        return bool(report) and not report.get("unusable") and not report.get("error_count")


# The template catalogue's table (helper T), kept in its own module.
from onboarding.publication_models import TemplatePublication  # noqa: E402, F401
