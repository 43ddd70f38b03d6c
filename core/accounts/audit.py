"""The accounts module's audited actions (core.audit)."""

from django.utils.translation import gettext_lazy as _

from core.audit.actions import action_register, field_label_register

LOGIN_UNLOCK = action_register("accounts.login_unlock", _("Login unlocked"))

field_label_register("login_locked", _("Login locked"))
