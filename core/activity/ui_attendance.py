"""Menus and home cards of the activity module: attendance and the Pemda's calendar, for
the BKPSDMD admin (core/activity/ui.py)."""

from django.utils.translation import gettext_lazy as _

from core.activity.services import may_record_attendance
from core.ui.registry import NavEntry, nav_register

ADMINISTRATION = _("Administration")

nav_register(
    NavEntry(ADMINISTRATION, _("Attendance"), "activity:attendance_day", may_record_attendance, 81),
    NavEntry(ADMINISTRATION, _("Work calendar"), "activity:calendar", may_record_attendance, 82),
)
