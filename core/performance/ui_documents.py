"""Menus and home cards of the performance module: documents (core/performance/ui.py)."""
