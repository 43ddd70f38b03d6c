"""What the platform staff read: every Pemda with its state, one Pemda's history (status
changes, provisioning errors, the staff's actions) and where its archive stands."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Count, Q, QuerySet

from core.audit.models import AuditEvent
from tenants import staff_audit
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tenants.services import PROVISION_LEASE_CLASS


def pemda_staff_list(*, status: str = "", q: str = "") -> QuerySet[Pemda]:
    """Every Pemda (never a template), filtered by status and by name, address or code."""
    pemda = Pemda.objects.filter(is_template=False).select_related("region__province", "template")
    if status:
        pemda = pemda.filter(status=status)
    q = q.strip()
    if q:
        # A Kemendagri code is written "35.78" or typed "3578".
        code = f"{q[:2]}.{q[2:]}" if q.isdigit() and len(q) > 2 else q
        pemda = pemda.filter(
            Q(name__icontains=q) | Q(slug__icontains=q) | Q(region__code__startswith=code)
        )
    return pemda.order_by("name", "pk")


def pemda_status_counts() -> dict[str, int]:
    counts = dict(
        Pemda.objects.filter(is_template=False)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in PemdaStatus.values}


def pemda_staff_get(pk: int) -> Pemda | None:
    return (
        Pemda.objects.filter(pk=pk, is_template=False)
        .select_related("region__province", "template")
        .first()
    )


def _events(pemda: Pemda) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=Pemda._meta.label_lower, object_id=str(pemda.pk)
    ).order_by("-at", "-id")


def pemda_history(pemda: Pemda, *, limit: int = 100) -> list[AuditEvent]:
    """The staff's actions on the Pemda (public schema's trail), newest first."""
    return list(_events(pemda)[:limit])


def pemda_last_event(pemda: Pemda, *, actions: Iterable[str]) -> AuditEvent | None:
    return _events(pemda).filter(action__in=list(actions)).select_related("actor").first()


def pemda_lease_held(pemda_id: int) -> bool:
    """Someone (a provisioning or an export) holds the Pemda's lease now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 2 AND classid = %s AND objid = %s AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database()))",
            [PROVISION_LEASE_CLASS, pemda_id],
        )
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class ArchiveState:
    """Where the Pemda's archive stands, from its latest archive event."""

    state: str  # "", "waiting", "running", "exported", "failed", "dropped"
    at: datetime.datetime | None = None
    by: str = ""
    file: dict | None = None
    error: str = ""

    @property
    def waiting(self) -> bool:
        return self.state == "waiting"

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def pending(self) -> bool:
        return self.state in ("waiting", "running")

    @property
    def exported(self) -> bool:
        return self.state == "exported" and bool(self.file)


def pemda_archive_state(pemda: Pemda) -> ArchiveState:
    event = pemda_last_event(pemda, actions=staff_audit.ARCHIVE_ACTIONS)
    if event is None:
        return ArchiveState("")
    common = {"at": event.at, "by": event.actor_name}
    if event.action == staff_audit.ARCHIVE_REQUEST:
        state = "running" if pemda_lease_held(pemda.pk) else "waiting"
        return ArchiveState(state, **common)
    if event.action == staff_audit.ARCHIVE:
        return ArchiveState("exported", file=event.after.get("archive"), **common)
    if event.action == staff_audit.ARCHIVE_FAILED:
        return ArchiveState("failed", error=event.after.get("error", ""), **common)
    return ArchiveState("dropped", file=event.after.get("archive"), **common)


def pemda_subscription(pemda: Pemda):
    """The Pemda's subscription where billing keeps one (tenants.billing), else None."""
    try:
        return getattr(pemda, "subscription", None)
    except ObjectDoesNotExist:
        return None
