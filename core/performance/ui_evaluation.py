"""Menus and home cards of the performance module: evaluation (core/performance/ui.py)."""
