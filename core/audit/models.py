"""One audit trail for the whole Pemda: who changed which record, when, from what to what,
and why (DESIGN.md decision 12). Rows are written by the services, never by signals, so
bulk writes and imports are recorded as the change they are."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.audit.actions import action_label, field_label


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # Who: None for the system (a scheduled job); the name is kept should the account go.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)  # "org.employee.update" …
    object_type = models.CharField(_("record type"), max_length=60, blank=True)  # "org.employee"
    object_id = models.CharField(_("record id"), max_length=40, blank=True)
    object_repr = models.CharField(_("record"), max_length=255, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["action", "-at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def fields(self) -> list[tuple[str, str | None, str | None]]:
        """(name, before, after) for every field the change touched, for people: the field's
        name and the values as the pages show them; None where the side has no value."""
        model = self._model()
        rows = []
        for key in dict.fromkeys([*self.before, *self.after]):
            label, values = self._field(model, key)
            rows.append(
                (
                    label,
                    _show(self.before[key], values) if key in self.before else None,
                    _show(self.after[key], values) if key in self.after else None,
                )
            )
        return rows

    def _model(self):
        from django.apps import apps

        try:
            return apps.get_model(self.object_type) if "." in self.object_type else None
        except LookupError:
            return None

    @staticmethod
    def _field(model, key: str) -> tuple[str, dict]:
        """The record's own field first (its name and choices); then a name a module
        registered for keys that are not fields; else the key itself."""
        if model is not None:
            try:
                field = model._meta.get_field(key)
            except Exception:  # not a field of the model
                field = None
            if field is not None and hasattr(field, "verbose_name"):
                return str(capfirst(field.verbose_name)), dict(field.flatchoices or ())
        registered = field_label(key)
        if registered is not None:
            label, values = registered
            return str(label), values
        return key, {}


def _show(value, values: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(values.get(value, value))
