"""Writes on a Pemda's policy configuration; every change is in the audit trail."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from core.audit.actions import action_register, field_label_register
from core.audit.services import audit_record
from core.config.models import PolicySetting
from core.config.selectors import settings_cache_clear

SETTING_CHANGE = action_register("config.setting", _("Policy setting changed"))
field_label_register("value", _("value"))


@transaction.atomic
def policy_setting_set(*, key: str, value, by, reason: str = "") -> PolicySetting:
    """Set one policy value (e.g. ``abk.effective_minutes``); an unchanged value writes
    nothing and records nothing."""
    setting = PolicySetting.objects.select_for_update().filter(key=key).first()
    before = setting.value if setting is not None else None
    if setting is not None and before == value:
        return setting
    if setting is None:
        setting = PolicySetting.objects.create(key=key, value=value)
    else:
        setting.value = value
        setting.save(update_fields=["value", "updated_at"])
    # This process's copy goes once the change is committed; the others' expire on their own.
    transaction.on_commit(lambda schema=connection.schema_name: settings_cache_clear(schema))
    audit_record(
        action=SETTING_CHANGE,
        object_type="config.policysetting",
        object_id=key,
        object_repr=key,
        before={"value": before},
        after={"value": value},
        reason=reason,
        by=by,
    )
    return setting
