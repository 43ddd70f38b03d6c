"""Menus and home cards of the activity module: kpi (core/activity/ui.py)."""
