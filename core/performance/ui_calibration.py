"""Menus and home cards of the performance module: calibration (core/performance/ui.py)."""
