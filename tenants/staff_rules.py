"""Who may use the platform staff's tools, and which action each Pemda status offers: pure
functions over plain values, tested exhaustively (tests/tenants/test_staff_rules.py)."""

from __future__ import annotations

import datetime
import enum

from core.accounts.models import Role
from tenants.lifecycle import PemdaStatus


class StaffAction(enum.StrEnum):
    SUSPEND = "suspend"
    REACTIVATE = "reactivate"
    ARCHIVE = "archive"
    RETRY = "retry"
    SCHEMA_DROP = "schema_drop"


# An active Pemda is suspended before it is archived: its export is then the last word (a
# suspended Pemda refuses every write), not a snapshot that later writes overtake.
ARCHIVABLE_STATUSES = (PemdaStatus.SUSPENDED, PemdaStatus.FAILED, PemdaStatus.REQUESTED)


def staff_may_use(user) -> bool:
    """A platform account of the staff: active, with the admin's staff flag, and the platform
    staff role (a superuser needs no role). Provincial admins and applicants are not staff."""
    if not (user is not None and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.role == Role.PLATFORM_STAFF


def staff_actions_for(
    *, status: str, schema_present: bool, archive_exported: bool
) -> frozenset[StaffAction]:
    """The actions the staff may take on a Pemda in ``status``.

    ``schema_present``: its schema still exists; ``archive_exported``: a verified export of
    that schema is on file (dropping the schema needs both, and the Pemda archived).
    """
    actions = set()
    if status == PemdaStatus.ACTIVE:
        actions.add(StaffAction.SUSPEND)
    if status == PemdaStatus.SUSPENDED:
        actions.add(StaffAction.REACTIVATE)
    if status in ARCHIVABLE_STATUSES:
        actions.add(StaffAction.ARCHIVE)
    if status == PemdaStatus.FAILED:
        actions.add(StaffAction.RETRY)
    if status == PemdaStatus.ARCHIVED and schema_present and archive_exported:
        actions.add(StaffAction.SCHEMA_DROP)
    return frozenset(actions)


def retry_pending(
    *,
    last_retry_at: datetime.datetime | None,
    status_changed_at: datetime.datetime | None,
    now: datetime.datetime,
    grace: datetime.timedelta,
) -> bool:
    """A retry asked for has not been taken up yet: nothing has changed the Pemda's status
    since, and it is younger than ``grace`` (after that its message counts as lost and the
    staff may ask again). A second click meanwhile changes nothing."""
    if last_retry_at is None:
        return False
    if status_changed_at is not None and status_changed_at > last_retry_at:
        return False
    return now - last_retry_at < grace


def schema_drop_confirmed(*, typed: str, slug: str) -> bool:
    """The second confirmation of dropping a schema: the Pemda's address, typed exactly."""
    return typed.strip() == slug
