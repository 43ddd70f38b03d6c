"""Menus and home cards of the activity module: log (core/activity/ui.py)."""
