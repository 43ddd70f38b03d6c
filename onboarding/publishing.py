"""A Pemda's admin publishes the Pemda's configuration as a new template (issue 8, item 4).

The new template is a schema ``tpl_<slug>_<n>`` like the built ones: migrated tables that
hold configuration only (policy settings and rule tables, catalogues included). Nothing
else of the Pemda is ever read, let alone copied: no employee, unit, account, session, API
token, audit row or import job (tests/onboarding/test_publish.py inspects every table).
"""

from __future__ import annotations

import hashlib
import json

from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import schema_exists

from core.audit.actions import action_register
from core.audit.services import audit_record
from core.config.models import PolicySetting, RuleTable
from onboarding.publication_models import TemplatePublication
from tenants.cloning import schema_clone_migrated
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda, template_schema_name

TEMPLATE_PUBLISH = action_register(
    "onboarding.template.publish", gettext_lazy("Template published")
)

# Settings that say who the Pemda is or what the system did, not what it decided: never
# part of a template (the identity is written at provisioning, tenants.services).
NOT_CONFIGURATION_PREFIXES = ("pemda.", "template.", "system.")
# Tables a template schema keeps rows in: its configuration, and the schema's own
# bookkeeping that migrations write (migration records, content types, permissions).
CONFIGURATION_TABLES = (PolicySetting._meta.db_table, RuleTable._meta.db_table)
BOOKKEEPING_TABLES = ("django_migrations", "django_content_type", "auth_permission")
LABEL_MAX = 150
DESCRIPTION_MAX = 2000


class PublishError(ValueError):
    """A publication that cannot be made; the message is for the admin."""


def is_configuration_setting(key: str) -> bool:
    return not key.startswith(NOT_CONFIGURATION_PREFIXES)


def configuration_read() -> dict:
    """The current schema's configuration: {"settings": {key: value}, "rules": [...]}."""
    settings = {
        key: value
        for key, value in PolicySetting.objects.order_by("key").values_list("key", "value")
        if is_configuration_setting(key)
    }
    rules = [
        {"name": name, "version": version, "source": source, "data": data}
        for name, version, source, data in RuleTable.objects.order_by(
            "name", "version"
        ).values_list("name", "version", "source", "data")
    ]
    return {"settings": settings, "rules": rules}


def configuration_digest(configuration: dict) -> str:
    text = json.dumps(configuration, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def publish_input_clean(*, label: str, description: str) -> tuple[str, str]:
    """The label and description as stored, or PublishError saying what is wrong."""
    label = " ".join((label or "").split())
    description = (description or "").strip()
    if len(label) < 3:
        raise PublishError(_("Give the template a name of at least 3 characters."))
    if len(label) > LABEL_MAX:
        raise PublishError(
            _("The template's name is too long (at most %(max)d characters).") % {"max": LABEL_MAX}
        )
    if not description:
        raise PublishError(_("Say in a sentence or two what the template sets."))
    if len(description) > DESCRIPTION_MAX:
        raise PublishError(
            _("The description is too long (at most %(max)d characters).")
            % {"max": DESCRIPTION_MAX}
        )
    return label, description


def _base_schema(pemda: Pemda) -> str:
    """A migrated template schema to start from: the one the Pemda adopted, else any built
    one. Only its structure and bookkeeping are kept (``_configuration_only``)."""
    candidates = []
    if pemda.template_id:
        candidates.append(pemda.template.schema_name)
    candidates += list(
        Pemda.objects.filter(is_template=True, publication__isnull=True)
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )
    for schema in candidates:
        if schema_exists(schema):
            return schema
    raise PublishError(_("No template schema is available to publish into; ask platform staff."))


def _configuration_only(schema: str) -> None:
    """Empty every table of ``schema`` but the configuration and the bookkeeping (the base
    template holds no more than that; this makes it so whatever the base held)."""
    keep = set(CONFIGURATION_TABLES) | set(BOOKKEEPING_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema]
        )
        tables = [row[0] for row in cursor.fetchall() if row[0] not in keep]
        quoted = connection.ops.quote_name(schema)
        if tables:
            names = ", ".join(f"{quoted}.{connection.ops.quote_name(t)}" for t in tables)
            cursor.execute(f"TRUNCATE {names} CASCADE")
        for table in CONFIGURATION_TABLES:
            cursor.execute(f"DELETE FROM {quoted}.{connection.ops.quote_name(table)}")


def template_publish(*, pemda: Pemda, by, label: str, description: str) -> Pemda:
    """Publish ``pemda``'s configuration as a new template; returns the template's row.

    1. Check the input and that the Pemda is active; lock its row, so that a double click
       or two admins at once publish one template, not two.
    2. Read the configuration in the Pemda's schema (settings that are policy, and every
       rule table); the same configuration as its last publication is refused.
    3. In the same transaction: create the template's row, clone a template schema for its
       structure, empty every table but the configuration (see ``_configuration_only``),
       write the configuration, record the publication (its mentor: ``pemda``) and audit it
       in the Pemda's trail. PostgreSQL DDL is transactional: a failure leaves nothing.
    """
    label, description = publish_input_clean(label=label, description=description)
    if pemda.is_template or pemda.status != PemdaStatus.ACTIVE:
        raise PublishError(_("Only an active Pemda can publish its configuration."))
    with pemda, transaction.atomic():
        Pemda.objects.select_for_update().filter(pk=pemda.pk).first()
        configuration = configuration_read()
        digest = configuration_digest(configuration)
        latest = TemplatePublication.objects.filter(source=pemda).select_related("template").first()
        if latest is not None and latest.digest == digest:
            raise PublishError(
                _(
                    "This configuration is already published, unchanged, as “%(label)s”. "
                    "Change a setting first, or share that template."
                )
                % {"label": latest.template.name}
            )
        number = (
            TemplatePublication.objects.filter(source=pemda).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        name = f"{pemda.schema_name}_{number}"
        schema = template_schema_name(name)
        slug = f"tpl-{pemda.slug}-{number}"
        if schema_exists(schema) or Pemda.objects.filter(slug=slug).exists():
            raise PublishError(
                _("A template named %(name)s already exists; ask platform staff.")
                % {"name": schema}
            )
        base = _base_schema(pemda)
        connection.set_schema_to_public()  # a tenant row is written from public only
        template = Pemda.objects.create(
            schema_name=schema,
            name=label,
            slug=slug,
            is_template=True,
            status=PemdaStatus.ACTIVE,
            description=description,
            template_version=number,
        )
        schema_clone_migrated(source=base, target=schema)
        _configuration_only(schema)
        with template:
            PolicySetting.objects.bulk_create(
                PolicySetting(key=key, value=value)
                for key, value in configuration["settings"].items()
            )
            RuleTable.objects.bulk_create(RuleTable(**row) for row in configuration["rules"])
        TemplatePublication.objects.create(
            template=template, source=pemda, number=number, digest=digest
        )
        connection.set_tenant(pemda)
        audit_record(
            action=TEMPLATE_PUBLISH,
            by=by,
            object_type="onboarding.template",
            object_id=template.pk,
            object_repr=label,
            after={
                "template": schema,
                "settings": len(configuration["settings"]),
                "rule_tables": len(configuration["rules"]),
            },
        )
    return template
