"""The org module's audited actions (core.audit)."""

from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.audit.actions import action_register, field_label_register

UNIT_CREATE = action_register("org.unit.create", _("Unit added"))
UNIT_UPDATE = action_register("org.unit.update", _("Unit changed"))
POSITION_CREATE = action_register("org.position.create", _("Position added"))
POSITION_UPDATE = action_register("org.position.update", _("Position changed"))
EMPLOYEE_CREATE = action_register("org.employee.create", _("Employee added"))
EMPLOYEE_UPDATE = action_register("org.employee.update", _("Employee changed"))
ATASAN_OVERRIDE = action_register("org.atasan.override", _("Atasan set by hand"))
ROLE_SET = action_register("org.role.set", _("Role set by hand"))
PASSWORD_LINK = action_register("org.password_link", _("Password link sent"))
NORM_CREATE = action_register("org.norm.create", _("Norma waktu task added"))
NORM_DELETE = action_register("org.norm.delete", _("Norma waktu task removed"))

field_label_register("atasan", _("Atasan"))
field_label_register("set_by_hand", _("set by hand"))
field_label_register("role", _("Role"), dict(Role.choices))
