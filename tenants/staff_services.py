"""What the platform staff do to a Pemda: suspend, reactivate, retry a failed sign-up,
archive (export first, on the worker) and, on a second confirmation, delete its data.

Every action is one service: it locks the Pemda's row, checks the action is open to its
status (tenants.staff_rules), changes it through the lifecycle's compare-and-set, and
records who did what and why in the public schema's audit trail, in the same transaction.
A refused action raises StaffActionError with a message for the staff and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from core.accounts.models import User
from core.audit.services import audit_record
from tenants import staff_audit
from tenants.lifecycle import InvalidTransition, PemdaStatus, pemda_transition
from tenants.models import Pemda
from tenants.services import _provision_lease, pemda_provision_enqueue
from tenants.staff_archive import ArchiveError, archive_file_intact, schema_export
from tenants.staff_rules import (
    StaffAction,
    retry_pending,
    schema_drop_confirmed,
    staff_actions_for,
    staff_may_use,
)
from tenants.staff_selectors import pemda_archive_state, pemda_last_event

logger = logging.getLogger(__name__)

# A request (retry, archive) not taken up by a worker within this long counts as lost: the
# staff may ask again. Before that, asking again (a double click, a second tab) does nothing.
REQUEST_GRACE = timedelta(minutes=2)


class StaffActionError(ValueError):
    """An action the staff may not take now; the message says why (for people)."""


def _locked(pemda: Pemda, *, by) -> Pemda:
    """The Pemda's row, locked for this transaction, after checking the caller is staff."""
    if not staff_may_use(by):
        raise StaffActionError(_("Only platform staff may do this."))
    connection.set_schema_to_public()
    locked = Pemda.objects.select_for_update().filter(pk=pemda.pk, is_template=False).first()
    if locked is None:
        raise StaffActionError(_("This Pemda does not exist."))
    return locked


def _allowed(pemda: Pemda) -> frozenset[StaffAction]:
    archive = pemda_archive_state(pemda)
    return staff_actions_for(
        status=pemda.status,
        schema_present=schema_exists(pemda.schema_name),
        archive_exported=archive.exported,
    )


def _refuse_unless(pemda: Pemda, action: StaffAction) -> None:
    if action not in _allowed(pemda):
        raise StaffActionError(
            _("%(name)s is %(status)s: this action is not open to it now.")
            % {"name": pemda.name, "status": pemda.get_status_display().lower()}
        )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise StaffActionError(_("Write the reason: it is kept in the Pemda's history."))
    return reason


def _transition(pemda: Pemda, *, target: str, action: str, by, reason: str, **fields) -> Pemda:
    source = pemda.status
    try:
        pemda_transition(pemda=pemda, source=source, target=target, **fields)
    except InvalidTransition:
        raise StaffActionError(_("The Pemda changed meanwhile; look again.")) from None
    audit_record(
        action=action,
        by=by,
        obj=pemda,
        before={"status": source},
        after={"status": target},
        reason=reason,
    )
    return pemda


@transaction.atomic
def pemda_suspend(*, pemda: Pemda, by: User, reason: str) -> Pemda:
    """Active → suspended: its site stays up, and refuses every write (billing's read-only)."""
    reason = _reason(reason)
    pemda = _locked(pemda, by=by)
    _refuse_unless(pemda, StaffAction.SUSPEND)
    return _transition(
        pemda, target=PemdaStatus.SUSPENDED, action=staff_audit.SUSPEND, by=by, reason=reason
    )


@transaction.atomic
def pemda_reactivate(*, pemda: Pemda, by: User, reason: str = "") -> Pemda:
    """Suspended → active."""
    pemda = _locked(pemda, by=by)
    _refuse_unless(pemda, StaffAction.REACTIVATE)
    return _transition(
        pemda,
        target=PemdaStatus.ACTIVE,
        action=staff_audit.REACTIVATE,
        by=by,
        reason=(reason or "").strip(),
    )


@transaction.atomic
def pemda_provision_retry(*, pemda: Pemda, by: User, reason: str = "") -> Pemda:
    """Provision a failed sign-up again, as a person asking (the interruption count starts
    afresh). Asked twice before a worker took it up, the second changes nothing."""
    pemda = _locked(pemda, by=by)
    _refuse_unless(pemda, StaffAction.RETRY)
    last = pemda_last_event(pemda, actions=[staff_audit.RETRY])
    if retry_pending(
        last_retry_at=last.at if last else None,
        status_changed_at=pemda.status_changed_at,
        now=timezone.now(),
        grace=REQUEST_GRACE,
    ):
        raise StaffActionError(_("A retry was asked for already; it starts in a moment."))
    audit_record(
        action=staff_audit.RETRY,
        by=by,
        obj=pemda,
        before={"status": pemda.status, "error": pemda.error},
        reason=(reason or "").strip(),
    )
    pemda_provision_enqueue(pemda, restart=True)
    return pemda


@transaction.atomic
def pemda_archive_request(*, pemda: Pemda, by: User, reason: str) -> Pemda:
    """Ask a worker to export the Pemda's schema and then archive it (``pemda_archive_run``).

    Open to a suspended, failed or requested Pemda (an active one is suspended first).
    Asked again while a request is waiting or running, nothing changes.
    """
    reason = _reason(reason)
    pemda = _locked(pemda, by=by)
    _refuse_unless(pemda, StaffAction.ARCHIVE)
    state = pemda_archive_state(pemda)
    if state.running or (state.waiting and timezone.now() - state.at < REQUEST_GRACE):
        raise StaffActionError(_("The export of this Pemda is already under way."))
    event = audit_record(
        action=staff_audit.ARCHIVE_REQUEST,
        by=by,
        obj=pemda,
        before={"status": pemda.status},
        reason=reason,
    )
    from tenants.staff_tasks import pemda_archive_task

    transaction.on_commit(lambda: pemda_archive_task.delay(pemda.pk, event.pk))
    return pemda


def pemda_archive_run(*, pemda_id: int, request_id: int) -> str:
    """On the worker: export the Pemda's schema, check the file, then archive the Pemda.

    1. Hold the Pemda's provisioning lease (tenants.services), so that no provisioning
       starts meanwhile; another holder makes this a "busy" no-op the task retries.
    2. Only if the request is still the latest word on the Pemda's archive and its status
       may still be archived (a reactivation meanwhile cancels it).
    3. Export and check the file (tenants.staff_archive) outside any transaction; a Pemda
       that has no schema (a sign-up that never got one) has nothing to export.
    4. In one transaction: archived (compare-and-set) and the file recorded in the trail.
       On any failure the trail says why and the Pemda keeps its status.
    Returns "busy", "skipped", "archived" or "failed".
    """
    from core.audit.models import AuditEvent

    connection.set_schema_to_public()
    with _provision_lease(pemda_id) as leased:
        if not leased:
            return "busy"
        pemda = Pemda.objects.get(pk=pemda_id)
        request = AuditEvent.objects.filter(pk=request_id).first()
        latest = pemda_last_event(pemda, actions=staff_audit.ARCHIVE_ACTIONS)
        if request is None or latest is None or latest.pk != request.pk:
            return "skipped"
        by = request.actor
        source = pemda.status
        try:
            if source not in (PemdaStatus.SUSPENDED, PemdaStatus.FAILED, PemdaStatus.REQUESTED):
                raise ArchiveError(
                    _("The Pemda is %(status)s now; it was not archived.")
                    % {"status": pemda.get_status_display().lower()}
                )
            archive = None
            if schema_exists(pemda.schema_name):
                archive = schema_export(schema=pemda.schema_name, slug=pemda.slug).as_dict()
            with transaction.atomic():
                pemda_transition(pemda=pemda, source=source, target=PemdaStatus.ARCHIVED)
                audit_record(
                    action=staff_audit.ARCHIVE,
                    by=by,
                    obj=pemda,
                    before={"status": source},
                    after={"status": PemdaStatus.ARCHIVED, "archive": archive},
                    reason=request.reason,
                )
        except (ArchiveError, InvalidTransition, OSError) as exc:
            logger.warning("Archiving %s failed: %s", pemda.slug, exc)
            audit_record(
                action=staff_audit.ARCHIVE_FAILED,
                by=by,
                obj=pemda,
                after={"error": str(exc)},
                reason=request.reason,
            )
            return "failed"
        return "archived"


@transaction.atomic
def pemda_schema_drop(*, pemda: Pemda, by: User, confirmation: str, reason: str) -> Pemda:
    """Delete an archived Pemda's data (its schema), which cannot be undone.

    Only with its address typed again as ``confirmation``, and only while the verified export
    the archive made is still on file, unchanged; the Pemda's row stays (archived).
    """
    reason = _reason(reason)
    pemda = _locked(pemda, by=by)
    if not schema_drop_confirmed(typed=confirmation or "", slug=pemda.slug):
        raise StaffActionError(
            _("Type the Pemda's address “%(slug)s” exactly to confirm.") % {"slug": pemda.slug}
        )
    _refuse_unless(pemda, StaffAction.SCHEMA_DROP)
    archive = pemda_archive_state(pemda)
    if not archive_file_intact(archive.file or {}):
        raise StaffActionError(
            _(
                "The archive file of this Pemda is missing or changed (%(path)s); its data "
                "is not deleted."
            )
            % {"path": (archive.file or {}).get("path", "—")}
        )
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{pemda.schema_name}" CASCADE')
    audit_record(
        action=staff_audit.SCHEMA_DROP,
        by=by,
        obj=pemda,
        before={"schema": pemda.schema_name},
        after={"archive": archive.file},
        reason=reason,
    )
    return pemda
