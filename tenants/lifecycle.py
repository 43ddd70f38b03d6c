"""The Pemda lifecycle: an explicit state machine with compare-and-set transitions."""

from django.db import models, transaction
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

# Provisioning attempts whose process died (kill -9, the OOM killer, a crash in a migration)
# before the Pemda is failed for good instead of handed to a worker again: a fault that kills
# every attempt would otherwise be retried for ever (tenants.services._claim).
PROVISION_INTERRUPTIONS_MAX = 3

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
    from tenants.selectors import pemda_host_cache_clear  # it reads the statuses from here

    # This process stops (or starts) serving it at once; the others within PEMDA_HOST_TTL.
    transaction.on_commit(pemda_host_cache_clear)


def pemda_provision_given_up(pemda) -> bool:
    """Failed because its provisioning process died too often: only a person's retry
    (``provision_pemda``) provisions it again, never a worker's retry or the sweep."""
    return (
        pemda.status == PemdaStatus.FAILED
        and pemda.provision_interruptions >= PROVISION_INTERRUPTIONS_MAX
    )
