"""Menus and home cards of the activity module: attendance (core/activity/ui.py)."""
