"""The Pemda lifecycle: an explicit state machine with compare-and-set transitions."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PemdaStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PROVISIONING = "provisioning", _("Provisioning")
    ACTIVE = "active", _("Active")
    FAILED = "failed", _("Failed")
    SUSPENDED = "suspended", _("Suspended")
    ARCHIVED = "archived", _("Archived")


TRANSITIONS: dict[str, set[str]] = {
    PemdaStatus.REQUESTED: {PemdaStatus.PROVISIONING, PemdaStatus.ARCHIVED},
    PemdaStatus.PROVISIONING: {PemdaStatus.ACTIVE, PemdaStatus.FAILED},
    PemdaStatus.FAILED: {PemdaStatus.PROVISIONING, PemdaStatus.ARCHIVED},
    PemdaStatus.ACTIVE: {PemdaStatus.SUSPENDED, PemdaStatus.ARCHIVED},
    PemdaStatus.SUSPENDED: {PemdaStatus.ACTIVE, PemdaStatus.ARCHIVED},
    PemdaStatus.ARCHIVED: set(),
}

# Statuses whose site is served at the Pemda's domain (suspended Pemda become read-only later).
SERVED_STATUSES = (PemdaStatus.ACTIVE, PemdaStatus.SUSPENDED)


class InvalidTransition(Exception):
    """A transition the state machine does not allow, or one another process won."""

    def __init__(self, pemda, source, target):
        self.pemda, self.source, self.target = pemda, source, target
        super().__init__(f"{pemda}: cannot move from {source!r} to {target!r}")


def pemda_transition(*, pemda, source: str, target: str, **fields) -> None:
    """Move ``pemda`` from ``source`` to ``target`` if, and only if, it is still in ``source``.

    The update is a single compare-and-set statement, so two workers racing for the
    same Pemda cannot both win. Extra ``fields`` are written in the same statement.
    """
    if target not in TRANSITIONS[source]:
        raise InvalidTransition(pemda, source, target)
    now = timezone.now()
    fields["status_changed_at"] = now
    if target == PemdaStatus.ACTIVE:
        fields.setdefault("activated_at", now)
    claimed = type(pemda).objects.filter(pk=pemda.pk, status=source).update(status=target, **fields)
    if claimed != 1:
        raise InvalidTransition(pemda, source, target)
    pemda.status = target
    for name, value in fields.items():
        setattr(pemda, name, value)
