"""Menus and home cards of the activity module: dashboard (core/activity/ui.py)."""
