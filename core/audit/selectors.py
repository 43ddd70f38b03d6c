"""Reading the audit trail: the history page, its export and a record's own history."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.audit.models import AuditEvent


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_list(
    *,
    actor: int | None = None,
    action: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    q: str = "",
    object_type: str = "",
    object_id: str = "",
) -> QuerySet[AuditEvent]:
    """Changes, newest first, filtered by who, what and when (dates in the Pemda's zone,
    ``until`` inclusive)."""
    events = AuditEvent.objects.select_related("actor")
    if actor:
        events = events.filter(actor_id=actor)
    if action:
        events = events.filter(action=action)
    if since:
        events = events.filter(at__gte=_local_midnight(since))
    if until:
        events = events.filter(at__lt=_local_midnight(until + datetime.timedelta(days=1)))
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if q:
        events = events.filter(
            Q(object_repr__icontains=q) | Q(reason__icontains=q) | Q(actor_name__icontains=q)
        )
    return events.order_by("-at", "-id")


def audit_for_object(obj, *, limit: int = 20) -> list[AuditEvent]:
    return list(
        audit_list(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(None)[
            :limit
        ]
    )


def audit_actors() -> list[tuple[int, str]]:
    """Everyone who has changed something, once each, by their name today."""
    from core.accounts.models import User

    actors = User.objects.filter(pk__in=AuditEvent.objects.exclude(actor=None).values("actor_id"))
    return sorted(((user.pk, user.display_name) for user in actors), key=lambda pair: pair[1])
