"""The activity module's menus and home cards (core.ui), one file per area."""

from core.activity import ui_attendance, ui_dashboard, ui_kpi, ui_log  # noqa: F401
