"""Templates published by a Pemda from its own configuration (public schema).

Kept here, imported by ``onboarding.models``: the wizard's records live there, and this is
the template catalogue's one table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Pemda


class TemplatePublication(models.Model):
    """A template (``tpl_<slug>_<n>``) made by a Pemda's admin from the Pemda's configuration.

    The Pemda it came from is the template's *mentor*: it sees the adoption progress of
    every Pemda that starts from it (onboarding.adoption). Who published it is in the
    Pemda's own audit trail, not here: no person's data in the public schema.
    """

    template = models.OneToOneField(
        Pemda,
        on_delete=models.CASCADE,
        related_name="publication",
        verbose_name=_("template"),
    )
    source = models.ForeignKey(
        Pemda,
        on_delete=models.PROTECT,
        related_name="template_publications",
        verbose_name=_("published by"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    # sha256 of the published configuration: publishing it again unchanged is refused.
    digest = models.CharField(max_length=64)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("published template")
        verbose_name_plural = _("published templates")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "number"], name="template_publication_number_per_source"
            ),
        ]

    def __str__(self):
        return f"{self.template} ← {self.source}"
