"""Menus and home cards of the performance module: skp (core/performance/ui.py)."""
