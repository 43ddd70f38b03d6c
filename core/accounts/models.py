"""Accounts. The same model serves two places: each Pemda's schema holds that Pemda's
accounts, and the public schema holds platform accounts (DESIGN.md decision 3)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Inside a Pemda
    EMPLOYEE = "employee", _("Employee")
    ATASAN = "atasan", _("Atasan (appraiser)")
    HEAD_OF_OPD = "head_of_opd", _("Head of OPD")
    LEADER = "leader", _("Leader")
    TENANT_ADMIN = "tenant_admin", _("Admin BKPSDMD")
    # On the platform site
    PLATFORM_STAFF = "platform_staff", _("Platform staff")
    PROVINCIAL_ADMIN = "provincial_admin", _("Provincial admin")


TENANT_ROLES = (Role.EMPLOYEE, Role.ATASAN, Role.HEAD_OF_OPD, Role.LEADER, Role.TENANT_ADMIN)
PLATFORM_ROLES = (Role.PLATFORM_STAFF, Role.PROVINCIAL_ADMIN)


class User(AbstractUser):
    name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[RegexValidator(r"^\d{18}$", _("NIP must be exactly 18 digits."))],
    )
    # True when an admin chose the role; False when it follows from the organisation
    # (core.org.services re-derives those after every change).
    role_set_by_hand = models.BooleanField(_("role set by hand"), default=False)
    # For provincial admins: the province whose Pemda they may compare.
    province_code = models.CharField(_("province code"), max_length=2, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username


class PasswordEmail(models.Model):
    """One email with a password link, kept for a day so that such emails can be rate-limited
    per account and per address (core.accounts.throttle). A table in the account's own
    schema, not a cache: the counts must hold across web and worker processes and restarts,
    and a Pemda's rows stay with its accounts."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # Where the request came from; empty when an admin sent it from the employee's page.
    address = models.GenericIPAddressField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("password email")
        verbose_name_plural = _("password emails")
        indexes = [
            models.Index(fields=["user", "sent_at"], name="password_email_user"),
            models.Index(fields=["address", "sent_at"], name="password_email_address"),
            models.Index(fields=["sent_at"], name="password_email_sent_at"),
        ]

    def __str__(self):
        return f"{self.user} {self.sent_at:%Y-%m-%d %H:%M}"
