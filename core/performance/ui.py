"""The performance module's menus and home cards (core.ui), one file per area."""

from core.performance import ui_calibration, ui_documents, ui_evaluation, ui_skp  # noqa: F401
