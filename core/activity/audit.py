"""The activity module's audited actions (core.audit): KPI and teams, and the daily log's
decisions, attendance and calendar for the services that record them."""

from django.utils.translation import gettext_lazy as _

from core.audit.actions import action_register, field_label_register

# KPI (IKU) and cross-OPD teams (core.activity.kpi)
KPI_CREATE = action_register("activity.kpi.create", _("KPI added"))
KPI_UPDATE = action_register("activity.kpi.update", _("KPI changed"))
KPI_DELETE = action_register("activity.kpi.delete", _("KPI removed"))
KPI_PERIODS_SET = action_register(
    "activity.kpi.periods", _("KPI monthly targets or realisations set")
)
KPI_RHK_LINK = action_register("activity.kpi.rhk_link", _("KPI linked to an RHK"))
KPI_RHK_UNLINK = action_register("activity.kpi.rhk_unlink", _("KPI unlinked from an RHK"))
TEAM_CREATE = action_register("activity.team.create", _("Team added"))
TEAM_UPDATE = action_register("activity.team.update", _("Team changed"))
TEAM_DELETE = action_register("activity.team.delete", _("Team removed"))
TEAM_MEMBER_ADD = action_register("activity.team.member_add", _("Team member added"))
TEAM_MEMBER_REMOVE = action_register("activity.team.member_remove", _("Team member removed"))

# The daily log, attendance and the calendar (for core.activity.services and the imports)
ACTIVITY_APPROVE = action_register("activity.activity.approve", _("Activities approved"))
ACTIVITY_REJECT = action_register("activity.activity.reject", _("Activities rejected"))
ATTENDANCE_SET = action_register("activity.attendance.set", _("Attendance recorded by hand"))
ATTENDANCE_IMPORT = action_register("activity.attendance.import", _("Attendance imported"))
HOLIDAY_CREATE = action_register("activity.holiday.create", _("Holiday added"))
HOLIDAY_DELETE = action_register("activity.holiday.delete", _("Holiday removed"))
INDICES_RECOMPUTE = action_register(
    "activity.indices.recompute", _("Monthly indices recomputed by hand")
)

field_label_register("periods", _("Months"))
field_label_register("members", _("Members"))
field_label_register("member", _("Member"))
field_label_register("owner", _("Owner"))
field_label_register("count", _("Count"))
