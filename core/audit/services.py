"""Writing the audit trail. Every service whose change matters calls :func:`audit_record`
inside its own transaction, so a change and its record commit or roll back together."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.db import models

from core.audit.models import AuditEvent


def audit_value(value):
    """A value as the trail keeps it: JSON, readable by people (a record by its name)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): audit_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [audit_value(item) for item in value]
    return str(value)


def changes_between(before: Mapping, after: Mapping) -> tuple[dict, dict]:
    """Only what differs: (before, after) restricted to the fields whose value changed."""
    before = {key: audit_value(value) for key, value in before.items()}
    after = {key: audit_value(value) for key, value in after.items()}
    changed = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
    return (
        {key: before[key] for key in changed if key in before},
        {key: after[key] for key in changed if key in after},
    )


def audit_record(
    *,
    action: str,
    by=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: Mapping | None = None,
    after: Mapping | None = None,
    reason: str = "",
) -> AuditEvent:
    """Record one change: ``by`` did ``action`` to ``obj`` (or the record named by
    ``object_type``/``object_id``), from ``before`` to ``after``, because ``reason``."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=actor.display_name if actor else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=object_repr[:255],
        before=audit_value(dict(before or {})),
        after=audit_value(dict(after or {})),
        reason=reason.strip(),
    )
