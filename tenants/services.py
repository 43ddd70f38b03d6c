"""Writes on Pemda: request, provision (clone a template), and the lifecycle around them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from core.accounts.models import Role, User
from core.config.models import PolicySetting
from tenants.lifecycle import (
    PROVISION_INTERRUPTIONS_MAX,
    InvalidTransition,
    PemdaStatus,
    pemda_provision_given_up,
    pemda_transition,
)
from tenants.models import Domain, Pemda, Region, RegionLevel, template_schema_name
from tenants.regions import region_code_parse

logger = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
RESERVED_SLUGS = {
    "www",
    "api",
    "admin",
    "public",
    "static",
    "media",
    "mail",
    "platform",
    "information-schema",
}
# Whoever provisions a Pemda holds its *lease* from before the claim until after the outcome
# is written: a session-level advisory lock (two-key form: this class, the Pemda's id).
# PostgreSQL releases it when the session ends, so a Pemda in 'provisioning' whose lease
# nobody holds was left by a process that died (kill -9, a lost pool child, the OOM killer),
# and its transaction was rolled back with it: it is taken over at once, not after a timeout.
PROVISION_LEASE_CLASS = 7301
# Lets the server notice a client that died in the middle of a long statement (a clone), so
# that the lease of a killed worker falls within about a second (PostgreSQL 14+).
CLIENT_CHECK_INTERVAL = "1s"
FIRST_ADMIN_USERNAME = "admin"


class PemdaRequestError(ValueError):
    """A sign-up that cannot be accepted; the message is for the user."""


def slug_default(region: Region) -> str:
    """'Kota Surabaya' → 'surabaya', 'Kabupaten Buol' → 'buol', provinsi Jambi → 'prov-jambi'."""
    base = re.sub(r"^(Kota|Kabupaten)\s+", "", region.name)
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
    return f"prov-{base}" if region.level == RegionLevel.PROVINSI else base


def slug_validate(slug: str) -> None:
    if not (3 <= len(slug) <= 40 and SLUG_RE.match(slug)):
        raise PemdaRequestError(
            _(
                "Address “%(slug)s” is not valid: use 3–40 lowercase letters, digits and single "
                "hyphens, starting with a letter."
            )
            % {"slug": slug}
        )
    if slug in RESERVED_SLUGS or slug.startswith(("tpl-", "pg-", "pg_")):
        raise PemdaRequestError(_("Address “%(slug)s” is reserved.") % {"slug": slug})


def region_for_code(region_code: str) -> Region:
    """The region of an official code as typed ("35.78", "3578"), with its province;
    PemdaRequestError (for the user) when the code is malformed or names no region."""
    try:
        code = region_code_parse(region_code)
    except ValueError as exc:
        raise PemdaRequestError(str(exc)) from None
    region = Region.objects.select_related("province").filter(code=str(code)).first()
    if region is None:
        raise PemdaRequestError(_("No region has the code %(code)s.") % {"code": code})
    return region


@transaction.atomic
def pemda_request(
    *,
    region_code: str,
    template_name: str,
    slug: str | None = None,
    admin_email: str = "",
    admin_password: str | None = None,
    admin_password_hash: str = "",
) -> Pemda:
    """Record a Pemda to be provisioned. Asking again for the same region returns the same row.

    ``admin_password_hash``: the first admin's password, hashed already (the sign-up wizard
    keeps no plain password between its steps); ``admin_password`` wins if both are given.
    """
    region = region_for_code(region_code)
    if not region.autonomous:
        raise PemdaRequestError(
            _("%(name)s has no autonomous government of its own to sign up.")
            % {"name": region.name}
        )
    template = Pemda.objects.filter(
        is_template=True, schema_name=template_schema_name(template_name)
    ).first()
    if template is None:
        raise PemdaRequestError(
            _("There is no template named “%(name)s”.") % {"name": template_name}
        )

    existing = Pemda.objects.filter(region=region).first()
    if existing is not None:
        if existing.template_id != template.pk:
            raise PemdaRequestError(
                _("%(name)s is already registered with another template.") % {"name": existing.name}
            )
        return existing

    slug = slug or slug_default(region)
    slug_validate(slug)
    schema_name = slug.replace("-", "_")
    if Pemda.objects.filter(slug=slug).exists() or schema_exists(schema_name):
        raise PemdaRequestError(_("Address “%(slug)s” is already taken.") % {"slug": slug})
    return Pemda.objects.create(
        name=region.government_name,
        slug=slug,
        schema_name=schema_name,
        region=region,
        time_zone=region.time_zone,
        template=template,
        template_version=template.template_version,
        admin_email=admin_email,
        admin_password_hash=(
            make_password(admin_password) if admin_password else admin_password_hash
        ),
        status=PemdaStatus.REQUESTED,
    )


@contextmanager
def _provision_lease(pemda_id: int) -> Iterator[bool]:
    """Hold the Pemda's provisioning lease for the block; yields False if another session has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [PROVISION_LEASE_CLASS, pemda_id])
        leased = cursor.fetchone()[0]
        if leased:
            # The server notices a worker machine that vanished (no packet says so) within
            # about a minute, not two hours, and the lease goes with the session.
            cursor.execute(
                "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; "
                "SET tcp_keepalives_count = 3"
            )
        if leased and connection.pg_version >= 140000:
            cursor.execute(f"SET client_connection_check_interval = '{CLIENT_CHECK_INTERVAL}'")
    try:
        yield leased
    finally:
        if leased:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [PROVISION_LEASE_CLASS, pemda_id]
                    )
                    cursor.execute(
                        "RESET tcp_keepalives_idle; RESET tcp_keepalives_interval; "
                        "RESET tcp_keepalives_count"
                    )
                    if connection.pg_version >= 140000:
                        cursor.execute("RESET client_connection_check_interval")
            except DatabaseError:  # the session is gone, and the lease went with it
                logger.warning("Provisioning lease of Pemda %s: session lost", pemda_id)


# True when nobody holds the provisioning lease of the Pemda row ``p`` (one parameter: the
# lease class). pg_locks is read in the statement's own query: no second round trip.
_LEASE_FREE_SQL = """
    NOT EXISTS (
        SELECT 1 FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
          AND l.classid = %s AND l.objid = p.id
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    )
"""


def pemda_provisioning_abandoned() -> list[int]:
    """Ids of the Pemda left in 'provisioning' by a process that died: nobody holds their lease."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id FROM tenants_pemda p WHERE p.status = %s AND {_LEASE_FREE_SQL} "
            "ORDER BY p.id",
            [PemdaStatus.PROVISIONING, PROVISION_LEASE_CLASS],
        )
        return [row[0] for row in cursor.fetchall()]


def pemda_provision_sweep() -> list[int]:
    """Ids of the Pemda a worker should provision now, marked as handed over (sorted).

    Two kinds, found and marked by one statement, neither with its lease held:

    1. 'provisioning': the process that claimed it died (see PROVISION_LEASE_CLASS); the
       next run takes it over, and counts the interruption (``_claim``).
    2. 'requested' for longer than PROVISION_REQUESTED_GRACE_SECONDS since it was asked for
       or last swept: its message was lost (the broker lost it, or a worker took it and
       died). A message that is only late (busy workers) is harmless: whichever run comes
       second finds the lease held or the Pemda claimed, and does nothing. The grace
       counts from the last sweep too, so that a long queue gets one more message per
       Pemda per grace period, not one a minute.

    Marked before the caller sends anything: a sweep that dies in between leaves a
    'requested' Pemda for the next sweep after the grace period.
    """
    now = timezone.now()
    requested_before = now - timedelta(seconds=settings.PROVISION_REQUESTED_GRACE_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE tenants_pemda p SET provision_swept_at = %s
            WHERE (
                p.status = %s
                OR (p.status = %s AND COALESCE(p.provision_swept_at, p.created_at) < %s)
            ) AND {_LEASE_FREE_SQL}
            RETURNING p.id
            """,
            [
                now,
                PemdaStatus.PROVISIONING,
                PemdaStatus.REQUESTED,
                requested_before,
                PROVISION_LEASE_CLASS,
            ],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _claim(pemda: Pemda, *, restart: bool) -> bool:
    """Take the Pemda for provisioning (the caller holds its lease); False if nothing to do.

    1. 'provisioning' under a lease we hold means that whoever claimed it died before
       writing the outcome: its transaction died with its session. That is recorded as an
       interruption (failed, counted, committed at once, so that the count survives this
       attempt dying too). The PROVISION_INTERRUPTIONS_MAX-th is final: the Pemda stays
       failed with the reason for the platform staff, and is not claimed again.
    2. Claim 'requested' or 'failed' (compare-and-set). A Pemda that gave up is claimed
       only on ``restart`` (a person asked again), which starts the count from zero.
    """
    try:
        if pemda.status == PemdaStatus.PROVISIONING:
            interruptions = pemda.provision_interruptions + 1
            if restart or interruptions < PROVISION_INTERRUPTIONS_MAX:
                logger.warning(
                    "Provisioning %s was interrupted (its process died); retrying", pemda
                )
                error = _("Provisioning was interrupted; retrying.")
            else:
                logger.error(
                    "Provisioning %s was interrupted %d times (its process died each time); "
                    "it is failed, not retried",
                    pemda,
                    interruptions,
                )
                error = _(
                    "Provisioning was interrupted %(count)d times: its process died each "
                    "time (out of memory, or a crash). It is not retried automatically; "
                    "fix the cause, then run provision_pemda again."
                ) % {"count": interruptions}
            pemda_transition(
                pemda=pemda,
                source=PemdaStatus.PROVISIONING,
                target=PemdaStatus.FAILED,
                error=error,
                provision_interruptions=interruptions,
            )
        if pemda.status not in (PemdaStatus.REQUESTED, PemdaStatus.FAILED):
            return False
        if pemda_provision_given_up(pemda) and not restart:
            return False
        fields = {"provision_interruptions": 0} if restart else {}
        pemda_transition(
            pemda=pemda, source=pemda.status, target=PemdaStatus.PROVISIONING, error="", **fields
        )
    except InvalidTransition:
        return False  # changed meanwhile (archived by staff)
    return True


def _identity_apply(pemda: Pemda) -> None:
    identity = {
        "pemda.name": pemda.name,
        "pemda.slug": pemda.slug,
        "pemda.code": pemda.region_id,
        "pemda.time_zone": pemda.time_zone,
        "template.name": pemda.template.name,
        "template.version": pemda.template_version,
    }
    for key, value in identity.items():
        PolicySetting.objects.update_or_create(key=key, defaults={"value": value})


def _first_admin_create(pemda: Pemda) -> User:
    admin = User(
        username=FIRST_ADMIN_USERNAME,
        email=pemda.admin_email,
        role=Role.TENANT_ADMIN,
        name=_("Admin BKPSDMD %(name)s") % {"name": pemda.name},
    )
    if pemda.admin_password_hash:
        admin.password = pemda.admin_password_hash
    else:
        admin.set_unusable_password()
    admin.save()
    return admin


def pemda_provision(*, pemda_id: int, restart: bool = False) -> Pemda:
    """Create the Pemda's schema from its template and open it; safe to call again.

    ``restart``: a person asks (``provision_pemda``), not a worker's retry or the sweep;
    a Pemda whose provisioning process died too often is tried again, counting afresh.

    1. Take the Pemda's lease, then claim the row (compare-and-set requested|failed →
       provisioning; a 'provisioning' left by a dead process is taken over, and after
       PROVISION_INTERRUPTIONS_MAX such deaths failed for good, see ``_claim``). Another
       process holding the lease, or any other status (already active), makes this call a
       no-op that returns the Pemda as it is: two runs never provision one Pemda at once.
    2. In one transaction: clone the template schema, write the Pemda's identity into
       it, create its first admin, run the PROVISION_HOOKS (the sign-up's imports), attach
       its domain, and mark it active. PostgreSQL DDL is transactional, so a failure
       anywhere rolls the new schema back too.
    3. On failure: record the error on the row. Nothing is dropped by hand: the rollback
       removed what this attempt created, and a schema that existed before is not ours.
    4. After the commit, send the first admin a password-setup link if needed (a broker
       outage must not undo a provisioned Pemda; the admin can use "forgot password").
    """
    connection.set_schema_to_public()
    with _provision_lease(pemda_id) as leased:
        pemda = Pemda.objects.select_related("template").get(pk=pemda_id)
        if not (leased and _claim(pemda, restart=restart)):
            return pemda
        return _provision_claimed(pemda)


def _provision_hooks_run(pemda: Pemda) -> None:
    """Run the PROVISION_HOOKS (dotted paths of ``hook(*, pemda)``) inside the provisioning
    transaction, in the new schema: what a higher layer adds to every new Pemda (the sign-up
    wizard's imports) without ``tenants`` importing it. A hook that raises fails the attempt
    and rolls everything back with it."""
    for path in getattr(settings, "PROVISION_HOOKS", ()):
        import_string(path)(pemda=pemda)


def _provision_claimed(pemda: Pemda) -> Pemda:
    admin = None
    try:
        with transaction.atomic():
            pemda.create_schema(check_if_exists=False, verbosity=0)
            with pemda:
                _identity_apply(pemda)
                admin = _first_admin_create(pemda)
                _provision_hooks_run(pemda)
            Domain.objects.create(domain=pemda.domain_name, tenant=pemda, is_primary=True)
            pemda_transition(
                pemda=pemda,
                source=PemdaStatus.PROVISIONING,
                target=PemdaStatus.ACTIVE,
                admin_password_hash="",
            )
    except Exception as exc:
        logger.exception("Provisioning %s failed", pemda.slug)
        connection.set_schema_to_public()
        pemda.status = PemdaStatus.PROVISIONING
        pemda_transition(
            pemda=pemda,
            source=PemdaStatus.PROVISIONING,
            target=PemdaStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
        )
        return pemda
    if not admin.has_usable_password() and admin.email:
        transaction.on_commit(lambda: _password_setup_enqueue(pemda, admin), robust=True)
    return pemda


def _password_setup_enqueue(pemda: Pemda, admin: User) -> None:
    from core.accounts.tasks import account_password_setup_send_task

    with pemda:  # the task carries the schema that is active when it is sent
        account_password_setup_send_task.delay(admin.pk, pemda.web_host)


def pemda_provision_enqueue(pemda: Pemda, *, restart: bool = False) -> None:
    """Provision in the background once the request row is committed (``restart``: as in
    ``pemda_provision``)."""
    from tenants.tasks import pemda_provision_task

    transaction.on_commit(lambda: pemda_provision_task.delay(pemda.pk, restart=restart))
