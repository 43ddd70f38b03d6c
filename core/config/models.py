"""A Pemda's policy configuration: settings and versioned rule tables (DESIGN.md decision 8).

Template schemas hold only these rows; a new Pemda starts from a clone of them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicySetting(models.Model):
    """One configurable value, e.g. ``abk.effective_minutes`` = 75000."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"))
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("policy setting")
        verbose_name_plural = _("policy settings")

    def __str__(self):
        return f"{self.key} = {self.value!r}"


class RuleTable(models.Model):
    """A regulatory table kept as data, e.g. the predikat matrix or the 9-box grid."""

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("legal source"), max_length=200, blank=True)
    data = models.JSONField(_("data"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="ruletable_name_version_unique"
            ),
        ]
        verbose_name = _("rule table")
        verbose_name_plural = _("rule tables")

    def __str__(self):
        return f"{self.name} v{self.version}"
