"""Writes on Pemda: request, provision (clone a template), and the lifecycle around them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from core.accounts.models import Role, User
from core.config.models import PolicySetting
from tenants.lifecycle import InvalidTransition, PemdaStatus, pemda_transition
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


@transaction.atomic
def pemda_request(
    *,
    region_code: str,
    template_name: str,
    slug: str | None = None,
    admin_email: str = "",
    admin_password: str | None = None,
) -> Pemda:
    """Record a Pemda to be provisioned. Asking again for the same region returns the same row."""
    try:
        code = region_code_parse(region_code)
    except ValueError as exc:
        raise PemdaRequestError(str(exc)) from None
    region = Region.objects.select_related("province").filter(code=str(code)).first()
    if region is None:
        raise PemdaRequestError(_("No region has the code %(code)s.") % {"code": code})
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
        admin_password_hash=make_password(admin_password) if admin_password else "",
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


def pemda_provisioning_abandoned() -> list[int]:
    """Ids of the Pemda left in 'provisioning' by a process that died: nobody holds their lease."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.id FROM tenants_pemda p
            WHERE p.status = %s AND NOT EXISTS (
                SELECT 1 FROM pg_locks l
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                  AND l.classid = %s AND l.objid = p.id
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            )
            ORDER BY p.id
            """,
            [PemdaStatus.PROVISIONING, PROVISION_LEASE_CLASS],
        )
        return [row[0] for row in cursor.fetchall()]


def _claim(pemda: Pemda) -> bool:
    """Take the Pemda for provisioning (the caller holds its lease); False if nothing to do.

    'provisioning' under a lease we hold means that whoever claimed it died before writing
    the outcome: its transaction died with its session, so it is recorded as interrupted
    and claimed again.
    """
    try:
        if pemda.status == PemdaStatus.PROVISIONING:
            logger.warning("Provisioning %s was interrupted (its process died); retrying", pemda)
            pemda_transition(
                pemda=pemda,
                source=PemdaStatus.PROVISIONING,
                target=PemdaStatus.FAILED,
                error=_("Provisioning was interrupted; retrying."),
            )
        if pemda.status not in (PemdaStatus.REQUESTED, PemdaStatus.FAILED):
            return False
        pemda_transition(
            pemda=pemda, source=pemda.status, target=PemdaStatus.PROVISIONING, error=""
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


def pemda_provision(*, pemda_id: int) -> Pemda:
    """Create the Pemda's schema from its template and open it; safe to call again.

    1. Take the Pemda's lease, then claim the row (compare-and-set requested|failed →
       provisioning; a 'provisioning' left by a dead process is taken over). Another
       process holding the lease, or any other status (already active), makes this call a
       no-op that returns the Pemda as it is.
    2. In one transaction: clone the template schema, write the Pemda's identity into
       it, create its first admin, attach its domain, and mark it active. PostgreSQL
       DDL is transactional, so a failure anywhere rolls the new schema back too.
    3. On failure: record the error on the row. Nothing is dropped by hand: the rollback
       removed what this attempt created, and a schema that existed before is not ours.
    4. After the commit, send the first admin a password-setup link if needed (a broker
       outage must not undo a provisioned Pemda; the admin can use "forgot password").
    """
    connection.set_schema_to_public()
    with _provision_lease(pemda_id) as leased:
        pemda = Pemda.objects.select_related("template").get(pk=pemda_id)
        if not (leased and _claim(pemda)):
            return pemda
        return _provision_claimed(pemda)


def _provision_claimed(pemda: Pemda) -> Pemda:
    admin = None
    try:
        with transaction.atomic():
            pemda.create_schema(check_if_exists=False, verbosity=0)
            with pemda:
                _identity_apply(pemda)
                admin = _first_admin_create(pemda)
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


def pemda_provision_enqueue(pemda: Pemda) -> None:
    """Provision in the background once the request row is committed."""
    from tenants.tasks import pemda_provision_task

    transaction.on_commit(lambda: pemda_provision_task.delay(pemda.pk))
