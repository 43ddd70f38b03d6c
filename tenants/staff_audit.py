"""The platform staff's actions on a Pemda, as the audit trail names them (recorded in the
public schema: core.audit is a shared app too)."""

from django.utils.translation import gettext_lazy as _

from core.audit.actions import action_register, field_label_register

SUSPEND = action_register("staff.pemda.suspend", _("Pemda suspended"))
REACTIVATE = action_register("staff.pemda.reactivate", _("Pemda reactivated"))
RETRY = action_register("staff.pemda.retry", _("Sign-up retried"))
ARCHIVE_REQUEST = action_register("staff.pemda.archive_request", _("Archive requested"))
ARCHIVE = action_register("staff.pemda.archive", _("Pemda exported and archived"))
ARCHIVE_FAILED = action_register("staff.pemda.archive_failed", _("Archive failed"))
SCHEMA_DROP = action_register("staff.pemda.schema_drop", _("Pemda data deleted"))

ARCHIVE_ACTIONS = (ARCHIVE_REQUEST, ARCHIVE, ARCHIVE_FAILED, SCHEMA_DROP)

field_label_register("archive", _("Archive file"))
field_label_register("schema", _("Schema"))
field_label_register("error", _("Error"))
